"""`eventBridge` events (package/compile/events/event-bridge): rules, buses and permissions, or the
framework's custom resource when `provider.eventBridge.useCloudFormation` is not set."""

from __future__ import annotations

import json

from promotelint.model.digest import md5
from promotelint.model.opaque import is_opaque
from promotelint.model.record import record
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.custom_resources import add_custom_resource_to_service
from promotelint.serverless.events.base import Event, compiles, event_error, events_of, non_empty
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.js import js_truthy
from promotelint.serverless.values import concat, drop_none, is_mapping, name_from, text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "eventBridge"
_EVENTS_ARN = ["arn", {"Ref": "AWS::Partition"}, "events", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}]


@record
class _Rule:
    """One event's rule settings, as both ways of deploying it read them."""

    config: dict[str, Any]
    number: int  # the event's position in the function's events, from 1
    bus: Any
    name: Any
    state: str
    input: Any
    input_path: Any
    input_transformer: Any
    retry_policy: Any
    dead_letter: Any


@compiles(KIND)
def compile_event_bridge(ctx: CompileContext) -> None:
    options = ctx.provider.get("eventBridge")
    use_cloudformation = options.get("useCloudFormation") if isinstance(options, dict) else True
    statements: list[dict[str, Any]] = []
    events = list(events_of(ctx, KIND, counts=non_empty))
    for event in events:
        rule = _rule(ctx, event, use_cloudformation)
        if use_cloudformation:
            _compile_with_cloudformation(ctx, event, rule)
        else:
            _compile_with_custom_resource(ctx, event, rule, statements)
    if not use_cloudformation and events:
        statements.append({"Effect": "Allow", "Resource": {"Fn::Join": [":", [*_EVENTS_ARN, "rule/*"]]},
                           "Action": ["events:PutRule", "events:RemoveTargets", "events:PutTargets",
                                      "events:DeleteRule"]})
        statements.append({"Effect": "Allow", "Resource": {"Fn::Join": [":", [
            "arn", {"Ref": "AWS::Partition"}, "lambda", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"},
            "function", "*"]]}, "Action": ["lambda:AddPermission", "lambda:RemovePermission"]})
        add_custom_resource_to_service(ctx, KIND, statements, events[0].path)


def _rule(ctx: CompileContext, event: Event, use_cloudformation: bool) -> _Rule:
    config = event.value if is_mapping(event.value) else {}
    number = event.index + 1
    input_, input_path = config.get("input"), config.get("inputPath")
    transformer = config.get("inputTransformer")
    if len([x for x in (input_, input_path, transformer) if js_truthy(x)]) > 1:
        raise event_error(ctx, event.path, KIND, "set only one of input, inputPath and inputTransformer")
    if js_truthy(transformer):
        transformer = {naming.upper_first(k): v for k, v in transformer.items()}
    retry = config.get("retryPolicy")
    dead_letter = None
    if js_truthy(retry):
        if not use_cloudformation:
            raise event_error(ctx, event.path, KIND, "retryPolicy needs provider.eventBridge.useCloudFormation")
        retry = {"MaximumEventAgeInSeconds": retry.get("maximumEventAge"),
                 "MaximumRetryAttempts": retry.get("maximumRetryAttempts")}
    if config.get("deadLetterQueueArn"):
        if not use_cloudformation:
            raise event_error(ctx, event.path, KIND,
                              "deadLetterQueueArn needs provider.eventBridge.useCloudFormation")
        dead_letter = {"Arn": config["deadLetterQueueArn"]}
    return _Rule(config, number, config.get("eventBus"),
                 config.get("name") or _hashed_rule_name(event.function["name"], number),
                 "DISABLED" if config.get("enabled") is False else "ENABLED",
                 input_, input_path, transformer, retry, dead_letter)


def _compile_with_custom_resource(ctx: CompileContext, event: Event, rule: _Rule,
                                  statements: list[dict[str, Any]]) -> None:
    name, fn, bus = event.function_name, event.function, rule.bus
    if isinstance(bus, (dict, list)):
        raise event_error(ctx, event.path, KIND, "an event bus given as an intrinsic function needs "
                                                 "provider.eventBridge.useCloudFormation")
    bus_name = bus[bus.index("/") + 1:] if isinstance(bus, str) and bus.startswith("arn") else bus
    custom_lid = naming.get_custom_resource_event_bridge_resource_logical_id(name, rule.number)
    handler_lid = naming.get_custom_resource_handler_function_logical_id(
        naming.CUSTOM_RESOURCE_EVENT_BRIDGE_HANDLER_FUNCTION_NAME)
    ctx.add_resource(custom_lid, drop_none({
        "Type": "Custom::EventBridge", "Version": 1,
        "DependsOn": [naming.get_lambda_logical_id(name), handler_lid],
        "Properties": {"ServiceToken": {"Fn::GetAtt": [handler_lid, "Arn"]}, "FunctionName": fn["name"],
                       "EventBridgeConfig": {
                           "RuleName": rule.name, "State": rule.state, "EventBus": bus,
                           "Schedule": rule.config.get("schedule"), "Pattern": rule.config.get("pattern"),
                           "Input": rule.input, "InputPath": rule.input_path,
                           "InputTransformer": rule.input_transformer}}}), event.path)
    bus_statement = {"Effect": "Allow", "Resource": {"Fn::Join": [":", [*_EVENTS_ARN, "event-bus/*"]]},
                     "Action": ["events:CreateEventBus", "events:DeleteEventBus"]}
    if bus_name and bus_name != "default" and bus_statement not in statements:
        statements.append(bus_statement)


def _compile_with_cloudformation(ctx: CompileContext, event: Event, rule: _Rule) -> None:
    name, fn, bus = event.function_name, event.function, rule.bus
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
        ctx.add_resource(bus_lid, {"Type": "AWS::Events::EventBus", "Properties": {"Name": bus_name}}, event.path)
    target: dict[str, Any] = {"Arn": resolve_lambda_target(name, fn), "Id": _target_id(rule.name)}
    if js_truthy(rule.retry_policy):
        target["RetryPolicy"] = rule.retry_policy
    if rule.dead_letter:
        target["DeadLetterConfig"] = rule.dead_letter
    if js_truthy(rule.input):
        target["Input"] = json.dumps(rule.input, separators=(",", ":"), ensure_ascii=False)
    elif js_truthy(rule.input_path):
        target["InputPath"] = rule.input_path
    elif js_truthy(rule.input_transformer):
        target["InputTransformer"] = rule.input_transformer
    resource = {"Type": "AWS::Events::Rule", "DependsOn": alias_logical_id(fn), "Properties": {
        "Description": rule.config.get("description"),
        "EventBusName": None if bus_name == "default" else bus_name,
        "EventPattern": rule.config.get("pattern"), "Name": rule.name,
        "ScheduleExpression": rule.config.get("schedule"), "State": rule.state, "Targets": [target]}}
    if create_bus:
        resource["DependsOn"] = bus_lid
    rule_lid = naming.get_event_bridge_rule_logical_id(
        name_from(ctx, _rule_name(fn["name"], rule.number), f"the eventBridge events of function {name}"))
    ctx.add_resource(rule_lid, drop_none(resource), event.path)
    arn_path = [bus_name, rule.name] if bus_name else [rule.name]
    ctx.add_resource(naming.get_event_bridge_lambda_permission_logical_id(name, rule.number), drop_none({
        "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": resolve_lambda_target(name, fn),
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::Join": [":", [*_EVENTS_ARN, {"Fn::Join": ["/", ["rule", *arn_path]]}]]}}}),
        event.path)


def _rule_name(function_name: Any, number: int) -> Any:
    return concat(function_name, f"-rule-{number}")


def _hashed_rule_name(function_name: Any, number: int) -> Any:
    name = _rule_name(function_name, number)
    return _hash_name(name, f"rule-{number}") if isinstance(name, str) and len(name) > 64 else name


def _target_id(rule_name: Any) -> Any:
    target_id = concat(rule_name, "-target")
    return _hash_name(target_id, "target") if isinstance(target_id, str) and len(target_id) > 64 else target_id


def _hash_name(name: str, suffix: str) -> str:
    return f"{name[:31 - len(suffix)]}{md5(name.encode()).hexdigest()}-{suffix}"
