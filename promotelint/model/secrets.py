"""Values a report must not show, and the one walk that rewrites every string of a result.

A value from the environment (`${env:}`, `.env` files, serverless-dotenv-plugin), from an AWS
source resolved only at deploy time (`${ssm:}`, `${cf:}`, `${s3:}`...), or of a `NoEcho` parameter
is a secret: the prediction keeps it (a changed secret is still a change), the reports show it as
CloudFormation shows a NoEcho value, `****`, wherever it appears, alone or inside a longer string
(a bucket name built from it). Values too short or too common to be secrets (the stage, the region,
"true") are not masked: masking every "dev" would hide the report, not a secret.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable

from promotelint.model.record import fields
from promotelint.model.regex import lazy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

MASK = "****"
_MIN_LENGTH = 4  # shorter values are masked only where they are the whole string
_PLAIN = frozenset({"true", "false", "null", "undefined"})
_NUMBER = lazy(r"[-+]?[0-9.]+")


def worth_masking(values: Iterable[Any], public: Iterable[str] = ()) -> frozenset[str]:
    """The strings among `values` to mask: not empty, not a boolean word, not a public name."""
    public = {p for p in public if isinstance(p, str)}
    out = set()
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip() and value.lower() not in _PLAIN and value not in public:
            out.add(value)
    return frozenset(out)


def masker(secrets: Iterable[str]) -> Callable[[str], str] | None:
    """A function replacing each secret in a string by MASK (longest first), or None if none."""
    secrets = sorted(set(secrets), key=len, reverse=True)
    if not secrets:
        return None
    whole = set(secrets)
    # a short value or a number ("512" from the environment) is masked where it is the whole string:
    # inside longer strings it would hide every ARN and name that happens to hold those characters
    long = [s for s in secrets if len(s) >= _MIN_LENGTH and not _NUMBER.fullmatch(s)]
    pattern = re.compile("|".join(map(re.escape, long))) if long else None

    def mask(text: str) -> str:
        if text in whole:
            return MASK
        return pattern.sub(MASK, text) if pattern is not None and text else text
    return mask


def map_strings(value: Any, fn: Callable[[str], str], keys: bool = False) -> Any:
    """`value` with `fn` applied to every string in it: inside dicts (their keys too with `keys`),
    lists, tuples and records or dataclasses (copied field by field, without calling their __init__).
    A value met twice (a shared subtree) is rewritten once and stays shared."""
    memo: dict[int, Any] = {}

    def walk(v: Any) -> Any:
        if isinstance(v, str):
            return fn(v)
        if isinstance(v, (int, float, bool)) or v is None:
            return v
        found = memo.get(id(v))
        if found is not None:
            return found[1]
        if isinstance(v, dict) or hasattr(v, "items") and hasattr(v, "keys"):
            out: Any = {(walk(k) if keys else k): walk(x) for k, x in v.items()}
        elif isinstance(v, list):
            out = [walk(x) for x in v]
        elif isinstance(v, tuple) and not hasattr(v, "_fields"):
            out = tuple(walk(x) for x in v)
        elif isinstance(v, frozenset):
            out = frozenset(walk(x) for x in v)
        elif is_plain_data(v):
            out = copy.copy(v)
            for name in shown_fields(type(v)):
                object.__setattr__(out, name, walk(getattr(v, name)))
        else:
            return v
        memo[id(v)] = (v, out)  # keep v alive so its id is not reused during the walk
        return out
    return walk(value)


_SHOWN_FIELDS: dict[type, tuple[str, ...]] = {}


def is_plain_data(value: Any) -> bool:
    """A record (model/record.py) or a dataclass instance: what map_strings copies field by field."""
    kind = type(value)
    return not isinstance(value, type) and (hasattr(kind, "__record_fields__")
                                            or hasattr(kind, "__dataclass_fields__"))


def shown_fields(cls: type) -> tuple[str, ...]:
    """The fields of record (or dataclass) `cls` that hold what a report shows: those that take part
    in its equality, not the change set's catalog of type facts or its secrets (compare=False)."""
    names = _SHOWN_FIELDS.get(cls)
    if names is None:
        if hasattr(cls, "__record_fields__"):
            listed = fields(cls)
        else:
            import dataclasses  # (only for a dataclass: records need no import of it)
            listed = dataclasses.fields(cls)
        names = _SHOWN_FIELDS[cls] = tuple(f.name for f in listed if f.compare)
    return names
