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
