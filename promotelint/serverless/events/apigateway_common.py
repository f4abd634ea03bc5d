"""Helpers shared by the API Gateway compilers (REST `http`, `websocket`, `httpApi`).

They reproduce the JavaScript semantics the framework's compilers rely on (lodash `_.merge`,
`String(value)` in template literals, `JSON.stringify`), so that the ported steps can stay close
to the original code.
"""

from __future__ import annotations

import json
import math
from typing import Any

from promotelint.model.errors import InputError
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.model.opaque import OPAQUE_KEY, is_opaque, opaque


def merge(target: dict, source: dict) -> dict:
    """lodash `_.merge`: deep merge of plain objects, arrays merged index by index."""
    for key, value in source.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merge(current, value)
        elif isinstance(value, list) and isinstance(current, list):
            _merge_list(current, value)
        elif isinstance(value, dict):
            target[key] = merge({}, value)
        elif isinstance(value, list):
            target[key] = _merge_list([], value)
        else:
            target[key] = value
    return target


def _merge_list(target: list, source: list) -> list:
    for index, value in enumerate(source):
        if index < len(target):
            current = target[index]
            if isinstance(value, dict) and isinstance(current, dict):
                merge(current, value)
                continue
            if isinstance(value, list) and isinstance(current, list):
                _merge_list(current, value)
                continue
        item = merge({}, value) if isinstance(value, dict) else (
            _merge_list([], value) if isinstance(value, list) else value)
        if index < len(target):
            target[index] = item
        else:
            target.append(item)
    return target


def js_str(value: Any) -> str:
    """JavaScript `String(value)`, as used by the framework's template literals."""
    if value is None:
        return "undefined"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))
        return repr(value)
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None else js_str(v) for v in value)
    return str(value)


def concat(*parts: Any) -> Any:
    """A JavaScript template literal over config values: an opaque token if a part is unknown."""
    if any(is_opaque(p) for p in parts):
        return opaque("".join(p[OPAQUE_KEY] if is_opaque(p) else js_str(p) for p in parts))
    return "".join(js_str(p) for p in parts)


def join(items: Any, separator: str) -> Any:
    """`items.join(separator)` (String() of anything else), opaque if an item is unknown."""
    if not isinstance(items, list):
        return concat(items)
    parts: list[Any] = []
    for index, item in enumerate(items):
        parts.extend(([separator] if index else []) + ["" if item is None else item])
    return concat(*parts)


def js_json(value: Any) -> str:
    """`JSON.stringify(value)` for plain data (integral floats print as integers, as in JS)."""
    return json.dumps(_js_numbers(value), separators=(",", ":"), ensure_ascii=False)


def _js_numbers(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, dict):
        # JS objects list integer-like keys first, in ascending order.
        ints = sorted((k for k in value if _is_index(k)), key=int)
        rest = [k for k in value if not _is_index(k)]
        return {k: _js_numbers(value[k]) for k in ints + rest}
    if isinstance(value, list):
        return [_js_numbers(v) for v in value]
    return value


def _is_index(key: Any) -> bool:
    return isinstance(key, str) and key.isdigit() and (key == "0" or not key.startswith("0")) \
        and int(key) < 2**32 - 1


def is_object(value: Any) -> bool:
    """lodash `_.isObject` for parsed config data."""
    return isinstance(value, (dict, list))


def fail(ctx: CompileContext, message: str, path: tuple, fix: str | None = None) -> InputError:
    origin = ctx.origin(path)
    return InputError(message, file=origin.file, line=origin.line, fix=fix)


def provider(ctx: CompileContext) -> dict[str, Any]:
    value = ctx.config.get("provider")
    return value if isinstance(value, dict) else {}


def service_name(ctx: CompileContext) -> str:
    return js_str(ctx.config.get("service"))


def functions(ctx: CompileContext) -> dict[str, Any]:
    value = ctx.config.get("functions")
    return value if isinstance(value, dict) else {}


def function_events(function: Any) -> list:
    events = function.get("events") if isinstance(function, dict) else None
    return events if isinstance(events, list) else []


def get_function(ctx: CompileContext, name: Any, path: tuple) -> dict[str, Any]:
    """`serverless.service.getFunction(name)`: the function's config, or an error naming it."""
    fns = functions(ctx)
    if not isinstance(name, str) or name not in fns:
        raise fail(ctx, f'Function "{js_str(name)}" doesn\'t exist in this Service', path,
                   fix="reference a function defined under `functions:`")
    return fns[name] if isinstance(fns[name], dict) else {}


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
    name = naming.normalize_name_to_alphanumeric_only(js_str(arn.get(OPAQUE_KEY)))
    ctx.warnings.append(
        f"{ctx.origin(where)}: authorizer ARN {arn.get(OPAQUE_KEY)} is not known offline, so the "
        f"name the framework derives from it is a stand-in ({name}); set the authorizer's `name` "
        "to make it exact")
    return name


def put_resource(ctx: CompileContext, logical_id: str, resource: dict[str, Any],
                 config_path: tuple, *, replace: bool = False) -> dict[str, Any]:
    """Add a resource as the framework does (`_.merge` into Resources, or `Object.assign`)."""
    resources = ctx.template.setdefault("Resources", {})
    if replace or not isinstance(resources.get(logical_id), dict):
        resources[logical_id] = merge({}, resource) if not replace else resource
    else:
        merge(resources[logical_id], resource)
    ctx.origins.setdefault(logical_id, ctx.origin(config_path))
    return resources[logical_id]


def put_output(ctx: CompileContext, name: str, output: dict[str, Any], config_path: tuple) -> None:
    outputs = ctx.template.setdefault("Outputs", {})
    if isinstance(outputs.get(name), dict):
        merge(outputs[name], output)
    else:
        outputs[name] = merge({}, output)
    ctx.origins.setdefault(f"Outputs.{name}", ctx.origin(config_path))


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
    logs = provider(ctx).get("logs")
    rest_api = logs.get("restApi") if isinstance(logs, dict) else None
    rest_api = rest_api if isinstance(rest_api, dict) else {}
    if rest_api.get("roleManagedExternally"):
        return
    handler_logical_id = naming.get_custom_resource_handler_function_logical_id(
        naming.CUSTOM_RESOURCE_APIGW_CW_ROLE_HANDLER_FUNCTION_NAME)
    properties: dict[str, Any] = {"ServiceToken": {"Fn::GetAtt": [handler_logical_id, "Arn"]}}
    if rest_api.get("role") is not None:
        properties["RoleArn"] = rest_api["role"]
    put_resource(ctx, naming.CUSTOM_API_GATEWAY_ACCOUNT_CLOUDWATCH_ROLE_LOGICAL_ID,
                 {"Type": "Custom::ApiGatewayAccountRole", "Version": 1, "Properties": properties},
                 where, replace=True)
    # imported here: custom_resources imports the core steps, which must not load at import time
    from promotelint.serverless.custom_resources import add_custom_resource_to_service

    add_custom_resource_to_service(ctx, "apiGatewayCloudWatchRole", CLOUDWATCH_ROLE_STATEMENTS,
                                   where)
