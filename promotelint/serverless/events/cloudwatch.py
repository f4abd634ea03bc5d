"""`cloudwatchEvent` and `cloudwatchLog` events (cloud-watch-event.js, cloud-watch-log.js)."""

from __future__ import annotations

import json
import re

from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, events_of, non_empty, per_function
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.js import js_truthy
from promotelint.serverless.values import concat, drop_none, is_mapping, text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

EVENT = "cloudwatchEvent"
LOG = "cloudwatchLog"
_LOG_GROUP_EVENT_LIMIT = 2


@compiles(LOG)
def compile_cloudwatch_log(ctx: CompileContext) -> None:
    per_log_group: dict[str, int] = {}
    for events in per_function(events_of(ctx, LOG, counts=non_empty)):
        groups: list[str] = []
        for event in events:
            name, fn, value = event.function_name, event.function, event.value
            if is_mapping(value):
                group, pattern = _one_line(value.get("logGroup")), _one_line(value.get("filter") or "")
            else:
                group, pattern = _one_line(value), ""
            per_log_group[text(group)] = per_log_group.get(text(group), 0) + 1
            if per_log_group[text(group)] > _LOG_GROUP_EVENT_LIMIT:
                raise ctx.error(event.path, f'only {_LOG_GROUP_EVENT_LIMIT} subscription filters can be configured '
                                            f'per log group; "{group}" has more',
                                "subscribe fewer functions to that log group")
            groups.append(group)
            permission_lid = naming.get_lambda_cloudwatch_log_permission_logical_id(name)
            slash, quote = text(pattern).find("\\"), text(pattern).find('"')
            if isinstance(pattern, str) and slash >= 0 and quote >= 0 and quote > slash:
                pattern = re.sub(r"\\(\"|\\|')", r"\1", pattern)
            depends = [d for d in (permission_lid, alias_logical_id(fn)) if d]
            target = resolve_lambda_target(name, fn)
            rule: dict[str, Any] = {"Type": "AWS::Logs::SubscriptionFilter", "DependsOn": depends,
                                    "Properties": {"LogGroupName": group, "FilterPattern": pattern,
                                                   "DestinationArn": target}}
            permission: dict[str, Any] = {"Type": "AWS::Lambda::Permission"}
            permission_depends = [d for d in depends if d != permission_lid]
            if permission_depends:
                permission["DependsOn"] = permission_depends
            permission["Properties"] = {
                "FunctionName": target, "Action": "lambda:InvokeFunction",
                "Principal": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]},
                "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"},
                                                ":", {"Ref": "AWS::AccountId"}, ":log-group:",
                                                _common_prefix(groups), ":*"]]}}
            ctx.add_resource(naming.get_cloudwatch_log_logical_id(name, event.number), drop_none(rule), event.path,
                             merge=True)
            ctx.add_resource(permission_lid, drop_none(permission), event.path, merge=True)


def _common_prefix(names: list[Any]) -> Any:
    if any(is_opaque(n) for n in names):
        return names[0] if len(names) == 1 else concat(*names[:1], "*")
    common = names[0]
    for current in names:
        i = 0
        while i < len(common) and i < len(current) and common[i] == current[i]:
            i += 1
        common = common[:i]
    if len(names) > 1 and not common.endswith("*"):
        common += "*"
    return common


@compiles(EVENT)
def compile_cloudwatch_event(ctx: CompileContext) -> None:
    for event in events_of(ctx, EVENT, counts=non_empty):
        name, fn = event.function_name, event.function
        config = event.value if is_mapping(event.value) else {}
        input_, input_path, transformer = config.get("input"), config.get("inputPath"), config.get("inputTransformer")
        if len([x for x in (input_, input_path, transformer) if js_truthy(x)]) > 1:
            raise ctx.error(event.path, "cloudwatchEvent: set only one of input, inputPath and inputTransformer",
                            "keep one of them")
        if js_truthy(input_) and isinstance(input_, (dict, list)):
            input_ = json.dumps(input_, separators=(",", ":"), ensure_ascii=False)
        rule_lid = naming.get_cloudwatch_event_logical_id(name, event.number)
        depends = alias_logical_id(fn)
        target = resolve_lambda_target(name, fn)
        rule: dict[str, Any] = {"Type": "AWS::Events::Rule"}
        if depends:
            rule["DependsOn"] = depends
        props: dict[str, Any] = {"EventPattern": _strip_escaped_newlines(config.get("event")),
                                 "State": "DISABLED" if config.get("enabled") is False else "ENABLED"}
        if config.get("description"):
            props["Description"] = config["description"]
        if config.get("name"):
            props["Name"] = config["name"]
        entry: dict[str, Any] = {}
        if js_truthy(input_):
            entry["Input"] = _strip_escaped_newlines(str(input_))
        if js_truthy(input_path):
            entry["InputPath"] = _one_line(str(input_path))
        if js_truthy(transformer):
            entry["InputTransformer"] = {"InputTemplate": transformer.get("inputTemplate")}
            if transformer.get("inputPathsMap"):
                entry["InputTransformer"]["InputPathsMap"] = transformer["inputPathsMap"]
        entry["Arn"] = target
        entry["Id"] = naming.get_cloudwatch_event_id(name)
        props["Targets"] = [entry]
        rule["Properties"] = props
        permission: dict[str, Any] = {"Type": "AWS::Lambda::Permission"}
        if depends:
            permission["DependsOn"] = depends
        permission["Properties"] = {"FunctionName": target, "Action": "lambda:InvokeFunction",
                                    "Principal": "events.amazonaws.com",
                                    "SourceArn": {"Fn::GetAtt": [rule_lid, "Arn"]}}
        ctx.add_resource(rule_lid, drop_none(rule), event.path, merge=True)
        ctx.add_resource(naming.get_lambda_cloudwatch_event_permission_logical_id(name, event.number),
                         drop_none(permission), event.path, merge=True)


def _one_line(value: Any) -> Any:
    return re.sub(r"\r?\n", "", value) if isinstance(value, str) else value


def _strip_escaped_newlines(value: Any) -> Any:
    # The framework splices JSON text into a template and drops escaped newlines on the way.
    text = json.dumps(value, ensure_ascii=False).replace("\\n", "").replace("\\r", "")
    return json.loads(text)
