"""Config values as the compile steps read them, where any value may be one only known at deploy
time (an opaque token, promotelint.model.opaque): their text, and text built from them."""

from __future__ import annotations


from promotelint.model.opaque import OPAQUE_KEY, is_opaque, opaque
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def is_mapping(value: Any) -> bool:
    """A config mapping, as opposed to a scalar or a value only known at deploy time (opaque)."""
    return isinstance(value, dict) and not is_opaque(value)


def text(value: Any) -> str:
    """A value as text for names and messages: an opaque value gives its variable's text (`${ssm:/x}`).

    A mapping or list gives Python's repr where JavaScript would give `[object Object]` or the
    joined items: kept as it is (see template_literal), since names derived from it are in
    predictions already made."""
    if is_opaque(value):
        return next(iter(value.values()))
    if isinstance(value, (dict, list)):
        return str(value)
    return js_string(value)


def concat(*parts: Any) -> Any:
    """Join text the framework builds by interpolation; with an unknown part the whole is unknown."""
    joined = "".join(text(p) for p in parts)
    return opaque(joined) if any(is_opaque(p) for p in parts) else joined


def template_literal(*parts: Any) -> Any:
    """A JavaScript template literal over config values (`String()` of each part, so a mapping is
    `[object Object]`): an opaque token if a part is unknown."""
    if any(is_opaque(p) for p in parts):
        return opaque("".join(p[OPAQUE_KEY] if is_opaque(p) else js_string(p) for p in parts))
    return "".join(js_string(p) for p in parts)


def js_join(items: Any, separator: str) -> Any:
    """`items.join(separator)` (String() of anything else), opaque if an item is unknown."""
    if not isinstance(items, list):
        return template_literal(items)
    parts: list[Any] = []
    for index, item in enumerate(items):
        parts.extend(([separator] if index else []) + ["" if item is None else item])
    return template_literal(*parts)


def name_from(ctx: CompileContext, value: Any, what: str) -> str:
    """Text a logical ID is derived from; warns when the value is only known at deploy time, since
    the deployed logical ID then derives from the resolved value instead."""
    if is_opaque(value):
        ctx.warn(f"{what} derives from {text(value)}, which is not known offline: "
                 "its logical IDs may differ from the deployed ones")
    return text(value)


def drop_none(value: Any, undefined: Any = None) -> Any:
    """Drop the keys the framework leaves `undefined` (None here, or a port's own marker of
    JavaScript's undefined), which JSON output omits."""
    if isinstance(value, dict):
        return {k: drop_none(v, undefined) for k, v in value.items() if v is not undefined}
    if isinstance(value, list):
        return [drop_none(v, undefined) for v in value]
    return value
