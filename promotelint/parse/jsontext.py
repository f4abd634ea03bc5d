"""JSON text of data, indented as `json.dumps(value, indent=2)` writes it, faster.

json.dumps takes its pure-Python encoder whenever `indent` is set (CPython's C encoder writes only
compact JSON): 64 ms for a 2,400-resource template. This writer keeps the C string escaper and
walks the containers itself, about twice as fast, with the same text: tests/test_jsontext.py holds
it byte for byte to json.dumps on the corpus templates and edge cases. What it does not know (keys
that are not strings, NaN and infinities, subclasses, other types, cycles) it leaves to json.dumps.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _string  # the C escaper when _json is built

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_float = float.__repr__
_int = int.__repr__


class _Unusual(Exception):
    """A value json.dumps writes its own way (or refuses)."""


def dumps_indented(value: Any, indent: int = 2) -> str:
    """json.dumps(value, indent=indent)."""
    parts: list[str] = []
    try:
        _write(value, "\n", " " * indent, parts.append)
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=indent)
    return "".join(parts)


def _write(value: Any, newline: str, unit: str, out: Any) -> None:
    kind = type(value)
    if kind is str:
        out(_string(value))
    elif kind is dict or kind is list:
        if not value:
            out("{}" if kind is dict else "[]")
            return
        inner = newline + unit
        separator = ("{" if kind is dict else "[") + inner
        if kind is dict:
            for key, item in value.items():
                if type(key) is not str:
                    raise _Unusual
                out(separator + _string(key) + ": ")
                separator = "," + inner
                _write(item, inner, unit, out)
        else:
            for item in value:
                out(separator)
                separator = "," + inner
                _write(item, inner, unit, out)
        out(newline + ("}" if kind is dict else "]"))
    elif value is True:
        out("true")
    elif value is False:
        out("false")
    elif value is None:
        out("null")
    elif kind is int:
        out(_int(value))
    elif kind is float and value == value and value not in (float("inf"), float("-inf")):
        out(_float(value))
    else:
        raise _Unusual
