"""`alb` events (package/compile/events/alb): target groups, listener rules and permissions."""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.model.regex import lazy
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, event_error, events_of
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.js import as_list, js_truthy, lodash_merge
from promotelint.serverless.values import drop_none, name_from

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "alb"

_LISTENER_ARN = lazy(r"^arn:aws[\w-]*:elasticloadbalancing:.+:listener/app/[\w-]+/([\w-]+)/([\w-]+)$")
_HEALTH_CHECK_DEFAULTS = {
    "HealthCheckEnabled": False, "HealthCheckPath": "/", "HealthCheckIntervalSeconds": 35,
    "HealthCheckTimeoutSeconds": 30, "HealthyThresholdCount": 5, "UnhealthyThresholdCount": 5,
    "Matcher": {"HttpCode": "200"},
}


def _validate(ctx: CompileContext) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    alb_config = ctx.provider.get("alb") or {}
    authorizers = {}
    for auth_name, auth in (alb_config.get("authorizers") or {}).items():
        authorizers[auth_name] = {**auth, "onUnauthenticatedRequest": auth.get("onUnauthenticatedRequest") or "deny"}
    events = []
    for event in events_of(ctx, KIND):
        name, alb, path = event.function_name, event.value, event.path
        listener = alb.get("listenerArn")
        if is_opaque(listener):
            alb_id = listener_id = naming.normalize_name_to_alphanumeric_only(
                name_from(ctx, listener, f"the alb event of function {name}"))
        elif isinstance(listener, dict) and listener.get("Ref"):
            alb_id = listener_id = listener["Ref"]
        else:
            match = _LISTENER_ARN.match(listener) if isinstance(listener, str) else None
            if not match:
                raise event_error(ctx, path, KIND, f'invalid listenerArn in function "{name}"')
            alb_id, listener_id = match.group(1), match.group(2)
        conditions = alb.get("conditions") or {}
        if not conditions:
            raise event_error(ctx, path, KIND, f'function "{name}" needs at least one condition')
        event_conditions: dict[str, Any] = {}
        for key in ("path", "host", "method", "header", "query", "ip"):
            if js_truthy(conditions.get(key)):
                value = conditions[key]
                event_conditions[key] = value if key == "query" or isinstance(value, list) else [value]
        entry: dict[str, Any] = {"albId": alb_id, "listenerId": listener_id, "listenerArn": listener,
                                 "priority": alb.get("priority"), "conditions": event_conditions,
                                 "functionName": name, "path": path}
        if alb.get("multiValueHeaders"):
            entry["multiValueHeaders"] = alb["multiValueHeaders"]
        if alb.get("targetGroupName"):
            if alb_config.get("targetGroupPrefix"):
                raise event_error(ctx, path, KIND,
                                  '"targetGroupName" and provider.alb.targetGroupPrefix are exclusive')
            entry["targetGroupName"] = alb["targetGroupName"]
        if js_truthy(alb.get("authorizer")):
            names = as_list(alb["authorizer"])
            for auth in names:
                if auth not in authorizers:
                    raise event_error(ctx, path, KIND,
                                      f'no ALB authorizer "{auth}" registered for function "{name}"')
            entry["authorizers"] = names
        if js_truthy(alb.get("healthCheck")):
            health = alb["healthCheck"]
            entry["healthCheck"] = {**health, "enabled": True} if isinstance(health, dict) else {"enabled": True}
        events.append(entry)
    for i, first in enumerate(events):
        for second in events[i + 1:]:
            if first["priority"] != second["priority"]:
                continue
            same_fn = first["functionName"] == second["functionName"]
            same_listener = first["listenerId"] == second["listenerId"]
            if same_fn != same_listener:
                raise event_error(ctx, second["path"], KIND, f'priority "{second["priority"]}" is already in use')
    return events, authorizers


@compiles(KIND)
def compile_alb(ctx: CompileContext) -> None:
    events, authorizers = _validate(ctx)
    prefix = (ctx.provider.get("alb") or {}).get("targetGroupPrefix") or ""
    service, stage = ctx.service_name, ctx.stage
    for event in events:
        name, alb_id = event["functionName"], event["albId"]
        multi = event.get("multiValueHeaders", False)
        fn = ctx.functions[name]
        health = event.get("healthCheck")
        health_props: dict[str, Any] = {"HealthCheckEnabled": False}
        if js_truthy(health):
            health_props.update(_HEALTH_CHECK_DEFAULTS)
            for key, cfn_key in (("enabled", "HealthCheckEnabled"), ("intervalSeconds", "HealthCheckIntervalSeconds"),
                                 ("path", "HealthCheckPath"), ("timeoutSeconds", "HealthCheckTimeoutSeconds"),
                                 ("healthyThresholdCount", "HealthyThresholdCount")):
                if health.get(key) is not None:
                    health_props[cfn_key] = health[key]
            if health.get("unhealthyThresholdCount"):
                health_props["UnhealthyThresholdCount"] = health["unhealthyThresholdCount"]
            if isinstance(health.get("matcher"), dict) and health["matcher"].get("httpCode"):
                health_props["Matcher"] = {"HttpCode": health["matcher"]["httpCode"]}
        group_name = event.get("targetGroupName") or naming.generate_alb_target_group_name(
            service, stage, name, alb_id, bool(multi), prefix)
        props = {
            "TargetType": "lambda", "Targets": [{"Id": resolve_lambda_target(name, fn)}], "Name": group_name,
            "Tags": [{"Key": "Name", "Value": naming.get_alb_target_group_name_tag_value(service, stage, name, alb_id,
                                                                                        False)}],
            "TargetGroupAttributes": [{"Key": "lambda.multi_value_headers.enabled", "Value": multi}],
            **health_props,
        }
        depends = [d for d in (naming.get_lambda_register_target_permission_logical_id(name), alias_logical_id(fn))
                   if d]
        ctx.add_resource(naming.get_alb_target_group_logical_id(name, alb_id, bool(multi)), drop_none(
            {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": props, "DependsOn": depends}),
            event["path"])
    for event in events:
        _compile_listener_rule(ctx, event, authorizers)
    for event in events:
        name = event["functionName"]
        fn = ctx.functions[name]
        group_lid = naming.get_alb_target_group_logical_id(name, event["albId"],
                                                           bool(event.get("multiValueHeaders")))
        permission: dict[str, Any] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": resolve_lambda_target(name, fn), "Action": "lambda:InvokeFunction",
            "Principal": "elasticloadbalancing.amazonaws.com"}}
        if alias_logical_id(fn):
            permission["DependsOn"] = [alias_logical_id(fn)]
        alb_permission = lodash_merge(lodash_merge({}, permission),
                                      {"Properties": {"SourceArn": {"Ref": group_lid}}})
        ctx.add_resource(naming.get_lambda_alb_permission_logical_id(name), drop_none(alb_permission),
                         event["path"], merge=True)
        ctx.add_resource(naming.get_lambda_register_target_permission_logical_id(name), drop_none(permission),
                         event["path"], merge=True)


def _compile_listener_rule(ctx: CompileContext, event: dict[str, Any], authorizers: dict[str, Any]) -> None:
    name = event["functionName"]
    group_lid = naming.get_alb_target_group_logical_id(name, event["albId"], bool(event.get("multiValueHeaders")))
    order = 0
    actions: list[dict[str, Any]] = []
    for auth_name in event.get("authorizers") or []:
        auth = authorizers[auth_name]
        common = {"OnUnauthenticatedRequest": auth.get("onUnauthenticatedRequest"),
                  "AuthenticationRequestExtraParams": auth.get("requestExtraParams"), "Scope": auth.get("scope"),
                  "SessionCookieName": auth.get("sessionCookieName"), "SessionTimeout": auth.get("sessionTimeout")}
        order += 1
        if auth.get("type") == "cognito":
            actions.append({"Type": "authenticate-cognito", "Order": order, "AuthenticateCognitoConfig": {
                "UserPoolArn": auth.get("userPoolArn"), "UserPoolClientId": auth.get("userPoolClientId"),
                "UserPoolDomain": auth.get("userPoolDomain"), **common}})
        else:
            config = {"AuthorizationEndpoint": auth.get("authorizationEndpoint"), "ClientId": auth.get("clientId"),
                      "Issuer": auth.get("issuer"), "TokenEndpoint": auth.get("tokenEndpoint"),
                      "UserInfoEndpoint": auth.get("userInfoEndpoint"), **common}
            if auth.get("clientSecret"):
                config["ClientSecret"] = auth["clientSecret"]
            else:
                config["UseExistingClientSecret"] = True
            actions.append({"Type": "authenticate-oidc", "Order": order, "AuthenticateOidcConfig": config})
    forward: dict[str, Any] = {"Type": "forward", "TargetGroupArn": {"Ref": group_lid}}
    if order:
        forward["Order"] = order + 1
    actions.append(forward)
    conditions = event["conditions"]
    rules: list[dict[str, Any]] = []
    if js_truthy(conditions.get("path")):
        rules.append({"Field": "path-pattern", "Values": conditions["path"]})
    if js_truthy(conditions.get("host")):
        rules.append({"Field": "host-header", "HostHeaderConfig": {"Values": conditions["host"]}})
    if js_truthy(conditions.get("method")):
        rules.append({"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": conditions["method"]}})
    for header in conditions.get("header") or []:
        rules.append({"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": header.get("name"),
                                                                   "Values": header.get("values")}})
    if js_truthy(conditions.get("query")):
        rules.append({"Field": "query-string", "QueryStringConfig": {
            "Values": [{"Key": k, "Value": v} for k, v in conditions["query"].items()]}})
    if js_truthy(conditions.get("ip")):
        rules.append({"Field": "source-ip", "SourceIpConfig": {"Values": conditions["ip"]}})
    ctx.add_resource(naming.get_alb_listener_rule_logical_id(name, event["priority"]), drop_none({
        "Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
            "Actions": actions, "Conditions": rules, "ListenerArn": event["listenerArn"],
            "Priority": event["priority"]}}), event["path"])
