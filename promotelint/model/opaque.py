"""Values that cannot be known offline.

A value that needs AWS to resolve (`${ssm:/x}`, `${cf:stack.out}`, `${aws:accountId}`, …) is kept as
an opaque token: a one-key mapping `{"promotelint:opaque": "<the variable's text>"}`. Two tokens are
equal when their text is equal, so an unchanged `${ssm:/x}` is no change, while a changed one is a
change whose new value is unknown (Evaluation Dynamic). A string that interpolates such a variable
becomes one token holding the whole string's text.
"""

from __future__ import annotations

from collections.abc import Iterator

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

OPAQUE_KEY = "promotelint:opaque"


def opaque(text: str) -> dict[str, str]:
    return {OPAQUE_KEY: text}


def is_opaque(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and OPAQUE_KEY in value


def contains_opaque(value: Any) -> bool:
    if isinstance(value, dict):
        return is_opaque(value) or any(contains_opaque(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_opaque(v) for v in value)
    return False


def opaque_paths(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, text) of every opaque token in `value`, in document order."""
    if is_opaque(value):
        yield path, str(value[OPAQUE_KEY])
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):  # (only containers hold tokens: no frame per leaf)
                yield from opaque_paths(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                yield from opaque_paths(item, f"{path}[{i}]")
