"""The github format: workflow commands (`::error file=,line=,title=::`) that GitHub Actions turns
into annotations on the pull request, after the text report folded in a log group."""

from __future__ import annotations

from collections.abc import Sequence

from promotelint.model.digest import sha256
from promotelint.model.findings import Finding, StackReport
from promotelint.report.base import (
    Format, RenderOptions, findings_of, head_file, location, outcome, stacks_line, tally,
)
from promotelint.report.text import render_text


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    text = render_text(reports, RenderOptions(show_all=options.show_all))
    # The report quotes what a pull request wrote (names, values): stop-commands keeps any line of
    # it from being run as a workflow command. The token only has to be absent from the text.
    token = "promotelint-" + sha256(text.encode()).hexdigest()[:16]
    out = ["::group::promotelint: predicted change sets", f"::stop-commands::{token}", *text.splitlines(),
           f"::{token}::", "::endgroup::"]
    for r in reports:
        title = _gh_property(f"promotelint: not predicted in {r.changeset.name}")
        for spot in r.changeset.warnings:
            out.append(f"::warning file={_gh_property(head_file(r))},title={title}::{_gh_data(spot)}")
        # A plugin's part is annotated by its unpredictable-change finding; without one (the rule
        # turned off, or the finding allowed) it still must not go unsaid.
        said = {f.logical_id for f in findings_of(r, options)}
        for part in r.changeset.unseen:
            if part.id not in said:
                where = location(Finding("", "", "", "", origin=part.origin), r)
                line = f",line={where.line}" if where.line else ""
                out.append(f"::warning file={_gh_property(where.file)}{line},title={title}::{_gh_data(str(part))}")
        for f in findings_of(r, options):
            where = location(f, r)
            props = [f"file={_gh_property(where.file)}"]
            if where.line:
                props.append(f"line={where.line}")
            if where.column:
                props.append(f"col={where.column}")
            props.append(f"title={_gh_property(f'promotelint {f.rule}: {f.summary}')}")
            message = f.message + (f"\nFix: {f.fix}" if f.fix else "")
            out.append(f"::{f.severity} {','.join(props)}::{_gh_data(message)}")
    if options.exit_code is not None:  # none for predictions only (`changeset`)
        out.append(_verdict_line(reports, options))
    return "\n".join(out) + "\n"


def _verdict_line(reports: Sequence[StackReport], options: RenderOptions) -> str:
    """The log's last line, as the text report's: the verdict, then the stacks checked and blocked."""
    found = tally(reports)
    state = outcome(reports, options.exit_code)
    return f"promotelint: {state}" + (f" ({found})" if found else "") + f". {stacks_line(reports, options)}"


FORMAT = Format("github", render_github)
