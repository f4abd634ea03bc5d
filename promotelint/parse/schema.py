"""Validate a user's YAML/TOML document against a JSON Schema (promotelint/schema/, read by io.packaged).

An invalid document is an InputError naming the file, the dotted key and its line, so the user
fixes it without reading a schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from promotelint.model.errors import InputError

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

def dotted(path: tuple | list) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def validate(data: Any, schema: Mapping[str, Any], source: str, line_of: Callable[[tuple], int | None]) -> None:
    """Nothing when `data` is valid; else an InputError naming the file, the dotted key and its line."""
    import jsonschema
    from jsonschema.exceptions import best_match

    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    # An unknown key is usually a typo that also causes the other errors (a "missing" key): say it first.
    unknown = [e for e in errors if e.validator in ("additionalProperties", "unevaluatedProperties")]
    error = best_match(unknown or errors)
    path = tuple(error.absolute_path)
    unexpected = re.search(r"'([^']+)' (?:was|were) unexpected", error.message)
    if error.validator in ("additionalProperties", "unevaluatedProperties") and unexpected:
        key = path + (unexpected.group(1),)
        allowed = sorted(_allowed_keys(error.schema, schema))
        raise InputError(f"unknown key {dotted(key)}", file=source, line=line_of(key),
                         fix=("allowed here: " + ", ".join(allowed)) if allowed else "remove it")
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        key = path + ((missing.group(1),) if missing else ())
        raise InputError(f"missing required key {dotted(key)}", file=source, line=line_of(path) or 1,
                         fix="add it")
    raise InputError(f"invalid value at {dotted(path)}: {_short(error)}", file=source,
                     line=line_of(path), fix=_fix(error))


def _allowed_keys(subschema: dict, root: dict) -> set[str]:
    """The keys a (sub)schema allows, following one local `$ref` (the rule schema's conditions)."""
    keys = set(subschema.get("properties", {}))
    ref = subschema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        keys |= set(root.get("$defs", {}).get(ref[len("#/$defs/"):], {}).get("properties", {}))
    return keys


_WHAT = {"type": "not the right type", "enum": "not one of the allowed values", "pattern": "not in the expected form",
         "const": "not the expected value", "minItems": "too few items", "maxItems": "too many items",
         "minLength": "too short", "maxLength": "too long", "minimum": "too small", "maximum": "too large",
         "uniqueItems": "repeated items", "minProperties": "empty", "format": "not in the expected format"}


def _short(error: Any) -> str:
    # What is wrong, never the value itself: a misplaced file could be anyone's (/etc/passwd), and
    # jsonschema's own messages quote the value.
    if error.validator == "type" and isinstance(error.validator_value, str):
        return f"expected {_article(error.validator_value)}"
    return _WHAT.get(error.validator, "not valid here")


def _article(kind: str) -> str:
    return {"object": "a mapping", "array": "a list", "integer": "a whole number"}.get(
        kind, f"a {kind}" if kind[0] not in "aeiou" else f"an {kind}")


def _fix(error: Any) -> str:
    if error.validator == "enum":
        return "use one of: " + ", ".join(str(v) for v in error.validator_value)
    if error.validator == "type":
        return f"give {_article(error.validator_value)}" if isinstance(error.validator_value, str) else "fix the type"
    if error.validator == "pattern":
        return f"it must match {error.validator_value}"
    return "see `promotelint explain` and docs/rules.md"
