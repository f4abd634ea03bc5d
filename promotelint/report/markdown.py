"""The markdown format: a pull-request comment or job summary: the verdict first, a table of the
major changes, the minor ones collapsed in <details>."""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

from promotelint.model.changeset import ResourceChange, notes
from promotelint.model.findings import StackReport
from promotelint.report.base import (
    Format, RenderOptions, compilers, findings_of, outcome, plural, tally, unpredicted, verb, why,
)


def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _change_row(change: ResourceChange) -> str:
    where = f"`{change.origin}`" if change.origin and change.origin.line else ""
    return (f"| {verb(change)} | `{_md(change.logical_id)}` | {_md(change.resource_type)} | "
            f"{_md(why(change))} | {_md(where)} |")


# A pull-request comment holds 65,536 characters: past a few rows per stack (fewer when there are
# many stacks) the routine churn is summed up by type.
MARKDOWN_MINOR_ROWS = 40
MARKDOWN_MINOR_ROWS_TOTAL = 200
_TABLE_HEAD = ["| Action | Resource | Type | Why | Source |", "| --- | --- | --- | --- | --- |"]


def render_markdown(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    code = options.exit_code
    if code is None:  # predictions only (`changeset`): no verdict
        out = ["## promotelint: predicted change sets", "", f"{plural(len(reports), 'stack')}."]
    else:
        blind = unpredicted(reports)
        icon = {0: ":warning:" if blind else ":white_check_mark:", 1: ":x:"}.get(code, ":warning:")
        verdict = "safe to promote" if code == 0 and not blind else outcome(reports, code)
        found = tally(reports)
        out = [f"## {icon} promotelint: {verdict}", ""]
        out.append(f"{plural(len(reports), 'stack')} checked" + (f"; {found}." if found else "; no findings."))
    for r in reports:
        cs = r.changeset
        major = [c for c in cs.changes if c.major]
        minor = [c for c in cs.changes if not c.major]
        out += ["", f"### `{_md(cs.name)}`", "", f"`{_md(cs.base_source)}` → `{_md(cs.head_source)}` "
                f"({_md(compilers(cs))})", ""]
        out.extend(f"> **warning:** {_md(w)}" for w in notes(cs))
        if notes(cs):
            out.append("")
        findings = findings_of(r, options)
        for f in findings:
            where = f" (`{f.origin}`)" if f.origin else ""
            out.append(f"- **{f.severity}** `{f.rule}`: {_md(f.message)}{where}"
                       + (f"<br>fix: {_md(f.fix)}" if f.fix else ""))
        suppressed = sum(f.suppressed for f in r.findings) if code is not None else 0
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


FORMAT = Format("markdown", render_markdown, escape_controls=True)
