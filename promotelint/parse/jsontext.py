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


class _Keys(dict):
    """The JSON text of each key met, escaped once: a report repeats a few dozen keys thousands of
    times, and a look-up that finds one is no call (a 5 MB report: 8% fewer instructions). One per
    call of dumps_indented, so keys do not pile up across calls. A key that is not text is left to
    json.dumps."""

    def __missing__(self, key: Any) -> str:
        if type(key) is not str:
            raise _Unusual
        text = self[key] = _string(key)
        return text


class _Unusual(Exception):
    """A value json.dumps writes its own way (or refuses)."""


def dumps_indented(value: Any, indent: int = 2, level: int = 0) -> str:
    """json.dumps(value, indent=indent); `level`: as it writes the value `level` containers deep
    in a document (each of its lines but the first indented that much more)."""
    parts: list[str] = []
    newline = "\n" + " " * (indent * level)
    try:
        kind = type(value)
        if (kind is dict or kind is list) and value:
            _write(value, newline, " " * indent, parts.append, _Keys())
        else:
            parts.append(_string(value) if kind is str else _leaf(value, kind))
    except (_Unusual, RecursionError):
        return json.dumps(value, indent=indent).replace("\n", newline)  # (no newline is left in its strings)
    return "".join(parts)


def _write(container: dict | list, newline: str, unit: str, out: Any, keys: _Keys) -> None:
    """A non-empty dict or list. Text, the most of any value, is written in the loop (with a call
    per value, a 5 MB report took 29% longer); other leaves by `_leaf`. Each item's text is one
    f-string (concatenating its parts: 20% more instructions on a 5 MB report)."""
    inner = newline + unit
    following = "," + inner
    if type(container) is dict:
        separator = "{" + inner
        for key, item in container.items():
            kind = type(item)
            if kind is str:
                out(f"{separator}{keys[key]}: {_string(item)}")
            elif (kind is dict or kind is list) and item:
                out(f"{separator}{keys[key]}: ")
                _write(item, inner, unit, out, keys)
            else:
                out(f"{separator}{keys[key]}: {_leaf(item, kind)}")
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
                _write(item, inner, unit, out, keys)
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
