"""Rules as data: load and validate rule files, evaluate them over a predicted change set.

A rule's `match` is a small set of predicates over one subject (a resource change, an output change
or the stack; see facts.py), all of which must hold:
  action, replacement, policy-action   one value or a list (any of)
  type                                 type names, globs (AWS::DynamoDB::*) or sets (@stateful, ...)
  changed                              globs over the changed paths (/Properties/KeySpec)
  before, after                        dotted path -> value (scalar, list, null = absent, {present})
  facts                                fact name -> value, same value forms
  any / all / not                      combinators over conditions
`cases` give a sub-case another severity, message or fix: each comes from the first case whose
`when` holds and that sets it.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from promotelint.model.errors import InputError
from promotelint.facts import Subject, subjects
from promotelint.model.changeset import StackChangeSet
from promotelint.model.findings import Finding
from promotelint.model.template import Origin

RANK = {"error": 0, "warning": 1, "notice": 2}
TYPE_SETS = ("@stateful", "@stateful-data", "@stateful-transient", "@delete-requires-empty")
RULES_DIR = Path(__file__).parent / "builtin_rules"  # in a wheel
CHECKOUT_RULES_DIR = Path(__file__).parent.parent / "rules"  # in a source checkout

# The facts each kind of subject has (facts.py computes them); templates and `facts:` may use these.
FACTS: dict[str, dict[str, str]] = {
    "stack": {
        "stack": "the stack name the head deploys to",
        "base-stack-name": "the base side's stack name, when known",
        "head-stack-name": "the head side's stack name, when known",
        "stack-renamed": "both names are known and differ",
    },
    "resource": {
        "stack": "the stack name",
        "action": "Add, Modify or Remove",
        "logical-id": "the logical ID",
        "type": "the resource type (the head's, when it changed)",
        "replacement": "True, Conditional or False (Modify only)",
        "policy-action": "CloudFormation's PolicyAction (Delete, Retain, Snapshot, ReplaceAndDelete, ...)",
        "stateful": "data or transient for stateful types, else absent",
        "before-type": "the base's type, when the type changed under this logical ID",
        "renamed-to": "on a Remove: the added logical ID it most likely became",
        "renamed-from": "on an Add: the removed logical ID it most likely was",
        "unknown-type": "true when there is no resource schema for the type",
        "opaque-create-only": "create-only properties whose new value is only known in AWS",
        "name": "the custom physical name (TableName, BucketName, ...), when set",
        "name-property": "the type's name property (TableName, QueueName, ...)",
        "resource": "`LogicalId (Type name)`, for messages",
        "noun": "what the resource is to a person: database, bucket, queue, ...",
        "loses": "what goes with it: all its items, all its objects, ...",
        "custom-name-kept": "true when a replacement keeps the custom physical name",
        "custom-resource": "true for Custom::* and AWS::CloudFormation::CustomResource",
        "nested-stack": "true for AWS::CloudFormation::Stack",
        "replacing-properties": "the properties (or attributes) that require recreation",
        "changed": "the changed paths (/Properties/X, /DeletionPolicy); match them with `changed`",
        "immutable-changed": "KMS KeySpec/KeyUsage/MultiRegion/Origin or Cognito Username/AliasAttributes changed",
        "schema-attributes-changed": "Cognito user pool Schema attributes modified or removed",
        "gsi-added": "DynamoDB global secondary indexes created (or rebuilt)",
        "gsi-removed": "DynamoDB global secondary indexes deleted (or rebuilt)",
        "gsi-add-and-remove": "true when one update both creates and deletes an index",
        "takes-name-of": "on an Add: the removed resource whose custom physical name it takes",
        "before-deletion-policy": "on a Modify: the base's effective DeletionPolicy (Retain, Snapshot or Delete; RDS defaults to Snapshot)",
        "after-deletion-policy": "on a Modify: the head's effective DeletionPolicy",
    },
    "output": {
        "stack": "the stack name",
        "action": "Add, Modify or Remove",
        "output": "the output's key",
        "export": "the export name (the base's, else the head's)",
        "before-export": "the base's export name",
        "after-export": "the head's export name",
        "export-affected": "true when an export is removed or its name or value changes",
        "export-renamed": "true when both sides export it under different names",
        "evaluation": "Dynamic when the new value depends on a replaced resource, else Static",
        "volatile-value": "true when the value follows a Lambda version or a deployment",
    },
}
FACT_NAMES: dict[str, frozenset[str]] = {kind: frozenset(facts) for kind, facts in FACTS.items()}
_RESOURCE_ONLY = ("replacement", "type", "policy-action", "changed")
_FIELD = re.compile(r"\{([a-z][a-z0-9-]*)\}")

Predicate = Callable[[Subject, "Context"], bool]


@dataclass(frozen=True)
class Context:
    """What predicates need beyond the subject: the type sets."""

    delete_requires_empty: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Case:
    when: Predicate
    severity: str | None = None
    message: str | None = None
    fix: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # the rule's own severity; config may override it
    summary: str
    description: str
    on: str
    match: Predicate
    message: str
    fix: str | None = None
    cases: tuple[Case, ...] = ()
    source: str = ""
    raw: Mapping[str, Any] | None = None  # the rule file's data as parsed


# --- loading -----------------------------------------------------------------------------------


def builtin_rules_dir() -> Path:
    return RULES_DIR if RULES_DIR.is_dir() else CHECKOUT_RULES_DIR


BUNDLE_NAME = "bundle.json"


def load_builtin_rules() -> tuple[Rule, ...]:
    """The shipped rules, sorted by id. They are validated by the test suite, not at every run.

    Parsing YAML in pure Python costs ~60 ms for the built-in rules, so their parsed form is also
    kept in rules/bundle.json (`promotelint rules --format json`) with each file's CRC: a file
    edited since is parsed from YAML, so the bundle can be stale but never wrong.
    """
    import json
    import zlib

    directory = builtin_rules_dir()
    try:
        bundle = json.loads((directory / BUNDLE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        bundle = {}
    rules = []
    for path in directory.glob("*.yml"):
        entry = bundle.get(path.name) or {}
        if entry.get("crc32") == zlib.crc32(path.read_bytes()):
            rules.append(compile_rule(entry["rule"], str(path), validate_schema=False))
        else:
            rules.append(load_rule_file(path, validate_schema=False))
    if not rules:
        # A broken install (rules left out of the wheel) must not pass every promotion silently.
        raise RuntimeError(f"no built-in rules found in {directory}: the installation is incomplete")
    return tuple(sorted(rules, key=lambda r: r.id))


def rules_bundle() -> str:
    """The text of rules/bundle.json: every built-in rule file's CRC-32 and parsed data."""
    import json
    import zlib

    from promotelint.parse.documents import load_text

    out = {}
    for path in sorted(builtin_rules_dir().glob("*.yml")):
        raw = path.read_bytes()
        out[path.name] = {"crc32": zlib.crc32(raw),
                          "rule": load_text(raw.decode("utf-8"), str(path)).data}
    return json.dumps(out, indent=1) + "\n"


def load_rules(extra_files: Sequence[Path] = ()) -> tuple[Rule, ...]:
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


def load_rule_file(path: Path, validate_schema: bool = True) -> Rule:
    from promotelint.sources import read_text
    from promotelint.parse.documents import load_text

    doc = load_text(read_text(path), str(path))
    return compile_rule(doc.data, str(path), doc.line, validate_schema)


def compile_rule(data: Any, source: str, line_of: Callable[[tuple], int | None] = lambda p: None,
                 validate_schema: bool = True) -> Rule:
    if validate_schema:
        from promotelint.validate import validate

        validate(data, "rule", source, line_of)
    if not isinstance(data, dict):
        raise InputError("a rule file must be a mapping", file=source, line=1, fix="see docs/rules.md")
    match = dict(data["match"])
    on = match.pop("on")

    def check(cond: Mapping[str, Any], path: tuple) -> None:
        for key, value in cond.items():
            where = path + (key,)
            if key in _RESOURCE_ONLY and on != "resource":
                raise InputError(f"{'.'.join(map(str, where))}: `{key}` applies to resource changes only",
                                 file=source, line=line_of(where), fix="use `facts:` or on: resource")
            if key == "facts":
                for name in value:
                    if name not in FACT_NAMES[on]:
                        raise InputError(f"unknown fact {name!r} for on: {on}", file=source,
                                         line=line_of(where + (name,)),
                                         fix="known facts: " + ", ".join(sorted(FACT_NAMES[on])))
            if key == "type":
                for t in [value] if isinstance(value, str) else value:
                    if t.startswith("@") and t not in TYPE_SETS:
                        raise InputError(f"unknown type set {t!r}", file=source, line=line_of(where),
                                         fix="use one of: " + ", ".join(TYPE_SETS))
            if key in ("any", "all"):
                for i, sub in enumerate(value):
                    check(sub, where + (i,))
            if key == "not":
                check(value, where)

    def template(text: str | None, path: tuple) -> str | None:
        if text is not None:
            for name in _FIELD.findall(text):
                if name not in FACT_NAMES[on]:
                    raise InputError(f"unknown placeholder {{{name}}} for on: {on}", file=source,
                                     line=line_of(path), fix="known: " + ", ".join(sorted(FACT_NAMES[on])))
        return text

    check(match, ("match",))
    cases = []
    for i, case in enumerate(data.get("cases") or ()):
        check(case["when"], ("cases", i, "when"))
        cases.append(Case(when=_compile(case["when"]), severity=case.get("severity"),
                          message=template(case.get("message"), ("cases", i, "message")),
                          fix=template(case.get("fix"), ("cases", i, "fix"))))
    return Rule(id=data["id"], severity=data["severity"], summary=data["summary"],
                description=data["description"], on=on, match=_compile(match),
                message=template(data["message"], ("message",)), fix=template(data.get("fix"), ("fix",)),
                cases=tuple(cases), source=source, raw=data)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _compile(cond: Mapping[str, Any]) -> Predicate:
    """Turn a condition mapping into one predicate: every key must hold."""
    checks: list[Predicate] = []
    for key, value in cond.items():
        if key in ("action", "replacement", "policy-action"):
            wanted = [str(v) for v in _as_list(value)]
            checks.append(lambda s, c, k=key, w=wanted: str(s.facts.get(k)) in w)
        elif key == "type":
            checks.append(lambda s, c, w=_as_list(value): _type_matches(s, c, w))
        elif key == "changed":
            checks.append(lambda s, c, w=_as_list(value): any(
                fnmatch.fnmatchcase(path, pattern) for path in s.facts.get("changed", ()) for pattern in w))
        elif key in ("before", "after", "facts"):
            checks.append(lambda s, c, k=key, w=dict(value): all(
                _value_matches(_lookup(s, k, path), expected) for path, expected in w.items()))
        elif key == "any":
            subs = [_compile(sub) for sub in value]
            checks.append(lambda s, c, subs=subs: any(p(s, c) for p in subs))
        elif key == "all":
            subs = [_compile(sub) for sub in value]
            checks.append(lambda s, c, subs=subs: all(p(s, c) for p in subs))
        elif key == "not":
            sub = _compile(value)
            checks.append(lambda s, c, sub=sub: not sub(s, c))
    return lambda s, c: all(check(s, c) for check in checks)


_ABSENT = object()


def _lookup(subject: Subject, where: str, path: str) -> Any:
    if where == "facts":
        value = subject.facts.get(path)
        return _ABSENT if value is None else value
    value: Any = subject.before if where == "before" else subject.after
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return _ABSENT
    return _ABSENT if value is None else value


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _value_matches(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return (actual is not _ABSENT) == expected["present"]
    for option in _as_list(expected):
        if option is None:
            if actual is _ABSENT:
                return True
        elif actual is not _ABSENT and not isinstance(actual, (dict, list, tuple)):
            # CloudFormation reads "true" and true alike.
            if actual == option or _scalar_text(actual).lower() == _scalar_text(option).lower():
                return True
    return False


def _type_matches(subject: Subject, ctx: Context, wanted: list[str]) -> bool:
    rtype = subject.facts.get("type") or ""
    tier = subject.facts.get("stateful")
    for pattern in wanted:
        if pattern == "@stateful" and tier:
            return True
        if pattern == "@stateful-data" and tier == "data":
            return True
        if pattern == "@stateful-transient" and tier == "transient":
            return True
        if pattern == "@delete-requires-empty" and rtype in ctx.delete_requires_empty:
            return True
        if not pattern.startswith("@") and fnmatch.fnmatchcase(rtype, pattern):
            return True
    return False


# --- evaluation --------------------------------------------------------------------------------


def render(template: str, facts: Mapping[str, Any]) -> str:
    def field(m: re.Match) -> str:
        value = facts.get(m.group(1))
        if value is None:
            return "(unknown)"
        if isinstance(value, (list, tuple)):
            return ", ".join(map(str, value))
        return _scalar_text(value)

    return _FIELD.sub(field, template)


def evaluate(rules: Iterable[Rule], changeset: StackChangeSet,
             severities: Mapping[str, str] = {}, ctx: Context | None = None) -> tuple[Finding, ...]:
    """Every finding the rules make on the change set; `severities` overrides (or turns off) rules."""
    if ctx is None:
        from promotelint.schemas import delete_requires_empty

        ctx = Context(delete_requires_empty=delete_requires_empty())
    rules = [r for r in rules if severities.get(r.id, r.severity) != "off"]
    findings = []
    for subject in subjects(changeset):
        for rule in rules:
            if rule.on != subject.kind or not rule.match(subject, ctx):
                continue
            finding = _finding(rule, subject, ctx, changeset)
            if finding is None:
                continue
            override = severities.get(rule.id)
            findings.append(replace(finding, severity=override) if override else finding)
    return tuple(sorted(findings, key=lambda f: (RANK[f.severity], f.rule, f.logical_id or "")))


def _finding(rule: Rule, subject: Subject, ctx: Context, cs: StackChangeSet) -> Finding | None:
    severity, message, fix = rule.severity, rule.message, rule.fix
    # Each field comes from the first matching case that sets it, else from the rule.
    chosen: dict[str, str] = {}
    for case in rule.cases:
        if case.when(subject, ctx):
            for key in ("severity", "message", "fix"):
                if getattr(case, key) and key not in chosen:
                    chosen[key] = getattr(case, key)
    severity = chosen.get("severity", severity)
    message = chosen.get("message", message)
    fix = chosen.get("fix", fix)
    if severity == "off":
        return None
    facts = subject.facts
    change = subject.change
    origin = getattr(change, "origin", None) if change is not None else Origin(cs.head_source)
    return Finding(rule=rule.id, severity=severity, summary=rule.summary,
                   message=render(message, facts), logical_id=facts.get("logical-id") or (
                       f"Outputs.{facts['output']}" if subject.kind == "output" else None),
                   resource_type=facts.get("type") if subject.kind == "resource" else None,
                   origin=origin, fix=render(fix, facts) if fix else None)
