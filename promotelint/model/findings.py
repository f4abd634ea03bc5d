"""What the rules say about a change set: findings, one report per stack, severities and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from promotelint.model.changeset import StackChangeSet, origin_json
from promotelint.model.template import Origin


@dataclass(frozen=True)
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

    def to_json(self) -> dict:
        out: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "summary": self.summary,
                               "message": self.message}
        if self.logical_id is not None:
            out["logicalId"] = self.logical_id
        if self.resource_type is not None:
            out["resourceType"] = self.resource_type
        if self.origin is not None:
            out["location"] = origin_json(self.origin)
        if self.fix is not None:
            out["fix"] = self.fix
        if self.suppressed:
            out["suppressed"] = True
            out["suppressionReason"] = self.suppression_reason
        return out


@dataclass(frozen=True)
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


def counts(reports: Sequence[StackReport]) -> dict[str, int]:
    """Unsuppressed findings per severity, across the reports (every severity present, in order)."""
    found = [f.severity for r in reports for f in r.findings if not f.suppressed]
    return {severity: found.count(severity) for severity in SEVERITIES}
