"""What the command line writes: the report in the chosen format (to the terminal, a file, the job
summary), its colours, and the progress line of a long run."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping

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
    jobs: list[tuple[str, dict]] = []
    if output is not None:
        jobs.append((format, dict(show_all=show_all, **shared)))
        terminal = choose("auto", auto=True)
    if summary is not None:
        jobs.append(("markdown", shared))
    paint = terminal == "text" and color(sys.stdout)
    jobs.append((terminal, dict(show_all=show_all, color=paint, **shared)))
    texts = rendered(result.reports, jobs)
    if output is not None:
        write_text(output, texts.pop(0))
    if summary is not None:
        write_text(summary, texts.pop(0), append=True)
    sys.stdout.write(texts.pop(0))


# The changes in the reports from which their formats are rendered side by side (`rendered`): a
# fork costs ~1.5 ms (and the pages the child then writes, copies), rendering 50 stacks of 65
# changes 0.1-0.2 s a format.
PARALLEL_FROM = 1000


def rendered(reports, jobs: list[tuple[str, dict]]) -> list[str]:
    """Each (format, options) of `jobs`, rendered. A large result (PARALLEL_FROM changes) is
    rendered side by side on Linux, as app.check_pairs' workers do: the formats, and the pieces of
    a format that splits (json: its stacks in parts, one per core), each but the first in a forked
    child of its own, which sends its text back through a pipe (the reports are already in its
    memory: nothing is sent to it). A child that fails leaves its piece to this process, which
    then meets the error itself."""
    from promotelint.report import FORMATS, RenderOptions

    threading = sys.modules.get("threading")  # (not imported to ask: unimported, it started no thread)
    if sys.platform != "linux" or sum(len(r.changeset.changes) for r in reports) < PARALLEL_FROM \
            or threading is not None and threading.active_count() > 1:
        return [render(reports, name, **options) for name, options in jobs]
    cores = min(os.cpu_count() or 1, 4)
    pieces = [FORMATS[name].split(reports, RenderOptions(**options), cores) for name, options in jobs]
    tasks = [(name, task) for (name, _), job in zip(jobs, pieces) for task in job]
    if len(tasks) < 2:
        return [_piece(*tasks[0])]
    from promotelint.io.workers import forked_child

    texts: list[str] = []
    children: dict[int, tuple[int, int]] = {}  # task index -> (pid, the pipe's end to read)
    try:
        for index, task in enumerate(tasks[1:], 1):
            try:
                children[index] = forked_child(lambda write, task=task: _send(write, _piece(*task)))
            except OSError:
                break  # (out of descriptors or processes: the rest are rendered here)
        for index, task in enumerate(tasks):
            if index in children:
                pid, read = children.pop(index)
                try:
                    with os.fdopen(read, "rb") as pipe:
                        data = pipe.read()
                finally:
                    status = os.waitpid(pid, 0)[1]
                if status == 0:
                    texts.append(data.decode("utf-8", "surrogatepass"))
                    continue
            texts.append(_piece(*task))
    finally:  # on a failure here, the children left: their pipes closed, they end
        for pid, read in children.values():
            os.close(read)
            os.waitpid(pid, 0)
    out = []
    for job in pieces:
        out.append("".join(texts[:len(job)]))
        del texts[:len(job)]
    return out


def _piece(format: str, render: Callable[[], str]) -> str:  # (a test's way in: which format fails)
    return render()


def _send(fd: int, text: str) -> None:
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(text.encode("utf-8", "surrogatepass"))


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
