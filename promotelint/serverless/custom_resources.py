"""The framework's own custom-resource Lambda and its role (lib/plugins/aws/custom-resources).

Existing S3 buckets, existing Cognito user pools, EventBridge on older setups and the API Gateway
CloudWatch role are configured through a Lambda the framework ships; its code zip is the
framework's, so its S3 key uses the same fixed artifact directory as the service's functions.
"""

from __future__ import annotations


from promotelint.model.digest import md5
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import artifact_directory_name, deployment_bucket_ref

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_HANDLERS = {
    "s3": (naming.CUSTOM_RESOURCE_S3_HANDLER_FUNCTION_NAME, "s3/handler.handler"),
    "cognitoUserPool": (naming.CUSTOM_RESOURCE_COGNITO_HANDLER_FUNCTION_NAME, "cognito-user-pool/handler.handler"),
    "eventBridge": (naming.CUSTOM_RESOURCE_EVENT_BRIDGE_HANDLER_FUNCTION_NAME, "event-bridge/handler.handler"),
    "apiGatewayCloudWatchRole": (naming.CUSTOM_RESOURCE_APIGW_CW_ROLE_HANDLER_FUNCTION_NAME,
                                 "api-gateway-cloud-watch-role/handler.handler"),
}


def add_custom_resource_to_service(ctx: CompileContext, resource_name: str, statements: list[dict[str, Any]],
                                   config_path: tuple = ()) -> None:
    prov = ctx.provider
    logs = prov.get("logs")
    write_logs = isinstance(logs, dict) and logs.get("frameworkLambda")
    function_name, handler = _HANDLERS[resource_name]
    function_lid = naming.get_custom_resource_handler_function_logical_id(function_name)
    prefix = f"{ctx.service_name}-{ctx.stage}"
    absolute_name = f"{prefix}-{function_name}"
    if len(absolute_name) > 64:
        # The framework's own workaround for Lambda's 64 character limit.
        absolute_name = absolute_name[:32] + md5(absolute_name.encode()).hexdigest()
    iam = prov.get("iam") if isinstance(prov.get("iam"), dict) else {}
    deployment_role = iam.get("deploymentRole",
                              prov.get("cfnRole")) if "deploymentRole" in iam else prov.get("cfnRole")
    role_lid = naming.CUSTOM_RESOURCES_ROLE_LOGICAL_ID
    if not deployment_role:
        role = ctx.resources.get(role_lid)
        if not role:
            role = {"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]},
                    "Action": ["sts:AssumeRole"]}]},
                "Policies": [{"PolicyName": {"Fn::Join": ["-", [ctx.stage, ctx.service_name,
                                                                "custom-resources-lambda"]]},
                              "PolicyDocument": {"Version": "2012-10-17", "Statement": []}}]}}
            ctx.add_resource(role_lid, role, config_path)
            if write_logs:
                group = naming.get_log_group_name(prefix)
                sub = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:" + group
                role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].extend([
                    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"],
                     "Resource": [{"Fn::Sub": f"{sub}*:*"}]},
                    {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": [{"Fn::Sub": f"{sub}*:*:*"}]},
                ])
        existing = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        for statement in statements:
            # The framework compares Resource by identity; equal plain strings are the only match.
            if not any(isinstance(s.get("Resource"), str) and s.get("Resource") == statement.get("Resource")
                       for s in existing):
                existing.append(statement)
    function: dict[str, Any] = {"Type": "AWS::Lambda::Function", "Properties": {
        "Code": {"S3Bucket": deployment_bucket_ref(ctx),
                 "S3Key": f"{artifact_directory_name(ctx)}/{naming.CUSTOM_RESOURCES_ARTIFACT_NAME}"},
        "FunctionName": absolute_name, "Handler": handler, "MemorySize": 1024,
        "Runtime": _runtime(ctx), "Timeout": 180,
    }, "DependsOn": []}
    if ctx.engine.custom_resource_architecture and prov.get("architecture"):
        function["Properties"]["Architectures"] = [prov["architecture"]]
    ctx.add_resource(function_lid, function, config_path)
    if deployment_role:
        function["Properties"]["Role"] = deployment_role
    else:
        function["Properties"]["Role"] = {"Fn::GetAtt": [role_lid, "Arn"]}
        function["DependsOn"].append(role_lid)
    if write_logs:
        log_lid = naming.get_log_group_logical_id(function_name)
        function["DependsOn"].append(log_lid)
        props = {"LogGroupName": naming.get_log_group_name(absolute_name),
                 "RetentionInDays": prov.get("logRetentionInDays"),
                 "DataProtectionPolicy": prov.get("logDataProtectionPolicy")}
        ctx.add_resource(log_lid, {"Type": "AWS::Logs::LogGroup", "Properties": props}, config_path)


def _runtime(ctx: CompileContext) -> str:
    """The engine's runtime for its own Lambda; osls >= 3.48 takes the provider's (or the default)
    runtime when it is a Node.js one."""
    if ctx.engine.custom_resource_follows_provider:
        runtime = ctx.provider.get("runtime") or ctx.engine.default_runtime
        if isinstance(runtime, str) and runtime.startswith("nodejs"):
            return runtime
    return ctx.engine.custom_resource_runtime


def chain_custom_resources(ctx: CompileContext, logical_ids_by_target: dict[str, list[str]]) -> None:
    """The framework's custom resources on one existing bucket or user pool update it one after the
    other: each waits for the one before."""
    for logical_ids in logical_ids_by_target.values():
        for previous, current in zip(logical_ids, logical_ids[1:]):
            ctx.resources[current]["DependsOn"].append(previous)
