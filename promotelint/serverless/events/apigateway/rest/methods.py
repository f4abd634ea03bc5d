"""The methods of the API's resources, CORS preflight (OPTIONS) ones first: port of
api-gateway/lib/cors.js and method/index.js."""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import target_alias
from promotelint.serverless.events.apigateway.rest.integration import method_integration, response_headers
from promotelint.serverless.events.apigateway.rest.resources import resource_id_of, resource_name_of
from promotelint.serverless.events.apigateway.rest.state import RestApi, is_cognito, rest_api_id
from promotelint.serverless.js import is_object, js_string, lodash_merge
from promotelint.serverless.values import js_join, template_literal

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def compile_cors(ctx: CompileContext, api: RestApi) -> None:
    for resource_path, config in api.cors_preflight.items():
        where = api.cors_paths[resource_path]
        resource_name = resource_name_of(api, resource_path)
        resource_ref = resource_id_of(ctx, api, resource_path, where)
        logical_id = naming.get_method_logical_id(resource_name, "options")
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


def compile_methods(ctx: CompileContext, api: RestApi) -> None:
    for event in api.events:
        http = event.http
        resource_id = resource_id_of(ctx, api, http["path"], event.path)
        resource_name = resource_name_of(api, http["path"])
        request_parameters: dict[str, Any] = {}
        request = http.get("request") if isinstance(http.get("request"), dict) else None
        if request and isinstance(request.get("parameters"), dict):
            for key, value in request["parameters"].items():
                request_parameters[key] = parameter_required(value)
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
        logical_id = naming.get_method_logical_id(resource_name, http["method"])
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


def parameter_required(value: Any) -> Any:
    if not is_object(value):
        return value
    if isinstance(value, dict) and value.get("required") is not None:
        return value["required"]
    return True


# method/authorization.js, method/responses.js

def method_authorization(http: dict[str, Any]) -> dict[str, Any]:
    authorizer = http.get("authorizer")
    if isinstance(authorizer, dict) and authorizer.get("type") == "AWS_IAM":
        return {"Properties": {"AuthorizationType": "AWS_IAM"}}
    if authorizer:
        auth_type = authorizer.get("type")
        if auth_type and authorizer.get("authorizerId"):
            upper = js_string(auth_type).upper()
            properties: dict[str, Any] = {
                "AuthorizationType": "CUSTOM" if upper in ("TOKEN", "REQUEST") else auth_type,
                "AuthorizerId": authorizer["authorizerId"],
            }
            if upper == "COGNITO_USER_POOLS" and authorizer.get("scopes"):
                properties["AuthorizationScopes"] = authorizer["scopes"]
            return {"Properties": properties}
        logical_id = naming.get_authorizer_logical_id(authorizer["name"])
        if is_cognito(authorizer):
            properties = {"AuthorizationType": "COGNITO_USER_POOLS",
                          "AuthorizerId": {"Ref": logical_id}}
            if authorizer.get("scopes"):
                properties["AuthorizationScopes"] = authorizer["scopes"]
            return {"Properties": properties, "DependsOn": [logical_id]}
        return {"Properties": {"AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": logical_id}},
                "DependsOn": [logical_id]}
    return {"Properties": {"AuthorizationType": "NONE"}}


def method_responses(http: dict[str, Any]) -> dict[str, Any]:
    responses: list[dict[str, Any]] = []
    response = http.get("response")
    if http.get("integration") in ("AWS", "HTTP", "MOCK") and isinstance(response, dict) \
            and response:
        headers = response_headers(http)
        for status_code, config in (response.get("statusCodes") or {}).items():
            config = config if isinstance(config, dict) else {}
            parameters = {f"method.response.header.{h}": True for h in headers}
            if isinstance(config.get("headers"), dict):
                parameters.update({f"method.response.header.{h}": True for h in config["headers"]})
            responses.append({"ResponseParameters": parameters, "ResponseModels": {},
                              "StatusCode": status_code})
    return {"Properties": {"MethodResponses": responses}}
