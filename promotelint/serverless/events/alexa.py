"""`alexaSkill` and `alexaSmartHome` events (alexa-skill.js, alexa-smart-home.js): permissions only."""

from __future__ import annotations

import re
from typing import Any

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import alias_logical_id
from promotelint.serverless.values import drop_none, is_mapping
from promotelint.serverless.functions import resolve_lambda_target


def _no_escaped_newlines(value: Any) -> Any:
    return re.sub(r"\\n|\\r", "", value) if isinstance(value, str) else value


def compile_alexa_skill(ctx: CompileContext) -> None:
    for name, fn in ctx.functions.items():
        number = 0
        for index, event in enumerate(fn.get("events") or []):
            if not isinstance(event, dict) or not event.get("alexaSkill"):
                continue
            skill = event["alexaSkill"]
            enabled = True
            if not is_mapping(skill):
                app_id = skill
            else:
                app_id = skill.get("appId")
                enabled = skill.get("enabled") is not False
            number += 1
            props = {"FunctionName": resolve_lambda_target(name, fn),
                     "Action": "lambda:InvokeFunction" if enabled else "lambda:DisableInvokeFunction",
                     "Principal": "alexa-appkit.amazon.com"}
            if app_id:
                props["EventSourceToken"] = _no_escaped_newlines(app_id)
            ctx.add_resource(naming.get_lambda_alexa_skill_permission_logical_id(name, number), drop_none({
                "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": props}), ("functions", name, "events", index), merge=True)


def compile_alexa_smart_home(ctx: CompileContext) -> None:
    for name, fn in ctx.functions.items():
        number = 0
        for index, event in enumerate(fn.get("events") or []):
            if not isinstance(event, dict) or not event.get("alexaSmartHome"):
                continue
            number += 1
            home = event["alexaSmartHome"]
            if is_mapping(home):
                token = home.get("appId")
                action = "lambda:InvokeFunction" if home.get("enabled") is not False else "lambda:DisableInvokeFunction"
            else:
                token, action = home, "lambda:InvokeFunction"
            ctx.add_resource(naming.get_lambda_alexa_smart_home_permission_logical_id(name, number), drop_none({
                "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": {
                    "FunctionName": resolve_lambda_target(name, fn), "Action": action,
                    "Principal": "alexa-connectedhome.amazon.com",
                    "EventSourceToken": _no_escaped_newlines(token)}}), ("functions", name, "events", index), merge=True)
