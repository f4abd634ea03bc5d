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
        kind = type(value)
        if (kind is dict or kind is list) and value:
            _write(value, "\n", " " * indent, parts.append)
        else:
            parts.append(_string(value) if kind is str else _leaf(value, kind))
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=indent)
    return "".join(parts)


def _write(container: dict | list, newline: str, unit: str, out: Any) -> None:
    """A non-empty dict or list. Text, the most of any value, is written in the loop (with a call
    per value, a 5 MB report took 29% longer); other leaves by `_leaf`."""
    inner = newline + unit
    following = "," + inner
    if type(container) is dict:
        separator = "{" + inner
        for key, item in container.items():
            if type(key) is not str:
                raise _Unusual
            kind = type(item)
            if kind is str:
                out(separator + _string(key) + ": " + _string(item))
            elif (kind is dict or kind is list) and item:
                out(separator + _string(key) + ": ")
                _write(item, inner, unit, out)
            else:
                out(separator + _string(key) + ": " + _leaf(item, kind))
            separator = following
        out(newline + "}")
    else:
        separator = "[" + inner
        for item in container:
            kind = type(item)
            if kind is str:
                out(separator + _string(item))
            elif (kind is dict or kind is list) and item:
                out(separator)
                _write(item, inner, unit, out)
            else:
                out(separator + _leaf(item, kind))
            separator = following
        out(newline + "]")


def _leaf(value: Any, kind: type) -> str:
    """A value other than text and non-empty containers, as json.dumps writes it."""
    if kind is dict:
        return "{}"
    if kind is list:
        return "[]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if kind is int:
        return _int(value)
    if kind is float and value == value and value not in (float("inf"), float("-inf")):
        return _float(value)
    raise _Unusual
