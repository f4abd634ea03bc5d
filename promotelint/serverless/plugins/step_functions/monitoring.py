"""CloudWatch alarms on a state machine's metrics and EventBridge notifications of its execution
statuses: port of compileAlarms.js, compileNotifications.js and notificationStrategies/."""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Callable, Iterator

from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string
from promotelint.serverless.plugins.step_functions import schema
from promotelint.serverless.plugins.step_functions.common import (
    PluginError, machine_name, machine_path, md5_hex, state_machine_logical_id, state_machines,
    translate_local_function_names,
)
from promotelint.serverless.values import drop_none

_METRICS = {"executionsTimedOut": "ExecutionsTimedOut", "executionsFailed": "ExecutionsFailed",
            "executionsAborted": "ExecutionsAborted", "executionThrottled": "ExecutionThrottled",
            "executionsSucceeded": "ExecutionsSucceeded"}
_DESCRIPTIONS = {"executionsTimedOut": "executions timed out", "executionsFailed": "executions failed",
                 "executionsAborted": "executions were aborted", "executionThrottled": "execution were throttled",
                 "executionsSucceeded": "executions succeeded"}
_TEMPLATE_VARIABLES = ("stateMachineName", "cloudWatchMetricName", "metricName")
_TEMPLATE_VARIABLE = re.compile(r"(?<=\$\[)[^\]\[]*(?=\])")
_STATUSES = ("ABORTED", "FAILED", "RUNNING", "SUCCEEDED", "TIMED_OUT")


def _get(value: Any, key: str, default: Any = None) -> Any:
    """lodash `_.get(value, key, default)`: the default only where the value is missing."""
    return value[key] if isinstance(value, dict) and key in value and value[key] is not None else default


def compile_alarms(ctx: CompileContext) -> None:
    alarms: dict[str, tuple[dict[str, Any], tuple]] = {}
    for key, machine in state_machines(ctx):
        config = machine.get("alarms")
        if not isinstance(config, (dict, list)):
            continue
        name = machine_name(key, machine)
        _, error = schema.validate(schema.ALARMS, config)
        if error:
            ctx.warn(f"state machine {js_string(name)}: serverless-step-functions ignores its alarms, whose config "
                     f"is malformed ({error})")
            continue
        logical_id = state_machine_logical_id(ctx, key, machine)
        for alarm_id, alarm in _alarms(ctx, name, logical_id, config, machine_path(key) + ("alarms",)):
            alarms[alarm_id] = (alarm, machine_path(key) + ("alarms",))
    for alarm_id, (alarm, path) in alarms.items():
        ctx.add_resource(alarm_id, alarm, path, merge=True)


def _alarms(ctx: CompileContext, name: Any, logical_id: str, config: dict[str, Any],
            path: tuple) -> Iterator[tuple[str, dict[str, Any]]]:
    topics = config.get("topics") or {}
    actions = {k: [topics[k]] if topics.get(k) else [] for k in ("ok", "alarm", "insufficientData")}
    treat_missing = _get(config, "treatMissingData", "missing")
    period = _get(config, "period", 60)
    metrics: list[Any] = []
    for metric in config.get("metrics") or []:
        if isinstance(metric, dict) or metric not in metrics:  # _.uniq: equal strings once
            metrics.append(metric)
    invalid = [m for m in metrics if _get(m, "metric", m) not in _METRICS]
    if invalid:
        ctx.warn(f"state machine {js_string(name)}: serverless-step-functions makes no alarm for the unknown "
                 f"metrics {', '.join(js_string(_get(m, 'metric', m)) for m in invalid)}")
    for metric in metrics:
        metric_name = _get(metric, "metric", metric)
        if metric_name not in _METRICS:
            continue
        cloudwatch_name = _METRICS[metric_name]
        properties: dict[str, Any] = {
            "Namespace": "AWS/States", "MetricName": cloudwatch_name,
            "AlarmDescription": f"{js_string(name)}[{ctx.stage}][{ctx.region}]: {_DESCRIPTIONS[metric_name]}",
            "Threshold": 1, "Period": _get(metric, "period", period), "EvaluationPeriods": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Statistic": "Sum",
            "OKActions": actions["ok"], "AlarmActions": actions["alarm"],
            "InsufficientDataActions": actions["insufficientData"],
            "TreatMissingData": _get(metric, "treatMissingData", treat_missing),
            "Dimensions": [{"Name": "StateMachineArn", "Value": {"Ref": logical_id}}],
        }
        alarm_name = _get(metric, "alarmName", _name_from_template(ctx, config.get("nameTemplate"), path, {
            "metricName": metric_name, "cloudWatchMetricName": cloudwatch_name, "stateMachineName": name}))
        if alarm_name:
            properties["AlarmName"] = alarm_name
        yield (_get(metric, "logicalId", f"{logical_id}{cloudwatch_name}Alarm"),
               {"Type": "AWS::CloudWatch::Alarm", "Properties": copy.deepcopy(properties)})


def _name_from_template(ctx: CompileContext, template: Any, path: tuple, variables: dict[str, Any]) -> Any:
    """`getAlarmNameFromTemplate`: `$[stateMachineName]`-style variables filled in."""
    if template is None:
        return None
    matches = _TEMPLATE_VARIABLE.findall(template)
    if not matches:
        raise PluginError("alarms.nameTemplate without a $[variable] makes serverless-step-functions fail "
                          "(TypeError: matches is not iterable)", path + ("nameTemplate",))
    unknown = [m for m in matches if m not in _TEMPLATE_VARIABLES]
    if unknown:
        ctx.warn(f"alarms.nameTemplate: serverless-step-functions ignores the template, whose variables "
                 f"{', '.join(unknown)} are not among {', '.join(_TEMPLATE_VARIABLES)}")
        return None
    name = template
    for match in matches:
        name = name.replace(f"$[{match}]", js_string(variables[match]), 1)
    return name


# Notifications

def _short_md5(value: Any) -> str:
    return md5_hex(value)[:5]


def _target_id(arn: Any, index: int, name: Any, status: str) -> str:
    return f"{js_string(name)}-{status}-{_short_md5({'target': {'Arn': arn}, 'index': index})}"


def _policy_name(status: str, kind: str, action: str, resource: Any) -> str:
    return f"{status}-{kind}-{_short_md5({'action': action, 'resource': resource})}"


def _input_options(target: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if target.get("inputPath"):
        options["InputPath"] = target["inputPath"]
    transformer = target.get("inputTransformer")
    if transformer:
        options["InputTransformer"] = drop_none({"InputPathsMap": transformer.get("inputPathsMap"),
                                                 "InputTemplate": transformer.get("inputTemplate")})
    return options


def _with_params(target: dict[str, Any], kind: str, parameters: str, key: str) -> tuple[Any, dict[str, Any]]:
    value = target[kind]
    if isinstance(value, dict) and "arn" in value:
        return value["arn"], {parameters: drop_none({key: value.get({"SqsParameters": "messageGroupId",
                                                                      "KinesisParameters": "partitionKeyPath"}
                                                                     [parameters])})}
    return value, {}


def _queue_url(arn: Any, path: tuple) -> Any:
    if isinstance(arn, str):
        return {"Fn::Sub": ["https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/${QueueName}",
                            {"QueueName": arn.split(":")[-1]}]}
    if isinstance(arn, dict) and arn.get("Fn::GetAtt"):
        return {"Ref": arn["Fn::GetAtt"][0]}
    raise PluginError(f"Unable to convert SQS ARN [{js_string(arn)}] to SQS Url. This is required for setting up "
                      "Step Functions notifications to SQS. Try using Fn::GetAtt when setting the SQS arn.", path)


def _topic_policy(status: str, arn: Any, path: tuple) -> dict[str, Any]:
    return {"Type": "AWS::SNS::TopicPolicy", "Properties": {
        "PolicyDocument": {"Version": "2012-10-17", "Statement": {
            "Sid": _policy_name(status, "sns", "sns:Publish", arn), "Principal": {"Service": "events.amazonaws.com"},
            "Effect": "Allow", "Action": "sns:Publish", "Resource": arn}},
        "Topics": [arn]}}


def _queue_policy(status: str, arn: Any, path: tuple) -> dict[str, Any]:
    return {"Type": "AWS::SQS::QueuePolicy", "Properties": {
        "PolicyDocument": {"Version": "2012-10-17", "Statement": {
            "Sid": _policy_name(status, "sqs", "sqs:SendMessage", arn), "Principal": {"Service": "events.amazonaws.com"},
            "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}},
        "Queues": [_queue_url(arn, path)]}}


def _lambda_permission(status: str, arn: Any, path: tuple) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Permission", "Properties": {
        "Action": "lambda:InvokeFunction", "FunctionName": arn, "Principal": "events.amazonaws.com"}}


# notificationStrategies/index.js: (target key, the resource policy it needs, or the role's action)
_Policy = Callable[[str, Any, tuple], dict[str, Any]]
_STRATEGIES: tuple[tuple[str, _Policy | None, str | None], ...] = (
    ("sns", _topic_policy, None),
    ("sqs", _queue_policy, None),
    ("kinesis", None, "kinesis:PutRecord"),
    ("firehose", None, "firehose:PutRecord"),
    ("lambda", _lambda_permission, None),
    ("stepFunctions", None, "states:StartExecution"),
)


def _strategy(target: Any, path: tuple) -> tuple[str, _Policy | None, str | None]:
    for strategy in _STRATEGIES:
        if isinstance(target, dict) and strategy[0] in target:
            return strategy
    raise PluginError("a notification target without sns, sqs, kinesis, firehose, lambda or stepFunctions makes "
                      "serverless-step-functions fail", path)


def _compile_target(target: dict[str, Any], index: int, name: Any, status: str, role_id: str,
                    path: tuple) -> dict[str, Any]:
    kind = _strategy(target, path)[0]
    extra: dict[str, Any] = {}
    if kind == "sqs":
        arn, extra = _with_params(target, "sqs", "SqsParameters", "MessageGroupId")
    elif kind == "kinesis":
        arn, extra = _with_params(target, "kinesis", "KinesisParameters", "PartitionKeyPath")
    else:
        arn = target[kind]
        if kind == "stepFunctions":
            extra = {"RoleArn": {"Fn::GetAtt": [role_id, "Arn"]}}
    return {"Arn": arn, "Id": _target_id(arn, index, name, status), **extra, **_input_options(target)}


def _translate(ctx: CompileContext, value: Any) -> Any:
    """`normalizeIntrinsicRefs`: each Ref / GetAtt of a function's config key becomes one of its logical ID."""
    if isinstance(value, list):
        return [_translate(ctx, v) for v in value]
    if isinstance(value, dict):
        if value.get("Ref") or value.get("Fn::GetAtt"):
            return translate_local_function_names(ctx, value)
        return {k: _translate(ctx, v) for k, v in value.items()}
    return value


def _notification_resources(ctx: CompileContext, logical_id: str, name: Any, config: dict[str, Any],
                            path: tuple) -> Iterator[tuple[str, dict[str, Any]]]:
    role_id = f"{logical_id}NotificationsIamRole"
    normalized = {status: [_translate(ctx, t) for t in (targets or [])] for status, targets in config.items()}
    every = [(status, target) for status in _STATUSES for target in normalized.get(status, [])]
    role: dict[str, Any] = {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
                                                   "Principal": {"Service": "events.amazonaws.com"}}},
        "Policies": []}}
    role_path = _role_path(ctx)
    if role_path:
        role["Properties"]["Path"] = role_path
    for index, (status, target) in enumerate(every):
        kind, policy, action = _strategy(target, path + (status,))
        if policy is not None:
            arn = _get(target[kind], "arn", target[kind]) if kind == "sqs" else target[kind]
            resource = policy(status, arn, path + (status,))
            yield f"{logical_id}ResourcePolicy{_short_md5({'index': index, 'resource': resource})}", resource
        else:
            arn = _get(target[kind], "arn", target[kind]) if kind == "kinesis" else target[kind]
            role["Properties"]["Policies"].append({
                "PolicyName": _policy_name(status, kind, action, arn),
                "PolicyDocument": {"Version": "2012-10-17",
                                   "Statement": [{"Effect": "Allow", "Action": action, "Resource": arn}]}})
    has_role = bool(role["Properties"]["Policies"])
    if has_role:
        yield role_id, role
    for status in _STATUSES:
        targets = normalized.get(status)
        if not targets:
            continue
        properties: dict[str, Any] = {
            "Description": f"[{status}] status notification for state machine [{js_string(name)}]",
            "EventPattern": {"source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
                             "detail": {"status": [status], "stateMachineArn": [{"Ref": logical_id}]}},
            "Name": f"{js_string(name)}-{status}-notification",
        }
        if has_role:
            properties["RoleArn"] = {"Fn::GetAtt": [role_id, "Arn"]}
        properties["Targets"] = [_compile_target(t, i, name, status, role_id, path + (status, i))
                                 for i, t in enumerate(targets)]
        yield f"{logical_id}Notifications{status.replace('_', '', 1)}EventRule", {
            "Type": "AWS::Events::Rule", "Properties": properties}


def _role_path(ctx: CompileContext) -> Any:
    iam = ctx.provider.get("iam")
    role = iam.get("role") if isinstance(iam, dict) else None
    return role.get("path") if isinstance(role, dict) else None


def _stable_json(value: Any) -> str:
    """`stableJSONStringify`: JSON with every mapping's keys sorted."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _merge_resource_policies(pairs: list[tuple[str, dict[str, Any], tuple]]) -> dict[str, tuple[dict, tuple]]:
    """`mergeResourcePolicies`: topic (queue) policies of the same topics (queues) become one, each
    statement Sid once: CloudFormation would let the last policy replace the others."""
    groups = {"AWS::SNS::TopicPolicy": ("Topics", {}), "AWS::SQS::QueuePolicy": ("Queues", {})}
    result: dict[str, tuple[dict, tuple]] = {}
    for logical_id, resource, path in pairs:
        group = groups.get(resource.get("Type"))
        if group is None:
            result[logical_id] = (resource, path)
            continue
        targets_key, merged = group
        targets = resource["Properties"][targets_key]
        key = _stable_json(sorted(targets if isinstance(targets, list) else [targets], key=_stable_json))
        statement = resource["Properties"]["PolicyDocument"]["Statement"]
        incoming = statement if isinstance(statement, list) else [statement]
        if key not in merged:
            first = copy.deepcopy(resource)
            first["Properties"]["PolicyDocument"]["Statement"] = []
            merged[key] = first
            result[logical_id] = (first, path)
        statements = merged[key]["Properties"]["PolicyDocument"]["Statement"]
        seen = {s.get("Sid") for s in statements}
        for item in incoming:
            if item.get("Sid") not in seen:
                seen.add(item.get("Sid"))
                statements.append(item)
    return result


def compile_notifications(ctx: CompileContext) -> None:
    pairs: list[tuple[str, dict[str, Any], tuple]] = []
    for key, machine in state_machines(ctx):
        config = machine.get("notifications")
        if not isinstance(config, (dict, list)):
            continue
        name = machine_name(key, machine)
        if machine.get("type") == "EXPRESS":
            ctx.warn(f"state machine {js_string(name)}: serverless-step-functions makes no notifications for an "
                     "EXPRESS state machine")
            continue
        _, error = schema.validate(schema.NOTIFICATIONS, config)
        if error:
            ctx.warn(f"state machine {js_string(name)}: serverless-step-functions ignores its notifications, whose "
                     f"config is malformed ({error})")
            continue
        path = machine_path(key) + ("notifications",)
        logical_id = state_machine_logical_id(ctx, key, machine)
        pairs.extend((i, r, path) for i, r in _notification_resources(ctx, logical_id, name, config, path))
    for logical_id, (resource, path) in _merge_resource_policies(pairs).items():
        ctx.add_resource(logical_id, drop_none(resource), path, merge=True)
