"""The permissions that let API Gateway invoke the functions and authorizers: port of
api-gateway/lib/permissions.js."""

from __future__ import annotations


from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.common import execute_api_arn, lambda_target, target_alias
from promotelint.serverless.events.apigateway.rest.state import RestApi, is_cognito, rest_api_id
from promotelint.serverless.js import clone_deep

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def compile_permissions(ctx: CompileContext, api: RestApi) -> None:
    resources = ctx.template.setdefault("Resources", {})
    api_id = rest_api_id(ctx)
    for event in api.permissions:
        function = ctx.functions[event.function_name]
        alias = target_alias(event.function_name, function)
        permission: dict[str, Any] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": lambda_target(event.function_name, function),
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": execute_api_arn(clone_deep(api_id), "/*/*"),  # each its own copy
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
        if is_cognito(authorizer) or logical_id in resources or authorizer["managedExternally"]:
            continue
        ctx.add_resource(logical_id, {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": ({"Ref": authorizer["logicalId"]} if authorizer.get("logicalId")
                                 else authorizer["arn"]),
                "Action": "lambda:InvokeFunction",
                "Principal": "apigateway.amazonaws.com",
                "SourceArn": execute_api_arn(clone_deep(api_id), "/*/*"),  # each its own copy
            },
        }, event.path + ("authorizer",))
