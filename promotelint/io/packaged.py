"""What promotelint ships and reads at run time: the built-in rules (rules/, with their parse cache
bundle.json), the user's rule files, the JSON Schemas of rule and config files, and the JSON
reports of earlier runs that `promotelint report` merges (checked against the report schema)."""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from promotelint.io.files import read_text
from promotelint.model.errors import InputError
from promotelint.parse.documents import load_text
from promotelint.ruleengine.language import Rule, compile_rule

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any
    from promotelint.report.json_report import ReadReport

PACKAGE = Path(__file__).resolve().parent.parent
RULES_DIR = PACKAGE / "builtin_rules"  # in a wheel
CHECKOUT_RULES_DIR = PACKAGE.parent / "rules"  # in a source checkout
SCHEMA_DIR = PACKAGE / "schema"
BUNDLE_NAME = "bundle.json"


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    """One of the JSON Schemas in promotelint/schema/: "rule", "config" or "report"."""
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def builtin_rules_dir() -> Path:
    return RULES_DIR if RULES_DIR.is_dir() else CHECKOUT_RULES_DIR


def load_builtin_rules() -> tuple[Rule, ...]:
    """The shipped rules, sorted by id. They are validated by the test suite, not at every run.

    Parsing YAML in pure Python costs ~60 ms for the built-in rules, so their parsed form is also
    kept in rules/bundle.json (`promotelint rules --format json`) with each file's CRC: a file
    edited since is parsed from YAML, so the bundle can be stale but never wrong.
    """
    directory = builtin_rules_dir()
    try:
        bundle = json.loads((directory / BUNDLE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        bundle = {}
    rules = []
    for path in directory.glob("*.yml"):
        raw = path.read_bytes()
        entry = bundle.get(path.name) or {}
        if entry.get("crc32") == zlib.crc32(raw):
            rules.append(compile_rule(entry["rule"], str(path), text=raw.decode("utf-8")))
        else:
            rules.append(parse_rule_file(raw.decode("utf-8"), str(path), validate=False))
    if not rules:
        # A broken install (rules left out of the wheel) must not pass every promotion silently.
        raise RuntimeError(f"no built-in rules found in {directory}: the installation is incomplete")
    return tuple(sorted(rules, key=lambda r: r.id))


def rules_bundle() -> str:
    """The text of rules/bundle.json: every built-in rule file's CRC-32 and parsed data."""
    out = {}
    for path in sorted(builtin_rules_dir().glob("*.yml")):
        raw = path.read_bytes()
        out[path.name] = {"crc32": zlib.crc32(raw),
                          "rule": load_text(raw.decode("utf-8"), str(path)).data}
    return json.dumps(out, indent=1) + "\n"


def load_rules(extra_files: Sequence[Path] = ()) -> tuple[Rule, ...]:
    """The built-in rules, then the user's rule files (`rule-files:` in the config)."""
    rules = list(load_builtin_rules())
    seen = {r.id: r for r in rules}
    for path in extra_files:
        rule = load_rule_file(path)
        if rule.id in seen:
            raise InputError(f"rule id {rule.id!r} is already defined by {seen[rule.id].source}",
                             file=str(path), line=1, fix="give the rule another id")
        seen[rule.id] = rule
        rules.append(rule)
    return tuple(rules)


def load_rule_file(path: Path, validate: bool = True) -> Rule:
    return parse_rule_file(read_text(path, expect="a YAML rule file"), str(path), validate)


def parse_rule_file(text: str, source: str, validate: bool = True) -> Rule:
    """A rule file's text as a Rule, checked against the rule schema unless `validate` is off."""
    doc = load_text(text, source)
    return compile_rule(doc.data, source, doc.line, schema("rule") if validate else None, text=text)


def rule_from_data(data: Any, source: str, line_of=lambda path: None) -> Rule:
    """A rule from already parsed data, checked against the rule schema."""
    return compile_rule(data, source, line_of, schema("rule"))


def load_report(path: Path) -> ReadReport:
    """A JSON report of `check` or `changeset` (`--format json`), checked against its schema."""
    from promotelint.parse.schema import validate
    from promotelint.report.json_report import read_report

    text = read_text(path, expect="a JSON report (promotelint check --format json)")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not a JSON report: {getattr(exc, 'msg', exc)}", file=str(path),
                         line=getattr(exc, "lineno", None), fix="pass the output of promotelint check --format json")
    if not isinstance(data, dict) or "stacks" not in data:
        raise InputError("not a promotelint JSON report (no `stacks`)", file=str(path),
                         fix="pass the output of promotelint check --format json")
    validate(data, schema("report"), str(path), lambda key: None)
    return read_report(data)
