"""Custom and Cognito authorizers: port of api-gateway/lib/authorizers.js."""

from __future__ import annotations


from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import lambda_invocation_uri
from promotelint.serverless.events.apigateway.rest.state import RestApi, is_cognito, rest_api_id
from promotelint.serverless.js import js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def compile_authorizers(ctx: CompileContext, api: RestApi) -> None:
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
        logical_id = naming.get_authorizer_logical_id(authorizer["name"])
        if is_cognito(authorizer):
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
