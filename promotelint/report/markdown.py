"""The markdown format: a pull-request comment or job summary: the verdict first, then each stack
(blocked stacks first): its findings, a table of the major changes with what changes in each, a
graph of replacements that cascade, the minor ones collapsed in <details>.

It always fits one GitHub comment (MARKDOWN_LIMIT characters), for any number of stacks: stacks
are shown complete while they fit, then compact (findings and major changes), then one table row
each, then only counted; blocked stacks come first, so they are the ones shown complete."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from promotelint.model.changeset import ResourceChange, StackChangeSet, notes
from promotelint.model.findings import StackReport
from promotelint.report.base import (
    Format, RenderOptions, blocked, compilers, count_line, findings_of, looks_risky, names, ordered, outcome, plural,
    stage_note, suppressed_text, tally, unpredicted, verb, why,
)
from promotelint.report.changes import cascades, limited, property_changes

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _change_row(change: ResourceChange) -> str:
    where = f"`{change.origin}`" if change.origin and change.origin.line else ""
    return (f"| {verb(change)} | `{_md(change.logical_id)}` | {_md(change.resource_type)} | "
            f"{_md(why(change))} | {_md(where)} |")


# GitHub refuses a comment longer than MARKDOWN_LIMIT characters; the report keeps some room for
# what a workflow puts around it (a marker to update the comment, a title).
MARKDOWN_LIMIT = 65_536
MARKDOWN_BUDGET = MARKDOWN_LIMIT - 1_536
# Past a few rows per stack (fewer when there are many stacks) the routine churn is summed up by type.
MARKDOWN_MINOR_ROWS = 40
MARKDOWN_MINOR_ROWS_TOTAL = 200
MARKDOWN_VALUES_PER_CHANGE = 15  # changed values shown under one resource
MARKDOWN_ERRORS, MARKDOWN_ERROR_WIDTH = 50, 400  # services that could not be read: 20,000 characters at most
_TABLE_HEAD = ["| Action | Resource | Type | Why | Source |", "| --- | --- | --- | --- | --- |"]
_SUMMARY_HEAD = ["| | Stack | Changes | Findings |", "| --- | --- | --- | --- |"]


def render_markdown(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    code = options.exit_code
    if code is None:  # predictions only (`changeset`): no verdict
        out = ["## promotelint: predicted change sets", "", f"{plural(len(reports), 'stack')}."]
    else:
        blind = unpredicted(reports)
        safe = code == 0 and not blind and not looks_risky(reports)
        icon = ":white_check_mark:" if safe else ":x:" if code == 1 else ":warning:"
        verdict = "safe to promote" if safe else outcome(reports, code)
        found = tally(reports)
        out = [f"## {icon} promotelint: {verdict}", ""]
        out.append(f"{plural(len(reports), 'stack')} checked" + (f"; {found}." if found else "; no findings."))
    out += _overview(reports, options)
    return _fit("\n".join(out), ordered(reports, options), options)


def _overview(reports: Sequence[StackReport], options: RenderOptions) -> list[str]:
    """The total count, the blocked stacks by name, the services that could not be read."""
    out = ["", f"**{count_line(reports)}** in total"] if len(reports) > 1 else []
    stopped = [r for r in reports if blocked(r, options)]
    if stopped:
        out += ["", f"Blocked: {_md(names(stopped))}."]
    if options.errors:  # as many as the comment can hold: a monorepo can fail everywhere at once
        out += ["", "**Could not be checked:**", ""]
        out.extend(f"- {_md(_clip(e, MARKDOWN_ERROR_WIDTH))}" for e in options.errors[:MARKDOWN_ERRORS])
        if len(options.errors) > MARKDOWN_ERRORS:
            out.append(f"- and {len(options.errors) - MARKDOWN_ERRORS} more: the job log has every one.")
    return out


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _fit(head: str, stacks: Sequence[StackReport], options: RenderOptions) -> str:
    """The header, then each stack as complete as the budget allows (see the module's docstring)."""
    rows = [_summary_row(r, options) for r in stacks]
    tail = [0] * (len(stacks) + 1)  # what the rows of stacks i.. would take
    for i in range(len(stacks) - 1, -1, -1):
        tail[i] = tail[i + 1] + len(rows[i]) + 1
    used, parts, shown = len(head), [head], 0
    for i, report in enumerate(stacks):
        # keep room for the others' rows (at most a third of the budget: blocked stacks come first
        # and should be complete)
        reserve = min(tail[i + 1] + 400, MARKDOWN_BUDGET // 3) if i + 1 < len(stacks) else 0
        for section in (lambda: _section(report, options, len(stacks), True),
                        lambda: _section(report, options, len(stacks), False)):
            text = section()
            if used + len(text) + reserve <= MARKDOWN_BUDGET:
                break
        else:
            break
        parts.append(text)
        used += len(text)
        shown += 1
    rest = rows[shown:]
    if rest:
        table = ["", "", f"### {plural(len(rest), 'more stack')}", "", *_SUMMARY_HEAD]
        used += sum(len(line) + 1 for line in table) + 200
        fitting = 0
        while fitting < len(rest) and used + len(rest[fitting]) + 1 <= MARKDOWN_BUDGET:
            used += len(rest[fitting]) + 1
            fitting += 1
        table += rest[:fitting]
        if fitting < len(rest):
            table += ["", f"and {plural(len(rest) - fitting, 'more stack')}: the JSON report (`--format json`) "
                      "and the job log have every one."]
        parts.append("\n".join(table))
    return "".join(parts).rstrip() + "\n"


def _summary_row(report: StackReport, options: RenderOptions) -> str:
    icon = ":x:" if blocked(report, options) else ":warning:" if notes(report.changeset) else ""
    return (f"| {icon} | `{_md(report.changeset.name)}` | {count_line([report])} | "
            f"{_md(tally([report]) or 'none')} |")


def _section(report: StackReport, options: RenderOptions, stacks: int, complete: bool) -> str:
    """One stack: complete, or compact (no changed values, no minor changes listed)."""
    cs = report.changeset
    major = [c for c in cs.changes if c.major]
    minor = [c for c in cs.changes if not c.major]
    title = f"### `{_md(cs.name)}`" + (" :x: blocked" if blocked(report, options) else "")
    out = ["", "", title, "", f"`{_md(cs.base_source)}` → `{_md(cs.head_source)}` ({_md(compilers(cs))})", ""]
    if stage_note(cs):
        out += [f"> {_md(stage_note(cs))}", ""]
    out.extend(f"> **warning:** {_md(w)}" for w in notes(cs))
    if notes(cs):
        out.append("")
    findings = findings_of(report, options)
    for f in findings:
        where = f" (`{f.origin}`)" if f.origin else ""
        out.append(f"- **{f.severity}** `{f.rule}`: {_md(f.message)}{where}"
                   + (f"<br>fix: {_md(f.fix)}" if f.fix else ""))
    suppressed = [f for f in report.findings if f.suppressed] if options.exit_code is not None else []
    out.extend(f"- suppressed: {_md(suppressed_text(f))}" for f in suppressed)
    if findings or suppressed:
        out.append("")
    if not cs.changes and not cs.outputs:
        out.append("No changes.")
    if cs.changes:
        out += [count_line([report]), ""]
    if major:
        out += ["**Major changes**", "", *_TABLE_HEAD, *(_change_row(c) for c in major), ""]
        if complete:
            out += _values(major)
            out += _cascade_graph(cs)
    exports = [o for o in cs.outputs if o.export_affected]
    if exports:
        out += ["**Exports**", ""]
        out.extend(f"- {o.action} output `{_md(o.key)}` (export `{_md(o.before_export)}`)" for o in exports)
        out.append("")
    if minor and complete:
        shown = minor[:min(MARKDOWN_MINOR_ROWS, max(5, MARKDOWN_MINOR_ROWS_TOTAL // stacks))]
        out += [f"<details><summary>{len(minor)} minor change{'s' * (len(minor) != 1)}</summary>", "",
                *_TABLE_HEAD, *(_change_row(c) for c in shown), ""]
        rest = Counter(c.resource_type for c in minor[len(shown):])
        if rest:
            out += ["and " + ", ".join(f"{n} {t}" for t, n in sorted(rest.items())) + " more", ""]
        if options.show_all:
            out += _values(shown)
        out.append("</details>")
    elif minor:
        out.append(f"{plural(len(minor), 'minor change')} not listed here.")
    return "\n".join(out).rstrip()


def _values(changes: Sequence[ResourceChange]) -> list[str]:
    """What changes in each resource, as a diff block (+ added, - removed, ! changed)."""
    lines = []
    for change in changes:
        values = limited(property_changes(change), MARKDOWN_VALUES_PER_CHANGE)
        if values:
            lines.append(f"@@ {change.logical_id} ({change.resource_type}) @@")
            lines.extend(("!" + v[1:] if v.startswith("~") else v).replace("```", "'''") for v in values)
    return ["```diff", *lines, "```", ""] if lines else []


def _cascade_graph(cs: StackChangeSet) -> list[str]:
    """A Mermaid graph of the replacements that spread: A replaced → B's property → B replaced."""
    edges = cascades(cs.changes)
    if not edges:
        return []
    by_id = {c.logical_id: c for c in cs.changes}
    nodes = list(dict.fromkeys(n for a, _, b in edges for n in (a, b)))
    ids = {n: f"r{i}" for i, n in enumerate(nodes)}

    def label(lid: str) -> str:
        change = by_id[lid]
        state = {"Replace": "replaced", "Replace?": "maybe replaced"}.get(verb(change), "modified")
        return f'{ids[lid]}["{_mermaid(lid)}<br/>{_mermaid(change.resource_type)}<br/>{state}"]'
    out = ["**Replacements that cascade**", "", "```mermaid", "flowchart LR"]
    out.extend(f"  {label(n)}" for n in nodes)
    out.extend(f'  {ids[a]} -->|"{_mermaid(prop)}"| {ids[b]}' for a, prop, b in edges)
    out.append("  classDef replaced fill:#fdd,stroke:#c00")
    hit = [ids[n] for n in nodes if verb(by_id[n]).startswith("Replace")]
    if hit:
        out.append(f"  class {','.join(hit)} replaced")
    return out + ["```", ""]


def _mermaid(text: str) -> str:
    return "".join(c if c.isalnum() or c in " .:-_/" else f"#{ord(c)};" for c in str(text))


FORMAT = Format("markdown", render_markdown, escape_controls=True)
