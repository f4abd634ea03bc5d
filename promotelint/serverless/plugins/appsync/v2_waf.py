"""serverless-appsync-plugin 2.x WAF (`appSync.waf`): resources/Waf.js (2.13.0)."""

from __future__ import annotations


from promotelint.serverless.plugins.appsync.common import UNDEFINED, cfn_name, either, to_cfn_keys, truthy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_U = UNDEFINED


def _coalesce(*values: Any) -> Any:  # `a ?? b ?? c`
    for value in values[:-1]:
        if value is not None and value is not _U:
            return value
    return values[-1]


class _Waf:
    def __init__(self, api: Any, config: dict) -> None:
        self.api, self.config = api, config

    def visibility(self, config: Any, default_name: Any) -> dict:
        config = config if isinstance(config, dict) else {}
        top = self.config.get("visibilityConfig")
        top = top if isinstance(top, dict) else {}
        return {"CloudWatchMetricsEnabled": _coalesce(config.get("cloudWatchMetricsEnabled"),
                                                      top.get("cloudWatchMetricsEnabled"), True),
                "MetricName": either(config.get("name", _U), default_name),
                "SampledRequestsEnabled": _coalesce(config.get("sampledRequestsEnabled"),
                                                    top.get("sampledRequestsEnabled"), True)}

    def throttle(self, config: Any, prefix: Any) -> dict:
        name = f"{prefix if truthy(prefix) else ''}Throttle"
        limit, window, aggregate, forwarded, priority, scope = 100, _U, "IP", _U, _U, _U
        if isinstance(config, (int, float)) and not isinstance(config, bool):
            limit = config
        elif isinstance(config, dict):
            name = either(config.get("name", _U), name)
            aggregate = either(config.get("aggregateKeyType", _U), aggregate)
            limit = either(config.get("limit", _U), limit)
            window, priority = config.get("evaluationWindowSec", _U), config.get("priority", _U)
            scope = config.get("scopeDownStatement", _U)
            if aggregate == "FORWARDED_IP":
                given = config.get("forwardedIPConfig") if isinstance(config.get("forwardedIPConfig"), dict) else {}
                forwarded = {"HeaderName": either(given.get("headerName", _U), "X-Forwarded-For"),
                             "FallbackBehavior": either(given.get("fallbackBehavior", _U), "MATCH")}
        return {"Action": {"Block": {}}, "Name": name, "Priority": priority, "Statement": {"RateBasedStatement": {
            "AggregateKeyType": aggregate, "Limit": limit, "EvaluationWindowSec": window,
            "ForwardedIPConfig": forwarded, "ScopeDownStatement": scope}},
            "VisibilityConfig": self.visibility(config.get("visibilityConfig") if isinstance(config, dict) else None,
                                                name)}

    def disable_introspection(self, config: Any, prefix: Any) -> dict:
        config = config if isinstance(config, dict) else {}
        name = either(config.get("name", _U), f"{prefix if truthy(prefix) else ''}DisableIntrospection")
        return {"Action": {"Block": {}}, "Name": name, "Priority": config.get("priority", _U), "Statement": {
            "OrStatement": {"Statements": [
                {"SizeConstraintStatement": {"ComparisonOperator": "GT",
                                             "FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
                                             "Size": 8 * 1024, "TextTransformations": [{"Type": "NONE", "Priority": 0}]}},
                {"ByteMatchStatement": {"FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
                                        "PositionalConstraint": "CONTAINS", "SearchString": "__schema",
                                        "TextTransformations": [{"Type": "COMPRESS_WHITE_SPACE", "Priority": 0}]}}]}},
            "VisibilityConfig": self.visibility(config.get("visibilityConfig"), name)}

    def rule(self, rule: Any, prefix: Any = _U) -> dict:
        if rule == "throttle":
            return self.throttle({}, prefix)
        if isinstance(rule, dict) and "throttle" in rule:
            return self.throttle(rule["throttle"], prefix)
        if rule == "disableIntrospection":
            return self.disable_introspection({}, prefix)
        rule = rule if isinstance(rule, dict) else {}
        if "disableIntrospection" in rule:
            return self.disable_introspection(rule["disableIntrospection"], prefix)
        result = {"Name": rule.get("name", _U), "Priority": rule.get("priority", _U),
                  "Statement": rule.get("statement", _U),
                  "VisibilityConfig": self.visibility(rule.get("visibilityConfig"), rule.get("name", _U))}
        if truthy(rule.get("overrideAction", _U)):
            result["OverrideAction"] = to_cfn_keys(rule["overrideAction"])
        else:
            result["Action"] = {str(either(rule.get("action", _U), "Allow")): {}}
        return result

    def api_key_rules(self) -> list[dict]:
        rules = []
        for key in (self.api.c.get("apiKeys") or {}).values():
            for key_rule in key.get("wafRules") or [] if isinstance(key, dict) else []:
                built = self.rule(key_rule, key.get("name"))
                key_statement = {"ByteMatchStatement": {
                    "FieldToMatch": {"SingleHeader": {"Name": "X-Api-key"}}, "PositionalConstraint": "EXACTLY",
                    "SearchString": {"Fn::GetAtt": [cfn_name(f"GraphQlApi{key.get('name')}"), "ApiKey"]},
                    "TextTransformations": [{"Type": "LOWERCASE", "Priority": 0}]}}
                base = built.get("Statement")
                if isinstance(base, dict) and base.get("RateBasedStatement"):
                    rate = base["RateBasedStatement"]
                    scope = rate.get("ScopeDownStatement")
                    scope = ({"AndStatement": {"Statements": [scope, key_statement]}}
                             if scope is not None and scope is not _U and scope else key_statement)
                    statement: Any = {"RateBasedStatement": {**rate, "ScopeDownStatement": scope}}
                elif base is not _U and base:  # lodash isEmpty: {} [] "" null are empty
                    statement = {"AndStatement": {"Statements": [base, key_statement]}}
                else:
                    statement = key_statement
                rules.append({**built, "Statement": statement})
        return rules

    def rules(self) -> list[dict]:
        priority, out = 100, []
        for rule in [self.rule(r) for r in self.config.get("rules") or []] + self.api_key_rules():
            if truthy(rule.get("Priority", _U)):
                out.append({**rule, "Priority": rule["Priority"]})
            else:
                out.append({**rule, "Priority": priority})
                priority += 1
        return out


def waf_resources(api: Any, config: dict) -> dict:
    """Waf.compile: the WebACL and its association (only the association with `arn:`)."""
    arn = {"Fn::GetAtt": ["GraphQlApi", "Arn"]}
    if truthy(config.get("arn", _U)):
        return {"GraphQlWafAssoc": {"Type": "AWS::WAFv2::WebACLAssociation",
                                    "Properties": {"ResourceArn": arn, "WebACLArn": config["arn"]}}}
    waf = _Waf(api, config)
    name = either(config.get("name", _U), f"{api.c['name']}Waf")
    default = either(config.get("defaultAction", _U), "Allow")
    tags = api.c.get("tags")
    return {
        "GraphQlWaf": {"Type": "AWS::WAFv2::WebACL", "Properties": {
            "DefaultAction": {default: {}} if isinstance(default, str) else default, "Scope": "REGIONAL",
            "Description": either(config.get("description", _U), f"ACL rules for AppSync {api.c['name']}"),
            "Name": name, "Rules": waf.rules(), "VisibilityConfig": waf.visibility(config.get("visibilityConfig"), name),
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()] if isinstance(tags, dict) and tags else _U}},
        "GraphQlWafAssoc": {"Type": "AWS::WAFv2::WebACLAssociation", "Properties": {
            "ResourceArn": arn, "WebACLArn": {"Fn::GetAtt": ["GraphQlWaf", "Arn"]}}},
    }
