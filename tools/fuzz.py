"""Fuzz the command line with hostile templates and services, longer than the suite does.

    python -m tools.fuzz [--templates N] [--services N] [--seed S] [--keep DIR]

Generates inputs with the strategies of tests/fuzz_inputs.py, runs `promotelint check` on each pair
in this process (exactly what the console script runs) and counts the exit codes. An internal error
(exit 3), a traceback, or an input error that is not one line is a failure: its inputs are kept in
DIR (default: a temp dir) so it can be replayed. Prints the runs, the exit codes and the failures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from promotelint import cli
from tests.fuzz_inputs import PAIRS, SERVICES, dump


def run(argv: list[str]) -> tuple[int, str]:
    # Text streams over bytes, as a terminal's are (main reconfigures their error handling).
    out, err = (io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2))
    sys.argv = ["promotelint", *argv]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code or 0
        except BaseException as exc:  # noqa: BLE001 - the fuzz counts what main lets escape
            code = f"escaped {type(exc).__name__}"
    err.seek(0)
    return code, err.read()


def bad(code: int, err: str) -> bool:
    return code not in (0, 1, 2) or "Traceback" in err or (code == 2 and err.count("\n") != 1)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz")
    parser.add_argument("--templates", type=int, default=2000)
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args(argv)
    keep = args.keep or Path(tempfile.mkdtemp(prefix="promotelint-fuzz-"))
    scratch = Path(tempfile.mkdtemp(prefix="promotelint-fuzz-run-"))
    codes: Counter = Counter()
    errors: Counter = Counter()  # what the input errors said, roughly (the first words)
    failures: list[Path] = []

    def check(kind: str, files: dict[str, str], argv: list[str]) -> None:
        for rel, text in files.items():
            (scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            (scratch / rel).write_text(text, encoding="utf-8")
        code, err = run(argv)
        codes[code] += 1
        if code == 2:
            errors[" ".join(err.split(": ", 3)[-1].split()[:4])] += 1
        if bad(code, err):
            case = keep / f"{kind}-{len(failures)}"
            for rel, text in files.items():
                (case / rel).parent.mkdir(parents=True, exist_ok=True)
                (case / rel).write_text(text, encoding="utf-8")
            (case / "stderr.txt").write_text(err, encoding="utf-8")
            failures.append(case)

    fuzz = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))

    @hypothesis_seed(args.seed)
    @settings(fuzz, max_examples=max(1, args.templates))
    @given(pair=PAIRS)
    def templates(pair):
        for fmt in ("json", "text"):
            check("templates", {"base.json": dump(pair[0]), "head.json": dump(pair[1])},
                  ["check", str(scratch / "base.json"), str(scratch / "head.json"), "--format", fmt, "--show-all"])

    @hypothesis_seed(args.seed)
    @settings(fuzz, max_examples=max(1, args.services))
    @given(base=SERVICES, head=SERVICES)
    def services(base, head):
        check("services", {"base/serverless.yml": dump(base), "head/serverless.yml": dump(head),
                           "base/x.yml": "a: 1\n", "head/x.yml": "a: 1\n"},
              ["check", str(scratch / "base"), str(scratch / "head")])

    start = time.perf_counter()
    if args.templates:
        templates()
    if args.services:
        services()
    elapsed = time.perf_counter() - start
    runs = sum(codes.values())
    print(f"runs {runs} in {elapsed:.0f} s; exit codes " + ", ".join(f"{c}: {n}" for c, n in sorted(
        codes.items(), key=lambda kv: str(kv[0]))) + f"; internal errors or tracebacks: {len(failures)}")
    print("most frequent input errors: " + "; ".join(f"{what} ({n})" for what, n in errors.most_common(6)))
    for case in failures[:20]:
        print(f"  {case}: {(case / 'stderr.txt').read_text().splitlines()[:1]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
