"""What the rules say about a change set: findings, one report per stack, severities and counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from promotelint.model.changeset import StackChangeSet, origin_from_json, origin_json
from promotelint.model.record import record
from promotelint.model.template import Origin

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


@record
class Finding:
    """What a rule says about one change (or the stack): shown, counted, maybe suppressed."""

    rule: str  # rule id, e.g. stateful-resource-removed
    severity: str  # error | warning | notice
    summary: str  # the rule's one-line summary, e.g. "database removed"
    message: str  # this finding's sentence, naming the resource and what is lost
    logical_id: str | None = None
    resource_type: str | None = None
    origin: Origin | None = None
    fix: str | None = None  # how to make the change safely, one line
    suppressed: bool = False
    suppression_reason: str | None = None
    suppression_expires: str | None = None  # the allow entry's `expires` (ISO date), if it has one

    def to_json(self) -> dict:
        out: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "summary": self.summary,
                               "message": self.message}
        suppression = (("suppressed", True), ("suppressionReason", self.suppression_reason),
                       ("suppressionExpires", self.suppression_expires)) if self.suppressed else ()
        for key, value in (("logicalId", self.logical_id), ("resourceType", self.resource_type),
                           ("location", origin_json(self.origin)), ("fix", self.fix), *suppression):
            if value is not None or key == "suppressionReason":
                out[key] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        return cls(rule=data["rule"], severity=data["severity"], summary=data["summary"], message=data["message"],
                   logical_id=data.get("logicalId"), resource_type=data.get("resourceType"),
                   origin=origin_from_json(data.get("location")), fix=data.get("fix"),
                   suppressed=bool(data.get("suppressed")), suppression_reason=data.get("suppressionReason"),
                   suppression_expires=data.get("suppressionExpires"))


@record
class StackReport:
    """One stack's prediction and what the rules found in it."""

    changeset: StackChangeSet
    findings: tuple[Finding, ...] = ()


SEVERITIES = ("error", "warning", "notice")
RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}  # most severe first


def active(report: StackReport) -> list[Finding]:
    """The report's unsuppressed findings, most severe first, then by resource (otherwise in the
    order the rules made them: by rule, then the notices about allow entries)."""
    return sorted((f for f in report.findings if not f.suppressed),
                  key=lambda f: (RANK[f.severity], f.logical_id or ""))


def blocks(report: StackReport, fail_on: str) -> bool:
    """Whether the stack has an unsuppressed finding at least as severe as `fail_on` (never: none)."""
    if fail_on == "never":
        return False
    return any(not f.suppressed and RANK[f.severity] <= RANK[fail_on] for f in report.findings)


def counts(reports: Sequence[StackReport]) -> dict[str, int]:
    """Unsuppressed findings per severity, across the reports (every severity present, in order)."""
    found = [f.severity for r in reports for f in r.findings if not f.suppressed]
    return {severity: found.count(severity) for severity in SEVERITIES}
