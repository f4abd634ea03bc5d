"""Evaluate rules over a predicted change set: one finding per rule and subject it matches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from promotelint.model.changeset import StackChangeSet
from promotelint.model.findings import RANK, Finding
from promotelint.model.imports import ImportIndex
from promotelint.model.record import replace
from promotelint.model.resources import Catalog
from promotelint.model.template import Origin
from promotelint.ruleengine.facts import Subject, subjects
from promotelint.ruleengine.language import FIELD, Rule, scalar_text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def render(template: str, facts: Mapping[str, Any]) -> str:
    def field(m: re.Match) -> str:
        value = facts.get(m.group(1))
        if value is None:
            return "(unknown)"
        if isinstance(value, (list, tuple)):
            return ", ".join(map(str, value))
        return scalar_text(value)

    return FIELD.sub(field, template)


def evaluate(rules: Iterable[Rule], changeset: StackChangeSet, severities: Mapping[str, str] = {},
             imports: ImportIndex = ImportIndex(), part: str = "all") -> tuple[Finding, ...]:
    """Every finding the rules make on the change set; `severities` overrides (or turns off) rules;
    `imports` says who in the repository imports which outputs. `part` (facts.PARTS): the findings
    on the stack's own subjects, or on its outputs only; `ordered` of both is those of "all"."""
    ctx = changeset.catalog
    rules = [r for r in rules if severities.get(r.id, r.severity) != "off"]
    findings = []
    for subject in subjects(changeset, imports, part):
        for rule in rules:
            if subject.kind not in rule.on or not rule.match(subject, ctx):
                continue
            finding = _finding(rule, subject, ctx, changeset)
            if finding is None:
                continue
            override = severities.get(rule.id)
            findings.append(replace(finding, severity=override) if override else finding)
    return ordered(findings)


def ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Most severe first, then by rule and logical ID; a stable sort, so the findings of the parts
    of a stack, in the order of its subjects, are ordered as if evaluated at once."""
    return tuple(sorted(findings, key=lambda f: (RANK[f.severity], f.rule, f.logical_id or "")))


def _finding(rule: Rule, subject: Subject, ctx: Catalog, cs: StackChangeSet) -> Finding | None:
    severity, message, fix = rule.severity, rule.message, rule.fix
    # Each field comes from the first matching case that sets it, else from the rule.
    chosen: dict[str, str] = {}
    for case in rule.cases:
        if case.when(subject, ctx):
            for key in ("severity", "message", "fix"):
                if getattr(case, key) and key not in chosen:
                    chosen[key] = getattr(case, key)
    severity = chosen.get("severity", severity)
    message = chosen.get("message", message)
    fix = chosen.get("fix", fix)
    if severity == "off":
        return None
    facts = subject.facts
    change = subject.change
    origin = getattr(change, "origin", None) if change is not None else Origin(cs.head_source)
    return Finding(rule=rule.id, severity=severity, summary=rule.summary,
                   message=render(message, facts), logical_id=facts.get("logical-id") or facts.get("part") or (
                       f"Outputs.{facts['output']}" if subject.kind == "output" else None),
                   resource_type=facts.get("type") if subject.kind == "resource" else None,
                   origin=origin, fix=render(fix, facts) if fix else None)
