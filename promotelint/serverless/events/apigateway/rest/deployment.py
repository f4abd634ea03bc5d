"""The API's deployment and stage: port of api-gateway/lib/deployment.js and stage.js."""

from __future__ import annotations

import json

from promotelint.model.digest import sha256
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import ensure_cloudwatch_role, log_group
from promotelint.serverless.events.apigateway.rest.state import RestApi, api_gateway_config, rest_api_id

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def deployment_logical_id(ctx: CompileContext, method_ids: list[str]) -> str:
    """`ApiGatewayDeployment<n>`: the framework uses the clock; a hash of the API is stable.

    It changes when the API, a method, resource, authorizer, model or validator changes, which is
    when the framework's new deployment matters (the deployment snapshots them).
    """
    resources = ctx.template.get("Resources", {})
    methods = set(method_ids)
    kinds = ("AWS::ApiGateway::RestApi", "AWS::ApiGateway::Resource",
             "AWS::ApiGateway::Authorizer", "AWS::ApiGateway::Model",
             "AWS::ApiGateway::RequestValidator")
    part = {k: v for k, v in resources.items()
            if k in methods or (isinstance(v, dict) and v.get("Type") in kinds)}
    # (check_circular=False: a fourth faster; the template is a tree, as service.fill_instance_id says)
    text = json.dumps([method_ids, part], sort_keys=True, separators=(",", ":"), default=str, check_circular=False)
    digest = sha256(text.encode()).hexdigest()
    return f"ApiGatewayDeployment{int(digest[:16], 16) % 10**13:013d}"


def compile_deployment(ctx: CompileContext, api: RestApi) -> None:
    api.deployment_logical_id = deployment_logical_id(ctx, api.method_logical_ids)
    api_gateway = api_gateway_config(ctx)
    properties: dict[str, Any] = {
        "RestApiId": rest_api_id(ctx),
        "StageName": api_gateway.get("stage") or ctx.stage,
    }
    if api_gateway.get("description"):
        properties["Description"] = api_gateway["description"]
    where = api.events[0].path
    ctx.add_resource(api.deployment_logical_id, {
        "Type": "AWS::ApiGateway::Deployment",
        "Properties": properties,
        "DependsOn": list(api.method_logical_ids),
    }, where, merge=True)
    ctx.add_output("ServiceEndpoint", {
        "Description": "URL of the service endpoint",
        "Value": {"Fn::Join": ["", [
            "https://", rest_api_id(ctx), ".execute-api.", {"Ref": "AWS::Region"}, ".",
            {"Ref": "AWS::URLSuffix"}, f"/{ctx.stage}",
        ]]},
    }, where, merge=True)


def compile_stage(ctx: CompileContext, api: RestApi) -> None:
    prov = ctx.provider
    logs = prov.get("logs") if isinstance(prov.get("logs"), dict) else {}
    rest_logs = logs.get("restApi")
    tracing = prov.get("tracing") if isinstance(prov.get("tracing"), dict) else {}
    tags = [t for t in (prov.get("stackTags"), prov.get("tags")) if isinstance(t, dict) and t]
    api_gateway = api_gateway_config(ctx)
    applied_later = [name for name, value in (
        ("provider.logs.restApi", rest_logs), ("provider.tracing.apiGateway",
                                               tracing.get("apiGateway")),
        ("provider.apiGateway.metrics", api_gateway.get("metrics"))) if value]
    if applied_later:
        ctx.warnings.append(
            f"{', '.join(applied_later)}: the framework applies these to the REST API stage "
            "through the API Gateway API after the stack update, so they are not part of the "
            "predicted change set")
    if not (rest_logs or tracing.get("apiGateway") or tags):
        return
    if rest_logs and (not isinstance(rest_logs, dict) or rest_logs.get("accessLogging") is None
                      or rest_logs.get("accessLogging")):
        where = ("provider", "logs", "restApi")
        ctx.add_resource(naming.API_GATEWAY_LOG_GROUP_LOGICAL_ID, log_group(
            f"/aws/api-gateway/{ctx.service_name}-{ctx.stage}", prov), where, merge=True)
        ensure_cloudwatch_role(ctx, where)
