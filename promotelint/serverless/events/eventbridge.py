"""`eventBridge` events (package/compile/events/event-bridge): rules, buses and permissions, or the
framework's custom resource when `provider.eventBridge.useCloudFormation` is not set."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from promotelint.model.errors import InputError
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import alias_logical_id
from promotelint.serverless.values import concat, drop_none, is_mapping, name_from, text
from promotelint.model.opaque import is_opaque
from promotelint.serverless.custom_resources import add_custom_resource_to_service
from promotelint.serverless.functions import resolve_lambda_target
from promotelint.serverless.js import js_truthy

_EVENTS_ARN = ["arn", {"Ref": "AWS::Partition"}, "events", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}]


def _hash_name(name: str, suffix: str) -> str:
    return f"{name[:31 - len(suffix)]}{hashlib.md5(name.encode()).hexdigest()}-{suffix}"


def _rule_name(function_name: Any, index: int) -> Any:
    return concat(function_name, f"-rule-{index}")


def _hashed_rule_name(function_name: Any, index: int) -> Any:
    name = _rule_name(function_name, index)
    return _hash_name(name, f"rule-{index}") if isinstance(name, str) and len(name) > 64 else name


def _target_id(rule_name: Any) -> Any:
    target_id = concat(rule_name, "-target")
    return _hash_name(target_id, "target") if isinstance(target_id, str) and len(target_id) > 64 else target_id


def compile_event_bridge(ctx: CompileContext) -> None:
    options = ctx.provider.get("eventBridge")
    use_cloudformation = options.get("useCloudFormation") if isinstance(options, dict) else True
    statements: list[dict[str, Any]] = []
    has_bus_statement = False
    any_event = False
    first_path: tuple = ()
    for name, fn in ctx.functions.items():
        for index, event in enumerate(fn.get("events") or []):
            if not isinstance(event, dict) or not event.get("eventBridge"):
                continue
            path = ("functions", name, "events", index)
            first_path = first_path or path
            idx = index + 1
            any_event = True
            config = event["eventBridge"] if is_mapping(event["eventBridge"]) else {}
            bus = config.get("eventBus")
            rule_name = config.get("name") or _hashed_rule_name(fn["name"], idx)
            state = "DISABLED" if config.get("enabled") is False else "ENABLED"
            input_, input_path = config.get("input"), config.get("inputPath")
            transformer = config.get("inputTransformer")
            if len([x for x in (input_, input_path, transformer) if js_truthy(x)]) > 1:
                raise _error(ctx, path, "set only one of input, inputPath and inputTransformer")
            if js_truthy(transformer):
                transformer = {k[:1].upper() + k[1:]: v for k, v in transformer.items()}
            retry = config.get("retryPolicy")
            dead_letter = None
            if js_truthy(retry):
                if not use_cloudformation:
                    raise _error(ctx, path, "retryPolicy needs provider.eventBridge.useCloudFormation")
                retry = {"MaximumEventAgeInSeconds": retry.get("maximumEventAge"),
                         "MaximumRetryAttempts": retry.get("maximumRetryAttempts")}
            if config.get("deadLetterQueueArn"):
                if not use_cloudformation:
                    raise _error(ctx, path, "deadLetterQueueArn needs provider.eventBridge.useCloudFormation")
                dead_letter = {"Arn": config["deadLetterQueueArn"]}
            if not use_cloudformation:
                if isinstance(bus, (dict, list)):
                    raise _error(ctx, path, "an event bus given as an intrinsic function needs "
                                            "provider.eventBridge.useCloudFormation")
                bus_name = bus[bus.index("/") + 1:] if isinstance(bus, str) and bus.startswith("arn") else bus
                custom_lid = naming.get_custom_resource_event_bridge_resource_logical_id(name, idx)
                handler_lid = naming.get_custom_resource_handler_function_logical_id(
                    naming.CUSTOM_RESOURCE_EVENT_BRIDGE_HANDLER_FUNCTION_NAME)
                ctx.add_resource(custom_lid, drop_none({
                    "Type": "Custom::EventBridge", "Version": 1,
                    "DependsOn": [naming.get_lambda_logical_id(name), handler_lid],
                    "Properties": {"ServiceToken": {"Fn::GetAtt": [handler_lid, "Arn"]}, "FunctionName": fn["name"],
                                   "EventBridgeConfig": {
                                       "RuleName": rule_name, "State": state, "EventBus": bus,
                                       "Schedule": config.get("schedule"), "Pattern": config.get("pattern"),
                                       "Input": input_, "InputPath": input_path, "InputTransformer": transformer}}}),
                    path)
                if not has_bus_statement and bus_name and bus_name != "default":
                    statements.append({"Effect": "Allow",
                                       "Resource": {"Fn::Join": [":", [*_EVENTS_ARN, "event-bus/*"]]},
                                       "Action": ["events:CreateEventBus", "events:DeleteEventBus"]})
                    has_bus_statement = True
                continue
            _compile_with_cloudformation(ctx, name, fn, idx, path, config, bus, rule_name, state,
                                         input_, input_path, transformer, retry, dead_letter)
    if not use_cloudformation and any_event:
        statements.append({"Effect": "Allow", "Resource": {"Fn::Join": [":", [*_EVENTS_ARN, "rule/*"]]},
                           "Action": ["events:PutRule", "events:RemoveTargets", "events:PutTargets",
                                      "events:DeleteRule"]})
        statements.append({"Effect": "Allow", "Resource": {"Fn::Join": [":", [
            "arn", {"Ref": "AWS::Partition"}, "lambda", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"},
            "function", "*"]]}, "Action": ["lambda:AddPermission", "lambda:RemovePermission"]})
        add_custom_resource_to_service(ctx, "eventBridge", statements, first_path)


def _compile_with_cloudformation(ctx: CompileContext, name: str, fn: dict[str, Any], idx: int, path: tuple,
                                 config: dict[str, Any], bus: Any, rule_name: Any, state: str, input_: Any,
                                 input_path: Any, transformer: Any, retry: Any, dead_letter: Any) -> None:
    bus_exists = isinstance(bus, (dict, list)) and not is_opaque(bus)
    if is_opaque(bus):
        ctx.warn(f"eventBridge event of function {name}: event bus {text(bus)} is not known offline; "
                  "taken as a bus name this stack creates unless it is an ARN")
    bus_name = bus
    if isinstance(bus, str) and bus.startswith("arn"):
        bus_exists = True
        bus_name = bus[bus.index("/") + 1:]
    create_bus = not bus_exists and bus_name and bus_name != "default"
    bus_lid = naming.get_event_bridge_event_bus_logical_id(
        naming.normalize_name_to_alphanumeric_only(text(bus_name)) if is_opaque(bus_name) else str(bus_name))
    if create_bus:
        ctx.add_resource(bus_lid, {"Type": "AWS::Events::EventBus", "Properties": {"Name": bus_name}}, path)
    target: dict[str, Any] = {"Arn": resolve_lambda_target(name, fn), "Id": _target_id(rule_name)}
    if js_truthy(retry):
        target["RetryPolicy"] = retry
    if dead_letter:
        target["DeadLetterConfig"] = dead_letter
    if js_truthy(input_):
        target["Input"] = json.dumps(input_, separators=(",", ":"), ensure_ascii=False)
    elif js_truthy(input_path):
        target["InputPath"] = input_path
    elif js_truthy(transformer):
        target["InputTransformer"] = transformer
    rule = {"Type": "AWS::Events::Rule", "DependsOn": alias_logical_id(fn), "Properties": {
        "Description": config.get("description"),
        "EventBusName": None if bus_name == "default" else bus_name,
        "EventPattern": config.get("pattern"), "Name": rule_name,
        "ScheduleExpression": config.get("schedule"), "State": state, "Targets": [target]}}
    if create_bus:
        rule["DependsOn"] = bus_lid
    rule_lid = naming.get_event_bridge_rule_logical_id(
        name_from(ctx, _rule_name(fn["name"], idx), f"the eventBridge events of function {name}"))
    ctx.add_resource(rule_lid, drop_none(rule), path)
    arn_path = [bus_name, rule_name] if bus_name else [rule_name]
    permission_lid = naming.get_event_bridge_lambda_permission_logical_id(name, idx)
    ctx.add_resource(permission_lid, drop_none({"Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn),
                                     "Properties": {
        "Action": "lambda:InvokeFunction", "FunctionName": resolve_lambda_target(name, fn),
        "Principal": "events.amazonaws.com",
        "SourceArn": {"Fn::Join": [":", [*_EVENTS_ARN, {"Fn::Join": ["/", ["rule", *arn_path]]}]]}}}), path)


def _error(ctx: CompileContext, path: tuple, message: str) -> InputError:
    return InputError(f"eventBridge event: {message}", file=ctx.source, line=ctx.origin(path).line,
                      fix="see the framework's eventBridge event documentation")
