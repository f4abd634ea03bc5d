"""`schedule` events (package/compile/events/schedule.js): EventBridge rules or Scheduler schedules."""

from __future__ import annotations

import json

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, event_error, events_of, present
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.js import as_list, js_truthy
from promotelint.serverless.values import concat, drop_none, is_mapping

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "schedule"


@compiles(KIND)
def compile_schedule(ctx: CompileContext) -> None:
    scheduler_statement: dict[str, Any] = {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": []}
    has_scheduler = False
    counters: dict[str, int] = {}
    fn_has_scheduler: dict[str, dict] = {}
    for event in events_of(ctx, KIND, counts=present):
        name, fn, path, schedule = event.function_name, event.function, event.path, event.value
        state, name_, description, method, timezone = "ENABLED", None, None, "eventBus", None
        input_, input_path, transformer, role_arn = None, None, None, None
        if is_mapping(schedule):
            expressions = as_list(schedule.get("rate"))
            if schedule.get("enabled") is False:
                state = "DISABLED"
            input_, input_path = schedule.get("input"), schedule.get("inputPath")
            transformer, name_ = schedule.get("inputTransformer"), schedule.get("name")
            timezone, description = schedule.get("timezone"), schedule.get("description")
            role_arn = ctx.resources[naming.get_lambda_logical_id(name)]["Properties"].get("Role")
            method = schedule.get("method") or "eventBus"
            if len(expressions) > 1 and name_:
                raise event_error(ctx, path, KIND, "a schedule with more than one rate cannot have a name")
            if js_truthy(input_) and is_mapping(input_):
                if isinstance(input_.get("body"), str):
                    input_ = {**input_, "body": json.loads(input_["body"])}
                input_ = json.dumps(input_, separators=(",", ":"), ensure_ascii=False)
            if js_truthy(transformer):
                if method == "scheduler":
                    raise event_error(ctx, path, KIND, '"inputTransformer" is not supported with "scheduler" mode')
                transformer = {"InputTemplate": transformer.get("inputTemplate"),
                               "InputPathsMap": transformer.get("inputPathsMap")}
            if js_truthy(input_path) and method == "scheduler":
                raise event_error(ctx, path, KIND, '"inputPath" is not supported with "scheduler" mode')
            if timezone and method != "scheduler":
                raise event_error(ctx, path, KIND, '"timezone" is only supported with "scheduler" mode')
        else:
            expressions = [schedule]
        target = resolve_lambda_target(name, fn)
        depends = alias_logical_id(fn)
        for expression in expressions:
            counters[name] = counters.get(name, 0) + 1
            number = counters[name]
            if method == "scheduler":
                has_scheduler = True
                fn_has_scheduler[name] = fn
                ctx.add_resource(naming.get_scheduler_schedule_logical_id(name, number), drop_none({
                    "Type": "AWS::Scheduler::Schedule",
                    "DependsOn": depends,
                    "Properties": {
                        "ScheduleExpression": expression, "State": state,
                        "Target": {"Arn": target, "RoleArn": role_arn, "Input": input_},
                        "FlexibleTimeWindow": {"Mode": "OFF"},
                        "Name": name_, "Description": description,
                        "ScheduleExpressionTimezone": timezone,
                    },
                }), path)
                continue
            rule_lid = naming.get_schedule_logical_id(name, number)
            rule: dict[str, Any] = {"Type": "AWS::Events::Rule"}
            if depends:
                rule["DependsOn"] = depends
            props: dict[str, Any] = {"ScheduleExpression": expression, "State": state}
            if name_:
                props["Name"] = name_
            if description:
                props["Description"] = description
            target_entry: dict[str, Any] = {}
            if js_truthy(input_):
                target_entry["Input"] = input_
            if js_truthy(input_path):
                target_entry["InputPath"] = input_path
            if js_truthy(transformer):
                target_entry["InputTransformer"] = transformer
            target_entry["Arn"] = target
            target_entry["Id"] = naming.get_schedule_id(name)
            props["Targets"] = [target_entry]
            rule["Properties"] = props
            ctx.add_resource(rule_lid, drop_none(rule), path)
            permission: dict[str, Any] = {"Type": "AWS::Lambda::Permission"}
            if depends:
                permission["DependsOn"] = depends
            permission["Properties"] = {
                "FunctionName": target, "Action": "lambda:InvokeFunction",
                "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": [rule_lid, "Arn"]}}
            ctx.add_resource(naming.get_lambda_schedule_permission_logical_id(name, number), drop_none(permission),
                             path)
    for fn in fn_has_scheduler.values():
        arn = concat("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:", fn["name"])
        scheduler_statement["Resource"].extend([{"Fn::Sub": arn}, {"Fn::Sub": concat(arn, ":*")}])
    role = ctx.resources.get(naming.ROLE_LOGICAL_ID)
    if has_scheduler and role:
        for statement in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
            if "lambda.amazonaws.com" in statement["Principal"]["Service"]:
                statement["Principal"]["Service"].append("scheduler.amazonaws.com")
                break
        role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].append(scheduler_statement)

