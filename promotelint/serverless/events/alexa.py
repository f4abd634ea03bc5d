"""`alexaSkill` and `alexaSmartHome` events (alexa-skill.js, alexa-smart-home.js): permissions only."""

from __future__ import annotations

import re
from typing import Any

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import Event, compiles, events_of, non_empty
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.values import drop_none, is_mapping

SKILL = "alexaSkill"
SMART_HOME = "alexaSmartHome"


@compiles(SKILL)
def compile_alexa_skill(ctx: CompileContext) -> None:
    for event in events_of(ctx, SKILL, counts=non_empty):
        skill = event.value
        app_id = skill.get("appId") if is_mapping(skill) else skill
        enabled = skill.get("enabled") is not False if is_mapping(skill) else True
        _permission(ctx, event, naming.get_lambda_alexa_skill_permission_logical_id(event.function_name, event.number),
                    "alexa-appkit.amazon.com", app_id if app_id else None, enabled)


@compiles(SMART_HOME)
def compile_alexa_smart_home(ctx: CompileContext) -> None:
    for event in events_of(ctx, SMART_HOME, counts=non_empty):
        home = event.value
        token = home.get("appId") if is_mapping(home) else home
        enabled = home.get("enabled") is not False if is_mapping(home) else True
        _permission(ctx, event,
                    naming.get_lambda_alexa_smart_home_permission_logical_id(event.function_name, event.number),
                    "alexa-connectedhome.amazon.com", token, enabled)


def _permission(ctx: CompileContext, event: Event, logical_id: str, principal: str, token: Any,
                enabled: bool) -> None:
    ctx.add_resource(logical_id, drop_none({
        "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(event.function), "Properties": {
            "FunctionName": resolve_lambda_target(event.function_name, event.function),
            "Action": "lambda:InvokeFunction" if enabled else "lambda:DisableInvokeFunction",
            "Principal": principal, "EventSourceToken": _no_escaped_newlines(token)}}), event.path, merge=True)


def _no_escaped_newlines(value: Any) -> Any:
    return re.sub(r"\\n|\\r", "", value) if isinstance(value, str) else value
