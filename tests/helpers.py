"""Small builders shared by the tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from promotelint.model.template import Template
from promotelint.parse.documents import load_text

FIXTURES = Path(__file__).parent / "fixtures"


def template(data: Any, source: str = "template.yml") -> Template:
    if isinstance(data, str):
        doc = load_text(data, source)
        return Template(data=doc.data, source=source, positions=doc.positions)
    return Template(data=copy.deepcopy(data), source=source)


def fixture_template(name: str) -> Template:
    path = FIXTURES / name
    doc = load_text(path.read_text(), str(path))
    return Template(data=doc.data, source=str(path), positions=doc.positions)


def run_cli(argv: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    """Run the command line in this process, exactly as the console script does: (exit code,
    stdout, stderr). Faster than a subprocess, for suites with many cases."""
    import sys

    import pytest

    from promotelint import cli

    monkeypatch.setattr(sys, "argv", ["promotelint", *argv])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    out, err = capsys.readouterr()
    return exit_.value.code or 0, out, err


def run_main(argv: list[str], cwd: str | Path, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
    """The command line run in this process as the console script runs it, from `cwd`, with `env`
    set (None: unset) for the run: (exit code, stdout, stderr). For tests that need no fixtures."""
    import contextlib
    import io
    import os
    import sys

    from promotelint import cli

    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2)]
    saved_env = {k: os.environ.get(k) for k in (env or {})}
    saved = (sys.argv, os.getcwd())
    try:
        for key, value in (env or {}).items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
        sys.argv = ["promotelint", *map(str, argv)]
        os.chdir(cwd)
        with contextlib.redirect_stdout(streams[0]), contextlib.redirect_stderr(streams[1]):
            try:
                cli.main()
                code = 0
            except SystemExit as exit_:
                code = exit_.code or 0
    finally:
        sys.argv = saved[0]
        os.chdir(saved[1])
        for key, value in saved_env.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    out, err = (s.buffer.getvalue().decode("utf-8") if s.flush() is None else "" for s in streams)
    return code, out, err
