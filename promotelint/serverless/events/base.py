"""What the event compilers share: finding a kind of event in the functions' configs."""

from __future__ import annotations

from typing import Any

from promotelint.serverless.context import CompileContext


def has_events(config: dict[str, Any], kind: str) -> bool:
    """Whether any function has a `kind` event (a truthy one, as the framework's `if (event.http)`)."""
    functions = config.get("functions")
    for function in functions.values() if isinstance(functions, dict) else ():
        events = function.get("events") if isinstance(function, dict) else None
        if isinstance(events, list) and any(isinstance(e, dict) and e.get(kind) for e in events):
            return True
    return False


def iter_events(ctx: CompileContext, kind: str):
    """(function name, function, event index, event value) for each `kind` event, in config order."""
    for name, fn in ctx.functions.items():
        for index, event in enumerate(fn.get("events") or []):
            if isinstance(event, dict) and event.get(kind) is not None and event.get(kind) is not False:
                yield name, fn, index, event[kind]
