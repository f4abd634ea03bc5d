"""serverless-appsync-plugin 1.x WAF (`wafConfig`): index.js getWafResources, buildWafRules,
buildWafRule, buildApiKeysWafRules, buildThrottleRule, buildDisableIntrospecRule."""

from __future__ import annotations


from promotelint.serverless.plugins.appsync.common import to_cfn_keys
from promotelint.serverless.plugins.appsync.v1 import _UNDEFINED, _Api, _or, _props, _truthy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def _visibility(config: Any, default_name: Any) -> dict:
    return {"CloudWatchMetricsEnabled": True, "MetricName": default_name, "SampledRequestsEnabled": True,
            **to_cfn_keys(config if isinstance(config, dict) else {})}


def _throttle(config: Any, prefix: str) -> dict:
    name = f"{prefix}Throttle"
    limit, aggregate, forwarded, priority = 100, "IP", _UNDEFINED, _UNDEFINED
    if isinstance(config, (int, float)) and not isinstance(config, bool):
        limit = config
    elif isinstance(config, dict):
        cfn = to_cfn_keys(config)
        aggregate = _or(cfn.get("AggregateKeyType", _UNDEFINED), aggregate)
        limit = _or(cfn.get("Limit", _UNDEFINED), limit)
        priority = cfn.get("Priority", _UNDEFINED)
        if aggregate == "FORWARDED_IP":
            forwarded = {"HeaderName": "X-Forwarded-For", "FallbackBehavior": "MATCH",
                         **(cfn.get("ForwardedIPConfig") or {})}
    return _props(Action={"Block": {}}, Name=name, Priority=priority, Statement={"RateBasedStatement": _props(
        AggregateKeyType=aggregate, Limit=limit, ForwardedIPConfig=forwarded)},
        VisibilityConfig={"CloudWatchMetricsEnabled": True, "MetricName": name, "SampledRequestsEnabled": True})


def _disable_introspection(config: Any, prefix: str) -> dict:
    name = f"{prefix}DisableIntrospection"
    priority = _or(config.get("priority", _UNDEFINED), _UNDEFINED) if isinstance(config, dict) else _UNDEFINED
    return _props(Action={"Block": {}}, Name=name, Priority=priority, Statement={"ByteMatchStatement": {
        "FieldToMatch": {"Body": {}}, "PositionalConstraint": "CONTAINS", "SearchString": "__schema",
        "TextTransformations": [{"Type": "COMPRESS_WHITE_SPACE", "Priority": 0}]}},
        VisibilityConfig={"SampledRequestsEnabled": True, "MetricName": name, "CloudWatchMetricsEnabled": True})


def _rule(rule: Any, prefix: Any) -> dict:
    if rule == "throttle" or (isinstance(rule, dict) and _truthy(rule.get("throttle", _UNDEFINED))):
        return _throttle(rule.get("throttle") if isinstance(rule, dict) else {}, prefix)
    if rule == "disableIntrospection" or (isinstance(rule, dict) and _truthy(rule.get("disableIntrospection",
                                                                                          _UNDEFINED))):
        return _disable_introspection(rule.get("disableIntrospection") if isinstance(rule, dict) else {}, prefix)
    rule = rule if isinstance(rule, dict) else {}
    action = _or(rule.get("action", _UNDEFINED), "Allow")
    if isinstance(action, str):
        action = {action: {}}
    override = rule.get("overrideAction", _UNDEFINED)
    if isinstance(override, str):
        override = {override: {}}
    result = _props(Name=rule.get("name", _UNDEFINED), Priority=rule.get("priority", _UNDEFINED),
                    Statement=to_cfn_keys(rule["statement"]) if _truthy(rule.get("statement", _UNDEFINED))
                    else _UNDEFINED,
                    VisibilityConfig=_visibility(rule.get("visibilityConfig"), rule.get("name", _UNDEFINED)))
    if _truthy(override):
        result["OverrideAction"] = to_cfn_keys(override)
    elif _truthy(action):
        result["Action"] = action
    return result


def _api_key_rules(api: _Api) -> list[dict]:
    rules = []
    for key in api.api_keys() if _truthy(api.c.get("apiKeys", _UNDEFINED)) else []:
        for key_rule in key.get("wafRules") or [] if _truthy(key.get("wafRules", _UNDEFINED)) else []:
            built = _rule(key_rule, key["name"])
            key_statement = {"ByteMatchStatement": {
                "FieldToMatch": {"SingleHeader": {"Name": "X-Api-key"}}, "PositionalConstraint": "EXACTLY",
                "SearchString": {"Fn::GetAtt": [api.key_id(key["name"]), "ApiKey"]},
                "TextTransformations": [{"Type": "LOWERCASE", "Priority": 0}]}}
            base = built.get("Statement")
            if isinstance(base, dict) and base.get("RateBasedStatement"):
                rate = base["RateBasedStatement"]
                scope = ({"AndStatement": {"Statements": [rate["ScopeDownStatement"], key_statement]}}
                         if rate.get("ScopeDownStatement") else key_statement)
                statement: Any = {"RateBasedStatement": {**rate, "ScopeDownStatement": scope}}
            elif base:
                statement = {"AndStatement": {"Statements": [base, key_statement]}}
            else:
                statement = key_statement
            rules.append({**built, "Statement": statement})
    return rules


def waf_resources(api: _Api) -> None:
    waf = api.c.get("wafConfig", _UNDEFINED)
    if not _truthy(waf) or waf.get("enabled") is False:
        return
    assoc = api.id("GraphQlWafAssoc")
    arn = {"Fn::GetAtt": [api.id("GraphQlApi"), "Arn"]}
    if _truthy(waf.get("arn", _UNDEFINED)):
        api.add(assoc, {"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {
            "ResourceArn": arn, "WebACLArn": waf["arn"]}}, ("wafConfig",))
        return
    name = _or(waf.get("name", _UNDEFINED), f"{api.c['name']}Waf")
    acl = api.id("GraphQlWaf")
    priority = 100
    rules = []
    for rule in [_rule(r, "Base") for r in waf.get("rules") or []] + _api_key_rules(api):
        if not _truthy(rule.get("Priority", _UNDEFINED)):
            rule = {**rule, "Priority": priority}
            priority += 1
        else:
            rule = {**rule, "Priority": rule["Priority"]}
        rules.append(rule)
    api.add(acl, {"Type": "AWS::WAFv2::WebACL", "Properties": _props(
        DefaultAction={_or(waf.get("defaultAction", _UNDEFINED), "Allow"): {}}, Scope="REGIONAL",
        Description=_or(waf.get("description", _UNDEFINED), f"ACL rules for AppSync {api.c['name']}"),
        Name=name, Rules=rules, VisibilityConfig=_visibility(waf.get("visibilityConfig"), name),
        Tags=api.tags() if _truthy(api.c.get("tags", _UNDEFINED)) else _UNDEFINED)}, ("wafConfig",))
    api.add(assoc, {"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {
        "ResourceArn": arn, "WebACLArn": {"Fn::GetAtt": [acl, "Arn"]}}}, ("wafConfig",))
