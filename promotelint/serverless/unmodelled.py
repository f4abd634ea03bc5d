"""Warnings for what the compiler does not model, so a prediction is never silently incomplete."""

from __future__ import annotations

from promotelint.serverless.context import CompileContext
from promotelint.serverless.plugins import MODELLED, listed_plugins

# Plugins that only run things locally or act after deploying: they leave the template alone.
# (Bundlers such as serverless-webpack can change artifact names, so they still get a warning.)
TEMPLATE_NEUTRAL_PLUGINS = frozenset({
    "serverless-offline", "serverless-prune-plugin", "serverless-dynamodb-local", "serverless-s3-local",
})


def warn_unmodelled(ctx: CompileContext, modelled_events: frozenset[str]) -> None:
    for plugin in listed_plugins(ctx.config):
        if plugin in TEMPLATE_NEUTRAL_PLUGINS or plugin in MODELLED:
            continue
        ctx.warn(f"plugin {plugin}: its resources and template changes are not in the prediction")
    for name, fn in ctx.functions.items():
        for event in fn.get("events") or []:
            kinds = list(event) if isinstance(event, dict) else [str(event)]
            for kind in kinds:
                if kind not in modelled_events:
                    ctx.warn(f'function "{name}": "{kind}" events are not modelled: '
                              "their resources are not in the prediction")
