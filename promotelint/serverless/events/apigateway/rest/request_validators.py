"""Request validation: the API's request validator and the models of its request schemas
(port of api-gateway/lib/request-validator.js)."""

from __future__ import annotations


from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.rest.methods import parameter_required
from promotelint.serverless.events.apigateway.rest.resources import resource_name_of
from promotelint.serverless.events.apigateway.rest.state import RestApi, api_gateway_config, rest_api_id
from promotelint.serverless.js import is_object, js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def compile_request_validators(ctx: CompileContext, api: RestApi) -> None:
    resources = ctx.template.setdefault("Resources", {})
    for event in api.events:
        http = event.http
        resource_name = resource_name_of(api, http["path"])
        method_logical_id = naming.get_method_logical_id(resource_name, http["method"])
        template = resources[method_logical_id]
        request = http.get("request") if isinstance(http.get("request"), dict) else None
        if not request:
            continue
        parameters = request.get("parameters")
        if isinstance(parameters, dict) and any(
                parameter_required(v) for v in parameters.values()):
            template["Properties"]["RequestValidatorId"] = {
                "Ref": request_validator(ctx, api, event.path)}
        schemas = request.get("schemas")
        if not isinstance(schemas, dict):
            continue
        for content_type, schema in schemas.items():
            validator_id = request_validator(ctx, api, event.path)
            model_logical_id = schema_model(ctx, resource_name, http["method"], content_type, schema,
                                            event.path + ("request", "schemas", content_type),
                                            {"Ref": naming.REST_API_LOGICAL_ID})
            template["Properties"]["RequestValidatorId"] = {"Ref": validator_id}
            template["Properties"].setdefault("RequestModels", {})[content_type] = {
                "Ref": model_logical_id}


def schema_model(ctx: CompileContext, resource_name: str, method: str, content_type: str, schema: Any,
                 where: tuple, provider_rest_api: Any) -> str:
    """The model of one request schema: a provider schema it names (`provider.apiGateway.request.schemas`,
    whose model's RestApiId is `provider_rest_api`), or its own; its logical ID."""
    api_gateway = api_gateway_config(ctx)
    provider_schemas = (api_gateway.get("request") or {}).get("schemas") \
        if isinstance(api_gateway.get("request"), dict) else None
    referenced = (not is_object(schema) and isinstance(provider_schemas, dict)
                  and provider_schemas.get(js_string(schema)))
    if referenced:
        return _provider_model(ctx, js_string(schema), referenced, provider_rest_api)
    model_name = description = None
    definition = schema
    if isinstance(schema, dict) and schema.get("schema"):
        model_name = schema.get("name")
        description = schema.get("description")
        definition = schema["schema"]
    model_logical_id = naming.get_endpoint_model_logical_id(resource_name, method, content_type)
    properties: dict[str, Any] = {"RestApiId": rest_api_id(ctx),
                                  "ContentType": content_type, "Schema": definition}
    if model_name is not None:
        properties["Name"] = model_name
    if description is not None:
        properties["Description"] = description
    ctx.add_resource(model_logical_id, {"Type": "AWS::ApiGateway::Model", "Properties": properties}, where)
    return model_logical_id


def _provider_model(ctx: CompileContext, schema_id: str, config: Any, rest_api: Any) -> str:
    definition = config.get("schema") if isinstance(config, dict) and config.get("schema") \
        else config
    logical_id = naming.get_model_logical_id(schema_id)
    properties: dict[str, Any] = {"RestApiId": rest_api, "Schema": definition, "ContentType": "application/json"}
    if isinstance(config, dict) and config.get("name"):
        properties["Name"] = config["name"]
    if isinstance(config, dict) and config.get("description"):
        properties["Description"] = config["description"]
    ctx.add_resource(logical_id, {"Type": "AWS::ApiGateway::Model", "Properties": properties},
                     ("provider", "apiGateway", "request", "schemas", schema_id))
    return logical_id


def request_validator(ctx: CompileContext, api: RestApi, where: tuple) -> str:
    # memoized in the framework: one validator for the whole API
    if api.validator_logical_id is None:
        logical_id = naming.get_validator_logical_id(ctx.service_name)
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
