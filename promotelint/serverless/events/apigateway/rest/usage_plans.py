"""API keys, usage plans and the keys of each plan: port of api-gateway/lib/api-keys.js,
usage-plan.js and usage-plan-keys.js."""

from __future__ import annotations


from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.rest.state import RestApi, api_gateway_config, rest_api_id
from promotelint.serverless.js import is_object, js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def _api_key_resource(ctx: CompileContext, api: RestApi, key: Any) -> dict[str, Any]:
    is_obj = isinstance(key, dict)
    properties: dict[str, Any] = {
        "Enabled": key["enabled"] if is_obj and key.get("enabled") is not None else True,
        "Name": key if isinstance(key, str) else (key.get("name") if is_obj else None),
    }
    if is_obj and key.get("value"):
        properties["Value"] = key["value"]
    if is_obj and key.get("description") is not None:
        properties["Description"] = key["description"]
    if is_obj and key.get("customerId") is not None:
        properties["CustomerId"] = key["customerId"]
    properties["StageKeys"] = [{"RestApiId": rest_api_id(ctx), "StageName": ctx.stage}]
    properties = {k: v for k, v in properties.items() if v is not None}
    return {"Type": "AWS::ApiGateway::ApiKey", "Properties": properties,
            "DependsOn": api.deployment_logical_id}


def _keys_of(definition: Any) -> list:
    """A plan's API keys (a definition that is not a list has none)."""
    return definition if isinstance(definition, list) else []


def _plan_names(usage_plan: Any) -> list[str]:
    if not isinstance(usage_plan, list):
        return []
    return [k for item in usage_plan if isinstance(item, dict) for k in item]


def compile_api_keys(ctx: CompileContext, api: RestApi) -> None:
    api_keys = api_gateway_config(ctx).get("apiKeys")
    if not isinstance(api_keys, list):
        return
    usage_plan = api_gateway_config(ctx).get("usagePlan")
    number = 0
    for index, definition in enumerate(api_keys):
        where = ("provider", "apiGateway", "apiKeys", index)
        name = next(iter(definition), None) if isinstance(definition, dict) else None
        if isinstance(definition, dict) and name in _plan_names(usage_plan):
            number = 0
            for key in _keys_of(definition[name]):
                number += 1
                ctx.add_resource(naming.get_api_key_logical_id(number, name), _api_key_resource(ctx, api, key),
                                 where, merge=True)
        else:
            number += 1
            ctx.add_resource(naming.get_api_key_logical_id(number), _api_key_resource(ctx, api, definition), where,
                             merge=True)


def _quota_throttle(config: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    quota = config.get("quota")
    if isinstance(quota, dict) and quota:
        out["Quota"] = {k: v for k, v in (("Limit", quota.get("limit")),
                                          ("Offset", quota.get("offset")),
                                          ("Period", quota.get("period"))) if v is not None}
    throttle = config.get("throttle")
    if isinstance(throttle, dict) and throttle:
        out["Throttle"] = {k: v for k, v in (("BurstLimit", throttle.get("burstLimit")),
                                             ("RateLimit", throttle.get("rateLimit")))
                           if v is not None}
    return out


def _usage_plan_resource(ctx: CompileContext, api: RestApi, name: str) -> dict[str, Any]:
    service = ctx.service_name
    usage_plan = api_gateway_config(ctx).get("usagePlan")
    properties: dict[str, Any] = {
        "ApiStages": [{"ApiId": rest_api_id(ctx), "Stage": ctx.stage}],
        "Description": f'Usage plan "{name}" for {service} {ctx.stage} stage',
        "UsagePlanName": f"{service}-{name}-{ctx.stage}",
    }
    if name == "default":
        properties["UsagePlanName"] = f"{service}-{ctx.stage}"
        properties["Description"] = f"Usage plan for {service} {ctx.stage} stage"
        if isinstance(usage_plan, dict):
            properties.update(_quota_throttle(usage_plan))
    else:
        # the last plan entry with the setting wins, as the framework's reduce does
        merged: dict[str, Any] = {}
        for item in usage_plan:
            plan = item.get(name) if isinstance(item, dict) else None
            if isinstance(plan, dict):
                for setting in ("quota", "throttle"):
                    if plan.get(setting):
                        merged[setting] = plan[setting]
        properties.update(_quota_throttle(merged))
    return {"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": api.deployment_logical_id,
            "Properties": properties}


def compile_usage_plan(ctx: CompileContext, api: RestApi) -> None:
    api_gateway = api_gateway_config(ctx)
    usage_plan = api_gateway.get("usagePlan")
    if not usage_plan and not api_gateway.get("apiKeys"):
        return
    api.usage_plan_names = []
    if isinstance(usage_plan, list):
        for index, item in enumerate(usage_plan):
            if not isinstance(item, dict) or not item:
                continue
            name = next(iter(item))
            ctx.add_resource(naming.get_usage_plan_logical_id(name), _usage_plan_resource(ctx, api, name),
                             ("provider", "apiGateway", "usagePlan", index), merge=True)
            api.usage_plan_names.append(name)
    else:
        ctx.add_resource(naming.get_usage_plan_logical_id(), _usage_plan_resource(ctx, api, "default"),
                         ("provider", "apiGateway", "usagePlan" if usage_plan else "apiKeys"), merge=True)
        api.usage_plan_names.append("default")


def compile_usage_plan_keys(ctx: CompileContext, api: RestApi) -> None:
    api_keys = api_gateway_config(ctx).get("apiKeys")
    if not isinstance(api_keys, list):
        return
    number = 0
    for index, definition in enumerate(api_keys):
        where = ("provider", "apiGateway", "apiKeys", index)
        if isinstance(definition, dict) and definition:
            name, value = next(iter(definition.items()))
        else:
            # Object.entries of a string lists its characters: ["0", first character]
            text = js_string(definition)
            name, value = ("0", text[:1]) if text else (None, None)
        in_plans = name in api.usage_plan_names
        if api.usage_plan_names and not in_plans and is_object(value):
            raise ctx.error(where, f'API key "{name}" has no usage plan defined')
        if isinstance(definition, dict) and in_plans:
            number = 0
            for _ in _keys_of(definition[name]):
                number += 1
                _usage_plan_key(ctx, naming.get_usage_plan_key_logical_id(number, name),
                                naming.get_usage_plan_logical_id(name),
                                naming.get_api_key_logical_id(number, name), where)
        else:
            number += 1
            _usage_plan_key(ctx, naming.get_usage_plan_key_logical_id(number),
                            naming.get_usage_plan_logical_id(), naming.get_api_key_logical_id(number), where)


def _usage_plan_key(ctx: CompileContext, logical_id: str, plan_id: str, key_id: str,
                    where: tuple) -> None:
    ctx.add_resource(logical_id, {
        "Type": "AWS::ApiGateway::UsagePlanKey",
        "Properties": {"KeyId": {"Ref": key_id}, "KeyType": "API_KEY",
                       "UsagePlanId": {"Ref": plan_id}},
    }, where, merge=True)
