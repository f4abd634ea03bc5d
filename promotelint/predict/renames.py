"""A removed and an added resource of the same type with near-identical properties: a likely rename."""

from __future__ import annotations

from collections.abc import Mapping

from promotelint.model.changeset import ResourceChange, compact_json
from promotelint.model.record import replace

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_MISSING = object()
# CloudFormation holds at most 500 resources a stack: comparing each removed resource with each
# added one of its type is then at most 250,000 comparisons. Past that (no stack holds such a
# template; a hostile one: 8,000 renamed queues took 97 s), only properties written alike are paired.
COMPARISONS = 250_000


def pair_renames(changes: list[ResourceChange]) -> list[ResourceChange]:
    """Mark a Remove and an Add of the same type with near-identical properties as a likely rename:
    each removed resource in turn takes the added one, not taken yet, most like it (the first of
    the most alike), when at least 60% of their properties are equal."""
    adds: dict[str, list[ResourceChange]] = {}
    removes: dict[str, list[ResourceChange]] = {}
    for c in changes:
        if c.action in ("Add", "Remove") and not c.volatile:
            (adds if c.action == "Add" else removes).setdefault(c.resource_type, []).append(c)
    pairs: dict[str, str] = {}
    for rtype, removed in removes.items():
        added = adds.get(rtype)
        if added:
            pair = _most_alike if len(removed) * len(added) <= COMPARISONS else _written_alike
            pairs.update(pair(removed, added))
    if not pairs:
        return changes
    back = {v: k for k, v in pairs.items()}
    out = []
    for c in changes:
        if c.action == "Remove" and c.logical_id in pairs:
            c = replace(c, renamed_to=pairs[c.logical_id])
        elif c.action == "Add" and c.logical_id in back:
            c = replace(c, renamed_from=back[c.logical_id])
        out.append(c)
    return out


def _properties(change: ResourceChange) -> Mapping[str, Any]:
    return ((change.before if change.action == "Remove" else change.after) or {}).get("Properties") or {}


def _most_alike(removed: list[ResourceChange], added: list[ResourceChange]) -> dict[str, str]:
    left = [(c.logical_id, _properties(c)) for c in added]  # those not taken yet, in order
    pairs = {}
    for change in removed:
        before = _properties(change)
        best, best_score = -1, 0.0
        for i, (_, after) in enumerate(left):
            score = _similarity(before, after)
            if score > best_score:
                best, best_score = i, score
                if score == 1.0:  # (none can be more alike)
                    break
        if best_score >= 0.6:
            pairs[change.logical_id] = left.pop(best)[0]
    return pairs


def _written_alike(removed: list[ResourceChange], added: list[ResourceChange]) -> dict[str, str]:
    left: dict[str, list[str]] = {}  # properties' text -> the added resources with them, not taken yet
    for c in reversed(added):
        left.setdefault(compact_json(_properties(c)), []).append(c.logical_id)
    pairs = {}
    for change in removed:
        alike = left.get(compact_json(_properties(change)))
        if alike:
            pairs[change.logical_id] = alike.pop()
    return pairs


def _similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    keys = set(a) | set(b)
    if not keys:
        return 1.0
    return sum(1 for k in keys if a.get(k, _MISSING) == b.get(k, _MISSING)) / len(keys)
