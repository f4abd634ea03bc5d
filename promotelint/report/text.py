"""The text format, for people: what matters first, the routine churn folded.

The text report reads like Seed's promote screen: what matters first (removals, replacements,
stateful resources, exports), the routine churn (IAM, log groups, Lambda versions and permissions,
API deployments) folded into one line unless --show-all.
"""

from __future__ import annotations

from collections.abc import Sequence

from promotelint.model.changeset import ResourceChange, notes
from promotelint.model.findings import StackReport, active
from promotelint.report.base import (
    Format, RenderOptions, compilers, count_line, ordered, plural, stacks_line, stage_note, suppressed_text, tally,
    unpredicted, verb, why,
)
from promotelint.report.changes import limited, property_changes

TEXT_VALUES_PER_CHANGE = 25  # changed values listed under one resource; the JSON report has them all


_SYMBOL = {"Add": "+", "Remove": "-", "Modify": "~"}
_COLORS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "dim": "2", "bold": "1"}


def _paint(text: str, color: str, enabled: bool) -> str:
    return f"\033[{_COLORS[color]}m{text}\033[0m" if enabled else text


def _change_line(change: ResourceChange, color: bool) -> str:
    action = verb(change)
    tint = {"Add": "green", "Remove": "red", "Replace": "red", "Replace?": "yellow"}.get(action, "yellow")
    symbol = _SYMBOL[change.action]
    because = why(change)
    where = f"  ({change.origin})" if change.origin and change.origin.line else ""
    line = f"  {_paint(symbol + ' ' + action.ljust(8), tint, color)} {change.logical_id}  {change.resource_type}"
    if because:
        line += f"  [{because}]"
    return line + _paint(where, "dim", color)


def _change_lines(change: ResourceChange, color: bool) -> list[str]:
    """The change's line, then what changes in it, one value a line."""
    tint = {"+": "green", "-": "red"}
    values = [_paint(f"        {line}", tint.get(line[0], "yellow"), color)
              for line in limited(property_changes(change), TEXT_VALUES_PER_CHANGE)]
    return ["  " + _change_line(change, color), *values]


def render_text(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    out: list[str] = []
    color = options.color
    for report in ordered(reports, options):
        cs = report.changeset
        out.append(_paint(f"Stack {cs.name}", "bold", color) + f"  ({cs.base_source} -> {cs.head_source})")
        out.append(_paint(f"  {compilers(cs)}", "dim", color))
        if stage_note(cs):
            out.append(_paint(f"  {stage_note(cs)}", "yellow", color))
        for warning in notes(cs):
            out.append(_paint(f"  warning: {warning}", "yellow", color))
        major = [c for c in cs.changes if c.major]
        minor = [c for c in cs.changes if not c.major]
        exports = [o for o in cs.outputs if o.export_affected]
        if not cs.changes and not cs.outputs:
            out.append("  No changes.")
        if major:
            out.append("  Major changes:")
            out.extend(line for c in major for line in _change_lines(c, color))
        if exports:
            out.append("  Exports:")
            for o in exports:
                out.append(f"    {_SYMBOL[o.action]} {o.action:<8} output {o.key}  export {o.before_export}"
                           + (f" -> {o.after_export}" if o.after_export not in (None, o.before_export) else ""))
        if minor:
            if options.show_all:
                out.append("  Minor changes:")
                out.extend(line for c in minor for line in _change_lines(c, color))
            else:
                kinds = sorted({c.resource_type.split("::")[-1] if "::" in c.resource_type else c.resource_type
                                for c in minor})
                shown = ", ".join(kinds[:5]) + (", ..." if len(kinds) > 5 else "")
                out.append(_paint(f"  + {plural(len(minor), 'minor change')} ({shown}); "
                                  "--show-all lists them", "dim", color))
        other_outputs = [o for o in cs.outputs if not o.export_affected]
        if other_outputs and options.show_all:
            out.append("  Outputs:")
            out.extend(f"    {_SYMBOL[o.action]} {o.action:<8} {o.key}" for o in other_outputs)
        elif other_outputs:
            out.append(_paint(f"  + {plural(len(other_outputs), 'output change')}",
                              "dim", color))
        if cs.changes:
            out.append(f"  {count_line([report])}")
        if report.findings:
            out.append("")
            out.extend(_finding_lines(report, color))
        out.append("")
    if len(reports) > 1:
        out.append(f"Total: {count_line(reports)}")
    if options.exit_code is not None:
        out.append(_verdict(reports, options.exit_code, color) + " " + stacks_line(reports, options))
    return "\n".join(out).rstrip("\n") + "\n"


def _verdict(reports: Sequence[StackReport], exit_code: int, color: bool) -> str:
    """The last line of `check`: what was found and whether the promotion is blocked."""
    found = tally(reports) or "no findings"
    blind = unpredicted(reports)
    if blind:  # never read as safe: say what was not seen
        found += f"; {plural(blind, 'part')} not predicted"
    if exit_code == 1:
        return _paint(f"Promotion blocked: {found} (exit 1).", "red", color)
    if exit_code == 0:
        return _paint(f"No blocking findings: {found}.", "green", color)
    # exit 2: some services could not be read (their errors are on stderr): never read as a pass
    return _paint(f"Not checked: some services could not be read (errors above); {found} in the others "
                  f"(exit {exit_code}).", "red", color)


def _finding_lines(report: StackReport, color: bool) -> list[str]:
    lines = []
    tint = {"error": "red", "warning": "yellow", "notice": "blue"}
    for f in active(report):
        where = f"{f.origin}: " if f.origin else ""
        lines.append(f"{where}{_paint(f.severity, tint[f.severity], color)}: {f.message} [{f.rule}]")
        if f.fix:
            lines.append(f"    fix: {f.fix}")
    lines.extend(_paint(f"suppressed: {suppressed_text(f)}", "dim", color) for f in report.findings if f.suppressed)
    return lines


FORMAT = Format("text", render_text, escape_controls=True)
