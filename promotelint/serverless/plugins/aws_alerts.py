"""serverless-plugin-aws-alerts 1.7: CloudWatch alarms, their SNS topics and dashboards.

A port of its src/ (1.7.5; v4's bundled alerts plugin, packages/serverless/lib/plugins/aws/alerts,
is the same code), hooked at `package:compileEvents` as the plugin is. With `custom.alerts` set:
- `stages:` lists the stages it acts on: on any other stage it adds nothing (`stages.includes(stage)`:
  a string `stages` matches a substring, as in JavaScript);
- `topics:` (ok, alarm, insufficientData, or a named group of them) become SNS topics
  `AwsAlerts<Group><Key>` with their `notifications` as subscriptions; a topic given as an ARN (or
  any object) is used as it is;
- every function gets the alarms of `alarms`, `global` and `function` (lodash union) and its own
  `alarms:`, each a definition name (the defaults merged with `definitions`) or an object merged
  over the definition of its `name`: `<Function><Alarm>Alarm`, static or anomalyDetection, with a
  `pattern` a pair of metric filters on the function's log group (`...LogMetricFilterALERT`/`OK`);
  `nameTemplate` / `prefixTemplate` name it; `enabled: false` drops it;
- `dashboards:` the `AlertsDashboard` (default or vertical layout) over the functions.
The plugin's `externalStack` puts all of this in a stack of its own that it deploys itself after
the service's deploy: then nothing lands in this template, and `custom.alerts` is an unseen part
acting outside it (what that stack does is never in a change set here).
"""

from __future__ import annotations

import copy

from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.dotenv import js_replace_first
from promotelint.serverless.js import is_object, js_json, js_string, js_truthy, lodash_merge
from promotelint.serverless.plugins import Plugin

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-plugin-aws-alerts"
_UNSET = object()  # a key JavaScript leaves `undefined` (JSON.stringify drops it)
_TOPIC_KEYS = ("ok", "alarm", "insufficientData")
_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


def _default(metric: str, threshold: int, statistic: str) -> dict[str, Any]:
    return {"namespace": "AWS/Lambda", "enabled": True, "actionsEnabled": True, "type": "static", "metric": metric,
            "threshold": threshold, "statistic": statistic, "period": 60, "evaluationPeriods": 1,
            "datapointsToAlarm": 1, "comparisonOperator": "GreaterThanOrEqualToThreshold"}


# src/defaults/definitions.js
DEFAULT_DEFINITIONS = {
    "functionInvocations": _default("Invocations", 100, "Sum"),
    "functionErrors": _default("Errors", 1, "Sum"),
    "functionDuration": _default("Duration", 500, "Average"),
    "functionThrottles": _default("Throttles", 1, "Sum"),
}


def compile_alerts(ctx: CompileContext) -> None:
    """compile()."""
    custom = ctx.config.get("custom")
    config = custom.get("alerts") if isinstance(custom, dict) else None
    if not js_truthy(config) or is_opaque(config) or not isinstance(config, dict):
        return
    stages = config.get("stages")
    if js_truthy(stages) and not _includes(stages, ctx.stage):
        return  # "Warning: Not deploying alerts on stage <stage>"
    if js_truthy(config.get("externalStack")):
        # external-stack.js: the resources go to `<stack>-alerts`, deployed by the plugin after deploy
        ctx.warn(f"{NAME}: custom.alerts.externalStack: the alarms are deployed in a stack of their own after "
                 "the service's deploy: they are not in the prediction")
        from promotelint.serverless.unmodelled import unseen_parts  # which imports the plugins' table

        ctx.unseen.extend(unseen_parts(ctx.config, ctx.origin, modelled=frozenset(), plugins=[NAME]))
        return
    definitions = copy.deepcopy(DEFAULT_DEFINITIONS)
    if isinstance(config.get("definitions"), dict):
        lodash_merge(definitions, copy.deepcopy(config["definitions"]))
    topics = _compile_alert_topics(ctx, config)
    _compile_alarms(ctx, config, definitions, topics)
    if js_truthy(config.get("dashboards")):
        _compile_dashboards(ctx, config["dashboards"])


def _includes(values: Any, item: str) -> bool:
    """`values.includes(item)` of an array or a string."""
    if isinstance(values, str):
        return item in values
    if isinstance(values, list):
        return item in values
    raise TypeError("config.stages.includes is not a function")


def _add(ctx: CompileContext, resources: dict[str, Any], where: tuple) -> None:
    """addCfResources: `_.merge` into the template's Resources."""
    for logical_id, resource in resources.items():
        ctx.add_resource(logical_id, resource, where, merge=logical_id in ctx.resources)


# Topics

def _compile_alert_topics(ctx: CompileContext, config: dict[str, Any]) -> dict[str, Any]:
    """compileAlertTopics."""
    alert_topics: dict[str, Any] = {}
    topics = config.get("topics")
    if not js_truthy(topics) or not isinstance(topics, dict):
        return alert_topics
    for key in topics:
        if key in _TOPIC_KEYS:
            _add_alert_topic(ctx, key, topics, alert_topics, None)
        elif isinstance(topics[key], dict):
            for subkey in topics[key]:
                _add_alert_topic(ctx, subkey, topics[key], alert_topics, key)
    return alert_topics


def _add_alert_topic(ctx: CompileContext, key: str, topics: dict[str, Any], alert_topics: dict[str, Any],
                     custom_name: str | None) -> None:
    """_addAlertTopic: an ARN (or any object) is used as it is; a name makes a topic."""
    topic_config = topics[key]
    config = topic_config if isinstance(topic_config, dict) else {}
    topic = config.get("topic") if is_object(topic_config) else topic_config
    notifications = config.get("notifications") if is_object(topic_config) else []
    if not js_truthy(topic):
        return
    target = alert_topics.setdefault(custom_name, {}) if custom_name else alert_topics
    if is_object(topic) or is_opaque(topic) or js_string(topic).startswith("arn:"):
        target[key] = topic
        return
    cf_ref = f"AwsAlerts{naming.upper_first(custom_name) if custom_name else ''}{naming.upper_first(key)}"
    target[key] = {"Ref": cf_ref}
    subscription = [_defined({"Protocol": _get(n, "protocol"), "Endpoint": _get(n, "endpoint")})
                    for n in (notifications if isinstance(notifications, list) else [])]
    where = ("custom", "alerts", "topics") + ((custom_name,) if custom_name else ()) + (key,)
    _add(ctx, {cf_ref: {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": topic, "Subscription": subscription}}},
         where)


# Alarms

def _alarms(ctx: CompileContext, alarms: Any, definitions: dict[str, Any], where: tuple) -> list[dict[str, Any]]:
    """getAlarms: a name takes its definition; an object is merged over the definition it names."""
    result = []
    for alarm in alarms if isinstance(alarms, list) else []:
        if isinstance(alarm, str):
            definition = definitions.get(alarm)
            if not js_truthy(definition):
                raise ctx.error(where, f"{NAME}: Alarm definition {alarm} does not exist!",
                                f"define {alarm} under custom.alerts.definitions")
            # Object.assign: a definition that is not an object adds nothing
            own = copy.deepcopy(definition) if isinstance(definition, dict) else {}
            result.append({"enabled": True, "type": "static", **own, "name": alarm})
        elif isinstance(alarm, dict):
            merged: dict[str, Any] = {"enabled": True, "type": "static"}
            for source in (definitions.get(js_string(alarm.get("name"))), alarm):
                if isinstance(source, dict):  # `_.merge` skips what is not an object
                    lodash_merge(merged, copy.deepcopy(source))
            result.append(merged)
    return result


def _union(*values: Any) -> list:
    """lodash `_.union`: the arrays' values, each once (strings by value, objects by identity)."""
    result: list = []
    for value in values:
        for item in value if isinstance(value, list) else []:
            if not any(item is seen or (not isinstance(item, (dict, list)) and item == seen) for seen in result):
                result.append(item)
    return result


def _compile_alarms(ctx: CompileContext, config: dict[str, Any], definitions: dict[str, Any],
                    topics: dict[str, Any]) -> None:
    """compileAlarms: for each function, the global alarms then its own."""
    global_alarms = _alarms(ctx, _union(config.get("alarms"), config.get("global"), config.get("function")),
                            definitions, ("custom", "alerts"))
    stack_name = naming.get_stack_name(ctx.service_name, ctx.stage, ctx.provider)
    for name, fn in ctx.functions.items():
        function_id = naming.get_lambda_logical_id(name)
        own = _alarms(ctx, fn.get("alarms"), definitions, ("functions", name, "alarms"))
        statements: dict[str, Any] = {}
        for alarm in global_alarms + own:
            alarm = {"nameTemplate": config.get("nameTemplate", _UNSET),
                     "prefixTemplate": config.get("prefixTemplate", _UNSET), **alarm}
            key = f"{_normalised(name)}{_normalised(alarm.get('name'))}Alarm"
            if js_truthy(alarm.get("enabled")):
                statements[key] = _alarm(ctx, topics, alarm, name, function_id, stack_name)
                lodash_merge(statements, _log_metric_filters(alarm, name, function_id, fn, stack_name))
            else:
                statements.pop(key, None)
        where = ("functions", name, "alarms") if fn.get("alarms") else ("custom", "alerts")
        _add(ctx, statements, where)


def _normalised(name: Any) -> str:
    """naming.js getNormalisedName."""
    if not isinstance(name, str):
        raise TypeError(f"an alarm's name is {js_string(name)}: name.replace is not a function")
    return naming.upper_first(name.replace("-", "Dash").replace("_", "Underscore"))


def _actions(topics: dict[str, Any], definition: dict[str, Any], kind: str, key: str) -> list:
    actions = [topics[kind]] if js_truthy(topics.get(kind)) else []
    for topic in definition.get(key) or [] if js_truthy(definition.get(key)) else []:
        group = topics.get(topic)
        if not isinstance(group, dict):
            raise TypeError(f"alert topic {js_string(topic)} of {key} is not defined under custom.alerts.topics")
        actions.append(group.get(kind))  # undefined in an array: null
    return actions


def _alarm(ctx: CompileContext, topics: dict[str, Any], definition: dict[str, Any], function_name: str,
           function_ref: str, stack_name: str) -> dict[str, Any]:
    """getAlarmCloudFormation."""
    ok, alarm_actions, insufficient = (_actions(topics, definition, "ok", "okActions"),
                                       _actions(topics, definition, "alarm", "alarmActions"),
                                       _actions(topics, definition, "insufficientData", "insufficientDataActions"))
    get = definition.get
    pattern = js_truthy(get("pattern"))
    namespace = stack_name if pattern else get("namespace", _UNSET)
    metric_id = _pattern_metric_name(get("metric"), function_ref) if pattern else get("metric", _UNSET)
    dimensions = [] if pattern else _dimensions(get("dimensions"), function_ref, get("omitDefaultDimension"))
    treat_missing = get("treatMissingData") if js_truthy(get("treatMissingData")) else "missing"
    kind = get("type")
    if kind == "static":
        props = {"ActionsEnabled": get("actionsEnabled", _UNSET), "Namespace": namespace, "MetricName": metric_id,
                 "AlarmDescription": get("description", _UNSET), "Threshold": get("threshold", _UNSET),
                 "Period": get("period", _UNSET), "EvaluationPeriods": get("evaluationPeriods", _UNSET),
                 "DatapointsToAlarm": get("datapointsToAlarm", _UNSET),
                 "ComparisonOperator": get("comparisonOperator", _UNSET), "OKActions": ok,
                 "AlarmActions": alarm_actions, "InsufficientDataActions": insufficient, "Dimensions": dimensions,
                 "TreatMissingData": treat_missing}
        if get("statistic") in _STATISTICS:
            props["Statistic"] = get("statistic")
        else:
            props["ExtendedStatistic"] = get("statistic", _UNSET)
            props["EvaluateLowSampleCountPercentile"] = get("evaluateLowSampleCountPercentile", _UNSET)
    elif kind == "anomalyDetection":
        props = {"ActionsEnabled": get("actionsEnabled", _UNSET), "AlarmDescription": get("description", _UNSET),
                 "EvaluationPeriods": get("evaluationPeriods", _UNSET),
                 "DatapointsToAlarm": get("datapointsToAlarm", _UNSET),
                 "ComparisonOperator": get("comparisonOperator", _UNSET), "TreatMissingData": treat_missing,
                 "OKActions": ok, "AlarmActions": alarm_actions, "InsufficientDataActions": insufficient,
                 "Metrics": [
                     {"Id": "m1", "ReturnData": True, "MetricStat": {
                         "Metric": {"Namespace": namespace, "MetricName": metric_id, "Dimensions": dimensions},
                         "Period": get("period", _UNSET), "Stat": get("statistic", _UNSET)}},
                     {"Id": "ad1", "Expression": f"ANOMALY_DETECTION_BAND(m1, {js_string(get('threshold'))})",
                      "Label": f"{js_string(metric_id)} (expected)", "ReturnData": True}],
                 "ThresholdMetricId": "ad1"}
    else:
        raise ctx.error(("functions", function_name),
                        f"{NAME}: Missing type for alarm {js_string(get('name'))} on function {function_name}, "
                        "must be one of 'static' or 'anomalyDetection'", "set the alarm's type")
    template = get("nameTemplate", _UNSET)
    prefix = get("prefixTemplate", _UNSET)
    if js_truthy(template) and template is not _UNSET:
        props["AlarmName"] = _alarm_name(template, prefix, function_ref, get("metric"), metric_id, function_name,
                                         stack_name)
    elif js_truthy(prefix) and prefix is not _UNSET:
        props["AlarmName"] = _alarm_name("$[functionName]-$[metricName]", prefix, function_ref,
                                         get("name") if js_truthy(get("name")) else get("metric"), metric_id,
                                         function_name, stack_name)
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": _defined(props)}


def _pattern_metric_name(metric: Any, function_name: str) -> str:
    return f"{naming.upper_first(js_string(metric))}{function_name}"


def _dimensions(dimensions: Any, function_ref: str, omit_default: Any) -> Any:
    """getDimensionsList: the function's own FunctionName dimension last, unless omitted."""
    if js_truthy(omit_default):
        return dimensions if js_truthy(dimensions) else []
    kept = [d for d in (dimensions if isinstance(dimensions, list) else [])
            if not (isinstance(d, dict) and d.get("Name") == "FunctionName")]
    return kept + [{"Name": "FunctionName", "Value": {"Ref": function_ref}}]


def _alarm_name(template: Any, prefix: Any, function_id: str, metric_name: Any, metric_id: Any, function_name: str,
                stack_name: str) -> str:
    """naming.js getAlarmName."""
    name = js_string(template)
    for placeholder, value in (("$[functionName]", function_name), ("$[functionId]", function_id),
                               ("$[metricName]", metric_name), ("$[metricId]", metric_id)):
        name = js_replace_first(name, placeholder, js_string(value))
    prefix_text = js_replace_first(js_string("$[stackName]" if prefix is _UNSET else prefix), "$[stackName]",
                                   stack_name)
    return f"{prefix_text}-{name}" if prefix_text else name


def _log_metric_filters(alarm: dict[str, Any], function_name: str, function_ref: str, fn: dict[str, Any],
                        stack_name: str) -> dict[str, Any]:
    """getLogMetricCloudFormation: a pattern alarm counts its log lines (1 on a match, 0 otherwise)."""
    if not js_truthy(alarm.get("pattern")):
        return {}
    base = f"{function_ref}{naming.upper_first(js_string(alarm.get('name')))}LogMetricFilter"
    metric_name = _pattern_metric_name(alarm.get("metric"), function_ref)

    def metric_filter(pattern: Any, value: int) -> dict[str, Any]:
        return {"Type": "AWS::Logs::MetricFilter", "DependsOn": naming.get_log_group_logical_id(function_name),
                "Properties": {"FilterPattern": pattern, "LogGroupName": naming.get_log_group_name(fn.get("name")),
                               "MetricTransformations": [{"MetricValue": value, "MetricNamespace": stack_name,
                                                          "MetricName": metric_name}]}}

    return {f"{base}ALERT": metric_filter(alarm["pattern"], 1), f"{base}OK": metric_filter("", 0)}


# Dashboards (src/dashboards): the layouts of configs/*.json, the widgets of widgets/

_LAMBDA_METRICS = {"errors": ("Errors", "Sum"), "invocations": ("Invocations", "Sum"),
                   "throttles": ("Throttles", "Sum"), "duration": ("Duration", "Average"),
                   "iteratorage": ("IteratorAge", "Average")}
_PERCENTILES = ("duration", "iteratorage")  # their time series are p50 and p90 per function
# (title, service, metric, display, x, y, width, height)
_LAYOUTS: dict[str, tuple[tuple[str, str, str, str, int, int, int, int], ...]] = {
    "default": (
        ("Errors", "lambda", "errors", "time-series", 0, 0, 8, 6),
        ("Errors", "lambda", "errors", "numbers", 8, 0, 6, 6),
        ("Duration", "lambda", "duration", "time-series", 14, 0, 10, 6),
        ("Invocations", "lambda", "invocations", "time-series", 0, 6, 8, 6),
        ("Invocations", "lambda", "invocations", "numbers", 8, 6, 6, 6),
        ("API Requests", "api-gw", "requests", "time-series", 14, 6, 10, 6),
        ("Throttles", "lambda", "throttles", "time-series", 0, 12, 8, 6),
        ("Throttles", "lambda", "throttles", "numbers", 8, 12, 6, 6),
        ("API Latency", "api-gw", "latency", "time-series", 14, 12, 10, 6)),
    "vertical": tuple((title, service, metric, display, 0 if i % 2 == 0 else 10, 6 * (i // 2), 10, 6)
                      for i, (title, service, metric, display) in enumerate((
                          ("Errors", "lambda", "errors", "time-series"), ("Errors", "lambda", "errors", "numbers"),
                          ("Duration", "lambda", "duration", "time-series"),
                          ("Duration Average", "lambda", "duration", "numbers"),
                          ("Invocations", "lambda", "invocations", "time-series"),
                          ("Invocations", "lambda", "invocations", "numbers"),
                          ("Iterator Age", "lambda", "iteratorage", "time-series"),
                          ("Iterator Age Average", "lambda", "iteratorage", "numbers"),
                          ("Throttles", "lambda", "throttles", "time-series"),
                          ("Throttles", "lambda", "throttles", "numbers"),
                          ("API Latency", "api-gw", "latency", "time-series"),
                          ("API Latency Average", "api-gw", "latency", "numbers"),
                          ("API Requests", "api-gw", "requests", "time-series"),
                          ("API Requests", "api-gw", "requests", "numbers")))),
}
_API_METRICS = {"latency": (("IntegrationLatency", "Latency"), "Average"), "requests": (("5XXError", "4XXError",
                                                                                          "Count"), "Sum")}


def _widget(service_name: str, stage: str, region: str, functions: list[str],
            layout: tuple[str, str, str, str, int, int, int, int]) -> dict[str, Any]:
    title, service, metric, display, x, y, width, height = layout
    numbers = display == "numbers"
    properties: dict[str, Any] = {"title": title, "view": "singleValue" if numbers else "timeSeries"}
    if not numbers:
        properties["stacked"] = False
    if service == "lambda":
        name, stat = _LAMBDA_METRICS[metric]
        stats = (stat,) if numbers or metric not in _PERCENTILES else ("p50", "p90")
        properties["metrics"] = [
            ["AWS/Lambda", name, "FunctionName", f"{service_name}-{stage}-{f}",
             {"stat": s, "period": 2592000 if numbers else 900, "region": region,
              "label": f if len(stats) == 1 else f"{f} {s}"}]
            for f in functions for s in stats]
        properties.update(region=region, period=300)
    else:
        api, (names, stat) = f"{stage}-{service_name}", _API_METRICS[metric]
        if numbers:
            rows = [(n, {"stat": stat, "period": 2592000, "region": region, "label": n}) for n in names]
        elif metric == "latency":
            rows = [(n, {"stat": s, "period": 900, "region": region}) for s in ("p50", "p90") for n in names]
        else:
            rows = [(n, {"stat": stat, "period": 900}) for n in names]
        properties["metrics"] = [["AWS/ApiGateway", n, "ApiName", api, options] for n, options in rows]
        properties["region"] = region
        if numbers:
            properties["period"] = 300
    return {"type": "metric", "x": x, "y": y, "width": width, "height": height, "properties": properties}


def _dashboard_templates(dashboards: Any, stage: str) -> list:
    """getDashboardTemplates."""
    if isinstance(dashboards, bool):
        return ["default"]
    if isinstance(dashboards, str):
        return [dashboards]
    if isinstance(dashboards, dict) and js_truthy(dashboards.get("stages")):
        if stage not in (dashboards["stages"] if isinstance(dashboards["stages"], (list, str)) else []):
            return []  # "Info: Not deploying dashboards on stage <stage>"
        templates = dashboards.get("templates")
        if js_truthy(templates):
            return templates if isinstance(templates, list) else [templates]
        return ["default"]
    return dashboards if isinstance(dashboards, list) else [dashboards]


def _compile_dashboards(ctx: CompileContext, dashboards: Any) -> None:
    """compileDashboards."""
    service = ctx.service_name
    functions = list(ctx.functions)
    resources: dict[str, Any] = {}
    for template in dict.fromkeys(t if isinstance(t, str) else js_string(t)
                                  for t in _dashboard_templates(dashboards, ctx.stage)):
        layout = _LAYOUTS.get(template)
        if layout is None:
            raise ctx.error(("custom", "alerts", "dashboards"), f"{NAME}: Cannot find dashboard by name {template}",
                            "use the default or vertical dashboard")
        body = {"widgets": [_widget(service, ctx.stage, ctx.region, functions, w) for w in layout]}
        default = template == "default"
        resources["AlertsDashboard" if default else f"AlertsDashboard{template}"] = {
            "Type": "AWS::CloudWatch::Dashboard",
            "Properties": {"DashboardName": f"{service}-{ctx.stage}-{ctx.region}" + ("" if default else f"-{template}"),
                           "DashboardBody": js_json(body)}}
    _add(ctx, resources, ("custom", "alerts", "dashboards"))


def _get(value: Any, key: str) -> Any:
    return value.get(key, _UNSET) if isinstance(value, dict) else _UNSET


def _defined(value: Any) -> Any:
    """The value as JSON.stringify writes it: undefined left out of objects, null in arrays."""
    if isinstance(value, dict):
        return {k: _defined(v) for k, v in value.items() if v is not _UNSET}
    if isinstance(value, list):
        return [None if v is _UNSET else _defined(v) for v in value]
    return value


# defineFunctionProperties: a function's `alarms` is an array
PLUGIN = Plugin(NAME, ">=1.7.0 <2", hooks=(("package:compileEvents", compile_alerts),),
                schema=("functions.*: alarms=arr",))
