"""The quick path (cli/quick.py) reads a command line exactly as typer does, or leaves it to typer.

Each case runs the typer command with cli/actions.py's function replaced by a recorder: the values
typer passes must equal what the quick path reads, with actions' defaults for the rest (so the
defaults declared for typer and in actions agree too)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from promotelint.cli import actions, quick
from promotelint.cli.commands import app

RUNNER = CliRunner()
DEFAULTS = {command: {name: p.default for name, p in inspect.signature(getattr(actions, command)).parameters.items()
                      if p.default is not inspect.Parameter.empty} for command in quick.COMMANDS}


def typer_reading(argv: list[str], monkeypatch) -> tuple[str, dict] | None:
    """(command, every value) as typer passes them to cli/actions.py, or None if typer refuses."""
    seen: list[tuple[str, dict]] = []
    for name in quick.COMMANDS:
        monkeypatch.setattr(actions, name, lambda _name=name, **values: seen.append((_name, values)) or 0)
    result = RUNNER.invoke(app, argv)
    if result.exit_code != 0 or not seen:
        return None
    return seen[0]


def quick_reading(argv: list[str]) -> tuple[str, dict] | None:
    invocation = quick.read(argv)
    if invocation is None:
        return None
    return invocation.command, {**DEFAULTS[invocation.command], **invocation.values}


PLAIN = [
    ["check"],
    ["check", "base", "head"],
    ["check", "--base-ref", "origin/main", "--format", "json", "--output", "r.json", "-j", "2", "svc/serverless.yml"],
    ["check", "--staged", "--fail-on=warning", "-f", "sarif", "--parameter", "A=1", "--parameter", "B=2"],
    ["check", "a", "--base-template", "t.json", "b", "--show-all", "--no-cache", "--shard", "1/4", "--param", "x=y"],
    ["check", "--config", "c.yml", "--summary", "s.md", "--stage", "prod", "--region", "eu-west-1", "--engine", "osls",
     "--compiler", "offline", "--root", ".", "--stack-name", "s", "--head-ref", "HEAD", "--jobs=3", "-o", "o.txt"],
    ["changeset", "b.json", "h.json"],
    ["changeset", "b.json", "--format=json", "h.json", "--base-parameter", "K=V", "--head-parameter", "K=W", "--show-all"],
    ["compile", "svc", "--stage", "prod", "--env-file", ".env", "--param", "a=b", "--no-cache", "--engine", "v4@4.1"],
    ["--debug", "compile", "svc"],
]


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
def test_plain_invocations_are_read_quickly_and_as_typer_reads_them(argv, monkeypatch):
    assert quick.read(argv) is not None  # these must not need typer at all
    assert quick_reading(argv) == typer_reading(argv, monkeypatch)


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["--version"], ["check", "--help"], ["check", "-h"], ["check", "--formt", "json"],
    ["check", "-fjson"], ["check", "--format"], ["check", "--format", "--show-all"], ["check", "--show-all=1"],
    ["check", "--format", "json", "--format", "text"], ["check", "--jobs", "two"], ["check", "--jobs", " 2"],
    ["check", "--", "-weird"], ["check", "-"], ["changeset", "b.json"], ["changeset", "a", "b", "c"],
    ["changeset", "", "h"], ["compile"], ["compile", "--output", "x", "svc"], ["rules"], ["explain", "x"],
    ["report", "r.json"], ["--debug"], ["--debug", "--debug", "check"],
])
def test_anything_unusual_is_left_to_typer(argv):
    assert quick.read(argv) is None


ODD = ["--help", "-x", "--", "-", "--debug", "--formatt", "--show-all=yes"]
VALUES = st.sampled_from(["json", "", "a=b", "3", "-1", "x y", "1/2", "./p", "--stage", "é", "0x1", "+2"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(sorted(quick.COMMANDS)), data=st.data())
def test_whatever_the_quick_path_reads_typer_reads_the_same(command, data, monkeypatch):
    """Lines of the command's options with values (some `--flag=value`), its arguments, now and
    then an odd word, in any order."""
    spec = quick.COMMANDS[command]
    flags = st.sampled_from(sorted(spec.options))
    groups = data.draw(st.lists(st.tuples(flags, VALUES).map(list) | flags.map(lambda flag: [flag])
                                | st.tuples(flags, VALUES).map("=".join).map(lambda word: [word]), max_size=5))
    arity = len(spec.arguments) + data.draw(st.sampled_from([0, 0, 0, 1, -1, 2]))
    groups += [[data.draw(VALUES)] for _ in range(max(arity, 0))]
    groups += data.draw(st.lists(st.sampled_from(ODD).map(lambda word: [word]), max_size=1))
    argv = [command, *(word for group in data.draw(st.permutations(groups)) for word in group)]
    read = quick_reading(argv)
    READ.append(read is not None)
    if read is not None:
        assert read == typer_reading(argv, monkeypatch), argv


READ: list[bool] = []


def test_the_generated_lines_exercise_the_quick_path():
    """(Runs after the test above: a generator that only made lines typer reads would prove nothing.)"""
    assert sum(READ) >= 30, f"{sum(READ)} of {len(READ)} generated lines read quickly"


def test_the_quick_tables_name_every_option_of_the_typer_commands():
    """An option added for typer and not here would still work (through typer, slowly); one
    here that typer does not have would be a command line typer refuses: both caught here."""
    import typer.main

    group = typer.main.get_command(app)
    for name, spec in quick.COMMANDS.items():
        params = group.commands[name].params
        flags = {flag: p.name for p in params if p.param_type_name == "option" for flag in p.opts}
        assert {flag: param for flag, (param, _) in spec.options.items()} == flags
        assert spec.arguments == tuple(p.name for p in params if p.param_type_name == "argument")


def test_a_quick_run_does_not_import_typer(tmp_path):
    import subprocess
    import sys

    template = '{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}'
    for side in ("b.json", "h.json"):
        (tmp_path / side).write_text(template)
    code = ("import sys, runpy; sys.argv = ['promotelint', 'changeset', 'b.json', 'h.json']\n"
            "try: runpy.run_module('promotelint', run_name='__main__')\n"
            "except SystemExit as e: print('exit', e.code, 'typer' in sys.modules, file=sys.stderr)")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})
    assert proc.stderr.strip().splitlines()[-1] == "exit 0 False", proc.stderr
