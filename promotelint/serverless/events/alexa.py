"""`alexaSkill` and `alexaSmartHome` events (alexa-skill.js, alexa-smart-home.js): permissions only."""

from __future__ import annotations

import re
from collections.abc import Iterator

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import Event, compiles, events_of, non_empty
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.values import drop_none, is_mapping

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

SKILL = "alexaSkill"
SMART_HOME = "alexaSmartHome"


@compiles(SKILL)
def compile_alexa_skill(ctx: CompileContext) -> None:
    for event, app_id, enabled in _events(ctx, SKILL):
        logical_id = naming.get_lambda_alexa_skill_permission_logical_id(event.function_name, event.number)
        # alexa-skill.js sets the token only when there is one; alexa-smart-home.js always does
        _permission(ctx, event, logical_id, "alexa-appkit.amazon.com", app_id or None, enabled)


@compiles(SMART_HOME)
def compile_alexa_smart_home(ctx: CompileContext) -> None:
    for event, app_id, enabled in _events(ctx, SMART_HOME):
        logical_id = naming.get_lambda_alexa_smart_home_permission_logical_id(event.function_name, event.number)
        _permission(ctx, event, logical_id, "alexa-connectedhome.amazon.com", app_id, enabled)


def _events(ctx: CompileContext, kind: str) -> Iterator[tuple[Event, Any, bool]]:
    """Each event with its app ID and whether it is enabled (`alexaSkill: <appId>` or a mapping)."""
    for event in events_of(ctx, kind, counts=non_empty):
        if is_mapping(event.value):
            yield event, event.value.get("appId"), event.value.get("enabled") is not False
        else:
            yield event, event.value, True


def _permission(ctx: CompileContext, event: Event, logical_id: str, principal: str, token: Any,
                enabled: bool) -> None:
    ctx.add_resource(logical_id, drop_none({
        "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(event.function), "Properties": {
            "FunctionName": resolve_lambda_target(event.function_name, event.function),
            "Action": "lambda:InvokeFunction" if enabled else "lambda:DisableInvokeFunction",
            "Principal": principal, "EventSourceToken": _no_escaped_newlines(token)}}), event.path, merge=True)


def _no_escaped_newlines(value: Any) -> Any:
    return re.sub(r"\\n|\\r", "", value) if isinstance(value, str) else value
