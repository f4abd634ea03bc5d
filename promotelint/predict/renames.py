"""A removed and an added resource of the same type with near-identical properties: a likely rename."""

from __future__ import annotations

from collections.abc import Mapping

from promotelint.model.changeset import ResourceChange
from promotelint.model.record import replace

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_MISSING = object()


def pair_renames(changes: list[ResourceChange]) -> list[ResourceChange]:
    """Mark a Remove and an Add of the same type with near-identical properties as a likely rename."""
    adds = [c for c in changes if c.action == "Add" and not c.volatile]
    taken: set[str] = set()
    pairs: dict[str, str] = {}
    for removed in (c for c in changes if c.action == "Remove" and not c.volatile):
        best, best_score = None, 0.0
        for added in adds:
            if added.resource_type != removed.resource_type or added.logical_id in taken:
                continue
            score = _similarity((removed.before or {}).get("Properties") or {},
                                (added.after or {}).get("Properties") or {})
            if score > best_score:
                best, best_score = added, score
        if best is not None and best_score >= 0.6:
            taken.add(best.logical_id)
            pairs[removed.logical_id] = best.logical_id
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


def _similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    keys = set(a) | set(b)
    if not keys:
        return 1.0
    return sum(1 for k in keys if a.get(k, _MISSING) == b.get(k, _MISSING)) / len(keys)
