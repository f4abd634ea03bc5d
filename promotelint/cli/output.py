"""What the command line writes: the report in the chosen format (to the terminal, a file, the job
summary), its colours, and the progress line of a long run."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping

from promotelint.model.errors import InputError

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any, TextIO


def color(stream: TextIO, env: Mapping[str, str] = os.environ) -> bool:
    """Colour on a terminal. NO_COLOR (non-empty) turns it off, FORCE_COLOR (non-empty, not 0)
    turns it on where it would be off (a CI log, a pipe); NO_COLOR wins."""
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR", "0") not in ("", "0", "false"):
        return True
    return stream.isatty() and env.get("TERM") != "dumb"


def choose(name: str, auto: bool = False) -> str:
    """The format a --format names (`auto`: github under GitHub Actions, else text)."""
    from promotelint.report import FORMATS

    if auto and name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}", fix="use one of: " + ", ".join(("auto",) * auto + tuple(FORMATS)))
    return name


def render(reports, format: str, **options: Any) -> str:
    from promotelint.report import FORMATS, RenderOptions

    return FORMATS[format](reports, RenderOptions(**options))


def emit(result, format: str, output, summary, show_all: bool) -> None:
    """A check's report: to --output in its format (the terminal then gets the text, or GitHub's
    commands), the markdown appended to --summary, and the terminal's copy to stdout."""
    from promotelint.io.files import write_text

    for error in result.errors:
        print(f"promotelint: error: {error}", file=sys.stderr)
    shared = dict(exit_code=result.exit_code, rules=result.rules, fail_on=result.fail_on, errors=result.errors)
    terminal = format
    if output is not None:
        write_text(output, render(result.reports, format, show_all=show_all, **shared))
        terminal = choose("auto", auto=True)
    if summary is not None:
        write_text(summary, render(result.reports, "markdown", **shared), append=True)
    paint = terminal == "text" and color(sys.stdout)
    sys.stdout.write(render(result.reports, terminal, show_all=show_all, color=paint, **shared))


class Progress:
    """`promotelint: 12/120 services checked` on stderr, redrawn in place, for runs that take a
    while (a monorepo): only when stderr is a terminal, and only once the run has taken DELAY
    seconds, so a quick run and a CI log stay clean."""

    DELAY = 1.0

    def __init__(self, stream: TextIO, clock=time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.enabled = stream.isatty()
        self.start = clock()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or self.clock() - self.start < self.DELAY:
            return
        self.stream.write(f"\r\033[Kpromotelint: {done}/{total} services checked")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:  # leave the line empty for the report and the errors
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
