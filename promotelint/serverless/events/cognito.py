"""`cognitoUserPool` events (package/compile/events/cognito-user-pool.js): the pools they create,
trigger permissions, and existing pools configured through the framework's custom resource."""

from __future__ import annotations

import json
from typing import Any

from promotelint.model.errors import InputError
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import alias_logical_id
from promotelint.serverless.values import concat, drop_none, name_from, text
from promotelint.serverless.custom_resources import add_custom_resource_to_service
from promotelint.serverless.functions import resolve_lambda_target
from promotelint.serverless.js import lodash_merge

CUSTOM_SENDER_SOURCES = ("CustomSMSSender", "CustomEmailSender")
DEFAULT_LAMBDA_VERSION = "V1_0"


def _triggers(ctx: CompileContext) -> list[dict[str, Any]]:
    found = []
    for name, fn in ctx.functions.items():
        for index, event in enumerate(fn.get("events") or []):
            pool = event.get("cognitoUserPool") if isinstance(event, dict) else None
            if not isinstance(pool, dict) or pool.get("existing"):
                continue
            found.append({"functionName": name, "poolName": text(pool.get("pool")), "poolValue": pool.get("pool"),
                          "triggerSource": pool.get("trigger"),
                          "kmsKeyId": pool.get("kmsKeyId"), "lambdaVersion": pool.get("lambdaVersion"),
                          "path": ("functions", name, "events", index)})
    return found


def _check_kms(ctx: CompileContext, kms: Any, seen: dict[str, Any], pool: str, path: tuple) -> None:
    if not kms:
        raise InputError(f'a custom sender trigger needs kmsKeyId (user pool "{pool}")', file=ctx.source,
                         line=ctx.origin(path).line, fix="set kmsKeyId on the event")
    previous = seen.get(pool)
    if previous is not None and previous != kms:
        raise InputError(f'only one KMS key can be configured per user pool ("{pool}")', file=ctx.source,
                         line=ctx.origin(path).line, fix="use the same kmsKeyId on every trigger of the pool")
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


def compile_cognito_user_pool(ctx: CompileContext) -> None:
    triggers = _triggers(ctx)
    for trigger in triggers:
        name_from(ctx, trigger["poolValue"], f"the cognitoUserPool event of function {trigger['functionName']}")
    if triggers:
        for pool in dict.fromkeys(t["poolName"] for t in triggers):
            pool_triggers = [t for t in triggers if t["poolName"] == pool]
            ctx.add_resource(naming.get_cognito_user_pool_logical_id(pool), drop_none(_pool_template(ctx, pool, pool_triggers)), pool_triggers[0]["path"], merge=True)
        for trigger in triggers:
            name = trigger["functionName"]
            fn = ctx.functions[name]
            ctx.add_resource(naming.get_lambda_cognito_user_pool_permission_logical_id(
                name, trigger["poolName"], text(trigger["triggerSource"])), drop_none({
                "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": {
                    "FunctionName": resolve_lambda_target(name, fn), "Action": "lambda:InvokeFunction",
                    "Principal": "cognito-idp.amazonaws.com",
                    "SourceArn": {"Fn::GetAtt": [naming.get_cognito_user_pool_logical_id(trigger["poolName"]), "Arn"]}}}), trigger["path"], merge=True)
    _existing_pools(ctx)


def _existing_pools(ctx: CompileContext) -> None:
    statements: list[dict[str, Any]] = []
    uses_existing = False
    pool_resources: dict[str, list[str]] = {}
    kms_ids: dict[str, Any] = {}
    res = ctx.resources
    first_path: tuple = ()
    handler_lid = naming.get_custom_resource_handler_function_logical_id(
        naming.CUSTOM_RESOURCE_COGNITO_HANDLER_FUNCTION_NAME)
    for name, fn in ctx.functions.items():
        count = 0
        current = None
        fn_uses_existing = False
        for index, event in enumerate(fn.get("events") or []):
            config = event.get("cognitoUserPool") if isinstance(event, dict) else None
            if not (isinstance(config, dict) and config.get("existing")):
                continue
            path = ("functions", name, "events", index)
            first_path = first_path or path
            count += 1
            uses_existing = fn_uses_existing = True
            pool, trigger, kms = config.get("pool"), config.get("trigger"), config.get("kmsKeyId")
            current = current or pool
            if pool != current:
                raise InputError(f'function "{fn["name"]}" configures two existing user pools, {current} and {pool}',
                                 file=ctx.source, line=ctx.origin(path).line,
                                 fix="configure only one existing user pool per function")
            custom_lid = naming.get_custom_resource_cognito_user_pool_resource_logical_id(name)
            ids = pool_resources.setdefault(json.dumps(pool) if not isinstance(pool, str) else pool, [])
            if custom_lid not in ids:
                ids.append(custom_lid)
            pool_config: dict[str, Any] = {"Trigger": trigger}
            if trigger in CUSTOM_SENDER_SOURCES:
                pool_config["LambdaVersion"] = config.get("lambdaVersion") or DEFAULT_LAMBDA_VERSION
                _check_kms(ctx, kms, kms_ids, str(pool), path)
                pool_config["KMSKeyID"] = kms
            if count == 1:
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
                    }}), path, merge=True)
                statements.append({"Effect": "Allow", "Resource": "*", "Action": [
                    "cognito-idp:ListUserPools", "cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool"]})
            else:
                res[custom_lid]["Properties"]["UserPoolConfigs"].append(pool_config)
        if fn_uses_existing:
            statements.append({"Effect": "Allow",
                               "Resource": {"Fn::Sub": concat("arn:${AWS::Partition}:lambda:*:*:function:", fn["name"])},
                               "Action": ["lambda:AddPermission", "lambda:RemovePermission"]})
    if uses_existing:
        statements.append({"Effect": "Allow", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/*"},
                           "Action": ["iam:PassRole"]})
    for ids in pool_resources.values():
        for previous, current_id in zip(ids, ids[1:]):
            res[current_id]["DependsOn"].append(previous)
    if statements:
        add_custom_resource_to_service(ctx, "cognitoUserPool", statements, first_path)


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
