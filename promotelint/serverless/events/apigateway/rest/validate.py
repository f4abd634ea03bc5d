"""The `http` events as the other steps read them: port of api-gateway/lib/validate.js."""

from __future__ import annotations

import copy
import re

from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import (
    get_function, lambda_target, stand_in_name, target_alias,
)
from promotelint.serverless.events.apigateway.rest.state import (
    COGNITO_IDP_ARN, KIND, HttpEvent, RestApi, api_gateway_config,
)
from promotelint.serverless.events.base import events_of, non_empty
from promotelint.serverless.js import clone_deep, is_object, js_string, uniq

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

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


def validate(ctx: CompileContext) -> RestApi:
    prov = ctx.provider
    api_gateway = api_gateway_config(ctx)
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

    events: list[HttpEvent] = []
    cors_preflight: dict[str, dict[str, Any]] = {}
    cors_paths: dict[str, tuple] = {}
    for event in events_of(ctx, KIND, counts=non_empty):
        function_name = event.function_name
        path = event.path + (KIND,)
        http = _get_http(ctx, clone_deep(event.value), path)
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
        events.append(HttpEvent(function_name, http, path))
    return RestApi(events, cors_preflight, cors_paths)


def _get_http(ctx: CompileContext, http: Any, path: tuple) -> dict[str, Any]:
    if isinstance(http, dict):
        if "path" not in http or "method" not in http:
            raise ctx.error(path, "http event needs both `path` and `method`",
                            "write `http: GET /path` or set `path:` and `method:`")
        return http
    parts = js_string(http).split(" ")
    if len(parts) < 2:
        raise ctx.error(path, f'Invalid http event "{js_string(http)}"',
                        "write it as `METHOD /path`, for example `GET /users`")
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
            name = naming.extract_authorizer_name_from_arn(arn)
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
                name = naming.extract_authorizer_name_from_arn(arn)
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
        result_ttl = parse_int(authorizer.get("resultTtlInSeconds"))
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


def parse_int(value: Any) -> int | None:
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
                                  "convert undefined or null to object\")",
                            "add `response: {statusCodes: {200: {pattern: ''}}}`")
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


def _union(*lists: Any) -> list:
    """lodash `_.union`: the unique values of the array arguments (others are skipped), in order."""
    return uniq(value for values in lists if isinstance(values, list) for value in values)
