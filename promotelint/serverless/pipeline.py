"""The ordered compile pipeline: the framework's `package` lifecycle as an explicit tuple of steps.

The framework runs its plugins' hooks per lifecycle event in plugin load order
(lib/plugins/index.js); EVENT_COMPILERS keeps that order so resources land in the template in the
same order as in `serverless package` output.
"""

from __future__ import annotations

import importlib

from promotelint.model.errors import InputError
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.alb import compile_alb
from promotelint.serverless.events.alexa import compile_alexa_skill, compile_alexa_smart_home
from promotelint.serverless.events.base import Step, compiles, has_events
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


def _with_events(kind: str, module: str, name: str) -> Step:
    """A compiler imported and run only for a service with `kind` events. The API compilers do
    nothing without their events (the framework returns early too), and importing them is a fifth
    of a cold start. (So `kind` is stated here as well as in the module, which is not imported.)"""
    @compiles(kind)
    def step(ctx: CompileContext) -> None:
        if has_events(ctx, kind):
            getattr(importlib.import_module(module), name)(ctx)
    step.__name__ = name
    return step


compile_api_gateway = _with_events("http", "promotelint.serverless.events.apigateway.rest", "compile_api_gateway")
compile_websockets = _with_events("websocket", "promotelint.serverless.events.apigateway.websockets",
                                  "compile_websockets")
compile_http_api = _with_events("httpApi", "promotelint.serverless.events.apigateway.httpapi", "compile_http_api")

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


FINALIZE: tuple[Step, ...] = (
    add_export_name_for_outputs,
    merge_custom_provider_resources,
    strip_null_props_from_template_resources,
    merge_cognito_with_custom_resources,  # the framework's after:package:finalize hook
)


def steps() -> tuple[Step, ...]:
    return (
        normalize_service,
        _warn_unmodelled,
        generate_core_template,
        merge_iam_templates,
        compile_layers,
        prepare_cloudfront_functions,  # the framework's before:package:compileFunctions hook
        compile_functions,
        *EVENT_COMPILERS,
        *FINALIZE,
    )


def compile_config(ctx: CompileContext) -> None:
    """Fill ctx.template from ctx.config (ctx.config is replaced by its normalised copy)."""
    for step in steps():
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
