"""Read the user's configuration: `.promotelint.yml`, `--config FILE` or `[tool.promotelint]` in pyproject.toml.

Discovery walks from the head's directory up to the repository root (the directory holding `.git`);
at each level a `.promotelint.yml` wins over a pyproject.toml that has a [tool.promotelint] table.
Outside a repository only the head's own directory is searched. An invalid config is an InputError
naming the file, the dotted key and the line.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from promotelint.io.files import read_text
from promotelint.io.packaged import schema
from promotelint.model.errors import InputError
from promotelint.model.settings import AllowEntry, Config
from promotelint.parse.documents import load_text
from promotelint.parse.schema import validate

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

CONFIG_NAMES = (".promotelint.yml", ".promotelint.yaml")


def find_config(start: Path) -> Path | None:
    start = Path(os.path.realpath(start))  # (Path.resolve raises on a symlink loop; realpath leaves it)
    directory = start if start.is_dir() else start.parent
    root = next((d for d in (directory, *directory.parents) if (d / ".git").exists()), None)
    for d in (directory, *directory.parents) if root else (directory,):
        for name in CONFIG_NAMES:
            if (d / name).is_file():
                return d / name
        pyproject = d / "pyproject.toml"
        if pyproject.is_file() and re.search(r"^\s*\[+\s*tool\.promotelint\b", _read(pyproject), re.M):
            return pyproject
        if d == root:
            break
    return None


def load_config(path: Path) -> Config:
    text = _read(path)
    source = str(path)
    if path.suffix == ".toml":
        data, line_of = _toml_section(text, source)
    else:
        doc = load_text(text, source)
        data, line_of = doc.data, doc.line
        if data is None:
            data = {}
    if not isinstance(data, dict):
        raise InputError("the configuration must be a mapping", file=source, line=1,
                         fix="write keys such as fail-on:, rules:, allow:")
    validate(data, schema("config"), source, line_of)
    allow = []
    for i, entry in enumerate(data.get("allow") or ()):
        expires = None
        if "expires" in entry:
            try:
                expires = datetime.date.fromisoformat(entry["expires"])
            except ValueError:
                raise InputError(f"invalid date at allow[{i}].expires: {entry['expires']!r}", file=source,
                                 line=line_of(("allow", i, "expires")), fix="write YYYY-MM-DD") from None
        allow.append(AllowEntry(rule=entry["rule"], reason=entry["reason"].strip(),
                                resource=entry.get("resource"), expires=expires, source=source,
                                line=line_of(("allow", i))))
    base = path.parent
    rule_files: list[Path] = []
    boundary = _repository(base)
    for i, pattern in enumerate(data.get("rule-files") or ()):
        where = {"file": source, "line": line_of(("rule-files", i))}
        matches = sorted(base.glob(pattern)) if any(c in pattern for c in "*?[") else [base / pattern]
        outside = [m for m in matches if not Path(os.path.realpath(m)).is_relative_to(boundary)]
        if outside:  # rule files are the project's own: nothing outside it is read
            raise InputError(f"rule-files[{i}]: {pattern!r} is outside {boundary}", **where,
                             fix="keep rule files inside the repository, relative to the config file")
        if not matches or not all(m.is_file() for m in matches):
            raise InputError(f"rule-files[{i}]: no rule file {pattern!r}", **where,
                             fix="the path is relative to the config file")
        rule_files.extend(matches)
    stateful = {t: tier for tier in ("transient", "data") for t in (data.get("stateful") or {}).get(tier, ())}
    lines = {f"rules.{rid}": line_of(("rules", rid)) or 0 for rid in data.get("rules") or {}}
    return Config(source=source, fail_on=data.get("fail-on"), severities=dict(data.get("rules") or {}),
                  rule_files=tuple(rule_files), stateful=stateful, allow=tuple(allow), lines=lines,
                  neutral_plugins=frozenset((data.get("plugins") or {}).get("neutral") or ()),
                  framework_timeout=(data.get("framework") or {}).get("timeout"))


def _repository(directory: Path) -> Path:
    """The git work tree holding `directory` (real path), else the directory itself."""
    directory = Path(os.path.realpath(directory))
    return next((d for d in (directory, *directory.parents) if (d / ".git").exists()), directory)


def _read(path: Path) -> str:
    return read_text(path, expect="a YAML or TOML config file")


def _toml_section(text: str, source: str) -> tuple[Any, Callable[[tuple], int | None]]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(f"invalid TOML: {exc}", file=source, line=int(line.group(1)) if line else None,
                         fix="fix the TOML syntax") from None
    data = _plain_dates((doc.get("tool") or {}).get("promotelint"))
    if data is None:
        raise InputError("no [tool.promotelint] table", file=source, fix="add one or pass a .promotelint.yml")
    return data, lambda path: _toml_line(text, path)


def _plain_dates(value: Any) -> Any:
    """TOML reads `expires = 2027-01-31` as a date; the schema expects the YAML form, text."""
    if isinstance(value, dict):
        return {k: _plain_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_dates(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _toml_line(text: str, path: tuple) -> int | None:
    """Best-effort line of a dotted key below [tool.promotelint] (tomllib keeps no positions)."""
    lines = text.splitlines()
    header = re.compile(r"^\s*\[+\s*tool\.promotelint(\.[^\]]+)?\s*\]+")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    found = start
    parts = [p for p in path]
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(part, int):
            i += 1
            continue
        key = re.escape(str(part))
        table = re.compile(rf"^\s*\[+\s*tool\.promotelint\.{key}\s*\]+")
        assign = re.compile(rf"^\s*[\"']?{key}[\"']?\s*=")
        nth = parts[i + 1] if i + 1 < len(parts) and isinstance(parts[i + 1], int) else 0
        hits = [j for j in range(found, len(lines)) if table.match(lines[j])]
        if len(hits) > nth:
            found = hits[nth]
        else:
            hit = next((j for j in range(found, len(lines)) if assign.match(lines[j])), None)
            if hit is None:
                break
            found = hit
        i += 1
    return found + 1
