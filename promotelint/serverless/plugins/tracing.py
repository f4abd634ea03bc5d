"""serverless-plugin-tracing 2: X-Ray tracing set on every function, from a boolean `tracing`.

A port of its index.js (2.0.0), hooked at `package:compileEvents` as the plugin is: every function
of the service (in config order) whose Lambda resource is found by its FunctionName gets
`TracingConfig: {Mode: Active}` when its `tracing` is true (or "true"), or when the provider's
`tracing` is true (or "true") and the function's is not false (or "false"); `PassThrough`
otherwise. It sets no IAM permission (the core adds the X-Ray statements only for its own
`provider.tracing.lambda` / a function's `tracing`).

The plugin reads the provider's `tracing` as the boolean of its own README, a value the
framework's schema rejects (it wants {lambda, apiGateway}) and then ignores: promotelint drops it
when it normalizes the config, so the constructor (`load`) keeps what the plugin will read.
"""

from __future__ import annotations


from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string
from promotelint.serverless.plugins import Plugin, PluginLoad

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-plugin-tracing"
# Where `load` keeps the provider's `tracing: true` for the hook (the normalized config drops it).
PROVIDER_TRACING = "x-promotelint-serverless-plugin-tracing"


def keep_provider_tracing(load: PluginLoad) -> None:
    provider = load.config.get("provider")
    if isinstance(provider, dict) and _is_true(provider.get("tracing")):
        load.config[PROVIDER_TRACING] = True


def process_tracing(ctx: CompileContext) -> None:
    """processTracing / toggleTracing."""
    by_name: dict[str, dict[str, Any]] = {}
    for resource in ctx.resources.values():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Lambda::Function" \
                and isinstance(resource.get("Properties"), dict):
            by_name[js_string(resource["Properties"].get("FunctionName"))] = resource
    provider_enabled = ctx.config.get(PROVIDER_TRACING) is True
    for name, fn in ctx.functions.items():
        function_name = fn.get("name") or f"{ctx.service_name}-{ctx.stage}-{name}"
        resource = by_name.get(js_string(function_name))
        if resource is None:
            continue  # 'Tracing NOT SET for function ... as couldn't find it in Cloud Formation template'
        tracing = fn.get("tracing")
        enabled = _is_true(tracing) or (provider_enabled and tracing is not False and tracing != "false")
        resource["Properties"]["TracingConfig"] = {"Mode": "Active" if enabled else "PassThrough"}


def _is_true(value: Any) -> bool:
    """`value === true || value === 'true'`."""
    return value is True or value == "true"


PLUGIN = Plugin(NAME, ">=2.0.0 <3", hooks=(("package:compileEvents", process_tracing),), load=keep_provider_tracing)
