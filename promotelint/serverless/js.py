"""The JavaScript semantics the framework's code relies on, so that the ported steps read like it:
`String()` and the `type` package's string coercion, `Number()`, truthiness, `JSON.stringify`, the
lodash helpers it calls (`_.merge`, `_.uniqWith` / `_.unionWith` with `_.isEqual`) and AJV's
`coerceTypes: 'array'`.

Config values are JSON data here: None is null (and stands for `undefined` where the framework
reads a missing key), dicts are objects, lists are arrays.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Iterable

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_JS_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def js_number(text: str) -> int | float | None:
    """Number(text) in JavaScript, or None for NaN."""
    text = text.strip()
    if not text:
        return 0
    lowered = text.lower()
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if lowered.startswith(prefix):
            try:
                return int(text[2:], base)
            except ValueError:
                return None
    if text in ("Infinity", "+Infinity", "-Infinity"):
        return float(text.replace("Infinity", "inf"))
    if not _JS_DECIMAL.match(text):
        return None
    number = float(text)
    if number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


def _primitive(value: Any) -> str:
    """String() of a boolean, number or string."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    return str(value)


# Two string conversions, because the framework uses two: a template literal or String() turns
# anything into text, while the variables resolver's `type/string/coerce` refuses null and plain
# objects (a variable inside a longer string must not resolve to one).

def js_string(value: Any) -> str:
    """JavaScript `String(value)`, as in the framework's template literals (None is `undefined`)."""
    if value is None:
        return "undefined"
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v) for v in value)
    return _primitive(value)


def coerce_string(value: Any) -> str | None:
    """`type/string/coerce`: the string JavaScript would make, None for null and plain objects."""
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        return js_string(value)
    return _primitive(value)


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: empty objects and arrays are true, 0, "" and null are not."""
    if isinstance(value, (dict, list)):
        return True
    return bool(value)


def is_object(value: Any) -> bool:
    """lodash `_.isObject` for parsed config data."""
    return isinstance(value, (dict, list))


def js_json(value: Any, indent: int | None = None) -> str:
    """`JSON.stringify(value, undefined, indent)` for plain data (integral floats print as integers,
    as in JS)."""
    if indent:
        return json.dumps(_js_numbers(value), indent=indent, ensure_ascii=False)
    return json.dumps(_js_numbers(value), separators=(",", ":"), ensure_ascii=False)


def js_keys(mapping: dict) -> list:
    """The keys in JavaScript's order: integer-like keys first, ascending, then the others."""
    return sorted((k for k in mapping if _is_index(k)), key=int) + [k for k in mapping if not _is_index(k)]


def _js_numbers(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)
    if isinstance(value, dict):
        return {k: _js_numbers(value[k]) for k in js_keys(value)}
    if isinstance(value, list):
        return [_js_numbers(v) for v in value]
    return value


def _is_index(key: Any) -> bool:
    return isinstance(key, str) and key.isdigit() and (key == "0" or not key.startswith("0")) \
        and int(key) < 2**32 - 1


def as_list(value: Any) -> list:
    """AJV's `coerceTypes: 'array'`: a scalar where the schema wants an array becomes [scalar]."""
    return value if isinstance(value, list) else [value]


def uniq(values: Iterable) -> list:
    """lodash `_.uniqWith(values, _.isEqual)`: the values without repeats, in first-seen order
    (so `_.unionWith(a, b, _.isEqual)` is `uniq([*a, *b])`)."""
    result: list = []
    for value in values:
        if value not in result:
            result.append(value)
    return result


def lodash_merge(target: Any, source: Any) -> Any:
    """lodash `_.merge`: objects merge key by key, arrays merge index by index, undefined skips."""
    if isinstance(source, dict):
        if not isinstance(target, dict):
            return _merged_copy(source)
        for key, value in source.items():
            if isinstance(value, _CONTAINERS):
                target[key] = lodash_merge(target.get(key), value)
            else:
                target[key] = value
        return target
    if isinstance(source, list):
        if not isinstance(target, list):
            return _merged_copy(source)
        for i, value in enumerate(source):
            if i < len(target):
                target[i] = lodash_merge(target[i], value) if isinstance(value, _CONTAINERS) else value
            else:
                target.append(_merged_copy(value) if isinstance(value, _CONTAINERS) else value)
        return target
    return source


_CONTAINERS = (dict, list)


def _merged_copy(source: dict | list) -> dict | list:
    """`_.merge` into nothing (the common case: a resource added once): a fresh plain dict or list
    all the way down, leaves shared, an object met twice copied twice. One comprehension per
    container instead of the key-by-key merge: the compile's most frequent call."""
    if isinstance(source, dict):
        return {k: _merged_copy(v) if isinstance(v, _CONTAINERS) else v for k, v in source.items()}
    return [_merged_copy(v) if isinstance(v, _CONTAINERS) else v for v in source]


_ATOMS = frozenset((str, int, float, bool, type(None)))


def clone_deep(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """`copy.deepcopy` of config or template data, the same result faster: what is shared (a YAML
    alias) stays shared in the copy, a dict subclass keeps its type. Plain dicts and lists are
    copied here; anything else goes to copy.deepcopy with the same memo."""
    if memo is None:
        memo = {}
    kind = type(value)
    if kind in _ATOMS:
        return value
    done = memo.get(id(value))
    if done is not None:
        return done
    if kind is dict:
        done = memo[id(value)] = {}
        for k, v in value.items():
            done[k] = v if type(v) in _ATOMS else clone_deep(v, memo)
    elif kind is list:
        done = memo[id(value)] = []
        done.extend(v if type(v) in _ATOMS else clone_deep(v, memo) for v in value)
    else:
        done = copy.deepcopy(value, memo)
    return done
