"""The ordered compile pipeline: the framework's `package` lifecycle as explicit tuples of steps.

`serverless package` runs the lifecycle events of LIFECYCLE in order (lib/cli/commands-schema/
service.js; `package:finalize` spawns the `aws:package:finalize` events). At each event the
framework's plugin manager (lib/classes/plugin-manager.js) runs every loaded plugin's `before:`
hooks, then the event's hooks, then the `after:` hooks, each in plugin load order: the core
plugins first, then the service's `plugins:` in the order listed. CORE_HOOKS are the core's hooks
(EVENT_COMPILERS in the core's plugin order, so resources land in the template in the same order
as in `serverless package` output); a modelled plugin adds its own (serverless/plugins/).
"""

from __future__ import annotations

import importlib

from promotelint.model.errors import InputError
from promotelint.serverless.context import CompileContext
from promotelint.serverless.engines import active_plugins
from promotelint.serverless.events.alb import compile_alb
from promotelint.serverless.events.alexa import compile_alexa_skill, compile_alexa_smart_home
from promotelint.serverless.events.base import Step, compiles, has_events
from promotelint.serverless.plugins import Plugin, service_plugins
from promotelint.serverless.events.brokers import (
    compile_activemq, compile_kafka, compile_msk, compile_rabbitmq,
)
from promotelint.serverless.events.cloudfront import compile_cloudfront, prepare_cloudfront_functions
from promotelint.serverless.events.cloudwatch import compile_cloudwatch_event, compile_cloudwatch_log
from promotelint.serverless.events.cognito import (
    compile_cognito_user_pool, merge_cognito_with_custom_resources,
)
from promotelint.serverless.events.eventbridge import compile_event_bridge
from promotelint.serverless.events.iot import compile_iot, compile_iot_fleet_provisioning
from promotelint.serverless.events.s3 import compile_s3
from promotelint.serverless.events.schedule import compile_schedule
from promotelint.serverless.events.sns import compile_sns
from promotelint.serverless.events.sqs import compile_sqs
from promotelint.serverless.events.stream import compile_stream
from promotelint.serverless.functions import compile_functions
from promotelint.serverless.iam import merge_iam_templates
from promotelint.serverless.layers import compile_layers
from promotelint.serverless.normalize import normalize_service
from promotelint.serverless.stack import (
    add_export_name_for_outputs, generate_core_template, merge_custom_provider_resources,
    strip_null_props_from_template_resources,
)
from promotelint.serverless.unmodelled import warn_unmodelled

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _with_events(kind: str, module: str, name: str,
                 external: Callable[[dict], Any] = lambda provider: None) -> Step:
    """A compiler imported and run only for a service with `kind` events, or whose provider imports
    an existing API of that kind (`external(provider)`). The API compilers do nothing without
    their events (the framework returns early too), and importing them is a fifth of a cold start;
    but the framework first checks what the provider sets against an API it does not create
    (access logs, CORS or authorizers of an external HTTP API; a REST API's root resource, tracing
    and logs), and refuses the service without any event. (So `kind` is stated here as well as in
    the module, which is not imported.)"""
    @compiles(kind)
    def step(ctx: CompileContext) -> None:
        if has_events(ctx, kind) or external(ctx.provider):
            getattr(importlib.import_module(module), name)(ctx)
    step.__name__ = name
    return step


def _setting(provider: dict, section: str, key: str) -> Any:
    value = provider.get(section)
    return value.get(key) if isinstance(value, dict) else None


compile_api_gateway = _with_events("http", "promotelint.serverless.events.apigateway.rest", "compile_api_gateway",
                                   lambda provider: _setting(provider, "apiGateway", "restApiId"))
compile_websockets = _with_events("websocket", "promotelint.serverless.events.apigateway.websockets",
                                  "compile_websockets")
compile_http_api = _with_events("httpApi", "promotelint.serverless.events.apigateway.httpapi", "compile_http_api",
                                lambda provider: _setting(provider, "httpApi", "id"))

EVENT_COMPILERS: tuple[Step, ...] = (
    compile_schedule,
    compile_s3,
    compile_api_gateway,
    compile_websockets,
    compile_sns,
    compile_stream,
    compile_kafka,
    compile_activemq,
    compile_rabbitmq,
    compile_msk,
    compile_alb,
    compile_alexa_skill,
    compile_alexa_smart_home,
    compile_iot,
    compile_iot_fleet_provisioning,
    compile_cloudwatch_event,
    compile_cloudwatch_log,
    compile_cognito_user_pool,
    compile_event_bridge,
    compile_sqs,
    compile_cloudfront,
    compile_http_api,
)

# The event keys EVENT_COMPILERS handle; any other event type gets a warning.
MODELLED_EVENTS = frozenset(step.kind for step in EVENT_COMPILERS)  # type: ignore[attr-defined]


def _warn_unmodelled(ctx: CompileContext) -> None:
    warn_unmodelled(ctx, MODELLED_EVENTS)


# The lifecycle events of `serverless package`, in order; `package:finalize` runs the
# `aws:package:finalize` events (the core's package:finalize hook spawns them).
FINALIZE_EVENTS = ("aws:package:finalize:addExportNameForOutputs",
                   "aws:package:finalize:mergeCustomProviderResources",
                   "aws:package:finalize:stripNullPropsFromTemplateResources",
                   "aws:package:finalize:saveServiceState")
LIFECYCLE = ("package:cleanup", "package:initialize", "package:setupProviderConfiguration",
             "package:createDeploymentArtifacts", "package:compileLayers", "package:compileFunctions",
             "package:compileEvents", "package:finalize")
HOOKS = frozenset(f"{when}{event}" for event in LIFECYCLE + FINALIZE_EVENTS for when in ("before:", "", "after:"))

# The core plugins' hooks (lib/plugins/aws/package/index.js and the compilers'), by hook.
CORE_HOOKS: tuple[tuple[str, tuple[Step, ...]], ...] = (
    ("package:initialize", (generate_core_template,)),
    ("package:setupProviderConfiguration", (merge_iam_templates,)),
    ("package:compileLayers", (compile_layers,)),
    ("before:package:compileFunctions", (prepare_cloudfront_functions,)),
    ("package:compileFunctions", (compile_functions,)),
    ("package:compileEvents", EVENT_COMPILERS),
    ("aws:package:finalize:addExportNameForOutputs", (add_export_name_for_outputs,)),
    ("aws:package:finalize:mergeCustomProviderResources", (merge_custom_provider_resources,)),
    ("aws:package:finalize:stripNullPropsFromTemplateResources", (strip_null_props_from_template_resources,)),
    ("after:package:finalize", (merge_cognito_with_custom_resources,)),
)


def steps(plugins: tuple[Plugin, ...] = ()) -> tuple[Step, ...]:
    """Every step in the order the framework runs them, the plugins' hooks among the core's."""
    hooks: dict[str, list[Step]] = {}
    for hook, core in CORE_HOOKS:
        hooks.setdefault(hook, []).extend(core)
    for plugin in plugins:
        for hook, step in plugin.hooks:
            if hook not in HOOKS:
                raise ValueError(f"plugin {plugin.name}: {hook} is not a hook of `serverless package`")
            hooks.setdefault(hook, []).append(step)

    return (normalize_service, _warn_unmodelled, *(s for name in LIFECYCLE for s in _event(hooks, name)))


def _event(hooks: dict[str, list[Step]], name: str) -> list[Step]:
    """The steps of lifecycle event `name`: its before:, own and after: hooks."""
    before, on, after = (hooks.get(f"{when}{name}", []) for when in ("before:", "", "after:"))
    if name == "package:finalize":  # the core's own hook, first, spawns the aws:package:finalize events
        on = [s for nested in FINALIZE_EVENTS for s in _event(hooks, nested)] + on
    return before + on + after


def compile_config(ctx: CompileContext) -> None:
    """Fill ctx.template from ctx.config (ctx.config is replaced by its normalised copy)."""
    # service_plugins reads a config's `plugins:`: give it those the engine runs (v4 adds its bundled ones)
    for step in steps(service_plugins({"plugins": active_plugins(ctx.config, ctx.engine)})):
        try:
            step(ctx)
        except InputError:
            raise
        except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
            # The steps are tested on configs the framework accepts; a value of another shape
            # (which the framework's own schema rejects) ends here, reported as bad input.
            name = getattr(step, "__name__", "compile").lstrip("_").replace("_", " ")
            raise InputError(f"cannot compile the service ({name}): a setting has a shape the framework "
                             f"does not accept ({type(exc).__name__}: {exc})", file=ctx.source,
                             fix="check the settings that step reads against the framework's documentation"
                             ) from None
