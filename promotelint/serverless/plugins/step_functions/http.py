"""The state machines' `http` events: a REST API method that starts an execution. Port of the
plugin's deploy/events/apiGateway/ pipeline (lib/index.js `apiGatewayPipeline`).

The plugin keeps its own copy of the framework's API Gateway compiler, grown apart from it (its
methods integrate with Step Functions, its CORS, authorizers, API keys and usage plans are older
versions), and compiles into the same API as the functions' `http` events: the same RestApi, path
resources, authorizers, request validator and deployment. Where both do the same, this uses the
core compiler's code (serverless/events/apigateway/rest): the resource tree, the authorizer
resources, request models and validator, the deployment's logical ID."""

from __future__ import annotations

import copy
import re

from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import get_function, stand_in_name
from promotelint.serverless.events.apigateway.rest.authorizers import compile_authorizers
from promotelint.serverless.events.apigateway.rest.deployment import deployment_logical_id
from promotelint.serverless.events.apigateway.rest.request_validators import request_validator, schema_model
from promotelint.serverless.events.apigateway.rest.resources import (
    api_name, compile_resources, resource_id_of, resource_name_of,
)
from promotelint.serverless.events.apigateway.rest.state import (
    COGNITO_IDP_ARN, HttpEvent, RestApi, api_gateway_config, rest_api_id,
)
from promotelint.serverless.events.apigateway.rest.validate import parse_int
from promotelint.serverless.events.apigateway.schema import check_api_config
from promotelint.serverless.js import js_keys, js_number, js_string, js_truthy, uniq
from promotelint.serverless.plugins.step_functions.common import (
    PluginError, machine_path, state_machine_logical_id, state_machines,
)
from promotelint.serverless.plugins.step_functions.http_templates import DEFAULT_TEMPLATE, LAMBDA_PROXY_TEMPLATES
from promotelint.serverless.values import drop_none

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_METHODS = ("get", "post", "put", "patch", "options", "head", "delete", "any")
_INTEGRATIONS = ("LAMBDA_PROXY", "LAMBDA", "AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")
_CORS_HEADERS = ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token",
                 "X-Amz-User-Agent"]
_ROLE_ID = "ApigatewayToStepFunctionsRole"
_ARN = re.compile(r"^arn:[^:\n]*:[^:\n]*:[^:\n]*:[^:\n]*:(?P<name>[^:/]*)[:/]?.*$")


def _union(*lists: Any) -> list:
    return uniq(v for values in lists if isinstance(values, list) for v in values)


# validate.js

def validate_http(ctx: CompileContext) -> RestApi:
    events: list[HttpEvent] = []
    preflight: dict[str, dict[str, Any]] = {}
    cors_paths: dict[str, tuple] = {}
    for key, machine in state_machines(ctx):
        machine_events = machine.get("events") if isinstance(machine, dict) else None
        for index, event in enumerate(machine_events if isinstance(machine_events, list) else []):
            if not isinstance(event, dict) or "http" not in event:
                continue
            path = machine_path(key) + ("events", index, "http")
            http = _get_http(event["http"], key, path)
            if not isinstance(http.get("path"), str):
                raise PluginError(f'Missing or invalid "path" property in stateMachine "{key}" for http event in '
                                  "serverless.yml.", path)
            http["path"] = re.sub(r"/$", "", re.sub(r"^/", "", http["path"]))
            method = http.get("method")
            if not isinstance(method, str):
                raise PluginError(f'Missing or invalid "method" property in stateMachine "{key}" for http event in '
                                  "serverless.yml.", path)
            if method.lower() not in _METHODS:
                raise PluginError(f'Invalid APIG method "{method}" in stateMachine "{key}". AWS supported methods '
                                  f"are: {', '.join(_METHODS)}.", path)
            http["method"] = method.lower()
            if js_truthy(http.get("authorizer")):
                http["authorizer"] = _get_authorizer(ctx, http, key, path + ("authorizer",))
            if not js_truthy(http.get("timeoutInMillis")) and api_gateway_config(ctx).get("timeoutInMillis"):
                http["timeoutInMillis"] = api_gateway_config(ctx)["timeoutInMillis"]
            if js_truthy(http.get("cors")):
                http["cors"] = _get_cors(http, path + ("cors",))
                cors = preflight.get(http["path"]) or {}
                cors["headers"] = _union(http["cors"].get("headers"), cors.get("headers"))
                cors["methods"] = _union(http["cors"].get("methods"), cors.get("methods"))
                cors["origins"] = _union(http["cors"].get("origins"), cors.get("origins"))
                cors["origin"] = http["cors"].get("origin") or "*"
                cors["allowCredentials"] = cors.get("allowCredentials") or http["cors"].get("allowCredentials")
                if "maxAge" in http["cors"]:
                    cors["maxAge"] = http["cors"]["maxAge"]
                preflight[http["path"]] = cors
                cors_paths.setdefault(http["path"], path)
            events.append(HttpEvent(key, http, path))
    return RestApi(events, preflight, cors_paths)


def _get_http(http: Any, key: str, path: tuple) -> dict[str, Any]:
    if isinstance(http, dict) and not is_opaque(http):
        return http
    if isinstance(http, str):
        parts = http.split(" ")
        return {"method": parts[0], "path": parts[1] if len(parts) > 1 else None}
    raise PluginError(f'Invalid http event in stateMachine "{key}" in serverless.yml. If you define an http event, '
                      "make sure you pass a valid value for it, either as string syntax, or object syntax.", path)


def _integration(http: dict[str, Any], key: str, path: tuple) -> str:
    if not http.get("integration"):
        return "AWS_PROXY"
    normalized = js_string(http["integration"]).upper().replace("-", "_", 1)
    if normalized not in _INTEGRATIONS:
        raise PluginError(f'Invalid APIG integration "{js_string(http["integration"])}" in function "{key}".', path)
    return {"LAMBDA": "AWS", "LAMBDA_PROXY": "AWS_PROXY"}.get(normalized, normalized)


def _lambda_arn(ctx: CompileContext, name: Any, path: tuple) -> dict[str, Any]:
    get_function(ctx, name, path)
    return {"Fn::GetAtt": [naming.get_lambda_logical_id(name), "Arn"]}


def _authorizer_name(ctx: CompileContext, arn: Any, path: tuple) -> str:
    if is_opaque(arn):
        return stand_in_name(ctx, arn, path)
    if not isinstance(arn, str):
        raise PluginError("an authorizer arn that is not a string needs a name (serverless-step-functions fails "
                          "deriving it from the arn)", path)
    return naming.extract_authorizer_name_from_arn(arn)


def _get_authorizer(ctx: CompileContext, http: dict[str, Any], key: str, path: tuple) -> dict[str, Any]:
    authorizer = http["authorizer"]
    out: dict[str, Any] = {k: None for k in ("type", "name", "arn", "authorizerId", "resultTtlInSeconds",
                                             "identitySource", "identityValidationExpression", "claims", "scopes")}
    if isinstance(authorizer, str):
        if authorizer.upper() == "AWS_IAM":
            out["type"] = "AWS_IAM"
        elif ":" not in authorizer:
            out["name"], out["arn"] = authorizer, _lambda_arn(ctx, authorizer, path)
        else:
            out["arn"], out["name"] = authorizer, _authorizer_name(ctx, authorizer, path)
    elif is_opaque(authorizer):
        out["arn"], out["name"] = authorizer, _authorizer_name(ctx, authorizer, path)
    elif isinstance(authorizer, dict):
        kind = authorizer.get("type")
        if js_truthy(kind) and js_truthy(authorizer.get("authorizerId")):
            out["type"], out["authorizerId"] = kind, authorizer["authorizerId"]
        elif js_truthy(kind) and js_string(kind).upper() == "AWS_IAM":
            out["type"] = "AWS_IAM"
        elif js_truthy(authorizer.get("arn")):
            out["arn"] = authorizer["arn"]
            out["name"] = (authorizer["name"] if isinstance(authorizer.get("name"), str)
                           else _authorizer_name(ctx, authorizer["arn"], path))
        elif js_truthy(authorizer.get("name")):
            out["name"], out["arn"] = authorizer["name"], _lambda_arn(ctx, authorizer["name"], path)
        else:
            raise PluginError("Please provide either an authorizer name or ARN", path)
        if not js_truthy(out["type"]):
            out["type"] = kind
        if isinstance(authorizer.get("scopes"), list):
            out["scopes"] = authorizer["scopes"]
        ttl = parse_int(authorizer.get("resultTtlInSeconds"))
        out["resultTtlInSeconds"] = 300 if ttl is None else ttl
        out["claims"] = authorizer.get("claims") or []
        out["identitySource"] = authorizer.get("identitySource")
        out["identityValidationExpression"] = authorizer.get("identityValidationExpression")
    else:
        raise PluginError(f"authorizer property in function {key} is not an object nor a string. The correct "
                          "format is: authorizer: functionName OR an object containing a name property.", path)
    if out["identitySource"] is None:
        out["identitySource"] = "method.request.header.Authorization"
    if (_integration(http, key, path) == "AWS_PROXY" and isinstance(out["arn"], str)
            and COGNITO_IDP_ARN.match(out["arn"]) and isinstance(authorizer, dict) and authorizer.get("claims")):
        raise PluginError("Cognito claims can only be filtered when using the lambda integration type", path)
    return out


def _get_cors(http: dict[str, Any], path: tuple) -> dict[str, Any]:
    method = http["method"].upper()
    if not isinstance(http["cors"], dict):
        return {"origins": ["*"], "origin": "*", "methods": ["OPTIONS", method], "headers": list(_CORS_HEADERS),
                "allowCredentials": False}
    cors = http["cors"]
    cors["methods"] = cors.get("methods") or []
    cors["allowCredentials"] = js_truthy(cors.get("allowCredentials"))
    if js_truthy(cors.get("origins")) and js_truthy(cors.get("origin")):
        raise PluginError('You can only use "origin" or "origins", but not both at the same time to configure CORS.',
                          path)
    if js_truthy(cors.get("headers")):
        if not isinstance(cors["headers"], list):
            raise PluginError("CORS header values must be provided as an array. Please check the docs for more info.",
                              path)
    else:
        cors["headers"] = list(_CORS_HEADERS)
    if not isinstance(cors["methods"], list):
        raise PluginError("CORS methods must be a list (serverless-step-functions fails adding OPTIONS to them)", path)
    for needed in ("OPTIONS", method):
        if needed not in cors["methods"]:
            cors["methods"].append(needed)
    return cors


# restApi.js, methods.js, cors.js

def compile_rest_api(ctx: CompileContext, api: RestApi) -> None:
    provider = ctx.provider
    if api_gateway_config(ctx).get("restApiId"):
        return
    where = api.events[0].path
    endpoint_type: Any = "EDGE"
    vpc_endpoint_ids = None
    if provider.get("endpointType"):
        endpoint_type = provider["endpointType"]
        if not isinstance(endpoint_type, str):
            raise PluginError("endpointType must be a string", ("provider", "endpointType"))
        if provider.get("vpcEndpointIds"):
            vpc_endpoint_ids = provider["vpcEndpointIds"]
            if endpoint_type != "PRIVATE":
                raise PluginError("VPC endpoint IDs are only available for private APIs", ("provider", "vpcEndpointIds"))
        if endpoint_type.upper() not in ("REGIONAL", "EDGE", "PRIVATE"):
            raise PluginError(f'endpointType must be one of "REGIONAL" or "EDGE" or "PRIVATE". You provided '
                              f"{endpoint_type}.", ("provider", "endpointType"))
        endpoint_type = endpoint_type.upper()
    configuration: dict[str, Any] = {"Types": [endpoint_type]}
    if vpc_endpoint_ids:
        configuration["VpcEndpointIds"] = vpc_endpoint_ids
    properties: dict[str, Any] = {"Name": api_name(ctx), "EndpointConfiguration": configuration}
    policy = api_gateway_config(ctx).get("resourcePolicy") or provider.get("resourcePolicy")
    if policy:
        properties["Policy"] = {"Version": "2012-10-17", "Statement": policy}
    ctx.add_resource(naming.REST_API_LOGICAL_ID, {"Type": "AWS::ApiGateway::RestApi", "Properties": properties},
                     where, merge=True)


def _request_templates(ctx: CompileContext, key: str, machine: dict[str, Any], http: dict[str, Any]) -> dict:
    machine_id = state_machine_logical_id(ctx, key, machine)

    def sub(template: str, **more: Any) -> dict[str, Any]:
        return {"Fn::Sub": [template, {"StateMachineArn": {"Ref": machine_id}, **more}]}

    default = {content: sub(DEFAULT_TEMPLATE) for content in ("application/json", "application/x-www-form-urlencoded")}
    request = http.get("request")
    if isinstance(request, dict) and "template" in request:
        template = request["template"]
        if template == "lambda_proxy":
            return {content: sub(text, AccountId={"Ref": "AWS::AccountId"})
                    for content, text in LAMBDA_PROXY_TEMPLATES.items()}
        # Object.assign: a mapping's entries, a string's characters by index
        return {**default, **(template if isinstance(template, dict) else
                              {str(i): c for i, c in enumerate(template)} if isinstance(template, str) else {})}
    if "action" in http:
        return {}
    return default


def _origin_header(cors: Any) -> str:
    origin = cors.get("origin")
    if isinstance(cors.get("origins"), list) and cors["origins"]:
        origin = ",".join(js_string(o) for o in cors["origins"])
    return f"'{js_string(origin)}'"


def _integration_properties(http: dict[str, Any], templates: dict[str, Any]) -> dict[str, Any]:
    action = http.get("action")
    integration: dict[str, Any] = {
        "IntegrationHttpMethod": "POST", "Type": "AWS",
        "Credentials": http["iamRole"] if "iamRole" in http else {"Fn::GetAtt": [_ROLE_ID, "Arn"]},
        "Uri": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
                                  f":states:action/{js_string(action)}" if js_truthy(action)
                                  else ":states:action/StartExecution"]]},
        "PassthroughBehavior": "WHEN_NO_TEMPLATES" if js_truthy(action) else "NEVER",
        "RequestTemplates": templates,
    }
    if js_truthy(http.get("timeoutInMillis")):
        integration["TimeoutInMillis"] = http["timeoutInMillis"]
    if "responses" in http:
        responses = http["responses"] if http["responses"] is not None else {}
    else:
        response = http.get("response") if isinstance(http.get("response"), dict) else {}
        headers = response.get("headers") if isinstance(response.get("headers"), dict) else {}
        responses = {
            "200": {"statusCode": 200, "selectionPattern": "",
                    "responseParameters": {f"method.response.header.{k}": v for k, v in headers.items()},
                    "responseTemplates": response.get("template") if "template" in response else {}},
            "400": {"statusCode": 400, "selectionPattern": "400", "responseParameters": {}, "responseTemplates": {}},
        }
    items = ([(k, responses[k]) for k in js_keys(responses)] if isinstance(responses, dict)
             else enumerate(responses) if isinstance(responses, list) else [])
    integration_responses = []
    for status, value in items:
        value = value if isinstance(value, dict) else {}
        integration_responses.append({
            "StatusCode": value["statusCode"] if "statusCode" in value else _to_integer(status),
            "SelectionPattern": value["selectionPattern"] if "selectionPattern" in value else js_string(status),
            "ResponseParameters": value["responseParameters"] if "responseParameters" in value else {},
            "ResponseTemplates": value["responseTemplates"] if "responseTemplates" in value else {},
        })
    if js_truthy(http.get("cors")):
        for response in integration_responses:
            if isinstance(response["ResponseParameters"], dict):
                response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] = \
                    _origin_header(http["cors"])
    integration["IntegrationResponses"] = integration_responses
    return integration


def _to_integer(value: Any) -> int:
    """lodash `_.toInteger` of an object key (a list index is one already)."""
    number = value if isinstance(value, int) else js_number(js_string(value))
    return int(number) if number is not None and number == number and abs(number) != float("inf") else 0


def _method_responses(http: dict[str, Any]) -> list[dict[str, Any]]:
    response = http.get("response") if isinstance(http.get("response"), dict) else {}
    headers = response.get("headers") if isinstance(response.get("headers"), dict) else {}
    responses = [{"ResponseParameters": {f"method.response.header.{k}": v for k, v in headers.items()},
                  "ResponseModels": {}, "StatusCode": 200},
                 {"ResponseParameters": {}, "ResponseModels": {}, "StatusCode": 400}]
    if js_truthy(http.get("cors")):
        for item in responses:
            item["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] = \
                _origin_header(http["cors"])
    return responses


def _method_authorization(http: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """(the Properties it sets, the authorizer resource the method depends on)."""
    authorizer = http.get("authorizer")
    if not isinstance(authorizer, dict):
        return {"AuthorizationType": "NONE"}, None
    if authorizer.get("type") == "AWS_IAM":
        return {"AuthorizationType": "AWS_IAM"}, None
    if js_truthy(authorizer.get("type")) and js_truthy(authorizer.get("authorizerId")):
        return drop_none({"AuthorizationType": authorizer["type"], "AuthorizerId": authorizer["authorizerId"],
                          "AuthorizationScopes": authorizer.get("scopes")}), None
    logical_id = naming.get_authorizer_logical_id(js_string(authorizer.get("name")))
    arn = authorizer.get("arn")
    if isinstance(arn, str) and COGNITO_IDP_ARN.match(arn):
        return drop_none({"AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": {"Ref": logical_id},
                          "AuthorizationScopes": authorizer.get("scopes")}), logical_id
    return {"AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": logical_id}}, logical_id


def compile_methods(ctx: CompileContext, api: RestApi) -> None:
    machines = dict(state_machines(ctx))
    for event in api.events:
        http = event.http
        resource_name = resource_name_of(api, http["path"])
        properties: dict[str, Any] = {
            "HttpMethod": http["method"].upper(), "RequestParameters": {}, "AuthorizationType": "NONE",
            "ApiKeyRequired": js_truthy(http.get("private")),
            "ResourceId": resource_id_of(ctx, api, http["path"], event.path), "RestApiId": rest_api_id(ctx),
        }
        templates = _request_templates(ctx, event.function_name, machines[event.function_name], http)
        properties["Integration"] = _integration_properties(http, templates)
        properties["MethodResponses"] = _method_responses(http)
        authorization, depends_on = _method_authorization(http)
        properties.update(authorization)
        method: dict[str, Any] = {"Type": "AWS::ApiGateway::Method", "Properties": properties}
        if depends_on:
            method["DependsOn"] = depends_on
        logical_id = naming.get_method_logical_id(resource_name, http["method"])
        api.method_logical_ids.append(logical_id)
        ctx.add_resource(logical_id, drop_none(copy.deepcopy(method)), event.path, merge=True)


def compile_request_validators(ctx: CompileContext, api: RestApi) -> None:
    for event in api.events:
        http = event.http
        request = http.get("request")
        schemas = request.get("schemas") if isinstance(request, dict) else None
        if not js_truthy(schemas) or not isinstance(schemas, dict):
            continue
        resource_name = resource_name_of(api, http["path"])
        method = ctx.resources[naming.get_method_logical_id(resource_name, http["method"])]
        validator = None
        for content_type, config in schemas.items():
            model = schema_model(ctx, resource_name, http["method"], content_type, config,
                                 event.path + ("request", "schemas", content_type), rest_api_id(ctx))
            validator = validator or request_validator(ctx, api, event.path)
            method["Properties"]["RequestValidatorId"] = {"Ref": validator}
            method["Properties"].setdefault("RequestModels", {})[content_type] = {"Ref": model}


def compile_lambda_permissions(ctx: CompileContext, api: RestApi) -> None:
    """Let API Gateway invoke the function of every TOKEN (or CUSTOM) authorizer of the API."""
    functions: list[Any] = []
    for resource in list(ctx.resources.values()):
        properties = resource.get("Properties") if isinstance(resource, dict) else None
        if resource.get("Type") != "AWS::ApiGateway::Authorizer" or not isinstance(properties, dict) \
                or properties.get("Type") not in ("CUSTOM", "TOKEN"):
            continue
        parts = properties["AuthorizerUri"]["Fn::Join"][1]
        getter = next((p for p in parts if isinstance(p, dict) and "Fn::GetAtt" in p), None)
        function = getter["Fn::GetAtt"][0] if getter is not None else parts[len(parts) - 2]
        if function not in functions or not isinstance(function, str):
            functions.append(function)
    for function in functions:
        arn = js_string(function)
        match = _ARN.match(arn)
        ctx.add_resource(f"{match.group('name') if match else arn}LambdaPermission", {
            "Type": "AWS::Lambda::Permission",
            "Properties": {"FunctionName": function if match else {"Fn::GetAtt": [function, "Arn"]},
                           "Action": "lambda:InvokeFunction",
                           "Principal": {"Fn::Sub": "apigateway.${AWS::URLSuffix}"}}}, api.events[0].path, merge=True)


def compile_cors(ctx: CompileContext, api: RestApi) -> None:
    for resource_path, config in api.cors_preflight.items():
        where = api.cors_paths[resource_path]
        headers = {
            "Access-Control-Allow-Origin": _origin_header(config),
            "Access-Control-Allow-Headers": f"'{','.join(js_string(h) for h in config['headers'])}'",
            "Access-Control-Allow-Methods": f"'{','.join(js_string(m) for m in config['methods'])}'",
            "Access-Control-Allow-Credentials": f"'{js_string(config['allowCredentials'])}'",
        }
        if "maxAge" in config:
            max_age = config["maxAge"]
            if isinstance(max_age, bool) or not isinstance(max_age, (int, float)) or max_age != int(max_age) \
                    or max_age <= 0:
                raise PluginError("maxAge should be an integer over 0", where)
            headers["Access-Control-Max-Age"] = f"'{js_string(max_age)}'"
        if "ANY" in config["methods"]:
            headers["Access-Control-Allow-Methods"] = headers["Access-Control-Allow-Methods"].replace(
                "ANY", "DELETE,GET,HEAD,PATCH,POST,PUT", 1)
        ctx.add_resource(naming.get_method_logical_id(resource_name_of(api, resource_path), "options"), {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "AuthorizationType": "NONE", "HttpMethod": "OPTIONS",
                "MethodResponses": [{"StatusCode": "200", "ResponseModels": {},
                                     "ResponseParameters": {f"method.response.header.{h}": True for h in headers}}],
                "RequestParameters": {},
                "Integration": {
                    "Type": "MOCK", "RequestTemplates": {"application/json": "{statusCode:200}"},
                    "ContentHandling": "CONVERT_TO_TEXT",
                    "IntegrationResponses": [{
                        "StatusCode": "200",
                        "ResponseParameters": {f"method.response.header.{h}": v for h, v in headers.items()},
                        "ResponseTemplates": {"application/json": ""}}],
                },
                "ResourceId": resource_id_of(ctx, api, resource_path, where),
                "RestApiId": rest_api_id(ctx),
            },
        }, where, merge=True)


def compile_iam_role(ctx: CompileContext, api: RestApi) -> None:
    """The role API Gateway assumes to start executions (for methods that do not name their own)."""
    if all("iamRole" in e.http for e in api.events):
        return
    actions = ["states:StartExecution"]
    for event in api.events:
        if "action" in event.http and f"states:{js_string(event.http['action'])}" not in actions:
            actions.append(f"states:{js_string(event.http['action'])}")
    role: dict[str, Any] = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": "apigatewaytostepfunctions", "PolicyDocument": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}]}}
    if ctx.provider.get("rolePermissionsBoundary"):
        role["Properties"]["PermissionsBoundary"] = ctx.provider["rolePermissionsBoundary"]
    iam = ctx.provider.get("iam")
    role_config = iam.get("role") if isinstance(iam, dict) else None
    if isinstance(role_config, dict) and role_config.get("path"):
        role["Properties"]["Path"] = role_config["path"]
    ctx.add_resource(_ROLE_ID, role, api.events[0].path, merge=True)


# deployment.js, apiKeys.js, usagePlan.js, usagePlanKeys.js

def compile_deployment(ctx: CompileContext, api: RestApi) -> None:
    resources = ctx.resources
    existing = next((k for k, r in resources.items() if isinstance(r, dict)
                     and r.get("Type") == "AWS::ApiGateway::Deployment"), None)
    where = api.events[0].path
    if existing is not None:
        # the functions' API deployment: it must also wait for the state machines' methods
        depends_on = resources[existing].get("DependsOn")
        resources[existing]["DependsOn"] = (depends_on if isinstance(depends_on, list) else [depends_on]) + list(
            api.method_logical_ids)
        api.deployment_logical_id = existing
    else:
        api.deployment_logical_id = deployment_logical_id(ctx, api.method_logical_ids)
        ctx.add_resource(api.deployment_logical_id, {
            "Type": "AWS::ApiGateway::Deployment",
            "Properties": {"RestApiId": rest_api_id(ctx), "StageName": ctx.stage},
            "DependsOn": list(api.method_logical_ids)}, where, merge=True)
    ctx.add_output("ServiceEndpoint", {
        "Description": "URL of the service endpoint",
        "Value": {"Fn::Join": ["", ["https://", rest_api_id(ctx), ".execute-api.", {"Ref": "AWS::Region"}, ".",
                                    {"Ref": "AWS::URLSuffix"}, f"/{ctx.stage}"]]},
    }, where, merge=True)


def _plugin_rest_api_ref(ctx: CompileContext) -> dict[str, Any]:
    """`{Ref: this.apiGatewayRestApiLogicalId}`, which the plugin leaves unset for an external API."""
    return {"Ref": None if api_gateway_config(ctx).get("restApiId") else naming.REST_API_LOGICAL_ID}


def _api_keys(ctx: CompileContext) -> tuple[Any, tuple]:
    keys = api_gateway_config(ctx).get("apiKeys")
    if js_truthy(keys):
        return keys, ("provider", "apiGateway", "apiKeys")
    return ctx.provider.get("apiKeys"), ("provider", "apiKeys")


def compile_api_keys(ctx: CompileContext, api: RestApi) -> None:
    keys, where = _api_keys(ctx)
    for number, key in enumerate(_key_list(keys, where), start=1):
        properties: dict[str, Any] = {
            "Enabled": True, "Name": key.get("name") if isinstance(key, dict) else key if isinstance(key, str) else None,
            "StageKeys": [{"RestApiId": _plugin_rest_api_ref(ctx), "StageName": ctx.stage}]}
        if isinstance(key, dict) and "value" in key:
            properties["Value"] = key["value"]
        ctx.add_resource(naming.get_api_key_logical_id(number), drop_none({
            "Type": "AWS::ApiGateway::ApiKey", "Properties": properties,
            "DependsOn": api.deployment_logical_id}), where + (number - 1,), merge=True)


def _key_list(keys: Any, where: tuple) -> list[Any]:
    if not js_truthy(keys):
        return []
    if not isinstance(keys, list):
        raise PluginError("apiKeys property must be an array", where)
    for key in keys:
        if not isinstance(key, (str, dict, list)) or key is None:
            raise PluginError("API Keys must be strings or objects", where)
    return keys


def compile_usage_plan(ctx: CompileContext, api: RestApi) -> None:
    plan = api_gateway_config(ctx).get("usagePlan") or ctx.provider.get("usagePlan")
    if not (js_truthy(plan) or js_truthy(api_gateway_config(ctx).get("apiKeys"))
            or js_truthy(ctx.provider.get("apiKeys"))):
        return
    properties: dict[str, Any] = {
        "ApiStages": [{"ApiId": _plugin_rest_api_ref(ctx), "Stage": ctx.stage}],
        "Description": f"Usage plan for {ctx.service_name} {ctx.stage} stage",
        "UsagePlanName": f"{ctx.service_name}-{ctx.stage}",
    }
    plan = plan if isinstance(plan, dict) else {}
    quota, throttle = plan.get("quota"), plan.get("throttle")
    if quota is not None:
        quota = quota if isinstance(quota, dict) else {}
        properties["Quota"] = {"Limit": quota.get("limit"), "Offset": quota.get("offset"),
                               "Period": quota.get("period")}
    if throttle is not None:
        throttle = throttle if isinstance(throttle, dict) else {}
        properties["Throttle"] = {"BurstLimit": throttle.get("burstLimit"), "RateLimit": throttle.get("rateLimit")}
    ctx.add_resource(naming.get_usage_plan_logical_id(), drop_none({
        "Type": "AWS::ApiGateway::UsagePlan", "DependsOn": api.deployment_logical_id, "Properties": properties}),
        ("provider", "apiGateway"), merge=True)


def compile_usage_plan_keys(ctx: CompileContext, api: RestApi) -> None:
    keys, where = _api_keys(ctx)
    for number, _ in enumerate(_key_list(keys, where), start=1):
        ctx.add_resource(naming.get_usage_plan_key_logical_id(number), {
            "Type": "AWS::ApiGateway::UsagePlanKey",
            "Properties": {"KeyId": {"Ref": naming.get_api_key_logical_id(number)}, "KeyType": "API_KEY",
                           "UsagePlanId": {"Ref": naming.get_usage_plan_logical_id()}}}, where + (number - 1,),
            merge=True)


_PIPELINE = (
    compile_rest_api,
    compile_resources,
    compile_methods,
    compile_request_validators,
    compile_authorizers,
    compile_lambda_permissions,
    compile_cors,
    compile_iam_role,
    compile_deployment,
    compile_api_keys,
    compile_usage_plan,
    compile_usage_plan_keys,
)


def compile_http_events(ctx: CompileContext) -> None:
    # The framework coerces the provider's API settings whatever compiles them (the core compiler
    # does so only for functions' http events).
    check_api_config(ctx, "http", for_plugin=True)
    api = validate_http(ctx)
    if not api.events:
        return
    for step in _PIPELINE:
        step(ctx, api)

