"""REST API (`http` events): port of the framework's package/compile/events/api-gateway (v3.40.0).

The steps run in the framework's order over one RestApi state object (rest.state), as the
framework's plugin does over `this`.
"""

from __future__ import annotations

from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.rest import (
    authorizers, deployment, methods, permissions, request_validators, resources, usage_plans, validate,
)
from promotelint.serverless.events.apigateway.rest.state import KIND
from promotelint.serverless.events.apigateway.schema import check_api_config
from promotelint.serverless.events.base import compiles

_STEPS = (
    resources.compile_rest_api,
    resources.compile_resources,
    methods.compile_cors,
    methods.compile_methods,
    request_validators.compile_request_validators,
    authorizers.compile_authorizers,
    deployment.compile_deployment,
    usage_plans.compile_api_keys,
    usage_plans.compile_usage_plan,
    usage_plans.compile_usage_plan_keys,
    permissions.compile_permissions,
    deployment.compile_stage,
)


@compiles(KIND)
def compile_api_gateway(ctx: CompileContext) -> None:
    check_api_config(ctx, KIND)
    api = validate.validate(ctx)
    if not api.events:
        return
    for step in _STEPS:
        step(ctx, api)
    # The resource tree's nodes point at their parents and their children at them: cut those links
    # once the API is compiled, so the tree is freed with the compile (cli/__init__.py runs without
    # the cycle collector).
    for node in api.resources.values():
        node["children"] = []
