"""`iot` and `iotFleetProvisioning` events (iot.js, iot-fleet-provisioning.js)."""

from __future__ import annotations

import json
import re

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, events_of, non_empty
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.values import drop_none

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

IOT = "iot"
FLEET_PROVISIONING = "iotFleetProvisioning"


@compiles(IOT)
def compile_iot(ctx: CompileContext) -> None:
    for event in events_of(ctx, IOT, counts=non_empty):
        name, fn = event.function_name, event.function
        iot = event.value if isinstance(event.value, dict) else {}
        rule_lid = naming.get_iot_logical_id(name, event.number)
        target = resolve_lambda_target(name, fn)
        payload: dict[str, Any] = {"RuleDisabled": iot.get("enabled") is False, "Sql": _one_line(iot.get("sql")),
                                   "Actions": [{"Lambda": {"FunctionArn": target}}]}
        rule: dict[str, Any] = {"Type": "AWS::IoT::TopicRule", "DependsOn": alias_logical_id(fn),
                                "Properties": {"TopicRulePayload": payload}}
        if iot.get("name"):
            rule["Properties"]["RuleName"] = _one_line(iot["name"])
        if iot.get("description"):
            payload["Description"] = _one_line(iot["description"])
        if iot.get("sqlVersion"):
            payload["AwsIotSqlVersion"] = _one_line(iot["sqlVersion"])
        ctx.add_resource(rule_lid, drop_none(rule), event.path, merge=True)
        ctx.add_resource(naming.get_lambda_iot_permission_logical_id(name, event.number), drop_none({
            "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": {
                "FunctionName": target, "Action": "lambda:InvokeFunction", "Principal": "iot.amazonaws.com",
                "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iot:", {"Ref": "AWS::Region"},
                                                ":", {"Ref": "AWS::AccountId"}, ":rule/", {"Ref": rule_lid}]]}}}),
            event.path, merge=True)


@compiles(FLEET_PROVISIONING)
def compile_iot_fleet_provisioning(ctx: CompileContext) -> None:
    for event in events_of(ctx, FLEET_PROVISIONING, counts=non_empty):
        name, fn, config = event.function_name, event.function, event.value
        if event.number > 1:
            raise ctx.error(("functions", name), f"more than one iotFleetProvisioning event for function {name}",
                            "keep one")
        permission_lid = naming.get_lambda_iot_fleet_provisioning_permission_logical_id(name)
        target = resolve_lambda_target(name, fn)
        props: dict[str, Any] = {
            "Enabled": True, "PreProvisioningHook": {"TargetArn": target},
            "ProvisioningRoleArn": config.get("provisioningRoleArn"),
            "TemplateBody": json.dumps(config.get("templateBody"), separators=(",", ":"), ensure_ascii=False),
        }
        if "enabled" in config:
            props["Enabled"] = config["enabled"]
        if config.get("templateName"):
            props["TemplateName"] = config["templateName"]
        ctx.add_resource(naming.get_iot_fleet_provisioning_logical_id(name), drop_none({
            "Type": "AWS::IoT::ProvisioningTemplate", "Properties": props,
            "DependsOn": [d for d in (permission_lid, alias_logical_id(fn)) if d]}), event.path)
        ctx.add_resource(permission_lid, drop_none({
            "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn),
            "Properties": {"FunctionName": target, "Action": "lambda:InvokeFunction",
                           "Principal": "iot.amazonaws.com"}}), event.path)


def _one_line(value: Any) -> Any:
    return re.sub(r"\r?\n", "", value) if isinstance(value, str) else value
