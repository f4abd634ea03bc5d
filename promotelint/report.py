"""Report formats: text (for people) and json (the documented report). Pure functions to a string.

The text report reads like Seed's promote screen: what matters first (removals, replacements,
stateful resources, exports), the routine churn (IAM, log groups, Lambda versions and permissions,
API deployments) folded into one line unless --show-all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from promotelint import __version__
from promotelint.model.changeset import ResourceChange
from promotelint.model.findings import StackReport


@dataclass(frozen=True)
class RenderOptions:
    show_all: bool = False
    color: bool = False
    exit_code: int | None = None  # for the summary of `check`; None for `changeset`
    # rule id -> {"summary", "description", "fix", "severity", "helpUri"}: SARIF's rule metadata
    rules: Mapping[str, Mapping[str, str]] | None = None


def report_json(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> dict:
    stacks = []
    for report in reports:
        cs = report.changeset
        stack: dict[str, Any] = {
            "name": cs.name,
            "base": {"source": cs.base_source, "stackName": cs.base_stack_name},
            "head": {"source": cs.head_source, "stackName": cs.head_stack_name},
            "changes": [c.to_json() for c in cs.changes],
            "outputs": [o.to_json() for o in cs.outputs],
            "findings": [f.to_json() for f in report.findings],
        }
        if cs.warnings:
            stack["warnings"] = list(cs.warnings)
        stacks.append(stack)
    out: dict[str, Any] = {"promotelint": __version__, "stacks": stacks}
    if options.exit_code is not None:
        active = [f for r in reports for f in r.findings if not f.suppressed]
        out["summary"] = {
            "errors": sum(f.severity == "error" for f in active),
            "warnings": sum(f.severity == "warning" for f in active),
            "notices": sum(f.severity == "notice" for f in active),
            "suppressed": sum(f.suppressed for r in reports for f in r.findings),
            "exit_code": options.exit_code,
        }
    return out


def render_json(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    return json.dumps(report_json(reports, options), indent=2) + "\n"


_SYMBOL = {"Add": "+", "Remove": "-", "Modify": "~"}
_COLORS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "dim": "2", "bold": "1"}


def _paint(text: str, color: str, enabled: bool) -> str:
    return f"\033[{_COLORS[color]}m{text}\033[0m" if enabled else text


def _verb(change: ResourceChange) -> str:
    if change.action != "Modify":
        return change.action
    return {"True": "Replace", "Conditional": "Replace?"}.get(change.replacement or "", "Modify")


def _why(change: ResourceChange) -> str:
    """The few words that say what happens: the policy, the properties that force replacement."""
    parts = []
    if change.before_type:
        parts.append(f"type {change.before_type} -> {change.resource_type}")
    if change.replacement in ("True", "Conditional"):
        forcing = dict.fromkeys(d.target.name or d.target.attribute for d in change.details
                                if d.target.requires_recreation != "Never")
        if forcing:
            parts.append("because of " + ", ".join(forcing))
    if change.policy_action and change.policy_action not in ("Delete", "ReplaceAndDelete") or (
            change.stateful and change.policy_action):
        parts.append(f"policy {change.policy_action}")
    if change.renamed_to:
        parts.append(f"looks renamed to {change.renamed_to}")
    if change.renamed_from:
        parts.append(f"looks renamed from {change.renamed_from}")
    return "; ".join(parts)


def _change_line(change: ResourceChange, color: bool) -> str:
    verb = _verb(change)
    tint = {"Add": "green", "Remove": "red", "Replace": "red", "Replace?": "yellow"}.get(verb, "yellow")
    symbol = _SYMBOL[change.action]
    why = _why(change)
    where = f"  ({change.origin})" if change.origin and change.origin.line else ""
    line = f"  {_paint(symbol + ' ' + verb.ljust(8), tint, color)} {change.logical_id}  {change.resource_type}"
    if why:
        line += f"  [{why}]"
    return line + _paint(where, "dim", color)


def render_text(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    out: list[str] = []
    color = options.color
    for report in reports:
        cs = report.changeset
        out.append(_paint(f"Stack {cs.name}", "bold", color) + f"  ({cs.base_source} -> {cs.head_source})")
        for warning in cs.warnings:
            out.append(_paint(f"  warning: {warning}", "yellow", color))
        major = [c for c in cs.changes if c.major]
        minor = [c for c in cs.changes if not c.major]
        exports = [o for o in cs.outputs if o.export_affected]
        if not cs.changes and not cs.outputs:
            out.append("  No changes.")
        if major:
            out.append("  Major changes:")
            out.extend("  " + _change_line(c, color) for c in major)
        if exports:
            out.append("  Exports:")
            for o in exports:
                out.append(f"    {_SYMBOL[o.action]} {o.action:<8} output {o.key}  export {o.before_export}"
                           + (f" -> {o.after_export}" if o.after_export not in (None, o.before_export) else ""))
        if minor:
            if options.show_all:
                out.append("  Minor changes:")
                out.extend("  " + _change_line(c, color) for c in minor)
            else:
                kinds = sorted({c.resource_type.split("::")[-1] if "::" in c.resource_type else c.resource_type
                                for c in minor})
                shown = ", ".join(kinds[:5]) + (", ..." if len(kinds) > 5 else "")
                out.append(_paint(f"  + {len(minor)} minor change{'s' * (len(minor) != 1)} ({shown}); "
                                  "--show-all lists them", "dim", color))
        other_outputs = [o for o in cs.outputs if not o.export_affected]
        if other_outputs and options.show_all:
            out.append("  Outputs:")
            out.extend(f"    {_SYMBOL[o.action]} {o.action:<8} {o.key}" for o in other_outputs)
        elif other_outputs:
            out.append(_paint(f"  + {len(other_outputs)} output change{'s' * (len(other_outputs) != 1)}",
                              "dim", color))
        if report.findings:
            out.append("")
            out.extend(_finding_lines(report, color))
        out.append("")
    if options.exit_code is not None:
        out.append(_verdict(reports, options.exit_code, color))
    return "\n".join(out)


def _verdict(reports: Sequence[StackReport], exit_code: int, color: bool) -> str:
    """The last line of `check`: what was found and whether the promotion is blocked."""
    active = [f for r in reports for f in r.findings if not f.suppressed]
    counts = [(sum(f.severity == sev for f in active), sev) for sev in ("error", "warning", "notice")]
    found = ", ".join(f"{n} {sev}{'s' * (n != 1)}" for n, sev in counts if n) or "no findings"
    if exit_code == 1:
        return _paint(f"Promotion blocked: {found} (exit 1).", "red", color)
    return _paint(f"No blocking findings: {found}.", "green", color) if exit_code == 0 else found


def _finding_lines(report: StackReport, color: bool) -> list[str]:
    lines = []
    tint = {"error": "red", "warning": "yellow", "notice": "blue"}
    for f in sorted(report.findings, key=lambda f: ({"error": 0, "warning": 1, "notice": 2}[f.severity],
                                                   f.logical_id or "")):
        if f.suppressed:
            continue
        where = f"{f.origin}: " if f.origin else ""
        lines.append(f"{where}{_paint(f.severity, tint[f.severity], color)}: {f.message} [{f.rule}]")
        if f.fix:
            lines.append(f"    fix: {f.fix}")
    suppressed = [f for f in report.findings if f.suppressed]
    if suppressed:
        lines.append(_paint(f"{len(suppressed)} finding(s) suppressed", "dim", color))
    return lines


def _ci_format(name: str) -> Callable[[Sequence[StackReport], RenderOptions], str]:
    """A CI format from report_ci, imported when used: it builds on this module, and its imports
    are not worth paying for on every run of the text and json formats."""
    def render(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
        from promotelint import report_ci

        return getattr(report_ci, name)(reports, options)
    return render


FORMATS: dict[str, Callable[[Sequence[StackReport], RenderOptions], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": _ci_format("render_sarif"),
    "github": _ci_format("render_github"),
    "markdown": _ci_format("render_markdown"),
    "junit": _ci_format("render_junit"),
}
