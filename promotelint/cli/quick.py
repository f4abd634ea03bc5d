"""The quick path: the plain invocations of the commands a gate runs on every commit (check,
changeset, compile) read without typer.

Importing typer and building its commands takes ~140 ms of a ~260 ms cold start on a small CI
machine (issue 14), more than the whole prediction of a typical service. This reads an argument
list only when every word is one typer reads the same way: a known option spelled out
(`--format json`, `--format=json`, `-f json`), a flag, a positional argument. Anything else (help,
--version, an unknown or repeated option, a value that looks like an option, a wrong number of
arguments, `--`) returns None and typer reads the line, with its usage errors and help. The
tables below restate cli/options.py; tests/test_cli_quick.py holds them to typer's own reading of
the same command lines, so they cannot drift apart unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any, Optional

TEXT, PATH, INT, FLAG, TEXTS = "text", "path", "int", "flag", "texts"


class Command:
    """(Plain classes, not NamedTuples: creating a NamedTuple class costs a millisecond of a start.)"""

    def __init__(self, arguments: tuple[str, ...], variadic: bool, options: dict[str, tuple[str, str]]) -> None:
        self.arguments = arguments  # the positional parameters, in order
        self.variadic = variadic  # the last positional takes any number of words (a list)
        self.options = options  # flag -> (parameter, kind)


_PREDICT = {"--region": ("region", TEXT), "--parameter": ("parameter", TEXTS),
            "--base-parameter": ("base_parameter", TEXTS), "--head-parameter": ("head_parameter", TEXTS),
            "--stack-name": ("stack_name", TEXT), "--stage": ("stage", TEXT), "--show-all": ("show_all", FLAG)}
_COMPILE = {"--compiler": ("compiler", TEXT), "--engine": ("engine", TEXT), "--root": ("root", PATH),
            "--no-cache": ("no_cache", FLAG)}

COMMANDS = {
    "changeset": Command(("base", "head"), False, {
        **_PREDICT, **_COMPILE, "--format": ("format", TEXT), "-f": ("format", TEXT)}),
    "check": Command(("paths",), True, {
        **_PREDICT, **_COMPILE, "--base-ref": ("base_ref", TEXT), "--head-ref": ("head_ref", TEXT),
        "--staged": ("staged", FLAG), "--base-template": ("base_template", PATH), "--format": ("format", TEXT),
        "-f": ("format", TEXT), "--output": ("output", PATH), "-o": ("output", PATH),
        "--summary": ("summary", PATH), "--param": ("param", TEXTS), "--jobs": ("jobs", INT), "-j": ("jobs", INT),
        "--config": ("config", PATH), "--fail-on": ("fail_on", TEXT), "--shard": ("shard", TEXT)}),
    "compile": Command(("path",), False, {
        **_COMPILE, "--stage": ("stage", TEXT), "--region": ("region", TEXT), "--param": ("param", TEXTS),
        "--env-file": ("env_file", PATH)}),
}
POSITIONAL_KIND = {"base": PATH, "head": PATH, "paths": TEXTS, "path": PATH}


class Invocation:
    def __init__(self, command: str, values: dict[str, Any], debug: bool) -> None:
        self.command = command
        self.values = values  # parameter -> value, as typer would pass it (only those given)
        self.debug = debug


def read(argv: list[str]) -> Optional[Invocation]:
    """The invocation `argv` (without the program name) asks for, or None: leave it to typer."""
    debug = bool(argv) and argv[0] == "--debug"
    words = argv[1:] if debug else argv
    if not words or words[0] not in COMMANDS:
        return None
    spec = COMMANDS[words[0]]
    values: dict[str, Any] = {}
    positional: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if not word.startswith("-"):
            positional.append(word)
            continue
        flag, eq, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if flag not in spec.options:
            return None  # --help, a typo, a bundled short option, "-", "--": typer's to explain
        name, kind = spec.options[flag]
        if kind == FLAG:
            if eq or name in values:
                return None
            values[name] = True
            continue
        value = inline if eq else next(rest, None)
        if value is None or (not eq and value.startswith("-")) or (kind != TEXTS and name in values):
            return None  # a missing value, one that may be an option, an option given twice
        converted = _convert(kind, value)
        if converted is None:
            return None
        if kind == TEXTS:
            values.setdefault(name, []).append(converted)
        else:
            values[name] = converted
    if spec.variadic:
        if positional:
            values[spec.arguments[-1]] = positional
    elif len(positional) != len(spec.arguments):
        return None  # typer names the missing or extra argument
    else:
        for name, word in zip(spec.arguments, positional):
            values[name] = _convert(POSITIONAL_KIND[name], word)
            if values[name] is None:
                return None
    return Invocation(words[0], values, debug)


def _convert(kind: str, value: str) -> Any:
    if kind == INT:  # click's INT takes more spellings (" 3", "+3", "3_0"): plain digits only here
        return int(value) if value.isascii() and value.isdigit() else None
    if kind == PATH:
        return Path(value) if value else None
    return value


def action(command: str) -> Callable[..., int]:
    from promotelint.cli import actions

    return getattr(actions, command)
