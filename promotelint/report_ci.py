"""Report formats for CI and code review: sarif, github, markdown, junit. Pure functions to a string.

- sarif: SARIF 2.1.0 for code scanning. One result per finding, located in the head source;
  partialFingerprints hash the rule, stack and resource (not the line), so a finding keeps its
  identity when lines move and code scanning does not reopen it.
- github: workflow commands (`::error file=,line=,title=::`) that GitHub Actions turns into
  annotations on the pull request, after the text report folded in a log group.
- markdown: a pull-request comment or job summary: the verdict first, a table of the major
  changes, the minor ones collapsed in <details>.
- junit: one test suite per stack, one failing test case per blocking finding, for CI systems
  that only show test reports (GitLab's merge-request widget).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import replace
from typing import Any, Mapping, Sequence
from urllib.parse import quote

from promotelint import __version__
from promotelint.model.changeset import ResourceChange
from promotelint.model.findings import Finding, StackReport
from promotelint.model.template import Origin
from promotelint.report import RenderOptions, _verb, _why, render_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "notice": "note"}
_RANK = {"error": 0, "warning": 1, "notice": 2}


def _active(report: StackReport) -> list[Finding]:
    return sorted((f for f in report.findings if not f.suppressed),
                  key=lambda f: (_RANK.get(f.severity, 3), f.logical_id or "", f.rule))


def _counts(reports: Sequence[StackReport]) -> dict[str, int]:
    active = [f for r in reports for f in r.findings if not f.suppressed]
    return {s: sum(f.severity == s for f in active) for s in ("error", "warning", "notice")}


def _exit_code(reports: Sequence[StackReport], options: RenderOptions) -> int:
    if options.exit_code is not None:
        return options.exit_code
    return 1 if _counts(reports)["error"] else 0


def _head_file(report: StackReport) -> str:
    """The file a finding without its own origin belongs to: the head source, minus a `REV:`."""
    cs = report.changeset
    source = cs.head_source if cs.head_stack_name is not None or cs.base_stack_name is None else cs.base_source
    if ":" in source and not source.startswith(("/", "(")) and source[1:2] != ":":
        source = source.split(":", 1)[1]
    return source


def _location(finding: Finding, report: StackReport) -> Origin:
    origin = finding.origin
    if origin is None:
        return Origin(_head_file(report))
    if origin.revision:
        # The line is in another revision's copy of the file (a removed resource): annotating
        # that line of the working tree's file would point at something else.
        return Origin(origin.file)
    cs = report.changeset
    if origin.file in (cs.head_source, cs.base_source) and ":" in origin.file and origin.file[1:2] != ":":
        # a stack-level finding placed on a source named `REV:path`: the file is the path
        return replace(origin, file=origin.file.split(":", 1)[1])
    return origin


def _fingerprint(finding: Finding, report: StackReport) -> str:
    key = "\0".join((finding.rule, report.changeset.name or "", finding.logical_id or "", finding.message
                     if finding.logical_id is None else ""))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


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
    results = []
    for r in reports:
        for f in sorted(r.findings, key=lambda f: (_RANK.get(f.severity, 3), f.logical_id or "", f.rule)):
            where = _location(f, r)
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
            "results": results,
        }],
    }


def render_sarif(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    return json.dumps(sarif_log(reports, options), indent=2) + "\n"


# --- GitHub workflow commands ---------------------------------------------------------------


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    text = render_text(reports, RenderOptions(show_all=options.show_all))
    # The report quotes what a pull request wrote (names, values): stop-commands keeps any line of
    # it from being run as a workflow command. The token only has to be absent from the text.
    token = "promotelint-" + hashlib.sha256(text.encode()).hexdigest()[:16]
    out = ["::group::promotelint: predicted change sets", f"::stop-commands::{token}", *text.splitlines(),
           f"::{token}::", "::endgroup::"]
    for r in reports:
        for f in _active(r):
            where = _location(f, r)
            props = [f"file={_gh_property(where.file)}"]
            if where.line:
                props.append(f"line={where.line}")
            if where.column:
                props.append(f"col={where.column}")
            props.append(f"title={_gh_property(f'promotelint {f.rule}: {f.summary}')}")
            message = f.message + (f"\nFix: {f.fix}" if f.fix else "")
            out.append(f"::{f.severity} {','.join(props)}::{_gh_data(message)}")
    out.append(_verdict_line(reports, options))
    return "\n".join(out) + "\n"


def _verdict_line(reports: Sequence[StackReport], options: RenderOptions) -> str:
    counts = _counts(reports)
    code = _exit_code(reports, options)
    parts = [f"{n} {kind}{'s' * (n != 1)}" for kind, n in counts.items() if n]
    state = {0: "promotion looks safe", 1: "promotion blocked"}.get(code, "could not check every service")
    return f"promotelint: {state}" + (f" ({', '.join(parts)})" if parts else "") + f", {len(reports)} stack" \
        + "s" * (len(reports) != 1)


# --- Markdown (PR comment, job summary) ---------------------------------------------------


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _change_row(change: ResourceChange) -> str:
    where = f"`{change.origin}`" if change.origin and change.origin.line else ""
    return (f"| {_verb(change)} | `{_md(change.logical_id)}` | {_md(change.resource_type)} | "
            f"{_md(_why(change))} | {_md(where)} |")


# A pull-request comment holds 65,536 characters: past a few rows per stack (fewer when there are
# many stacks) the routine churn is summed up by type.
MARKDOWN_MINOR_ROWS = 40
MARKDOWN_MINOR_ROWS_TOTAL = 200
_TABLE_HEAD = ["| Action | Resource | Type | Why | Source |", "| --- | --- | --- | --- | --- |"]


def render_markdown(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    code = _exit_code(reports, options)
    counts = _counts(reports)
    icon = {0: ":white_check_mark:", 1: ":x:"}.get(code, ":warning:")
    verdict = {0: "safe to promote", 1: "promotion blocked"}.get(code, "some services could not be checked")
    tally = ", ".join(f"{n} {kind}{'s' * (n != 1)}" for kind, n in counts.items() if n)
    out = [f"## {icon} promotelint: {verdict}", ""]
    out.append(f"{len(reports)} stack{'s' * (len(reports) != 1)} checked" + (f"; {tally}." if tally else "; no findings."))
    for r in reports:
        cs = r.changeset
        major = [c for c in cs.changes if c.major]
        minor = [c for c in cs.changes if not c.major]
        out += ["", f"### `{_md(cs.name)}`", "", f"`{_md(cs.base_source)}` → `{_md(cs.head_source)}`", ""]
        out.extend(f"> **warning:** {_md(w)}" for w in cs.warnings)
        if cs.warnings:
            out.append("")
        findings = _active(r)
        for f in findings:
            where = f" (`{f.origin}`)" if f.origin else ""
            out.append(f"- **{f.severity}** `{f.rule}`: {_md(f.message)}{where}"
                       + (f"<br>fix: {_md(f.fix)}" if f.fix else ""))
        suppressed = sum(f.suppressed for f in r.findings)
        if suppressed:
            out.append(f"- {suppressed} finding{'s' * (suppressed != 1)} suppressed")
        if findings or suppressed:
            out.append("")
        if not cs.changes and not cs.outputs:
            out.append("No changes.")
        if major:
            out += ["**Major changes**", "", *_TABLE_HEAD, *(_change_row(c) for c in major), ""]
        exports = [o for o in cs.outputs if o.export_affected]
        if exports:
            out += ["**Exports**", ""]
            out.extend(f"- {o.action} output `{_md(o.key)}` (export `{_md(o.before_export)}`)" for o in exports)
            out.append("")
        if minor:
            shown = minor[:min(MARKDOWN_MINOR_ROWS, max(5, MARKDOWN_MINOR_ROWS_TOTAL // len(reports)))]
            out += [f"<details><summary>{len(minor)} minor change{'s' * (len(minor) != 1)}</summary>", "",
                    *_TABLE_HEAD, *(_change_row(c) for c in shown), ""]
            rest = Counter(c.resource_type for c in minor[len(shown):])
            if rest:
                out += ["and " + ", ".join(f"{n} {t}" for t, n in sorted(rest.items())) + " more", ""]
            out.append("</details>")
    return "\n".join(out).rstrip() + "\n"


# --- JUnit XML ----------------------------------------------------------------------------


def render_junit(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    from xml.sax.saxutils import escape as xml_escape, quoteattr  # imports urllib: only here

    suites = []
    total = failures = 0
    for r in reports:
        name = r.changeset.name or r.changeset.head_source
        cases = []
        for f in _active(r):
            where = _location(f, r)
            label = f"{f.rule} {f.logical_id or ''}".strip()
            body = xml_escape(f"{f.message}\n{where}" + (f"\nfix: {f.fix}" if f.fix else ""))
            if f.severity == "error":
                inner = f"<failure message={quoteattr(f.summary)} type={quoteattr(f.rule)}>{body}</failure>"
            else:
                inner = f"<system-out>{body}</system-out>"
            cases.append(f'    <testcase classname={quoteattr(name)} name={quoteattr(label)} '
                         f'file={quoteattr(where.file)}>{inner}</testcase>')
        if not cases:
            cases.append(f"    <testcase classname={quoteattr(name)} name=\"promotion\"/>")
        failed = sum(f.severity == "error" for f in _active(r))
        total += len(cases)
        failures += failed
        suites.append(f"  <testsuite name={quoteattr(name)} tests=\"{len(cases)}\" failures=\"{failed}\">\n"
                      + "\n".join(cases) + "\n  </testsuite>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="promotelint" tests="{total}" failures="{failures}">\n'
            + "\n".join(suites) + "\n</testsuites>\n")
