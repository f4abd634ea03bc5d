"""Apply the allow lists: suppressed findings stay in the report, marked, with the reason.

Two sources: the config's `allow` entries (rule, resource glob, reason, optional expiry), and a
resource's own `Metadata: {promotelint: {allow: [{rule, reason}]}}` (read from the head, or from the
base for a removed resource). An entry that matched nothing, or that has expired, becomes a notice,
so allow lists do not rot silently.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Sequence

from promotelint.model.record import replace
from promotelint.model.settings import AllowEntry
from promotelint.model.errors import InputError
from promotelint.model.changeset import StackChangeSet
from promotelint.model.findings import Finding
from promotelint.model.template import Origin

UNUSED = "allow-unused"
EXPIRED = "allow-expired"


def metadata_allows(changeset: StackChangeSet) -> tuple[AllowEntry, ...]:
    out = []
    for change in changeset.changes:
        resource = change.before if change.action == "Remove" else change.after
        meta = ((resource or {}).get("Metadata") or {})
        promotelint = meta.get("promotelint") if isinstance(meta, dict) else None
        if promotelint is None:
            continue
        origin = change.origin or Origin(changeset.head_source)
        entries = promotelint.get("allow") if isinstance(promotelint, dict) else None
        if not isinstance(entries, list):
            raise InputError(f"{change.logical_id}: Metadata.promotelint needs an `allow` list",
                             file=origin.file, line=origin.line,
                             fix="write Metadata: {promotelint: {allow: [{rule: ..., reason: ...}]}}")
        for entry in entries:
            if not (isinstance(entry, dict) and isinstance(entry.get("rule"), str)
                    and isinstance(entry.get("reason"), str) and entry["reason"].strip()
                    and set(entry) <= {"rule", "reason"}):
                raise InputError(f"{change.logical_id}: each Metadata.promotelint.allow entry needs "
                                 "a rule and a reason, and nothing else", file=origin.file,
                                 line=origin.line, fix="write {rule: <rule-id>, reason: <why>}")
            out.append(AllowEntry(rule=entry["rule"], reason=entry["reason"].strip(),
                                  resource=change.logical_id, source=origin.file, line=origin.line))
    return tuple(out)


def _matches(entry: AllowEntry, finding: Finding) -> bool:
    if not fnmatch.fnmatchcase(finding.rule, entry.rule):
        return False
    if entry.resource is None:
        return True
    return finding.logical_id is not None and fnmatch.fnmatchcase(finding.logical_id, entry.resource)


def _describe(entry: AllowEntry) -> str:
    return f"rule {entry.rule}" + (f" on {entry.resource}" if entry.resource else "")


def apply(findings: Sequence[Finding], allow: Sequence[AllowEntry],
          today: datetime.date) -> tuple[tuple[Finding, ...], set[int]]:
    """Mark the findings an active entry allows; also return the indexes of the entries used."""
    used: set[int] = set()
    out = []
    for finding in findings:
        for i, entry in enumerate(allow):
            if entry.expires is not None and today > entry.expires:
                continue
            if _matches(entry, finding):
                used.add(i)
                finding = replace(finding, suppressed=True, suppression_reason=entry.reason,
                                  suppression_expires=entry.expires.isoformat() if entry.expires else None)
                break
        out.append(finding)
    return tuple(out), used


def notices(allow: Sequence[AllowEntry], used: set[int], today: datetime.date) -> tuple[Finding, ...]:
    """A notice per expired entry and per entry that matched nothing."""
    out = []
    for i, entry in enumerate(allow):
        origin = Origin(entry.source, entry.line) if entry.source else None
        if entry.expires is not None and today > entry.expires:
            out.append(Finding(rule=EXPIRED, severity="notice", summary="allow entry expired",
                               message=f"allow entry for {_describe(entry)} expired on "
                               f"{entry.expires.isoformat()} and no longer suppresses anything",
                               logical_id=entry.resource, origin=origin,
                               fix="fix the finding, or extend `expires` with a new reason"))
        elif i not in used:
            out.append(Finding(rule=UNUSED, severity="notice", summary="allow entry matched nothing",
                               message=f"allow entry for {_describe(entry)} matched no finding",
                               logical_id=entry.resource, origin=origin,
                               fix="remove the entry, or fix its rule / resource"))
    return tuple(out)


def suppress(findings: Sequence[Finding], allow: Sequence[AllowEntry],
             today: datetime.date) -> tuple[Finding, ...]:
    """`apply`, then the notices about the entries: for one stack."""
    marked, used = apply(findings, allow, today)
    return marked + notices(allow, used, today)
