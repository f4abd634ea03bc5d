"""REST API (`http` events): port of the framework's package/compile/events/api-gateway (v3.40.0).

The steps run in the framework's order over one `_Api` state object, as the framework's plugin
does over `this`: rest api, resources, CORS, methods, request validators, authorizers, deployment,
API keys, usage plans, usage plan keys, permissions, stage.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, events_of, non_empty
from promotelint.serverless.events.apigateway_common import (
    ensure_cloudwatch_role, execute_api_arn, get_function, lambda_invocation_uri,
    lambda_target, log_group, stand_in_name, target_alias,
)
from promotelint.serverless.values import js_join, template_literal
from promotelint.serverless.events.apigateway_method import (
    authorizer_logical_id, method_authorization, method_integration, method_responses,
)
from promotelint.serverless.events.apigateway_schema import check_api_config
from promotelint.model.opaque import is_opaque
from promotelint.serverless.js import is_object, js_string, lodash_merge

KIND = "http"
REST_API_LOGICAL_ID = "ApiGatewayRestApi"
COGNITO_IDP_ARN = re.compile(r"^arn:[a-zA-Z-]*:cognito-idp")
_VALID_STAGE = re.compile(r"^[-_a-zA-Z0-9]+$")

DEFAULT_CORS_HEADERS = [
    "Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token",
    "X-Amz-User-Agent", "X-Amzn-Trace-Id",
]

DEFAULT_STATUS_CODES = {
    "200": {"pattern": ""},
    "400": {"pattern": "[\\s\\S]*\\[400\\][\\s\\S]*"},
    "401": {"pattern": "[\\s\\S]*\\[401\\][\\s\\S]*"},
    "403": {"pattern": "[\\s\\S]*\\[403\\][\\s\\S]*"},
    "404": {"pattern": "[\\s\\S]*\\[404\\][\\s\\S]*"},
    "422": {"pattern": "[\\s\\S]*\\[422\\][\\s\\S]*"},
    "500": {"pattern": "[\\s\\S]*(Process\\s?exited\\s?before\\s?completing\\s?request|\\[500\\])"
                       "[\\s\\S]*"},
    "502": {"pattern": "[\\s\\S]*\\[502\\][\\s\\S]*"},
    "504": {"pattern": "([\\s\\S]*\\[504\\][\\s\\S]*)|"
                       "(.*Task timed out after \\d+\\.\\d+ seconds$)"},
}


# Names (naming.js, API Gateway part)

def get_api_gateway_name(ctx: CompileContext) -> str:
    prov = ctx.provider
    if prov.get("apiName"):
        return template_literal(prov["apiName"])
    api_gateway = prov.get("apiGateway") if isinstance(prov.get("apiGateway"), dict) else {}
    if api_gateway.get("shouldStartNameWithService"):
        return f"{ctx.service_name}-{ctx.stage}"
    return f"{ctx.stage}-{ctx.service_name}"


def get_resource_logical_id(resource_path: str) -> str:
    return f"ApiGatewayResource{naming.normalize_path(resource_path)}"


def get_method_logical_id(resource_id: str, method_name: str) -> str:
    return f"ApiGatewayMethod{resource_id}{naming.normalize_name(method_name.lower())}"


def get_validator_logical_id(service: str) -> str:
    return f"ApiGateway{naming.normalize_name_to_alphanumeric_only(service)}RequestValidator"


def get_model_logical_id(schema_id: str) -> str:
    return f"ApiGateway{naming.upper_first(naming.camel_case(schema_id))}Model"


def get_endpoint_model_logical_id(resource_id: str, method_name: str, content_type: str) -> str:
    content = naming.start_case(content_type).replace(" ", "")
    return f"{get_method_logical_id(resource_id, method_name)}{content}Model"


def get_api_key_logical_id(number: int, name: str | None = None) -> str:
    if name:
        return f"ApiGatewayApiKey{naming.normalize_name(name)}{number}"
    return f"ApiGatewayApiKey{number}"


def get_usage_plan_logical_id(name: str | None = None) -> str:
    return f"ApiGatewayUsagePlan{naming.normalize_name(name)}" if name else "ApiGatewayUsagePlan"


def get_usage_plan_key_logical_id(number: int, name: str | None = None) -> str:
    if name:
        return f"ApiGatewayUsagePlanKey{naming.normalize_name(name)}{number}"
    return f"ApiGatewayUsagePlanKey{number}"


def extract_authorizer_name_from_arn(arn: str) -> str:
    return arn.split(":")[-1].split("-")[-1]


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
    text = json.dumps([method_ids, part], sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"ApiGatewayDeployment{int(digest[:16], 16) % 10**13:013d}"


# State shared by the steps, like the framework plugin's `this`

@dataclass
class _Event:
    function_name: str
    http: dict[str, Any]
    path: tuple  # config path of the event, for origins and errors


@dataclass
class _Api:
    events: list[_Event]
    cors_preflight: dict[str, dict[str, Any]]
    cors_paths: dict[str, tuple]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    method_logical_ids: list[str] = field(default_factory=list)
    permissions: list[_Event] = field(default_factory=list)
    deployment_logical_id: str | None = None
    usage_plan_names: list[str] = field(default_factory=list)
    validator_logical_id: str | None = None
    # resource-level and Properties-level key order of each authorizer, as the framework merges
    authorizer_key_orders: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


def _api_gateway_config(ctx: CompileContext) -> dict[str, Any]:
    value = ctx.provider.get("apiGateway")
    return value if isinstance(value, dict) else {}


def rest_api_id(ctx: CompileContext) -> Any:
    return _api_gateway_config(ctx).get("restApiId") or {"Ref": REST_API_LOGICAL_ID}


def _root_resource_id(ctx: CompileContext) -> Any:
    return (_api_gateway_config(ctx).get("restApiRootResourceId")
            or {"Fn::GetAtt": [REST_API_LOGICAL_ID, "RootResourceId"]})


@compiles(KIND)
def compile_api_gateway(ctx: CompileContext) -> None:
    check_api_config(ctx, KIND)
    api = _validate(ctx)
    if not api.events:
        return
    _compile_rest_api(ctx, api)
    _compile_resources(ctx, api)
    _compile_cors(ctx, api)
    _compile_methods(ctx, api)
    _compile_request_validators(ctx, api)
    _compile_authorizers(ctx, api)
    _compile_deployment(ctx, api)
    _compile_api_keys(ctx, api)
    _compile_usage_plan(ctx, api)
    _compile_usage_plan_keys(ctx, api)
    _compile_permissions(ctx, api)
    _compile_stage(ctx, api)


# validate.js

def _validate(ctx: CompileContext) -> _Api:
    prov = ctx.provider
    api_gateway = _api_gateway_config(ctx)
    where = ("provider", "apiGateway")
    if api_gateway.get("restApiId") and not api_gateway.get("restApiRootResourceId"):
        raise ctx.error(where, 'Missing required "provider.apiGateway.restApiRootResourceId" property '
                        '(needed if "provider.apiGateway.restApiId" is provided)')
    tracing = prov.get("tracing") if isinstance(prov.get("tracing"), dict) else {}
    if api_gateway.get("restApiId") and tracing.get("apiGateway") is not None:
        raise ctx.error(where, 'When external API Gateway resource is imported via '
                        '"provider.apiGateway.restApiId", property "provider.tracing.apiGateway" '
                        'is ineffective.')
    logs = prov.get("logs") if isinstance(prov.get("logs"), dict) else {}
    if api_gateway.get("restApiId") and logs.get("restApi") is not None:
        raise ctx.error(where, 'When external API Gateway resource is imported via '
                        '"provider.apiGateway.restApiId", property "provider.logs.restApi" is '
                        'ineffective.')

    events: list[_Event] = []
    cors_preflight: dict[str, dict[str, Any]] = {}
    cors_paths: dict[str, tuple] = {}
    for event in events_of(ctx, KIND, counts=non_empty):
        function_name = event.function_name
        path = event.path + (KIND,)
        http = _get_http(ctx, copy.deepcopy(event.value), path)
        http["path"] = re.sub(r"/$", "", re.sub(r"^/", "", js_string(http.get("path"))))
        http["method"] = js_string(http.get("method")).lower()
        if http.get("authorizer"):
            http["authorizer"] = _get_authorizer(ctx, http, path)
        if http.get("cors"):
            http["cors"] = _get_cors(http)
            _merge_preflight(cors_preflight, http)
            cors_paths.setdefault(http["path"], path)
        http["integration"] = _get_integration(http)
        _normalize_request_response(ctx, http, function_name, path)
        if not _VALID_STAGE.match(ctx.stage):
            raise ctx.error(path, f"Invalid stage name {ctx.stage}: it should contains only "
                            "[-_a-zA-Z0-9] for AWS provider if http event are present "
                            "according to API Gateway limitation.")
        events.append(_Event(function_name, http, path))
    return _Api(events, cors_preflight, cors_paths)


def _get_http(ctx: CompileContext, http: Any, path: tuple) -> dict[str, Any]:
    if isinstance(http, dict):
        if "path" not in http or "method" not in http:
            raise ctx.error(path, "http event needs both `path` and `method`", "write `http: GET /path` or set `path:` and `method:`")
        return http
    parts = js_string(http).split(" ")
    if len(parts) < 2:
        raise ctx.error(path, f'Invalid http event "{js_string(http)}"', "write it as `METHOD /path`, for example `GET /users`")
    return {"method": parts[0], "path": parts[1]}


def _get_authorizer(ctx: CompileContext, http: dict[str, Any], path: tuple) -> dict[str, Any]:
    authorizer = http["authorizer"]
    where = path + ("authorizer",)
    type_ = name = arn = authorizer_id = scopes = logical_id = None
    identity_source = identity_validation_expression = result_ttl = None
    claims: Any = None
    managed_externally: Any = False
    authorizer_function_name = None
    if isinstance(authorizer, str):
        if authorizer.upper() == "AWS_IAM":
            type_ = "AWS_IAM"
        elif ":" not in authorizer:
            authorizer_function_name = name = authorizer
        else:
            arn = authorizer
            name = extract_authorizer_name_from_arn(arn)
    elif is_opaque(authorizer):
        arn = authorizer
        name = stand_in_name(ctx, arn, where)
    elif isinstance(authorizer, dict):
        auth_type = authorizer.get("type")
        if auth_type and authorizer.get("authorizerId"):
            type_ = auth_type
            authorizer_id = authorizer["authorizerId"]
        elif isinstance(auth_type, str) and auth_type.upper() == "AWS_IAM":
            type_ = "AWS_IAM"
        elif authorizer.get("arn"):
            arn = authorizer["arn"]
            if isinstance(authorizer.get("name"), str):
                name = authorizer["name"]
            elif (isinstance(auth_type, str) and auth_type.upper() == "COGNITO_USER_POOLS"
                  and is_object(arn)):
                raise ctx.error(where, "Please provide an authorizer name for authorizers of type "
                                "COGNITO_USER_POOLS")
            elif isinstance(arn, str):
                name = extract_authorizer_name_from_arn(arn)
            elif is_opaque(arn):
                name = stand_in_name(ctx, arn, where)
            else:
                raise ctx.error(where, "Please provide an authorizer name for an authorizer whose arn "
                                "is not a string")
        elif authorizer.get("name"):
            authorizer_function_name = name = authorizer["name"]
        else:
            raise ctx.error(where, "Please provide either an authorizer name or ARN")
        if not type_:
            type_ = auth_type
        result_ttl = _parse_int(authorizer.get("resultTtlInSeconds"))
        if result_ttl is None:
            result_ttl = 300
        claims = authorizer.get("claims") or []
        scopes = authorizer.get("scopes")
        identity_source = authorizer.get("identitySource")
        identity_validation_expression = authorizer.get("identityValidationExpression")
        managed_externally = authorizer.get("managedExternally")
        if managed_externally is None:
            managed_externally = False

    if authorizer_function_name:
        function = get_function(ctx, authorizer_function_name, where)
        arn = lambda_target(authorizer_function_name, function)
        alias = target_alias(authorizer_function_name, function)
        if alias:
            logical_id = alias[1]

    if not identity_source and not (isinstance(type_, str) and type_.upper() == "REQUEST"
                                    and result_ttl == 0):
        identity_source = "method.request.header.Authorization"

    if (_get_integration(http) == "AWS_PROXY" and isinstance(arn, str)
            and COGNITO_IDP_ARN.match(arn) and claims):
        raise ctx.error(where, "Cognito claims can only be filtered when using the lambda integration "
                        "type")
    return {
        "type": type_, "name": name, "arn": arn, "managedExternally": managed_externally,
        "authorizerId": authorizer_id, "logicalId": logical_id, "resultTtlInSeconds": result_ttl,
        "identitySource": identity_source,
        "identityValidationExpression": identity_validation_expression,
        "claims": claims, "scopes": scopes,
    }


def _parse_int(value: Any) -> int | None:
    """`Number.parseInt(value, 10)`, None for NaN."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = re.match(r"\s*([+-]?\d+)", js_string(value))
    return int(match.group(1)) if match else None


def _get_cors(http: dict[str, Any]) -> dict[str, Any]:
    cors: dict[str, Any] = {"origin": "*", "methods": ["OPTIONS"],
                            "headers": list(DEFAULT_CORS_HEADERS), "allowCredentials": False}
    user = http["cors"]
    method = http["method"].upper()
    if isinstance(user, dict):
        if user.get("origins"):
            del cors["origin"]
        cors.update(user)
        cors["methods"] = cors.get("methods") or []
        cors["allowCredentials"] = bool(cors.get("allowCredentials"))
        headers = cors.get("headers")
        if headers:
            if isinstance(headers, str):
                cors["headers"] = [headers]
        else:
            cors["headers"] = list(DEFAULT_CORS_HEADERS)
        if "OPTIONS" not in cors["methods"]:
            cors["methods"].append("OPTIONS")
        if method not in cors["methods"]:
            cors["methods"].append(method)
    else:
        cors["methods"].append(method)
    return cors


def _union(*lists: Any) -> list:
    """lodash `_.union`: unique values of the array arguments, in order."""
    out: list = []
    for values in lists:
        if isinstance(values, list):
            for v in values:
                if v not in out:
                    out.append(v)
    return out


def _merge_preflight(preflight: dict[str, dict[str, Any]], http: dict[str, Any]) -> None:
    cors = preflight.get(http["path"], {})
    new = http["cors"]
    cors["headers"] = _union(new.get("headers"), cors.get("headers"))
    cors["methods"] = _union(new.get("methods"), cors.get("methods"))
    cors["origins"] = _union(new.get("origins"), cors.get("origins"))
    cors["origin"] = new.get("origin")
    cors["allowCredentials"] = cors.get("allowCredentials") or new.get("allowCredentials")
    # when merging, the last one defined wins
    if new.get("maxAge"):
        cors["maxAge"] = new["maxAge"]
    if new.get("cacheControl"):
        cors["cacheControl"] = new["cacheControl"]
    preflight[http["path"]] = cors


def _get_integration(http: dict[str, Any]) -> str:
    if http.get("integration"):
        normalized = js_string(http["integration"]).upper().replace("-", "_", 1)
        if normalized == "LAMBDA":
            return "AWS"
        if normalized == "LAMBDA_PROXY":
            return "AWS_PROXY"
        return normalized
    if http.get("async"):
        return "AWS"
    return "AWS_PROXY"


def _normalize_request_response(ctx: CompileContext, http: dict[str, Any], function_name: str,
                                path: tuple) -> None:
    integration = http["integration"]
    if integration in ("HTTP", "HTTP_PROXY"):
        request = http.get("request")
        if not isinstance(request, dict) or not request.get("uri"):
            raise ctx.error(path, f"You need to set the request uri when using the {integration} "
                            "integration.")
        if http.get("connectionType"):
            http["connectionType"] = js_string(http["connectionType"]).upper().replace("-", "_", 1)
        else:
            http["connectionType"] = None
        if http["connectionType"] == "VPC_LINK" and not http.get("connectionId"):
            raise ctx.error(path, "You need to set connectionId when using VPC_LINK connectionType.")
    if integration in ("AWS", "HTTP"):
        http["request"] = _get_request(http)
        http["request"]["passThrough"] = _get_request_pass_through(http)
        http["response"] = _get_response(http)
        if integration == "AWS" and not http["response"]:
            http["response"] = {"statusCodes": copy.deepcopy(DEFAULT_STATUS_CODES)}
    if integration in ("HTTP", "MOCK"):
        response = http.get("response")
        if isinstance(response, dict) and response.get("statusCodes") is None:
            # the framework reads the status codes of every response it builds
            raise ctx.error(path, f"the framework cannot package an http event with the {integration} "
                            "integration and no response status codes (it stops with \"Cannot "
                            "convert undefined or null to object\")", "add `response: {statusCodes: {200: {pattern: ''}}}`")
    if integration in ("AWS_PROXY", "HTTP_PROXY"):
        request = http.get("request")
        if isinstance(request, dict) and "request" in http:
            allowed = (["parameters", "schema", "schemas"] if integration == "AWS_PROXY"
                       else ["parameters", "uri", "schema", "schemas"])
            extra = [k for k in request if k not in allowed]
            if extra:
                ctx.warnings.append(
                    f"{ctx.origin(path)}: function {function_name}: the framework drops "
                    f"{', '.join('request.' + k for k in extra)} from this {integration} http "
                    f"event (only {', '.join('request.' + k for k in allowed)} apply to it)")
                for key in extra:
                    del request[key]
            if not request:
                del http["request"]
            else:
                http["request"] = _get_request(http)
        if http.get("response"):
            ctx.warnings.append(f"{ctx.origin(path)}: function {function_name}: the framework "
                                f"drops `response` from this {integration} http event")
        http.pop("response", None)


def _get_request(http: dict[str, Any]) -> dict[str, Any]:
    request = http.get("request")
    if isinstance(request, dict) and request:
        if request.get("parameters"):
            request["parameters"] = _get_request_parameters(request["parameters"])
        return request
    return {} if not isinstance(request, dict) else request


def _get_request_parameters(parameters: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not isinstance(parameters, dict):
        return out
    for location in ("querystrings", "paths", "headers"):
        singular = location[:-1]
        values = parameters.get(location)
        if isinstance(values, dict):
            for key, value in values.items():
                out[f"method.request.{singular}.{key}"] = value
    return out


def _get_request_pass_through(http: dict[str, Any]) -> str | None:
    if http["request"].get("passThrough"):
        return http["request"]["passThrough"]
    kind = http.get("integration") or "AWS_PROXY"
    if kind == "AWS":
        return "NEVER"
    if kind in ("HTTP", "MOCK"):
        return None
    return "WHEN_NO_MATCH"


def _get_response(http: dict[str, Any]) -> dict[str, Any]:
    response = http.get("response")
    if not response:
        return {}
    if not isinstance(response, dict):
        return {}
    if response.get("statusCodes"):
        if not isinstance(response["statusCodes"], dict):
            return {"statusCodes": {}}
        codes = dict(response["statusCodes"])
        if not any(isinstance(c, dict) and c.get("pattern") == "" for c in codes.values()):
            codes["200"] = dict(DEFAULT_STATUS_CODES["200"])
        response["statusCodes"] = codes
    else:
        response["statusCodes"] = copy.deepcopy(DEFAULT_STATUS_CODES)
    return response


# rest-api.js

def _compile_rest_api(ctx: CompileContext, api: _Api) -> None:
    api_gateway = _api_gateway_config(ctx)
    if api_gateway.get("restApiId"):
        return
    prov = ctx.provider
    where = ("provider", "apiGateway") if api_gateway else api.events[0].path
    endpoint_type = "EDGE"
    vpc_endpoint_ids = None
    if prov.get("endpointType"):
        endpoint_type = js_string(prov["endpointType"]).upper()
        if prov.get("vpcEndpointIds"):
            vpc_endpoint_ids = prov["vpcEndpointIds"]
            if endpoint_type != "PRIVATE":
                raise ctx.error(("provider", "vpcEndpointIds"), "VPC endpoint IDs are only available for private APIs")
    endpoint_configuration: dict[str, Any] = {"Types": [endpoint_type]}
    if vpc_endpoint_ids:
        endpoint_configuration["VpcEndpointIds"] = vpc_endpoint_ids
    properties: dict[str, Any] = {"Name": get_api_gateway_name(ctx)}
    if api_gateway.get("binaryMediaTypes"):
        properties["BinaryMediaTypes"] = api_gateway["binaryMediaTypes"]
    if api_gateway.get("disableDefaultEndpoint") is not None:
        properties["DisableExecuteApiEndpoint"] = api_gateway["disableDefaultEndpoint"]
    properties["EndpointConfiguration"] = endpoint_configuration
    policy = api_gateway.get("resourcePolicy")
    if policy and len(policy):
        properties["Policy"] = {"Version": "2012-10-17", "Statement": policy}
    else:
        # the framework always sets a policy, empty when none is configured
        properties["Policy"] = ""
    if api_gateway.get("apiKeySourceType"):
        properties["ApiKeySourceType"] = js_string(api_gateway["apiKeySourceType"]).upper()
    if api_gateway.get("minimumCompressionSize") is not None:
        properties["MinimumCompressionSize"] = api_gateway["minimumCompressionSize"]
    if api_gateway.get("description"):
        properties["Description"] = api_gateway["description"]
    ctx.add_resource(REST_API_LOGICAL_ID, {"Type": "AWS::ApiGateway::RestApi", "Properties": properties}, where, merge=True)


# resources.js

def _predefined_resources(ctx: CompileContext) -> list[dict[str, Any]]:
    resources = _api_gateway_config(ctx).get("restApiResources")
    if not resources:
        return []
    if isinstance(resources, list):
        return [dict(r) for r in resources if isinstance(r, dict)]
    return [{"path": key, "resourceId": value} for key, value in resources.items()]


def _resource_paths(ctx: CompileContext, api: _Api) -> dict[str, dict[str, Any]]:
    """Port of `getResourcePaths`: the resources the API needs, keyed by path, parents first."""
    trees: list[dict] = []
    predefined_nodes: list[dict] = []
    method_nodes: list[dict] = []
    predefined = _predefined_resources(ctx)

    def apply_resource(resource: dict[str, Any], is_method: bool) -> None:
        resource_path = re.sub(r"/$", "", re.sub(r"^/", "", js_string(resource.get("path"))))
        parts = resource_path.split("/")
        root = parent = None
        current = None

        def apply_node(node: dict, index: int) -> None:
            nonlocal parent
            if index == len(parts) - 1:
                node["name"] = resource.get("name")
                if resource.get("resourceId"):
                    node["resourceId"] = resource["resourceId"]
                    if all(n["path"] != node["path"] for n in predefined_nodes):
                        predefined_nodes.append(node)
                if is_method and not node.get("hasMethod"):
                    node["hasMethod"] = True
                    if all(n["path"] != node["path"] for n in method_nodes):
                        method_nodes.append(node)
            parent = node

        for index, part in enumerate(parts):
            current = f"{current}/{part}" if current else part
            root = root or next((n for n in trees if n["path"] == current), None)
            parent = parent or root
            if parent is not None:
                if parent["path"] == current:
                    apply_node(parent, index)
                    continue
                child = next((n for n in parent["children"] if n["path"] == current), None)
                if child is not None:
                    apply_node(child, index)
                    continue
            node = {"path": current, "pathPart": part, "parent": parent, "level": index,
                    "children": []}
            if parent is not None:
                parent["children"].append(node)
            if root is None:
                root = node
                trees.append(root)
            apply_node(node, index)

    for resource in predefined:
        apply_resource(resource, False)
    for event in api.events:
        if event.http.get("path"):
            apply_resource(event.http, True)

    def combine(node_trees: list[dict]) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}

        def visit(node: dict) -> None:
            result[node["path"]] = node
            if not node.get("name"):
                node["name"] = naming.normalize_path(node["path"])
            for child in node["children"]:
                visit(child)

        for tree in node_trees:
            visit(tree)
        return result

    if not predefined_nodes:
        return combine(trees)

    if all(any(n["path"] == e.http["path"] for n in predefined_nodes) for e in api.events):
        result = {}
        for resource in predefined:
            result[resource["path"]] = resource
            if not resource.get("name"):
                resource["name"] = naming.normalize_path(resource["path"])
        return result

    def cut_branch(node: dict) -> None:
        if not node.get("parent"):
            return
        parent = node["parent"]
        if len(parent["children"]) <= 1:
            parent["children"] = []
        else:
            parent["children"] = [c for c in parent["children"] if c["path"] != node["path"]]
            parent["isCut"] = True
        node["parent"] = None

    where = ("provider", "apiGateway", "restApiResources")
    validated: list[dict] = []
    for node in reversed(sorted(predefined_nodes, key=lambda n: n["level"])):
        current = node
        while current and current.get("parent"):
            up = current["parent"]
            if up.get("hasMethod") and not up.get("resourceId"):
                raise ctx.error(where, f"Resource ID for path {up['path']} is required")
            if up.get("resourceId") or len(up["children"]) > 1:
                cut_branch(current)
                break
            current = up
    for node in method_nodes:
        current = node
        while current:
            if current.get("resourceId"):
                cut_branch(current)
                if all(t["path"] != node["path"] for t in validated):
                    validated.append(current)
                break
            if current.get("isCut") or (not current.get("parent") and current["level"] > 0):
                raise ctx.error(where, f"Resource ID for path {current['path']} is required")
            if not current.get("parent"):
                validated.append(current)
                break
            current = current["parent"]
    return combine(validated)


def _compile_resources(ctx: CompileContext, api: _Api) -> None:
    api.resources = _resource_paths(ctx, api)
    first_use = {}
    for event in api.events:
        parts = event.http["path"].split("/")
        for i in range(len(parts)):
            first_use.setdefault("/".join(parts[: i + 1]), event.path)
    for resource_path, resource in api.resources.items():
        if resource.get("resourceId"):
            continue
        logical_id = get_resource_logical_id(resource_path)
        resource["resourceLogicalId"] = logical_id
        resource["resourceId"] = {"Ref": logical_id}
        parent = resource.get("parent")
        parent_ref = parent["resourceId"] if parent else _root_resource_id(ctx)
        ctx.add_resource(logical_id, {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {"ParentId": parent_ref, "PathPart": resource.get("pathPart"),
                           "RestApiId": rest_api_id(ctx)},
        }, first_use.get(resource_path, ("provider", "apiGateway")), merge=True)


def _resource_id(ctx: CompileContext, api: _Api, resource_path: str, where: tuple) -> Any:
    if not resource_path:
        return _root_resource_id(ctx)
    resource = api.resources.get(resource_path)
    if resource is None:
        raise ctx.error(where, f"Can not find API Gateway resource from path {resource_path}")
    if not resource.get("resourceId") and resource.get("resourceLogicalId"):
        resource["resourceId"] = {"Ref": resource["resourceLogicalId"]}
    return resource.get("resourceId")


def _resource_name(api: _Api, resource_path: str) -> str:
    if resource_path == "" or not api.resources:
        return ""
    return api.resources[resource_path]["name"]


# cors.js

def _compile_cors(ctx: CompileContext, api: _Api) -> None:
    for resource_path, config in api.cors_preflight.items():
        where = api.cors_paths[resource_path]
        resource_name = _resource_name(api, resource_path)
        resource_ref = _resource_id(ctx, api, resource_path, where)
        logical_id = get_method_logical_id(resource_name, "options")
        origin = config.get("origin")
        origins = config.get("origins") if isinstance(config.get("origins"), list) else None
        if isinstance(origin, str) and "," in origin:
            origins = [o.strip() for o in origin.split(",")]
        if origins:
            origin = origins[0]
        headers: dict[str, str] = {
            "Access-Control-Allow-Origin": template_literal("'", origin, "'"),
            "Access-Control-Allow-Headers": template_literal("'", js_join(config["headers"], ","), "'"),
            "Access-Control-Allow-Methods": template_literal("'", js_join(config["methods"], ","), "'"),
        }
        if config.get("allowCredentials"):
            headers["Access-Control-Allow-Credentials"] = template_literal(
                "'", config["allowCredentials"], "'")
        if config.get("maxAge"):
            headers["Access-Control-Max-Age"] = template_literal("'", config["maxAge"], "'")
        if config.get("cacheControl"):
            headers["Cache-Control"] = template_literal("'", config["cacheControl"], "'")
        if "ANY" in config["methods"] and isinstance(headers["Access-Control-Allow-Methods"], str):
            headers["Access-Control-Allow-Methods"] = headers[
                "Access-Control-Allow-Methods"].replace("ANY", "DELETE,GET,HEAD,PATCH,POST,PUT", 1)
        api.method_logical_ids.append(logical_id)
        response_parameters = {f"method.response.header.{h}": v for h, v in headers.items()}
        ctx.add_resource(logical_id, {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "AuthorizationType": "NONE",
                "HttpMethod": "OPTIONS",
                "MethodResponses": [{
                    "StatusCode": "200",
                    "ResponseParameters": {f"method.response.header.{h}": True for h in headers},
                    "ResponseModels": {},
                }],
                "RequestParameters": {},
                "Integration": {
                    "Type": "MOCK",
                    "RequestTemplates": {"application/json": "{statusCode:200}"},
                    "ContentHandling": "CONVERT_TO_TEXT",
                    "IntegrationResponses": [{
                        "StatusCode": "200",
                        "ResponseParameters": response_parameters,
                        "ResponseTemplates": {
                            "application/json": (_cors_response_template(origins) if origins
                                                 else ""),
                        },
                    }],
                },
                "ResourceId": resource_ref,
                "RestApiId": rest_api_id(ctx),
            },
        }, where, merge=True)


def _cors_response_template(origins: list[Any]) -> Any:
    # glob patterns become Java regexes: literal dots escaped, the first * matches anything
    parts: list[Any] = ['#set($origin = $input.params("Origin"))\n'
                        '#if($origin == "") #set($origin = $input.params("origin")) #end\n#if(']
    for index, origin in enumerate(origins):
        regex = origin if is_opaque(origin) else js_string(origin).replace(".", "[.]").replace(
            "*", ".+", 1)
        parts += [" || " if index else "", '$origin.matches("', regex, '")']
    parts.append(") #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)"
                 " #end")
    return template_literal(*parts)


# method/index.js

def _compile_methods(ctx: CompileContext, api: _Api) -> None:
    for event in api.events:
        http = event.http
        resource_id = _resource_id(ctx, api, http["path"], event.path)
        resource_name = _resource_name(api, http["path"])
        request_parameters: dict[str, Any] = {}
        request = http.get("request") if isinstance(http.get("request"), dict) else None
        if request and isinstance(request.get("parameters"), dict):
            for key, value in request["parameters"].items():
                request_parameters[key] = _parameter_required(value)
        permission_id = naming.get_lambda_api_gateway_permission_logical_id(event.function_name)
        properties: dict[str, Any] = {
            "HttpMethod": http["method"].upper(),
            "RequestParameters": request_parameters,
            "ResourceId": resource_id,
            "RestApiId": rest_api_id(ctx),
        }
        if http.get("operationId") is not None:
            properties["OperationName"] = http["operationId"]
        properties["ApiKeyRequired"] = bool(http.get("private"))
        template: dict[str, Any] = {"Type": "AWS::ApiGateway::Method", "Properties": properties,
                                    "DependsOn": [permission_id]}
        logical_id = get_method_logical_id(resource_name, http["method"])
        lambda_logical_id = naming.get_lambda_logical_id(event.function_name)
        function = ctx.functions.get(event.function_name) or {}
        alias = target_alias(event.function_name, function)
        api.permissions.append(event)
        if alias:
            template["DependsOn"].append(alias[1])
        lodash_merge(template, method_authorization(http))
        lodash_merge(template, method_integration(http, lambda_logical_id, alias[0] if alias else None))
        lodash_merge(template, method_responses(http))

        claims_strings: list[str] = []
        if http.get("authorizer"):
            for claim in http["authorizer"].get("claims") or []:
                if isinstance(claim, str) and ":" in claim:
                    sub_claim = claim[claim.index(":") + 1:]
                    claims_strings.append(
                        f"\"{sub_claim}\": \"$context.authorizer.claims['{claim}']\"")
                else:
                    claims_strings.append(
                        f'"{js_string(claim)}": "$context.authorizer.claims.{js_string(claim)}"')
        templates = template["Properties"]["Integration"].get("RequestTemplates")
        if templates:
            claims_text = ",".join(claims_strings) + "," if claims_strings else ""
            for key, value in templates.items():
                if isinstance(value, str):
                    templates[key] = value.replace("extraCognitoPoolClaims", claims_text, 1)
        api.method_logical_ids.append(logical_id)
        ctx.add_resource(logical_id, template, event.path, merge=True)


def _parameter_required(value: Any) -> Any:
    if not is_object(value):
        return value
    if isinstance(value, dict) and value.get("required") is not None:
        return value["required"]
    return True


# request-validator.js

def _compile_request_validators(ctx: CompileContext, api: _Api) -> None:
    api_gateway = _api_gateway_config(ctx)
    resources = ctx.template.setdefault("Resources", {})
    for event in api.events:
        http = event.http
        resource_name = _resource_name(api, http["path"])
        method_logical_id = get_method_logical_id(resource_name, http["method"])
        template = resources[method_logical_id]
        request = http.get("request") if isinstance(http.get("request"), dict) else None
        if not request:
            continue
        parameters = request.get("parameters")
        if isinstance(parameters, dict) and any(
                _parameter_required(v) for v in parameters.values()):
            template["Properties"]["RequestValidatorId"] = {
                "Ref": _request_validator(ctx, api, event.path)}
        schemas = request.get("schemas")
        if not isinstance(schemas, dict):
            continue
        for content_type, schema in schemas.items():
            validator_id = _request_validator(ctx, api, event.path)
            provider_schemas = (api_gateway.get("request") or {}).get("schemas") \
                if isinstance(api_gateway.get("request"), dict) else None
            referenced = (not is_object(schema) and isinstance(provider_schemas, dict)
                          and provider_schemas.get(js_string(schema)))
            if referenced:
                model_logical_id = _provider_model(ctx, js_string(schema), referenced)
            else:
                model_name = description = None
                definition = schema
                if isinstance(schema, dict) and schema.get("schema"):
                    model_name = schema.get("name")
                    description = schema.get("description")
                    definition = schema["schema"]
                model_logical_id = get_endpoint_model_logical_id(
                    resource_name, http["method"], content_type)
                properties: dict[str, Any] = {"RestApiId": rest_api_id(ctx),
                                              "ContentType": content_type, "Schema": definition}
                if model_name is not None:
                    properties["Name"] = model_name
                if description is not None:
                    properties["Description"] = description
                ctx.add_resource(model_logical_id, {"Type": "AWS::ApiGateway::Model", "Properties": properties}, event.path + ("request", "schemas", content_type))
            template["Properties"]["RequestValidatorId"] = {"Ref": validator_id}
            template["Properties"].setdefault("RequestModels", {})[content_type] = {
                "Ref": model_logical_id}


def _provider_model(ctx: CompileContext, schema_id: str, config: Any) -> str:
    definition = config.get("schema") if isinstance(config, dict) and config.get("schema") \
        else config
    logical_id = get_model_logical_id(schema_id)
    properties: dict[str, Any] = {"RestApiId": {"Ref": REST_API_LOGICAL_ID},
                                  "Schema": definition, "ContentType": "application/json"}
    if isinstance(config, dict) and config.get("name"):
        properties["Name"] = config["name"]
    if isinstance(config, dict) and config.get("description"):
        properties["Description"] = config["description"]
    ctx.add_resource(logical_id, {"Type": "AWS::ApiGateway::Model", "Properties": properties}, ("provider", "apiGateway", "request", "schemas", schema_id))
    return logical_id


def _request_validator(ctx: CompileContext, api: _Api, where: tuple) -> str:
    # memoized in the framework: one validator for the whole API
    if api.validator_logical_id is None:
        logical_id = get_validator_logical_id(ctx.service_name)
        ctx.add_resource(logical_id, {
            "Type": "AWS::ApiGateway::RequestValidator",
            "Properties": {
                "RestApiId": rest_api_id(ctx),
                "ValidateRequestBody": True,
                "ValidateRequestParameters": True,
                "Name": f"{ctx.service_name}-{ctx.stage} | Validate request body and "
                        "querystring parameters",
            },
        }, where)
        api.validator_logical_id = logical_id
    return api.validator_logical_id


# authorizers.js

def _is_cognito(authorizer: dict[str, Any]) -> bool:
    return (js_string(authorizer.get("type") or "").upper() == "COGNITO_USER_POOLS"
            or (isinstance(authorizer.get("arn"), str)
                and bool(COGNITO_IDP_ARN.match(authorizer["arn"]))))


def _compile_authorizers(ctx: CompileContext, api: _Api) -> None:
    for event in api.events:
        authorizer = event.http.get("authorizer")
        if not authorizer or not authorizer.get("arn"):
            continue
        properties: dict[str, Any] = {
            "AuthorizerResultTtlInSeconds": authorizer["resultTtlInSeconds"],
            "IdentitySource": authorizer["identitySource"],
            "Name": authorizer["name"],
            "RestApiId": rest_api_id(ctx),
        }
        properties = {k: v for k, v in properties.items() if v is not None}
        if isinstance(authorizer.get("identityValidationExpression"), str):
            properties["IdentityValidationExpression"] = authorizer["identityValidationExpression"]
        logical_id = authorizer_logical_id(authorizer["name"])
        if _is_cognito(authorizer):
            properties["Type"] = "COGNITO_USER_POOLS"
            properties["ProviderARNs"] = [authorizer["arn"]]
        else:
            properties["AuthorizerUri"] = lambda_invocation_uri(authorizer["arn"])
            properties["Type"] = (js_string(authorizer["type"]).upper() if authorizer.get("type")
                                  else "TOKEN")
        resource: dict[str, Any] = {"Type": "AWS::ApiGateway::Authorizer"}
        if authorizer.get("logicalId"):
            resource["DependsOn"] = authorizer["logicalId"]
        resource["Properties"] = properties
        stored = ctx.add_resource(logical_id, resource, event.path + ("authorizer",), merge=True)
        # Events sharing an authorizer merge into one resource. In the framework, keys set to
        # undefined by an earlier event keep their place when a later event sets them.
        orders = api.authorizer_key_orders.setdefault(logical_id, ([], []))
        _extend_unique(orders[0], ["Type", "DependsOn", "Properties"])
        _extend_unique(orders[1], ["AuthorizerResultTtlInSeconds", "IdentitySource", "Name",
                                   "RestApiId", *properties])
        _reorder(stored, orders[0])
        _reorder(stored["Properties"], orders[1])


def _extend_unique(keys: list[str], new: list[str]) -> None:
    keys.extend(k for k in dict.fromkeys(new) if k not in keys)


def _reorder(mapping: dict[str, Any], keys: list[str]) -> None:
    items = sorted(mapping.items(), key=lambda kv: keys.index(kv[0]) if kv[0] in keys
                   else len(keys))
    mapping.clear()
    mapping.update(items)


# deployment.js

def _compile_deployment(ctx: CompileContext, api: _Api) -> None:
    api.deployment_logical_id = deployment_logical_id(ctx, api.method_logical_ids)
    api_gateway = _api_gateway_config(ctx)
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


# api-keys.js, usage-plan.js, usage-plan-keys.js

def _usage_plan_config(ctx: CompileContext) -> Any:
    return _api_gateway_config(ctx).get("usagePlan")


def _api_key_resource(ctx: CompileContext, api: _Api, key: Any) -> dict[str, Any]:
    is_obj = isinstance(key, dict)
    properties: dict[str, Any] = {
        "Enabled": key["enabled"] if is_obj and key.get("enabled") is not None else True,
        "Name": key if isinstance(key, str) else (key.get("name") if is_obj else None),
    }
    if is_obj and key.get("value"):
        properties["Value"] = key["value"]
    if is_obj and key.get("description") is not None:
        properties["Description"] = key["description"]
    if is_obj and key.get("customerId") is not None:
        properties["CustomerId"] = key["customerId"]
    properties["StageKeys"] = [{"RestApiId": rest_api_id(ctx), "StageName": ctx.stage}]
    properties = {k: v for k, v in properties.items() if v is not None}
    return {"Type": "AWS::ApiGateway::ApiKey", "Properties": properties,
            "DependsOn": api.deployment_logical_id}


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _plan_names(usage_plan: Any) -> list[str]:
    if not isinstance(usage_plan, list):
        return []
    return [k for item in usage_plan if isinstance(item, dict) for k in item]


def _compile_api_keys(ctx: CompileContext, api: _Api) -> None:
    api_keys = _api_gateway_config(ctx).get("apiKeys")
    if not isinstance(api_keys, list):
        return
    usage_plan = _usage_plan_config(ctx)
    number = 0
    for index, definition in enumerate(api_keys):
        where = ("provider", "apiGateway", "apiKeys", index)
        name = next(iter(definition), None) if isinstance(definition, dict) else None
        if isinstance(definition, dict) and name in _plan_names(usage_plan):
            number = 0
            for key in _as_list(definition[name]):
                number += 1
                ctx.add_resource(get_api_key_logical_id(number, name), _api_key_resource(ctx, api, key), where, merge=True)
        else:
            number += 1
            ctx.add_resource(get_api_key_logical_id(number), _api_key_resource(ctx, api, definition), where, merge=True)


def _quota_throttle(config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    quota = config.get("quota")
    if isinstance(quota, dict) and quota:
        out["Quota"] = {k: v for k, v in (("Limit", quota.get("limit")),
                                          ("Offset", quota.get("offset")),
                                          ("Period", quota.get("period"))) if v is not None}
    throttle = config.get("throttle")
    if isinstance(throttle, dict) and throttle:
        out["Throttle"] = {k: v for k, v in (("BurstLimit", throttle.get("burstLimit")),
                                             ("RateLimit", throttle.get("rateLimit")))
                           if v is not None}
    return out


def _usage_plan_resource(ctx: CompileContext, api: _Api, name: str) -> dict[str, Any]:
    service = ctx.service_name
    usage_plan = _usage_plan_config(ctx)
    properties: dict[str, Any] = {
        "ApiStages": [{"ApiId": rest_api_id(ctx), "Stage": ctx.stage}],
        "Description": f'Usage plan "{name}" for {service} {ctx.stage} stage',
        "UsagePlanName": f"{service}-{name}-{ctx.stage}",
    }
    if name == "default":
        properties["UsagePlanName"] = f"{service}-{ctx.stage}"
        properties["Description"] = f"Usage plan for {service} {ctx.stage} stage"
        if isinstance(usage_plan, dict):
            properties.update(_quota_throttle(usage_plan))
    else:
        # the last plan entry with the setting wins, as the framework's reduce does
        merged: dict[str, Any] = {}
        for item in usage_plan:
            plan = item.get(name) if isinstance(item, dict) else None
            if isinstance(plan, dict):
                for setting in ("quota", "throttle"):
                    if plan.get(setting):
                        merged[setting] = plan[setting]
        properties.update(_quota_throttle(merged))
    return {"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": api.deployment_logical_id,
            "Properties": properties}


def _compile_usage_plan(ctx: CompileContext, api: _Api) -> None:
    api_gateway = _api_gateway_config(ctx)
    usage_plan = api_gateway.get("usagePlan")
    if not usage_plan and not api_gateway.get("apiKeys"):
        return
    api.usage_plan_names = []
    if isinstance(usage_plan, list):
        for index, item in enumerate(usage_plan):
            if not isinstance(item, dict) or not item:
                continue
            name = next(iter(item))
            ctx.add_resource(get_usage_plan_logical_id(name), _usage_plan_resource(ctx, api, name), ("provider", "apiGateway", "usagePlan", index), merge=True)
            api.usage_plan_names.append(name)
    else:
        ctx.add_resource(get_usage_plan_logical_id(), _usage_plan_resource(ctx, api, "default"), ("provider", "apiGateway", "usagePlan" if usage_plan else "apiKeys"), merge=True)
        api.usage_plan_names.append("default")


def _compile_usage_plan_keys(ctx: CompileContext, api: _Api) -> None:
    api_keys = _api_gateway_config(ctx).get("apiKeys")
    if not isinstance(api_keys, list):
        return
    number = 0
    for index, definition in enumerate(api_keys):
        where = ("provider", "apiGateway", "apiKeys", index)
        if isinstance(definition, dict) and definition:
            name, value = next(iter(definition.items()))
        else:
            # Object.entries of a string lists its characters: ["0", first character]
            text = js_string(definition)
            name, value = ("0", text[:1]) if text else (None, None)
        in_plans = name in api.usage_plan_names
        if api.usage_plan_names and not in_plans and is_object(value):
            raise ctx.error(where, f'API key "{name}" has no usage plan defined')
        if isinstance(definition, dict) and in_plans:
            number = 0
            for _ in _as_list(definition[name]):
                number += 1
                _usage_plan_key(ctx, get_usage_plan_key_logical_id(number, name),
                                get_usage_plan_logical_id(name),
                                get_api_key_logical_id(number, name), where)
        else:
            number += 1
            _usage_plan_key(ctx, get_usage_plan_key_logical_id(number),
                            get_usage_plan_logical_id(), get_api_key_logical_id(number), where)


def _usage_plan_key(ctx: CompileContext, logical_id: str, plan_id: str, key_id: str,
                    where: tuple) -> None:
    ctx.add_resource(logical_id, {
        "Type": "AWS::ApiGateway::UsagePlanKey",
        "Properties": {"KeyId": {"Ref": key_id}, "KeyType": "API_KEY",
                       "UsagePlanId": {"Ref": plan_id}},
    }, where, merge=True)


# permissions.js

def _compile_permissions(ctx: CompileContext, api: _Api) -> None:
    resources = ctx.template.setdefault("Resources", {})
    source_arn = execute_api_arn(rest_api_id(ctx), "/*/*")
    for event in api.permissions:
        function = ctx.functions.get(event.function_name) or {}
        alias = target_alias(event.function_name, function)
        getter = {"Fn::GetAtt": [naming.get_lambda_logical_id(event.function_name), "Arn"]}
        permission: dict[str, Any] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": {"Fn::Join": [":", [getter, alias[0]]]} if alias else getter,
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": copy.deepcopy(source_arn),
            },
        }
        if alias:
            permission["DependsOn"] = alias[1]
        ctx.add_resource(naming.get_lambda_api_gateway_permission_logical_id(
            event.function_name), permission, event.path)

        authorizer = event.http.get("authorizer")
        if not authorizer or not authorizer.get("arn"):
            continue
        logical_id = naming.get_lambda_api_gateway_permission_logical_id(authorizer["name"])
        if _is_cognito(authorizer) or logical_id in resources or authorizer["managedExternally"]:
            continue
        ctx.add_resource(logical_id, {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": ({"Ref": authorizer["logicalId"]} if authorizer.get("logicalId")
                                 else authorizer["arn"]),
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": copy.deepcopy(source_arn),
            },
        }, event.path + ("authorizer",))


# stage.js

def _compile_stage(ctx: CompileContext, api: _Api) -> None:
    prov = ctx.provider
    logs = prov.get("logs") if isinstance(prov.get("logs"), dict) else {}
    rest_logs = logs.get("restApi")
    tracing = prov.get("tracing") if isinstance(prov.get("tracing"), dict) else {}
    tags = [t for t in (prov.get("stackTags"), prov.get("tags")) if isinstance(t, dict) and t]
    api_gateway = _api_gateway_config(ctx)
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
        ctx.add_resource("ApiGatewayLogGroup", log_group(
            f"/aws/api-gateway/{ctx.service_name}-{ctx.stage}", prov), where, merge=True)
        ensure_cloudwatch_role(ctx, where)
