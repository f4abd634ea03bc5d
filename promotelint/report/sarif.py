"""The sarif format: SARIF 2.1.0 for code scanning.

One result per finding of `check` (none for `changeset`), located in the head source;
partialFingerprints hash the rule, stack and resource (not the line), so a finding keeps its
identity when lines move and code scanning does not reopen it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from promotelint import __version__
from promotelint.model.changeset import blind_spots, notes
from promotelint.model.digest import sha256
from promotelint.model.findings import RANK, Finding, StackReport
from promotelint.parse.jsontext import dumps_indented
from promotelint.report.base import Format, RenderOptions, location
from promotelint.report.json_report import provenance_json

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "notice": "note"}


def _fingerprint(finding: Finding, report: StackReport) -> str:
    key = "\0".join((finding.rule, report.changeset.name or "", finding.logical_id or "", finding.message
                     if finding.logical_id is None else ""))
    return sha256(key.encode()).hexdigest()[:32]


def _rule_meta(rule_id: str, findings: list[Finding], rules: Mapping[str, Mapping[str, str]]) -> dict:
    meta = dict(rules.get(rule_id, {}))
    first = findings[0] if findings else None
    summary = meta.get("summary") or (first.summary if first else rule_id)
    description = meta.get("description") or summary
    fix = meta.get("fix") or (first.fix if first and first.fix else "")
    help_text = description + (f"\n\nFix: {fix}" if fix else "")
    out: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace("_", "-").split("-")),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": f"**{summary}**\n\n{description}" + (f"\n\n**Fix:** {fix}" if fix else "")},
    }
    level = meta.get("severity") or (first.severity if first else None)
    if level in _SARIF_LEVEL:
        out["defaultConfiguration"] = {"level": _SARIF_LEVEL[level]}
    if meta.get("helpUri"):
        out["helpUri"] = meta["helpUri"]
    return out


def sarif_log(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> dict:
    rules_meta: Mapping[str, Mapping[str, str]] = options.rules or {}
    by_rule: dict[str, list[Finding]] = {rid: [] for rid in rules_meta}
    for r in reports:
        for f in r.findings:
            by_rule.setdefault(f.rule, []).append(f)
    rule_ids = sorted(by_rule)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    from urllib.parse import quote  # urllib is not worth importing on every run

    results = []
    # Predictions without a verdict (`changeset`) have no results: code scanning would read an
    # upload of them as "checked", and close the alerts of the last check.
    for r in reports if options.exit_code is not None else ():
        for f in sorted(r.findings, key=lambda f: (RANK[f.severity], f.logical_id or "", f.rule)):
            where = location(f, r)
            region = {"startLine": where.line or 1}
            if where.column:
                region["startColumn"] = where.column
            result: dict[str, Any] = {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": _SARIF_LEVEL.get(f.severity, "warning"),
                "message": {"text": f.message + (f" Fix: {f.fix}" if f.fix else "")},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": quote(where.file.replace("\\", "/")), "uriBaseId": "%SRCROOT%"},
                    "region": region}}],
                "partialFingerprints": {"promotelint/v1": _fingerprint(f, r)},
                "properties": {k: v for k, v in (("stack", r.changeset.name), ("logicalId", f.logical_id),
                                                 ("resourceType", f.resource_type)) if v},
            }
            if f.logical_id:
                result["locations"][0]["logicalLocations"] = [
                    {"name": f.logical_id, "fullyQualifiedName": f"{r.changeset.name}/{f.logical_id}",
                     "kind": "resource"}]
            if f.suppressed:
                result["suppressions"] = [{"kind": "external", "justification": f.suppression_reason or ""}]
            results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "promotelint", "version": __version__, "semanticVersion": __version__,
                "informationUri": "https://github.com/promotelint/promotelint",
                "rules": [_rule_meta(rid, by_rule[rid], rules_meta) for rid in rule_ids],
            }},
            "columnKind": "unicodeCodePoints",
            # What the predictions could not see reaches code scanning as notifications of the run.
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": [
                {"level": "warning", "message": {"text": f"{r.changeset.name}: {note}"}}
                for r in reports for note in notes(r.changeset)]}],
            "properties": {"stacks": [_stack_properties(r) for r in reports]},
            "results": results,
        }],
    }


def _stack_properties(report: StackReport) -> dict[str, Any]:
    """Each stack's sides (source, stack name, what compiled it) and what its prediction could not see."""
    cs = report.changeset
    return {"name": cs.name,
            "base": {"source": cs.base_source, "stackName": cs.base_stack_name, **provenance_json(cs.base_provenance)},
            "head": {"source": cs.head_source, "stackName": cs.head_stack_name, **provenance_json(cs.head_provenance)},
            "notPredicted": list(blind_spots(cs))}


def render_sarif(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    return dumps_indented(sarif_log(reports, options)) + "\n"


FORMAT = Format("sarif", render_sarif)
