"""Helpers shared by the API Gateway compilers (REST `http`, `websocket`, `httpApi`)."""

from __future__ import annotations


from promotelint.model.opaque import OPAQUE_KEY
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.custom_resources import add_custom_resource_to_service
from promotelint.serverless.js import js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def get_function(ctx: CompileContext, name: Any, path: tuple) -> dict[str, Any]:
    """`serverless.service.getFunction(name)`: the function's config, or an error naming it."""
    fns = ctx.functions
    if not isinstance(name, str) or name not in fns:
        raise ctx.error(path, f'Function "{js_string(name)}" doesn\'t exist in this Service',
                        "reference a function defined under `functions:`")
    return fns[name]


def target_alias(function_name: str, function: dict[str, Any]) -> tuple[str, str] | None:
    """(alias name, alias logical ID) that events must target instead of $LATEST, if any.

    The functions step sets `targetAlias` for provisioned concurrency and SnapStart; it is derived
    here from the same settings so that this step does not depend on that side effect.
    """
    alias = function.get("targetAlias")
    if isinstance(alias, dict) and alias.get("name") and alias.get("logicalId"):
        return alias["name"], alias["logicalId"]
    if function.get("provisionedConcurrency"):
        return (naming.PROVISIONED_CONCURRENCY_ALIAS_NAME,
                naming.get_lambda_provisioned_concurrency_alias_logical_id(function_name))
    if function.get("snapStart"):
        return (naming.SNAP_START_ALIAS_NAME,
                naming.get_lambda_snap_start_alias_logical_id(function_name))
    return None


def lambda_target(function_name: str, function: dict[str, Any]) -> dict[str, Any]:
    """`resolveLambdaTarget`: the function's ARN, qualified with its alias when it has one."""
    getter = {"Fn::GetAtt": [naming.get_lambda_logical_id(function_name), "Arn"]}
    alias = target_alias(function_name, function)
    if not alias:
        return getter
    return {"Fn::Join": [":", [getter, alias[0]]]}


def lambda_invocation_uri(function_arn: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
        ":lambda:path/2015-03-31/functions/", function_arn, "/invocations",
    ]]}


def execute_api_arn(api_id: Any, suffix: str) -> dict[str, Any]:
    return {"Fn::Join": ["", [
        "arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":",
        {"Ref": "AWS::AccountId"}, ":", api_id, suffix,
    ]]}


def stand_in_name(ctx: CompileContext, arn: Any, where: tuple) -> str:
    """A name for an authorizer whose ARN, and so the name derived from it, is unknown offline."""
    name = naming.normalize_name_to_alphanumeric_only(js_string(arn.get(OPAQUE_KEY)))
    ctx.warnings.append(
        f"{ctx.origin(where)}: authorizer ARN {arn.get(OPAQUE_KEY)} is not known offline, so the "
        f"name the framework derives from it is a stand-in ({name}); set the authorizer's `name` "
        "to make it exact")
    return name


def log_group(name: str, prov: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {"LogGroupName": name}
    if prov.get("logRetentionInDays"):
        properties["RetentionInDays"] = prov["logRetentionInDays"]
    if prov.get("logDataProtectionPolicy"):
        properties["DataProtectionPolicy"] = prov["logDataProtectionPolicy"]
    return {"Type": "AWS::Logs::LogGroup", "Properties": properties}


CLOUDWATCH_ROLE_STATEMENTS = [
    {
        "Effect": "Allow",
        "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "iam:",
                                        {"Ref": "AWS::AccountId"}, "role/*"]]},
        "Action": ["iam:AttachRolePolicy", "iam:CreateRole", "iam:ListAttachedRolePolicies",
                   "iam:PassRole"],
    },
    {
        "Effect": "Allow",
        "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"},
                                        "apigateway:*::/account"]]},
        "Action": ["apigateway:GET", "apigateway:PATCH"],
    },
]


def ensure_cloudwatch_role(ctx: CompileContext, where: tuple) -> None:
    """The custom resource that lets API Gateway write logs to CloudWatch.

    Port of ensure-api-gateway-cloud-watch-role.js.
    """
    logs = ctx.provider.get("logs")
    rest_api = logs.get("restApi") if isinstance(logs, dict) else None
    rest_api = rest_api if isinstance(rest_api, dict) else {}
    if rest_api.get("roleManagedExternally"):
        return
    handler_logical_id = naming.get_custom_resource_handler_function_logical_id(
        naming.CUSTOM_RESOURCE_APIGW_CW_ROLE_HANDLER_FUNCTION_NAME)
    properties: dict[str, Any] = {"ServiceToken": {"Fn::GetAtt": [handler_logical_id, "Arn"]}}
    if rest_api.get("role") is not None:
        properties["RoleArn"] = rest_api["role"]
    ctx.add_resource(naming.CUSTOM_API_GATEWAY_ACCOUNT_CLOUDWATCH_ROLE_LOGICAL_ID,
                     {"Type": "Custom::ApiGatewayAccountRole", "Version": 1, "Properties": properties}, where)
    add_custom_resource_to_service(ctx, "apiGatewayCloudWatchRole", CLOUDWATCH_ROLE_STATEMENTS,
                                   where)
