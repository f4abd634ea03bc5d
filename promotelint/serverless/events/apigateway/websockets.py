"""WebSocket API (`websocket` events): port of the framework's package/compile/events/websockets.

Steps in the framework's order: api, integrations, route responses, authorizers, permissions,
routes, stage, deployment. The deployment ID hashes the compiled websocket resources exactly as
the framework does (sha256 of their JSON), so it matches the framework's ID.
"""

from __future__ import annotations

import base64

from promotelint.model.digest import sha256
from promotelint.model.opaque import is_opaque
from promotelint.model.record import record
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import (
    ensure_cloudwatch_role, get_function, lambda_invocation_uri, lambda_target, log_group, stand_in_name,
    target_alias,
)
from promotelint.serverless.events.apigateway.schema import check_api_config
from promotelint.serverless.events.base import compiles, events_of, non_empty
from promotelint.serverless.js import js_json, js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "websocket"
DEFAULT_IDENTITY_SOURCE = ["route.request.header.Auth"]
DEFAULT_LOG_FORMAT = " ".join([
    "$context.identity.sourceIp", "$context.identity.caller", "$context.identity.user",
    "[$context.requestTime]", '"$context.eventType $context.routeKey $context.connectionId"',
    "$context.requestId",
])


def get_websockets_api_name(ctx: CompileContext) -> str:
    name = ctx.provider.get("websocketsApiName")
    if name and (isinstance(name, str) or is_opaque(name)):
        return name
    return f"{ctx.stage}-{ctx.service_name}-websockets"


@record(frozen=False)
class _Event:
    function_name: str
    route: str
    path: tuple
    route_response_selection_expression: Any = None
    authorizer: dict[str, Any] | None = None


def _api_id(ctx: CompileContext) -> Any:
    api_gateway = ctx.provider.get("apiGateway")
    if isinstance(api_gateway, dict) and api_gateway.get("websocketApiId"):
        return api_gateway["websocketApiId"]
    return {"Ref": naming.WEBSOCKETS_API_LOGICAL_ID}


def _description(ctx: CompileContext) -> Any:
    return ctx.provider.get("websocketsDescription") or "Serverless Websockets"


@compiles(KIND)
def compile_websockets(ctx: CompileContext) -> None:
    check_api_config(ctx, KIND)
    events = _validate(ctx)
    if not events:
        return
    _compile_api(ctx, events)
    _compile_integrations(ctx, events)
    _compile_route_responses(ctx, events)
    _compile_authorizers(ctx, events)
    _compile_permissions(ctx, events)
    _compile_routes(ctx, events)
    _compile_stage(ctx, events)
    _compile_deployment(ctx, events)


def _validate(ctx: CompileContext) -> list[_Event]:
    events: list[_Event] = []
    for event in events_of(ctx, KIND, counts=non_empty):
        function_name = event.function_name
        config = event.value
        path = event.path + (KIND,)
        if isinstance(config, str):
            events.append(_Event(function_name, config, path))
            continue
        if not isinstance(config, dict):
            continue
        if not isinstance(config.get("route"), str):
            raise ctx.error(path, f"websocket event of function {function_name} needs a `route`",
                            "set `route:`, for example `route: $connect`")
        item = _Event(function_name, config["route"], path)
        if config.get("routeResponseSelectionExpression"):
            item.route_response_selection_expression = config[
                "routeResponseSelectionExpression"]
        authorizer = config.get("authorizer")
        if isinstance(authorizer, str) or is_opaque(authorizer):
            item.authorizer = _string_authorizer(ctx, authorizer, path + ("authorizer",))
        elif isinstance(authorizer, dict):
            item.authorizer = _object_authorizer(ctx, authorizer, path + ("authorizer",))
        events.append(item)
    return events


def _string_authorizer(ctx: CompileContext, authorizer: Any, where: tuple) -> dict[str, Any]:
    if is_opaque(authorizer) or ":" in authorizer:
        name = (stand_in_name(ctx, authorizer, where) if is_opaque(authorizer)
                else authorizer.split(":")[-1])
        return {"name": name, "uri": lambda_invocation_uri(authorizer),
                "identitySource": list(DEFAULT_IDENTITY_SOURCE), "permission": authorizer}
    function = get_function(ctx, authorizer, where)
    return {"name": authorizer,
            "uri": lambda_invocation_uri(lambda_target(authorizer, function)),
            "identitySource": list(DEFAULT_IDENTITY_SOURCE),
            "permission": naming.get_lambda_logical_id(authorizer)}


def _object_authorizer(ctx: CompileContext, authorizer: dict[str, Any],
                       where: tuple) -> dict[str, Any]:
    out: dict[str, Any] = {}
    arn = authorizer.get("arn")
    if arn:
        if is_opaque(arn) and not authorizer.get("name"):
            out["name"] = stand_in_name(ctx, arn, where)
        elif isinstance(arn, (dict, list)):
            if not authorizer.get("name"):
                raise ctx.error(where, 'Websocket Authorizer: Non-string "arn" needs to be accompanied '
                                'with "name"')
            out["name"] = authorizer["name"]
        else:
            out["name"] = js_string(arn).split(":")[-1]
        out["uri"] = lambda_invocation_uri(arn)
        out["permission"] = arn
    elif authorizer.get("name"):
        name = authorizer["name"]
        function = get_function(ctx, name, where)
        out["name"] = name
        out["uri"] = lambda_invocation_uri(lambda_target(name, function))
        out["permission"] = naming.get_lambda_logical_id(name)
    out["identitySource"] = authorizer.get("identitySource") or list(DEFAULT_IDENTITY_SOURCE)
    if "name" not in out:
        raise ctx.error(where, "Websocket Authorizer needs a `name` or an `arn`")
    return out


def _compile_api(ctx: CompileContext, events: list[_Event]) -> None:
    prov = ctx.provider
    api_gateway = prov.get("apiGateway") if isinstance(prov.get("apiGateway"), dict) else {}
    if api_gateway.get("websocketApiId"):
        return
    websocket = prov.get("websocket") if isinstance(prov.get("websocket"), dict) else {}
    properties: dict[str, Any] = {
        "Name": get_websockets_api_name(ctx),
        "RouteSelectionExpression": (prov.get("websocketsApiRouteSelectionExpression")
                                     or "$request.body.action"),
        "Description": _description(ctx),
        "ProtocolType": "WEBSOCKET",
    }
    if prov.get("tags") and websocket.get("useProviderTags"):
        properties["Tags"] = dict(prov["tags"])
    ctx.add_resource(naming.WEBSOCKETS_API_LOGICAL_ID, {"Type": "AWS::ApiGatewayV2::Api",
                                       "Properties": properties}, events[0].path, merge=True)
    role = ctx.template.get("Resources", {}).get(naming.ROLE_LOGICAL_ID)
    if isinstance(role, dict):
        # lets the functions post to connections
        statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        statements.append({
            "Effect": "Allow",
            "Action": ["execute-api:ManageConnections"],
            "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:execute-api:*:*:*/@connections/*"}],
        })


def _compile_integrations(ctx: CompileContext, events: list[_Event]) -> None:
    for event in events:
        function = get_function(ctx, event.function_name, event.path)
        resource: dict[str, Any] = {"Type": "AWS::ApiGatewayV2::Integration"}
        alias = target_alias(event.function_name, function)
        if alias:
            resource["DependsOn"] = alias[1]
        resource["Properties"] = {
            "ApiId": _api_id(ctx),
            "IntegrationType": "AWS_PROXY",
            "IntegrationUri": lambda_invocation_uri(lambda_target(event.function_name, function)),
        }
        ctx.add_resource(naming.get_websockets_integration_logical_id(event.function_name), resource, event.path,
                         merge=True)


def _compile_route_responses(ctx: CompileContext, events: list[_Event]) -> None:
    for event in events:
        if not event.route_response_selection_expression:
            continue
        ctx.add_resource(naming.get_websockets_route_response_logical_id(event.route), {
            "Type": "AWS::ApiGatewayV2::RouteResponse",
            "Properties": {"ApiId": _api_id(ctx),
                           "RouteId": {"Ref": naming.get_websockets_route_logical_id(event.route)},
                           "RouteResponseKey": "$default"},
        }, event.path)


def _compile_authorizers(ctx: CompileContext, events: list[_Event]) -> None:
    for event in events:
        if not event.authorizer:
            continue
        name = event.authorizer["name"]
        resource: dict[str, Any] = {"Type": "AWS::ApiGatewayV2::Authorizer"}
        function = ctx.functions.get(name) if isinstance(name, str) else None
        if isinstance(function, dict):
            alias = target_alias(name, function)
            if alias:
                resource["DependsOn"] = alias[1]
        resource["Properties"] = {
            "ApiId": _api_id(ctx),
            "Name": name,
            "AuthorizerType": "REQUEST",
            "AuthorizerUri": event.authorizer["uri"],
            "IdentitySource": event.authorizer["identitySource"],
        }
        ctx.add_resource(naming.get_websockets_authorizer_logical_id(js_string(name)), resource,
                         event.path + ("authorizer",), merge=True)


def _compile_permissions(ctx: CompileContext, events: list[_Event]) -> None:
    api_ref = _api_id(ctx).get("Ref") if isinstance(_api_id(ctx), dict) else None
    for event in events:
        function = get_function(ctx, event.function_name, event.path)
        alias = target_alias(event.function_name, function)
        depends_on = [d for d in (api_ref, alias[1] if alias else
                                  naming.get_lambda_logical_id(event.function_name)) if d]
        ctx.add_resource(naming.get_lambda_websockets_permission_logical_id(event.function_name), {
            "Type": "AWS::Lambda::Permission",
            "DependsOn": depends_on,
            "Properties": {
                "FunctionName": lambda_target(event.function_name, function),
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
            },
        }, event.path, merge=True)
        if not event.authorizer:
            continue
        authorizer = event.authorizer
        permission = authorizer["permission"]
        resource: dict[str, Any] = {
            "Type": "AWS::Lambda::Permission",
            "DependsOn": [api_ref] if api_ref else [],
            "Properties": {"Action": "lambda:InvokeFunction",
                           "Principal": "apigateway.amazonaws.com"},
        }
        if isinstance(permission, (dict, list)) or ":" in js_string(permission):
            resource["Properties"]["FunctionName"] = permission
        else:
            name = authorizer["name"]
            auth_function = get_function(ctx, name, event.path + ("authorizer",))
            resource["Properties"]["FunctionName"] = lambda_target(name, auth_function)
            resource["DependsOn"].append(permission)
            auth_alias = target_alias(name, auth_function)
            if auth_alias:
                resource["DependsOn"].append(auth_alias[1])
        ctx.add_resource(naming.get_lambda_websockets_permission_logical_id(js_string(authorizer["name"])),
                         resource, event.path + ("authorizer",), merge=True)


def _compile_routes(ctx: CompileContext, events: list[_Event]) -> None:
    for event in events:
        properties: dict[str, Any] = {
            "ApiId": _api_id(ctx),
            "RouteKey": event.route,
            "AuthorizationType": "NONE",
            "Target": {"Fn::Join": ["/", [
                "integrations", {"Ref": naming.get_websockets_integration_logical_id(event.function_name)}]]},
        }
        if event.route_response_selection_expression:
            properties["RouteResponseSelectionExpression"] = \
                event.route_response_selection_expression
        if event.authorizer:
            properties["AuthorizationType"] = "CUSTOM"
            properties["AuthorizerId"] = {
                "Ref": naming.get_websockets_authorizer_logical_id(js_string(event.authorizer["name"]))}
        ctx.add_resource(naming.get_websockets_route_logical_id(event.route),
                         {"Type": "AWS::ApiGatewayV2::Route", "Properties": properties}, event.path, merge=True)


def _compile_stage(ctx: CompileContext, events: list[_Event]) -> None:
    prov = ctx.provider
    api_gateway = prov.get("apiGateway") if isinstance(prov.get("apiGateway"), dict) else {}
    if api_gateway.get("websocketApiId"):
        return
    logs = prov.get("logs").get("websocket") if isinstance(prov.get("logs"), dict) else None
    properties: dict[str, Any] = {"ApiId": _api_id(ctx), "StageName": ctx.stage,
                                  "Description": _description(ctx)}
    ctx.add_resource(naming.WEBSOCKETS_STAGE_LOGICAL_ID, {"Type": "AWS::ApiGatewayV2::Stage",
                                         "Properties": properties}, events[0].path)
    if not logs:
        return
    logs = logs if isinstance(logs, dict) else {}
    where = ("provider", "logs", "websocket")
    access_logging = True if logs.get("accessLogging") is None else logs["accessLogging"]
    execution_logging = True if logs.get("executionLogging") is None else logs["executionLogging"]
    full_data = True if logs.get("fullExecutionData") is None else logs["fullExecutionData"]
    level = "INFO"
    if not execution_logging:
        level = "OFF"
    elif logs.get("level"):
        level = logs["level"]
        if level not in ("INFO", "ERROR"):
            raise ctx.error(where + ("level",), "provider.logs.websocket.level is set to an invalid value. Support "
                            f"values are INFO, ERROR, got {js_string(level)}.")
    properties["DefaultRouteSettings"] = {"DataTraceEnabled": full_data, "LoggingLevel": level}
    if access_logging:
        properties["AccessLogSettings"] = {
            "DestinationArn": {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:"
                                          "${AWS::AccountId}:log-group:${" + naming.WEBSOCKETS_LOG_GROUP_LOGICAL_ID
                                          + "}"},
            "Format": logs.get("format") or DEFAULT_LOG_FORMAT,
        }
    ctx.add_resource(naming.WEBSOCKETS_LOG_GROUP_LOGICAL_ID, log_group(
        f"/aws/websocket/{ctx.service_name}-{ctx.stage}", prov), where)
    ensure_cloudwatch_role(ctx, where)


def _template_part(ctx: CompileContext) -> dict[str, Any]:
    """pick-websockets-template-part.js: the resources that make up the websocket API."""
    part = {}
    for logical_id, resource in ctx.template.get("Resources", {}).items():
        if logical_id == naming.WEBSOCKETS_API_LOGICAL_ID:
            part[logical_id] = resource
            continue
        if not isinstance(resource, dict):
            continue
        api_id = (resource.get("Properties") or {}).get("ApiId")
        depends_on = resource.get("DependsOn")
        if (isinstance(api_id, dict) and api_id.get("Ref") == naming.WEBSOCKETS_API_LOGICAL_ID) or (
                isinstance(depends_on, list) and naming.WEBSOCKETS_API_LOGICAL_ID in depends_on):
            part[logical_id] = resource
    return part


def _compile_deployment(ctx: CompileContext, events: list[_Event]) -> None:
    depends_on: list[str] = []
    for event in events:
        if event.route_response_selection_expression:
            depends_on.append(naming.get_websockets_route_response_logical_id(event.route))
        depends_on.append(naming.get_websockets_route_logical_id(event.route))
    digest = sha256(js_json(_template_part(ctx)).encode()).digest()
    logical_id = naming.get_websockets_deployment_logical_id(base64.b64encode(digest).decode())
    properties: dict[str, Any] = {"ApiId": _api_id(ctx), "Description": _description(ctx)}
    prov = ctx.provider
    api_gateway = prov.get("apiGateway") if isinstance(prov.get("apiGateway"), dict) else {}
    if api_gateway.get("websocketApiId"):
        properties["StageName"] = ctx.stage
    ctx.add_resource(logical_id, {"Type": "AWS::ApiGatewayV2::Deployment",
                                   "DependsOn": depends_on, "Properties": properties}, events[0].path, merge=True)
    ctx.add_output("ServiceEndpointWebsocket", {
        "Description": "URL of the service endpoint",
        "Value": {"Fn::Join": ["", [
            "wss://", _api_id(ctx), ".execute-api.", {"Ref": "AWS::Region"}, ".",
            {"Ref": "AWS::URLSuffix"}, f"/{ctx.stage}",
        ]]},
    }, events[0].path, merge=True)
    stage = ctx.template.get("Resources", {}).get(naming.WEBSOCKETS_STAGE_LOGICAL_ID)
    if isinstance(stage, dict) and isinstance(stage.get("Properties"), dict):
        stage["Properties"]["DeploymentId"] = {"Ref": logical_id}
