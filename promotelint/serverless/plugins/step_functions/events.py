"""The state machines' `schedule` and `cloudwatchEvent` / `eventBridge` events: port of
events/schedule/compileScheduledEvents.js, events/cloudWatchEvent/compileCloudWatchEventEvents.js and
events/eventUtils.js.

The plugin writes these rules as JSON text with the settings interpolated and parses it back, so a
setting's text lands in the template as JavaScript would print it (`String(value)`), and a value
that breaks the JSON makes the plugin fail; the port builds the same text."""

from __future__ import annotations

import re

from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_json, js_string, js_truthy
from promotelint.serverless.plugins.step_functions.common import (
    PluginError, generate_logical_id, json_parse, machine_path, state_machine_logical_id, state_machines,
)

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def _role(principal: str, policy: str, machine_id: str) -> dict[str, Any]:
    """`buildIamRole`: a role the service assumes to start the state machine's executions."""
    return {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}]},
        "Policies": [{"PolicyName": policy, "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": ["states:StartExecution"], "Resource": {"Ref": machine_id}}]}}]}}


def _check_one_input(*values: Any, path: tuple) -> None:
    """`validateEventInput`."""
    if sum(1 for v in values if js_truthy(v)) > 1:
        raise PluginError("You can't set input, inputPath and inputTransformer properties at the same time for "
                          "events. Please check the AWS docs for more info", path)


def _escape_quotes(value: Any) -> Any:
    return value.replace('"', '\\"') if isinstance(value, str) else value


def _input_texts(config: dict[str, Any]) -> tuple[Any, Any, Any]:
    """Input (JSON text of a mapping, quotes escaped), inputPathsMap (JSON text) and inputTemplate (quotes
    escaped), as the plugin prepares them for its JSON text."""
    input_ = config.get("input")
    if js_truthy(input_) and isinstance(input_, (dict, list)):
        input_ = js_json(input_)
    if js_truthy(input_) and isinstance(input_, str):
        input_ = _escape_quotes(input_)
    transformer = config.get("inputTransformer")
    paths_map = transformer.get("inputPathsMap") if js_truthy(transformer) and isinstance(transformer, dict) else None
    template = transformer.get("inputTemplate") if js_truthy(transformer) and isinstance(transformer, dict) else None
    if js_truthy(paths_map) and isinstance(paths_map, (dict, list)):
        paths_map = js_json(paths_map)
    if js_truthy(template) and isinstance(template, str):
        template = _escape_quotes(template)
    return input_, paths_map, template


_ESCAPED_NEWLINE = re.compile(r"\\n|\\r")  # an escaped newline in JSON text: a backslash, then n or r
_NEWLINE = re.compile(r"\r?\n")


def _text(value: Any) -> str:
    """A value interpolated into JavaScript template text (null prints as null here)."""
    return "null" if value is None else js_string(value)


def _retry_policy(config: dict[str, Any]) -> str | None:
    retry = config.get("retryPolicy")
    if not js_truthy(retry):
        return None
    retry = retry if isinstance(retry, dict) else {}
    return js_json({k: v for k, v in (("MaximumEventAgeInSeconds", retry.get("maximumEventAgeInSeconds")),
                                      ("MaximumRetryAttempts", retry.get("maximumRetryAttempts"))) if v is not None})


def _role_path(ctx: CompileContext) -> Any:
    iam = ctx.provider.get("iam")
    role = iam.get("role") if isinstance(iam, dict) else None
    return role.get("path") if isinstance(role, dict) else None


def compile_scheduled_events(ctx: CompileContext) -> None:
    boundary = ctx.provider.get("rolePermissionsBoundary")
    for key, machine in state_machines(ctx):
        number = 0
        for index, event in enumerate(machine.get("events") or [] if isinstance(machine, dict) else []):
            schedule = event.get("schedule") if isinstance(event, dict) else None
            if not js_truthy(schedule):
                continue
            number += 1
            path = machine_path(key) + ("events", index, "schedule")
            method, timezone, name, description = "eventBus", None, None, None
            input_ = input_path = transformer = paths_map = template = retry = None
            if isinstance(schedule, dict):
                if not js_truthy(schedule.get("rate")):
                    raise PluginError(f'Missing "rate" property for schedule event in stateMachine {key} The correct '
                                      "syntax is: schedule: rate(10 minutes) OR an object with \"rate\" property. "
                                      "Please check the README for more info.", path)
                expression = schedule["rate"]
                state = "DISABLED" if schedule.get("enabled") is False else "ENABLED"
                input_path, transformer = schedule.get("inputPath"), schedule.get("inputTransformer")
                name, description = schedule.get("name"), schedule.get("description")
                method = schedule.get("method") or "eventBus"
                timezone = schedule.get("timezone")
                retry = _retry_policy(schedule)
                _check_one_input(schedule.get("input"), input_path, transformer, path=path)
                input_, paths_map, template = _input_texts(schedule)
                if js_truthy(transformer) and method == "scheduler":
                    raise PluginError('Cannot setup "schedule" event: "inputTransformer" is not supported with '
                                      '"scheduler" mode', path)
                if js_truthy(input_path) and method == "scheduler":
                    raise PluginError('Cannot setup "schedule" event: "inputPath" is not supported with "scheduler" '
                                      "mode", path)
                if js_truthy(timezone) and method != "scheduler":
                    raise PluginError('Cannot setup "schedule" event: "timezone" is only supported with "scheduler" '
                                      "mode", path)
            elif isinstance(schedule, str):
                expression, state = schedule, "ENABLED"
            else:
                raise PluginError(f"Schedule event of stateMachine {key} is not an object nor a string The correct "
                                  "syntax is: schedule: rate(10 minutes) OR an object with \"rate\" property. Please "
                                  "check the README for more info.", path)
            machine_id = state_machine_logical_id(ctx, key, machine)
            scheduler = method == "scheduler"
            rule_id = generate_logical_id(key, f"StepFunctions{'SchedulerSchedule' if scheduler else 'EventsRuleSchedule'}"
                                               f"{number}")
            role_id = generate_logical_id(key, "ScheduleToStepFunctionsRole")
            given_role = schedule.get("role") if isinstance(schedule, dict) else None
            role_arn = js_json(given_role) if js_truthy(given_role) else f'{{"Fn::GetAtt": ["{role_id}", "Arn"]}}'
            if scheduler:
                text = ('{"Type": "AWS::Scheduler::Schedule", "Properties": {'
                        f'"ScheduleExpression": "{_text(expression)}", "State": "{state}", '
                        + (f'"ScheduleExpressionTimezone": "{_text(timezone)}", ' if js_truthy(timezone) else "")
                        + (f'"Name": "{_text(name)}", ' if js_truthy(name) else "")
                        + (f'"Description": "{_text(description)}", ' if js_truthy(description) else "")
                        + f'"Target": {{"Arn": {{"Ref": "{machine_id}"}}, "RoleArn": {role_arn}'
                        + (f', "Input": "{_text(input_)}"' if js_truthy(input_) else "")
                        + '}, "FlexibleTimeWindow": {"Mode": "OFF"}}}')
            else:
                text = ('{"Type": "AWS::Events::Rule", "Properties": {'
                        f'"ScheduleExpression": "{_text(expression)}", "State": "{state}", '
                        + (f'"Name": "{_text(name)}", ' if js_truthy(name) else "")
                        + (f'"Description": "{_text(description)}", ' if js_truthy(description) else "")
                        + '"Targets": [{'
                        + (f'"Input": "{_text(input_)}", ' if js_truthy(input_) else "")
                        + (f'"InputPath": "{_text(input_path)}", ' if js_truthy(input_path) else "")
                        + (f'"InputTransformer": {{"InputPathsMap": {js_string(paths_map)}, '
                           f'"InputTemplate": "{_text(template)}"}}, ' if js_truthy(transformer) else "")
                        + f'"Arn": {{"Ref": "{machine_id}"}}, "Id": "{key}StepFunctionsSchedule", '
                        + (f'"RetryPolicy": {retry}, ' if retry else "")
                        + f'"RoleArn": {role_arn}}}]}}}}')
            ctx.add_resource(rule_id, json_parse(ctx, text, path, "schedule rule"), path, merge=True)
            if js_truthy(given_role):
                continue
            role = _role("scheduler.amazonaws.com" if scheduler else "events.amazonaws.com",
                         f"{ctx.stage}-{ctx.region}-{ctx.service_name}-{key}-schedule", machine_id)
            if boundary:
                role["Properties"]["PermissionsBoundary"] = boundary
            if _role_path(ctx):
                role["Properties"]["Path"] = _role_path(ctx)
            ctx.add_resource(role_id, role, path, merge=True)


def compile_cloudwatch_event_events(ctx: CompileContext) -> None:
    for key, machine in state_machines(ctx):
        number = 0
        for index, event in enumerate(machine.get("events") or [] if isinstance(machine, dict) else []):
            kind = ("cloudwatchEvent" if isinstance(event, dict) and js_truthy(event.get("cloudwatchEvent"))
                    else "eventBridge")
            rule = event.get(kind) if isinstance(event, dict) else None
            if not js_truthy(rule):
                continue
            number += 1
            path = machine_path(key) + ("events", index, kind)
            if not isinstance(rule, dict):
                raise PluginError(f'CloudWatch event of stateMachine "{key}" is not an object Please check the docs '
                                  "for more info.", path)
            if not js_truthy(rule.get("event")):
                raise PluginError(f'Missing "event" property for cloudwatch event in stateMachine {key} Please check '
                                  "the docs for more info.", path)
            pattern = js_json(rule["event"])
            state = "DISABLED" if rule.get("enabled") is False else "ENABLED"
            input_path, transformer = rule.get("inputPath"), rule.get("inputTransformer")
            bus, role = _stringify(rule.get("eventBusName")), _stringify(rule.get("iamRole"))
            dead_letter = _stringify(rule.get("deadLetterConfig"))
            retry = _retry_policy(rule)
            _check_one_input(rule.get("input"), input_path, transformer, path=path)
            input_, paths_map, template = _input_texts(rule)
            machine_id = state_machine_logical_id(ctx, key, machine)
            role_id = generate_logical_id(key, "EventToStepFunctionsRole")
            text = ('{"Type": "AWS::Events::Rule", "Properties": {'
                    + (f'"EventBusName": {bus}, ' if bus else "")
                    + f'"EventPattern": {_ESCAPED_NEWLINE.sub("", pattern)}, "State": "{state}", '
                    + (f'"Description": "{_text(rule.get("description"))}", ' if js_truthy(rule.get("description"))
                       else "")
                    + (f'"Name": "{_text(rule.get("name"))}", ' if js_truthy(rule.get("name")) else "")
                    + '"Targets": [{'
                    + (f'"Input": "{_ESCAPED_NEWLINE.sub("", _text(input_))}", ' if js_truthy(input_) else "")
                    + (f'"InputPath": "{_NEWLINE.sub("", _text(input_path))}", ' if js_truthy(input_path)
                       else "")
                    + (f'"InputTransformer": {{"InputPathsMap": {js_string(paths_map)}, '
                       f'"InputTemplate": "{_text(template)}"}}, ' if js_truthy(transformer) else "")
                    + f'"Arn": {{"Ref": "{machine_id}"}}, "Id": "{key}CloudWatchEvent", '
                    + (f'"DeadLetterConfig": {{"Arn": {dead_letter}}}, ' if dead_letter else "")
                    + (f'"RetryPolicy": {retry}, ' if retry else "")
                    + (f'"RoleArn": {role}' if role else f'"RoleArn": {{"Fn::GetAtt": ["{role_id}", "Arn"]}}')
                    + "}]}}")
            resources = {}
            resources[generate_logical_id(key, f"EventsRuleCloudWatchEvent{number}")] = json_parse(
                ctx, text, path, "event rule")
            if not role:
                events_role = _role("events.amazonaws.com", f"{ctx.stage}-{ctx.region}-{ctx.service_name}-{key}-event",
                                    machine_id)
                if _role_path(ctx):
                    events_role["Properties"]["Path"] = _role_path(ctx)
                resources[role_id] = events_role
            for logical_id, resource in resources.items():
                ctx.add_resource(logical_id, resource, path, merge=True)


def _stringify(value: Any) -> str | None:
    """`JSON.stringify(value)`, undefined (None) for a missing value."""
    return None if value is None else js_json(value)

