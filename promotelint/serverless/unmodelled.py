"""What the compiler does not model, so a prediction is never silently incomplete.

A plugin the offline compiler does not model either leaves the template alone (TEMPLATE_NEUTRAL),
acts outside CloudFormation (OUTSIDE_CLOUDFORMATION), or makes resources nobody predicts. For the
last two, the config sections the plugin reads become UnseenParts of the template (a fingerprint
of each section's resolved value): the prediction compares them between the sides, and the rule
`unpredictable-change` blocks a promotion that changes one. A plugin nobody knows reads the whole
config, as far as anyone can tell. Unmodelled event types are warnings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from promotelint.model.digest import sha256
from promotelint.model.template import WHOLE_CONFIG, Origin, UnseenPart
from promotelint.serverless.context import CompileContext
from promotelint.serverless.engines import active_plugins
from promotelint.serverless.js import js_truthy
from promotelint.serverless.plugins import MODELLED, listed_plugins

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

# Plugins that leave the template alone: they run things locally, bundle code (a bundler changes
# the Lambda `Code`, never a resource's identity or data), or act on content after a deploy. Each
# checked against its hooks: none touches compiledCloudFormationTemplate or adds resources.
TEMPLATE_NEUTRAL_PLUGINS = frozenset({
    "serverless-offline", "serverless-dynamodb-local", "serverless-s3-local",  # local emulators
    "serverless-webpack", "serverless-esbuild", "serverless-bundle",  # package:createDeploymentArtifacts
    "serverless-plugin-typescript", "serverless-plugin-include-dependencies",  # the same: the zip only
    "serverless-wsgi",  # packs a WSGI handler into the zip
    "serverless-prune-plugin",  # after:deploy: deletes old Lambda versions
    "serverless-s3-sync",  # after:deploy: uploads files to buckets
    "serverless-stack-output",  # after:deploy: writes the stack's outputs to a file
})

# A plugin's section: a dotted path into the config (`*` is any key) and, optionally, a test of the
# section's value that says whether the plugin makes anything from it.
Section = tuple[str, Callable[["Any"], bool] | None]


def _sections(*patterns: str) -> tuple[Section, ...]:
    return tuple((p, None) for p in patterns)


# The sections each plugin reads to make resources, from its source (`plugins:` names the package).
PLUGIN_SECTIONS: dict[str, tuple[Section, ...]] = {
    # dist/src/plugin.js: configurationInput.constructs, .providers and .lift
    "serverless-lift": _sections("constructs.*", "providers.*", "lift"),
    # lib/: serverless.service.stepFunctions.stateMachines and .activities
    "serverless-step-functions": _sections("stepFunctions.stateMachines.*", "stepFunctions.activities"),
    # v1 reads custom.appSync, v2 the top-level appSync (its schema files are not fingerprinted)
    "serverless-appsync-plugin": _sections("custom.appSync", "appSync"),
    # src/index.js: getConfig() is custom.alerts; each function's `alarms`
    "serverless-plugin-aws-alerts": _sections("custom.alerts", "functions.*.alarms"),
    # src/config.js: the warmers of custom.warmup and each function's `warmup`
    "serverless-plugin-warmup": _sections("custom.warmup", "functions.*.warmup"),
    # lib/index.js: each function's statements, role name, inheritance and boundary
    "serverless-iam-roles-per-function": _sections(
        "functions.*.iamRoleStatements", "functions.*.iamRoleStatementsName",
        "functions.*.iamRoleStatementsInherit", "functions.*.iamPermissionsBoundary",
        "custom.serverless-iam-roles-per-function"),
    # index.js: a Lambda layer of the requirements only with `layer:` set; otherwise the zip only
    "serverless-python-requirements": (
        ("custom.pythonRequirements", lambda v: isinstance(v, dict) and js_truthy(v.get("layer"))),),
    # moves resources into nested stacks by where every resource is: the whole template's placement
    "serverless-plugin-split-stacks": _sections(WHOLE_CONFIG),
}

# Plugins that act outside CloudFormation: what they do is never in a change set.
OUTSIDE_CLOUDFORMATION: dict[str, tuple[Section, ...]] = {
    # src/index.ts: before/after deploy:deploy, it creates API Gateway domains, base path mappings
    # and Route 53 records with its own AWS calls
    "serverless-domain-manager": _sections("custom.customDomain", "custom.customDomains"),
    # src/external-stack.js: with `externalStack` the alarms go to a stack of their own, deployed
    # by the plugin after the service's deploy (without it they are compiled: plugins/aws_alerts.py)
    "serverless-plugin-aws-alerts": (
        ("custom.alerts", lambda v: isinstance(v, dict) and js_truthy(v.get("externalStack"))),),
}


def plugin_warning(plugin: str, built_into: str | None = None) -> str:
    what = f"{built_into} built-in plugin" if built_into else "plugin"
    return f"{what} {plugin}: its resources and template changes are not in the prediction"


def fingerprint(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return sha256(text.encode()).hexdigest()[:16]


def _found(config: Any, pattern: str) -> Iterable[tuple[tuple[str, ...], Any]]:
    nodes: list[tuple[tuple[str, ...], Any]] = [((), config)]
    for part in pattern.split("."):
        nodes = [(path + (key,), node[key]) for path, node in nodes if isinstance(node, dict)
                 for key in (node if part == "*" else [part] if part in node else [])]
    return ((path, value) for path, value in nodes if value is not None)


def unseen_parts(config: dict, origin: Callable[[tuple], Origin], modelled: frozenset[str] = MODELLED,
                 plugins: Iterable[str] | None = None) -> tuple[UnseenPart, ...]:
    """The parts of the service its plugins (default: those it lists) make and nobody models, per
    config section."""
    parts = []
    for plugin in listed_plugins(config) if plugins is None else plugins:
        if plugin in TEMPLATE_NEUTRAL_PLUGINS or plugin in modelled:
            continue
        outside = plugin in OUTSIDE_CLOUDFORMATION
        sections = OUTSIDE_CLOUDFORMATION.get(plugin) or PLUGIN_SECTIONS.get(plugin) or _sections(WHOLE_CONFIG)
        for pattern, makes in sections:
            if pattern == WHOLE_CONFIG:
                parts.append(UnseenPart(plugin, WHOLE_CONFIG, fingerprint(config), origin(("plugins",)), outside))
                continue
            for path, value in _found(config, pattern):
                if makes is None or makes(value):
                    parts.append(UnseenPart(plugin, ".".join(path), fingerprint(value), origin(path), outside))
    return tuple(parts)


def warn_unmodelled(ctx: CompileContext, modelled_events: frozenset[str]) -> None:
    for pattern in ctx.engine.unmodelled:
        for path, value in _found(ctx.config, pattern):
            if value is not False:
                ctx.warn(f"{'.'.join(path)}: {ctx.engine.label} compiles this setting and promotelint does not "
                         "model it: what it changes is not in the prediction")
    # The plugins the service lists, and the engine's built-in ones its config turns on (v4).
    plugins = active_plugins(ctx.config, ctx.engine)
    ctx.unseen.extend(unseen_parts(ctx.config, ctx.origin, plugins=plugins))
    seen, listed = {p.plugin for p in ctx.unseen}, listed_plugins(ctx.config)
    for plugin in plugins:
        # A plugin with no section set makes nothing we know of; still, it is not modelled.
        if plugin not in TEMPLATE_NEUTRAL_PLUGINS and plugin not in MODELLED and plugin not in seen:
            ctx.warn(plugin_warning(plugin, None if plugin in listed else ctx.engine.label))
    for name, fn in ctx.functions.items():
        for event in fn.get("events") or []:
            kinds = list(event) if isinstance(event, dict) else [str(event)]
            for kind in kinds:
                if kind not in modelled_events:
                    ctx.warn(f'function "{name}": "{kind}" events are not modelled: '
                              "their resources are not in the prediction")
