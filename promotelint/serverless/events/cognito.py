"""`cognitoUserPool` events (package/compile/events/cognito-user-pool.js): the pools they create,
trigger permissions, and existing pools configured through the framework's custom resource."""

from __future__ import annotations

import json

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.custom_resources import add_custom_resource_to_service, chain_custom_resources
from promotelint.serverless.events.base import compiles, events_of, per_function
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.js import lodash_merge
from promotelint.serverless.values import concat, drop_none, name_from, text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "cognitoUserPool"
CUSTOM_SENDER_SOURCES = ("CustomSMSSender", "CustomEmailSender")
DEFAULT_LAMBDA_VERSION = "V1_0"


def _triggers(ctx: CompileContext) -> list[dict[str, Any]]:
    """The triggers on pools this stack creates."""
    triggers = []
    for event in events_of(ctx, KIND):
        pool = event.value
        if not _on_existing_pool(pool):
            triggers.append({"functionName": event.function_name, "poolName": text(pool.get("pool")),
                             "poolValue": pool.get("pool"), "triggerSource": pool.get("trigger"),
                             "kmsKeyId": pool.get("kmsKeyId"), "lambdaVersion": pool.get("lambdaVersion"),
                             "path": event.path})
    return triggers


def _on_existing_pool(pool: Any) -> bool:
    """A trigger on a pool the stack does not create: the framework's custom resource sets it up."""
    return isinstance(pool, dict) and bool(pool.get("existing"))


def _check_kms(ctx: CompileContext, kms: Any, seen: dict[str, Any], pool: str, path: tuple) -> None:
    if not kms:
        raise ctx.error(path, f'a custom sender trigger needs kmsKeyId (user pool "{pool}")',
                        "set kmsKeyId on the event")
    previous = seen.get(pool)
    if previous is not None and previous != kms:
        raise ctx.error(path, f'only one KMS key can be configured per user pool ("{pool}")',
                        "use the same kmsKeyId on every trigger of the pool")
    seen[pool] = kms


def _pool_template(ctx: CompileContext, pool: str, triggers: list[dict[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    lambda_config: dict[str, Any] = {}
    for trigger in triggers:
        fn = ctx.functions[trigger["functionName"]]
        target = resolve_lambda_target(trigger["functionName"], fn)
        if trigger["triggerSource"] in CUSTOM_SENDER_SOURCES:
            lambda_config[trigger["triggerSource"]] = {
                "LambdaArn": target, "LambdaVersion": trigger["lambdaVersion"] or DEFAULT_LAMBDA_VERSION}
            _check_kms(ctx, trigger["kmsKeyId"], seen, pool, trigger["path"])
            lambda_config["KMSKeyID"] = trigger["kmsKeyId"]
        else:
            lambda_config[text(trigger["triggerSource"])] = target
    depends = [alias_logical_id(ctx.functions[t["functionName"]]) or naming.get_lambda_logical_id(t["functionName"])
               for t in triggers]
    pool_value = triggers[0]["poolValue"] if triggers else pool
    return {"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": pool_value, "LambdaConfig": lambda_config},
            "DependsOn": depends}


@compiles(KIND)
def compile_cognito_user_pool(ctx: CompileContext) -> None:
    triggers = _triggers(ctx)
    for trigger in triggers:
        name_from(ctx, trigger["poolValue"], f"the cognitoUserPool event of function {trigger['functionName']}")
    if triggers:
        for pool in dict.fromkeys(t["poolName"] for t in triggers):
            pool_triggers = [t for t in triggers if t["poolName"] == pool]
            ctx.add_resource(naming.get_cognito_user_pool_logical_id(pool),
                             drop_none(_pool_template(ctx, pool, pool_triggers)), pool_triggers[0]["path"], merge=True)
        for trigger in triggers:
            name = trigger["functionName"]
            fn = ctx.functions[name]
            ctx.add_resource(naming.get_lambda_cognito_user_pool_permission_logical_id(
                name, trigger["poolName"], text(trigger["triggerSource"])), drop_none({
                "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": {
                    "FunctionName": resolve_lambda_target(name, fn), "Action": "lambda:InvokeFunction",
                    "Principal": "cognito-idp.amazonaws.com",
                    "SourceArn": {"Fn::GetAtt": [naming.get_cognito_user_pool_logical_id(trigger["poolName"]),
                                                 "Arn"]}}}), trigger["path"], merge=True)
    _existing_pools(ctx)


def _existing_pools(ctx: CompileContext) -> None:
    statements: list[dict[str, Any]] = []
    pool_resources: dict[str, list[str]] = {}
    kms_ids: dict[str, Any] = {}
    handler_lid = naming.get_custom_resource_handler_function_logical_id(
        naming.CUSTOM_RESOURCE_COGNITO_HANDLER_FUNCTION_NAME)
    existing = list(events_of(ctx, KIND, counts=_on_existing_pool))
    for events in per_function(existing):
        current = None
        for event in events:
            name, fn, config = event.function_name, event.function, event.value
            pool, trigger, kms = config.get("pool"), config.get("trigger"), config.get("kmsKeyId")
            current = current or pool
            if pool != current:
                raise ctx.error(event.path, f'function "{fn["name"]}" configures two existing user pools, '
                                            f"{current} and {pool}",
                                "configure only one existing user pool per function")
            custom_lid = naming.get_custom_resource_cognito_user_pool_resource_logical_id(name)
            ids = pool_resources.setdefault(json.dumps(pool) if not isinstance(pool, str) else pool, [])
            if custom_lid not in ids:
                ids.append(custom_lid)
            pool_config: dict[str, Any] = {"Trigger": trigger}
            if trigger in CUSTOM_SENDER_SOURCES:
                pool_config["LambdaVersion"] = config.get("lambdaVersion") or DEFAULT_LAMBDA_VERSION
                _check_kms(ctx, kms, kms_ids, str(pool), event.path)
                pool_config["KMSKeyID"] = kms
            if event.number == 1:
                if trigger in CUSTOM_SENDER_SOURCES and kms:
                    statements.append({"Effect": "Allow", "Resource": kms, "Action": ["kms:CreateGrant"]})
                ctx.add_resource(custom_lid, drop_none({
                    "Type": "Custom::CognitoUserPool", "Version": 1,
                    "DependsOn": [naming.get_lambda_logical_id(name), handler_lid],
                    "Properties": {
                        "ServiceToken": {"Fn::GetAtt": [handler_lid, "Arn"]}, "FunctionName": fn["name"],
                        "UserPoolName": pool, "UserPoolConfigs": [pool_config],
                        # The framework puts Date.now() here to force an update on every deploy.
                        "ForceDeploy": "promotelint:changes-on-every-deploy" if config.get("forceDeploy") else None,
                    }}), event.path, merge=True)
                statements.append({"Effect": "Allow", "Resource": "*", "Action": [
                    "cognito-idp:ListUserPools", "cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool"]})
            else:
                ctx.resources[custom_lid]["Properties"]["UserPoolConfigs"].append(pool_config)
        statements.append({"Effect": "Allow",
                           "Resource": {"Fn::Sub": concat("arn:${AWS::Partition}:lambda:*:*:function:",
                                                          events[0].function["name"])},
                           "Action": ["lambda:AddPermission", "lambda:RemovePermission"]})
    if existing:
        statements.append({"Effect": "Allow", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/*"},
                           "Action": ["iam:PassRole"]})
    chain_custom_resources(ctx, pool_resources)
    if statements:
        add_custom_resource_to_service(ctx, KIND, statements, existing[0].path)


def merge_cognito_with_custom_resources(ctx: CompileContext) -> None:
    """after:package:finalize: a pool overridden at the top of `resources:` keeps its triggers."""
    custom = ctx.config.get("resources")
    if not isinstance(custom, dict):
        return
    triggers = _triggers(ctx)
    for pool in dict.fromkeys(t["poolName"] for t in triggers):
        lid = naming.get_cognito_user_pool_logical_id(pool)
        if not custom.get(lid):
            continue
        generated = _pool_template(ctx, pool, [t for t in triggers if t["poolName"] == pool])
        override = custom[lid]
        depends = generated["DependsOn"] + list(override.get("DependsOn") or []) if isinstance(override, dict) else []
        merged = {**lodash_merge(generated, override), "DependsOn": depends}
        ctx.add_resource(lid, merged, ("resources", lid), merge=True)
