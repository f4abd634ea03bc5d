"""Warnings for what the compiler does not model, so a prediction is never silently incomplete."""

from __future__ import annotations

from promotelint.serverless.context import CompileContext
from promotelint.serverless.engines import active_plugins
from promotelint.serverless.plugins import MODELLED, listed_plugins

# Plugins that only run things locally or act after deploying: they leave the template alone.
# (Bundlers such as serverless-webpack can change artifact names, so they still get a warning.)
TEMPLATE_NEUTRAL_PLUGINS = frozenset({
    "serverless-offline", "serverless-prune-plugin", "serverless-dynamodb-local", "serverless-s3-local",
})


def _present(config: dict, pattern: str) -> list[str]:
    """The dotted paths of the config matching `pattern` (`*`: any key) whose value is set."""
    found = [((), config)]
    for key in pattern.split("."):
        found = [(path + (k,), v[k]) for path, v in found if isinstance(v, dict)
                 for k in (v if key == "*" else [key] if key in v else [])]
    return [".".join(path) for path, value in found if value is not None and value is not False]


def warn_unmodelled(ctx: CompileContext, modelled_events: frozenset[str]) -> None:
    for pattern in ctx.engine.unmodelled:
        for path in _present(ctx.config, pattern):
            ctx.warn(f"{path}: {ctx.engine.label} compiles this setting and promotelint does not model it: "
                     "what it changes is not in the prediction")
    listed = listed_plugins(ctx.config)
    for plugin in active_plugins(ctx.config, ctx.engine):
        if plugin in TEMPLATE_NEUTRAL_PLUGINS or plugin in MODELLED:
            continue
        what = "plugin" if plugin in listed else f"{ctx.engine.label} built-in plugin"
        ctx.warn(f"{what} {plugin}: its resources and template changes are not in the prediction")
    for name, fn in ctx.functions.items():
        for event in fn.get("events") or []:
            kinds = list(event) if isinstance(event, dict) else [str(event)]
            for kind in kinds:
                if kind not in modelled_events:
                    ctx.warn(f'function "{name}": "{kind}" events are not modelled: '
                              "their resources are not in the prediction")
