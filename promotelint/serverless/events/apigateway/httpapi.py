"""HTTP API (`httpApi` events): port of the framework's package/compile/events/http-api.js.

Steps in the framework's order: resolve the configuration (routes, CORS, authorizers, logs), then
api, log group, stage, authorizers, and per route: permission, integration (once per function)
and the route itself.
"""

from __future__ import annotations

import re

from promotelint.model.record import field, record
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import (
    execute_api_arn, lambda_invocation_uri, lambda_target, log_group, target_alias,
)
from promotelint.serverless.events.apigateway.schema import check_api_config
from promotelint.serverless.events.base import compiles, events_of, non_empty
from promotelint.serverless.js import js_json, js_string
from promotelint.serverless.values import template_literal

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "httpApi"
ALLOWED_METHODS = ("ANY", "GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE")
_METHOD_PATH = re.compile(rf"^(?:\*|({'|'.join(ALLOWED_METHODS)}) (/\S*))$", re.IGNORECASE)
DEFAULT_CORS_ORIGINS = ["*"]
DEFAULT_CORS_HEADERS = [
    "Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token",
    "X-Amz-User-Agent", "X-Amzn-Trace-Id",
]
DEFAULT_ACCESS_LOG_FORMAT = js_json({
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "requestTime": "$context.requestTime",
    "httpMethod": "$context.httpMethod",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
})


# naming.js getHttpApiName: it reads the provider settings

def get_http_api_name(ctx: CompileContext) -> str:
    config = _user_config(ctx)
    if config.get("name"):
        return template_literal(config["name"])
    if config.get("shouldStartNameWithService"):
        return f"{ctx.service_name}-{ctx.stage}"
    return f"{ctx.stage}-{ctx.service_name}"


def _to_list(item: Any) -> list:
    """`Array.from(toSet(item))`: unique items of an array, or the one item."""
    out: list = []
    for value in item if isinstance(item, list) else [item]:
        if value not in out:
            out.append(value)
    return out


@record(frozen=False)
class _Route:
    function_name: str
    path: tuple
    authorizer: dict[str, Any] | None = None
    scopes: list | None = None


@record(frozen=False)
class _Config:
    routes: dict[str, _Route] = field(default_factory=dict)
    id: Any = None
    metrics: Any = False
    disable_default_endpoint: Any = None
    cors: dict[str, Any] | None = None
    authorizers: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_log_format: Any = None


def _user_config(ctx: CompileContext) -> dict[str, Any]:
    value = ctx.provider.get("httpApi")
    return value if isinstance(value, dict) else {}


@compiles(KIND)
def compile_http_api(ctx: CompileContext) -> None:
    check_api_config(ctx, KIND)
    config = _resolve(ctx)
    if not config.routes:
        return
    _compile_api(ctx, config)
    _compile_log_group(ctx, config)
    _compile_stage(ctx, config)
    _compile_authorizers(ctx, config)
    _compile_endpoints(ctx, config)


def _api_id(config: _Config) -> Any:
    return config.id or {"Ref": naming.HTTP_API_LOGICAL_ID}


def _resolve(ctx: CompileContext) -> _Config:
    user = _user_config(ctx)
    where = ("provider", "httpApi")
    config = _Config(id=user.get("id"), metrics=user.get("metrics") or False,
                     disable_default_endpoint=user.get("disableDefaultEndpoint"))
    fill_cors_methods = False
    user_cors = user.get("cors")
    if user_cors:
        if user.get("id"):
            raise ctx.error(where + ("cors",), "Cannot setup CORS rules for externally configured HTTP API")
        cors: dict[str, Any] = {}
        if user_cors is True:
            cors = {"allowedOrigins": list(DEFAULT_CORS_ORIGINS),
                    "allowedHeaders": list(DEFAULT_CORS_HEADERS)}
            fill_cors_methods = True
        elif isinstance(user_cors, dict):
            cors["allowedOrigins"] = (_to_list(user_cors["allowedOrigins"])
                                      if user_cors.get("allowedOrigins")
                                      else list(DEFAULT_CORS_ORIGINS))
            cors["allowedHeaders"] = (_to_list(user_cors["allowedHeaders"])
                                      if user_cors.get("allowedHeaders")
                                      else list(DEFAULT_CORS_HEADERS))
            if user_cors.get("allowedMethods"):
                cors["allowedMethods"] = _to_list(user_cors["allowedMethods"])
            else:
                fill_cors_methods = True
            if user_cors.get("allowCredentials"):
                cors["allowCredentials"] = True
            if user_cors.get("exposedResponseHeaders"):
                cors["exposedResponseHeaders"] = _to_list(user_cors["exposedResponseHeaders"])
            if user_cors.get("maxAge") is not None:
                cors["maxAge"] = user_cors["maxAge"]
        if fill_cors_methods:
            cors["allowedMethods"] = ["OPTIONS"]
        config.cors = cors

    user_authorizers = user.get("authorizers")
    if user_authorizers:
        if user.get("id"):
            raise ctx.error(where + ("authorizers",),
                            "Cannot setup authorizers for externally configured HTTP API")
        for name, auth in (user_authorizers.items() if isinstance(user_authorizers, dict)
                           else []):
            config.authorizers[name] = _authorizer(ctx, name, auth if isinstance(auth, dict)
                                                   else {}, where + ("authorizers", name))

    logs = ctx.provider.get("logs")
    user_logs = logs.get("httpApi") if isinstance(logs, dict) else None
    if user_logs:
        if user.get("id"):
            raise ctx.error(("provider", "logs", "httpApi"),
                            "Cannot setup access logs for externally configured HTTP API")
        config.access_log_format = ((user_logs.get("format") if isinstance(user_logs, dict)
                                     else None) or DEFAULT_ACCESS_LOG_FORMAT)

    for event in events_of(ctx, KIND, counts=non_empty):
        function_name = event.function_name
        path_ = event.path + (KIND,)
        route_key, method = _route_key(ctx, event.value, function_name, path_, config)
        route = _Route(function_name, path_)
        authorizer = (event.value.get("authorizer")
                      if isinstance(event.value, dict) else None)
        if authorizer:
            _route_authorizer(ctx, route, authorizer, user, config, path_ + ("authorizer",))
        config.routes[route_key] = route
        if fill_cors_methods:
            methods = config.cors["allowedMethods"]
            for allowed in ([m for m in ALLOWED_METHODS if m != "ANY"]
                            if method == "ANY" else [method]):
                if allowed not in methods:
                    methods.append(allowed)
    return config


def _authorizer(ctx: CompileContext, name: str, auth: dict[str, Any],
                where: tuple) -> dict[str, Any]:
    function = None
    if auth.get("type") == "request":
        if not auth.get("functionArn") and not auth.get("functionName"):
            raise ctx.error(where, f'Either "functionArn" or "functionName" property needs to be set on '
                            f'authorizer "{name}"')
        if auth.get("functionArn") and auth.get("functionName"):
            raise ctx.error(where, f'Either "functionArn" or "functionName" (not both) property needs '
                            f'to be set on authorizer "{name}"')
        if auth.get("functionName"):
            function = ctx.functions.get(auth["functionName"]) \
                if isinstance(auth["functionName"], str) else None
            if auth["functionName"] not in ctx.functions:
                raise ctx.error(where, f'Function "{js_string(auth["functionName"])}" for HTTP API '
                                f'authorizer "{name}" not found in service.')
            function = function if isinstance(function, dict) else {}
        if auth.get("resultTtlInSeconds") and not auth.get("identitySource"):
            raise ctx.error(where, f'Property "identitySource" has to be set on authorizer "{name}" '
                            'when "resultTtlInSeconds" is set to non-zero value.')
    return {
        "name": auth.get("name") or name,
        "identitySource": auth.get("identitySource") or [],
        "issuerUrl": auth.get("issuerUrl"),
        "audience": _to_list(auth.get("audience")),
        "type": auth.get("type"),
        "functionName": auth.get("functionName"),
        "functionArn": auth.get("functionArn"),
        "managedExternally": auth.get("managedExternally"),
        "resultTtlInSeconds": auth.get("resultTtlInSeconds"),
        "enableSimpleResponses": auth.get("enableSimpleResponses"),
        "payloadVersion": auth.get("payloadVersion") or "2.0",
        "functionObject": function,
    }


def _route_key(ctx: CompileContext, event: Any, function_name: str, where: tuple,
               config: _Config) -> tuple[str, str]:
    """The route key (`GET /path` or `*`) and the resolved method."""
    if isinstance(event, dict):
        method, path = event.get("method"), event.get("path")
    else:
        text = js_string(event)
        if text == "*":
            method, path = None, "*"
        else:
            match = _METHOD_PATH.match(text)
            if not match:
                raise ctx.error(where, f'Invalid httpApi event "{text}" in function {function_name}',
                                "write it as `METHOD /path` or `*`")
            method, path = match.group(1), match.group(2)
    path = js_string(path)
    if path == "*":
        if method and method != "*":
            raise ctx.error(where, f'Invalid "path" property in function {function_name} for httpApi '
                            'event in serverless.yml')
        return "*", "ANY"
    if not method:
        raise ctx.error(where, f'Missing "method" property in function {function_name} for httpApi '
                        'event in serverless.yml')
    method = js_string(method).upper()
    if method == "*":
        method = "ANY"
    elif method not in ALLOWED_METHODS:
        raise ctx.error(where, f'Invalid "method" property in function {function_name} for httpApi '
                        'event in serverless.yml')
    route_key = f"{method} {path}"
    if route_key in config.routes:
        raise ctx.error(where, f"Duplicate route '{route_key}' configuration in function "
                        f"{function_name} for httpApi event in serverless.yml")
    return route_key, method


def _route_authorizer(ctx: CompileContext, route: _Route, authorizer: Any, user: dict[str, Any],
                      config: _Config, where: tuple) -> None:
    spec = authorizer if isinstance(authorizer, dict) else {"name": authorizer}
    name, scopes, id_, type_ = (spec.get("name"), spec.get("scopes"), spec.get("id"),
                                spec.get("type"))
    if type_ != "aws_iam" and not id_ and not name:
        raise ctx.error(where, f'When configuring an authorizer with type: "{type_ or "jwt"}", '
                        'property "id" or "name" has to be specified.')
    if type_ == "aws_iam" and (name or id_ or scopes):
        raise ctx.error(where, 'When configuring authorizer with type: "aws_iam", all other properties '
                        'are not supported.')
    if id_:
        if not user.get("id"):
            raise ctx.error(where, f"Event references external authorizer '{js_string(id_)}', but httpApi "
                            "is part of the current stack.")
        route.authorizer = {"id": id_, "type": type_}
    elif type_ == "aws_iam":
        route.authorizer = dict(spec)
    elif not isinstance(name, str) or name not in config.authorizers:
        raise ctx.error(where, f"Event references not configured authorizer '{js_string(name)}'",
                        "define it under provider.httpApi.authorizers")
    else:
        route.authorizer = config.authorizers[name]
    if scopes:
        route.scopes = _to_list(scopes)


def _compile_api(ctx: CompileContext, config: _Config) -> None:
    if config.id:
        return
    prov = ctx.provider
    properties: dict[str, Any] = {"Name": get_http_api_name(ctx), "ProtocolType": "HTTP"}
    if config.disable_default_endpoint is not None:
        properties["DisableExecuteApiEndpoint"] = config.disable_default_endpoint
    if prov.get("tags"):
        properties["Tags"] = dict(prov["tags"])
    if config.cors:
        cors = config.cors
        cors_properties = {
            "AllowCredentials": cors.get("allowCredentials"),
            "AllowHeaders": cors["allowedHeaders"],
            "AllowMethods": cors["allowedMethods"],
            "AllowOrigins": cors["allowedOrigins"],
            "ExposeHeaders": cors.get("exposedResponseHeaders"),
            "MaxAge": cors.get("maxAge"),
        }
        properties["CorsConfiguration"] = {k: v for k, v in cors_properties.items()
                                           if v is not None}
    where = ("provider", "httpApi") if _user_config(ctx) else next(
        iter(config.routes.values())).path
    ctx.add_resource(naming.HTTP_API_LOGICAL_ID, {"Type": "AWS::ApiGatewayV2::Api",
                                            "Properties": properties}, where)


def _compile_log_group(ctx: CompileContext, config: _Config) -> None:
    if not config.access_log_format:
        return
    stack_name = naming.get_stack_name(ctx.service_name, ctx.stage, ctx.provider)
    ctx.add_resource(naming.HTTP_API_LOG_GROUP_LOGICAL_ID, log_group(f"/aws/http-api/{stack_name}",
                                                      ctx.provider), ("provider", "logs", "httpApi"))


def _compile_stage(ctx: CompileContext, config: _Config) -> None:
    if config.id:
        return
    prov = ctx.provider
    properties: dict[str, Any] = {
        "ApiId": {"Ref": naming.HTTP_API_LOGICAL_ID},
        "StageName": "$default",
        "AutoDeploy": True,
        "DefaultRouteSettings": {"DetailedMetricsEnabled": config.metrics},
    }
    if prov.get("tags"):
        properties["Tags"] = dict(prov["tags"])
    resource: dict[str, Any] = {"Type": "AWS::ApiGatewayV2::Stage", "Properties": properties}
    if config.access_log_format:
        properties["AccessLogSettings"] = {
            "DestinationArn": {"Fn::GetAtt": [naming.HTTP_API_LOG_GROUP_LOGICAL_ID, "Arn"]},
            "Format": config.access_log_format,
        }
        resource["DependsOn"] = naming.HTTP_API_LOG_GROUP_LOGICAL_ID
    where = ("provider", "httpApi") if _user_config(ctx) else next(
        iter(config.routes.values())).path
    ctx.add_resource(naming.HTTP_API_STAGE_LOGICAL_ID, resource, where)
    ctx.add_output("HttpApiId", {"Description": "Id of the HTTP API",
                                  "Value": {"Ref": naming.HTTP_API_LOGICAL_ID}}, where, merge=True)
    ctx.add_output("HttpApiUrl", {
        "Description": "URL of the HTTP API",
        "Value": {"Fn::Join": ["", [
            "https://", {"Ref": naming.HTTP_API_LOGICAL_ID}, ".execute-api.", {"Ref": "AWS::Region"},
            ".", {"Ref": "AWS::URLSuffix"},
        ]]},
    }, where, merge=True)


def _compile_authorizers(ctx: CompileContext, config: _Config) -> None:
    for key, authorizer in config.authorizers.items():
        where = ("provider", "httpApi", "authorizers", key)
        identity_source = authorizer["identitySource"]
        properties: dict[str, Any] = {
            "ApiId": _api_id(config),
            "Name": authorizer["name"],
            "IdentitySource": identity_source if isinstance(identity_source, list)
            else [identity_source],
        }
        resource: dict[str, Any] = {"Type": "AWS::ApiGatewayV2::Authorizer",
                                    "Properties": properties}
        if authorizer["type"] == "request":
            properties["AuthorizerType"] = "REQUEST"
            for prop, value in (("EnableSimpleResponses", authorizer["enableSimpleResponses"]),
                                ("AuthorizerResultTtlInSeconds",
                                 authorizer["resultTtlInSeconds"]),
                                ("AuthorizerPayloadFormatVersion", authorizer["payloadVersion"])):
                if value is not None:
                    properties[prop] = value
            properties["AuthorizerUri"] = lambda_invocation_uri(
                authorizer["functionArn"] or lambda_target(authorizer["functionName"],
                                                           authorizer["functionObject"]))
            alias = (target_alias(authorizer["functionName"], authorizer["functionObject"])
                     if authorizer["functionObject"] is not None else None)
            if alias:
                resource["DependsOn"] = alias[1]
            if not authorizer["managedExternally"]:
                _authorizer_permission(ctx, config, authorizer, where)
        else:
            properties["AuthorizerType"] = "JWT"
            properties["JwtConfiguration"] = {"Audience": authorizer["audience"],
                                              "Issuer": authorizer["issuerUrl"]}
        ctx.add_resource(naming.get_http_api_authorizer_logical_id(js_string(authorizer["name"])), resource, where)


def _authorizer_permission(ctx: CompileContext, config: _Config, authorizer: dict[str, Any],
                           where: tuple) -> None:
    function = authorizer["functionObject"]
    resource: dict[str, Any] = {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "FunctionName": authorizer["functionArn"] or lambda_target(
                authorizer["functionName"], function),
            "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": execute_api_arn(_api_id(config), "/*"),
        },
    }
    alias = target_alias(authorizer["functionName"], function) if function is not None else None
    if alias:
        resource["DependsOn"] = alias[1]
    ctx.add_resource(naming.get_lambda_authorizer_http_api_permission_logical_id(
        js_string(authorizer["name"])), resource, where)


def _compile_endpoints(ctx: CompileContext, config: _Config) -> None:
    done: set[str] = set()  # the framework memoizes permission and integration per function
    user = _user_config(ctx)
    for route_key, route in config.routes.items():
        function = ctx.functions.get(route.function_name)
        function = function if isinstance(function, dict) else {}
        alias = target_alias(route.function_name, function)
        integration_id = naming.get_http_api_integration_logical_id(route.function_name)
        if route.function_name not in done:
            done.add(route.function_name)
            target = lambda_target(route.function_name, function)
            permission: dict[str, Any] = {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": target,
                    "Action": "lambda:InvokeFunction",
                    "Principal": "apigateway.amazonaws.com",
                    "SourceArn": execute_api_arn(_api_id(config), "/*"),
                },
            }
            if alias:
                permission["DependsOn"] = alias[1]
            ctx.add_resource(naming.get_lambda_http_api_permission_logical_id(
                route.function_name), permission, route.path)
            function_http_api = function.get("httpApi") if isinstance(
                function.get("httpApi"), dict) else {}
            integration: dict[str, Any] = {"Type": "AWS::ApiGatewayV2::Integration"}
            if alias:
                integration["DependsOn"] = alias[1]
            integration["Properties"] = {
                "ApiId": _api_id(config),
                "IntegrationType": "AWS_PROXY",
                "IntegrationUri": lambda_target(route.function_name, function),
                "PayloadFormatVersion": (function_http_api.get("payload") or user.get("payload")
                                         or "2.0"),
                "TimeoutInMillis": 30000,
            }
            ctx.add_resource(integration_id, integration, route.path)
        properties: dict[str, Any] = {
            "ApiId": _api_id(config),
            "RouteKey": "$default" if route_key == "*" else route_key,
            "Target": {"Fn::Join": ["/", ["integrations", {"Ref": integration_id}]]},
        }
        authorizer = route.authorizer
        if authorizer:
            type_ = authorizer.get("type")
            properties["AuthorizationType"] = ("CUSTOM" if type_ == "request" else
                                               "AWS_IAM" if type_ == "aws_iam" else "JWT")
            if type_ != "aws_iam":
                properties["AuthorizerId"] = authorizer.get("id") or {
                    "Ref": naming.get_http_api_authorizer_logical_id(js_string(authorizer.get("name")))}
                if route.scopes:
                    properties["AuthorizationScopes"] = route.scopes
        ctx.add_resource(naming.get_http_api_route_logical_id(route_key), {
            "Type": "AWS::ApiGatewayV2::Route", "Properties": properties,
            "DependsOn": integration_id,
        }, route.path)
