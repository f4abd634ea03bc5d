"""The rule language: a rule file's data compiled into predicates over subjects (see facts.py).

A rule's `match` is a small set of predicates over one subject (a resource change, an output change,
the stack, or a plugin's part no compiler predicted; see facts.py), all of which must hold. `on`
names the kind of subject, or a list of kinds; a fact a subject does not have is absent (null).
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
from collections.abc import Callable, Mapping

from promotelint.model.errors import InputError
from promotelint.model.record import record
from promotelint.model.resources import Catalog
from promotelint.parse.schema import validate
from promotelint.ruleengine.facts import FACT_NAMES, Subject

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

TYPE_SETS = ("@stateful", "@stateful-data", "@stateful-transient", "@delete-requires-empty")

_RESOURCE_ONLY = ("replacement", "type", "policy-action", "changed")
FIELD = re.compile(r"\{([a-z][a-z0-9-]*)\}")

# A predicate reads the subject, and the catalog for the type sets.
Predicate = Callable[[Subject, Catalog], bool]


@record
class Case:
    """A rule's sub-case: when it also holds, another severity, message or fix."""

    when: Predicate
    severity: str | None = None
    message: str | None = None
    fix: str | None = None


@record
class Rule:
    """One rule of rules/, compiled: what it applies to, when it matches, what it says."""

    id: str
    severity: str  # the rule's own severity; config may override it
    summary: str
    description: str
    on: tuple[str, ...]  # the kinds of subject it applies to
    match: Predicate
    message: str
    fix: str | None = None
    cases: tuple[Case, ...] = ()
    source: str = ""
    raw: Mapping[str, Any] | None = None  # the rule file's data as parsed
    text: str = ""  # the rule file as written, for `explain` and docs/rules.md


def compile_rule(data: Any, source: str, line_of: Callable[[tuple], int | None] = lambda p: None,
                 schema: Mapping[str, Any] | None = None, text: str = "") -> Rule:
    """The rule a rule file's data defines; checked against `schema` (the rule JSON Schema) when given,
    and for facts, placeholders and type sets that do not exist."""
    if schema is not None:
        validate(data, schema, source, line_of)
    if not isinstance(data, dict):
        raise InputError("a rule file must be a mapping", file=source, line=1, fix="see docs/rules.md")
    match = dict(data["match"])
    on = tuple(_as_list(match.pop("on")))
    known = frozenset().union(*(FACT_NAMES[kind] for kind in on))

    def check(cond: Mapping[str, Any], path: tuple) -> None:
        for key, value in cond.items():
            where = path + (key,)
            if key in _RESOURCE_ONLY and "resource" not in on:
                raise InputError(f"{'.'.join(map(str, where))}: `{key}` applies to resource changes only",
                                 file=source, line=line_of(where), fix="use `facts:` or on: resource")
            if key == "facts":
                for name in value:
                    if name not in known:
                        raise InputError(f"unknown fact {name!r} for on: {', '.join(on)}", file=source,
                                         line=line_of(where + (name,)),
                                         fix="known facts: " + ", ".join(sorted(known)))
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
            for name in FIELD.findall(text):
                if name not in known:
                    raise InputError(f"unknown placeholder {{{name}}} for on: {', '.join(on)}", file=source,
                                     line=line_of(path), fix="known: " + ", ".join(sorted(known)))
        return text

    cases = []
    try:
        check(match, ("match",))
        for i, case in enumerate(data.get("cases") or ()):
            check(case["when"], ("cases", i, "when"))
            cases.append(Case(when=_compile(case["when"]), severity=case.get("severity"),
                              message=template(case.get("message"), ("cases", i, "message")),
                              fix=template(case.get("fix"), ("cases", i, "fix"))))
    finally:  # `check` calls itself: a reference cycle, cut here (cli/__init__.py runs without a collector)
        check = None  # type: ignore[assignment]
    return Rule(id=data["id"], severity=data["severity"], summary=data["summary"],
                description=data["description"], on=on, match=_compile(match),
                message=template(data["message"], ("message",)), fix=template(data.get("fix"), ("fix",)),
                cases=tuple(cases), source=source, raw=data, text=text)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _compile(cond: Mapping[str, Any]) -> Predicate:
    """Turn a condition mapping into one predicate: every key must hold. (Plain loops, not
    all()/any() over generators: a repository's check asks every rule of every change.)"""
    checks: list[Predicate] = []
    for key, value in cond.items():
        if key in ("action", "replacement", "policy-action"):
            wanted = frozenset(str(v) for v in _as_list(value))
            checks.append(lambda s, c, k=key, w=wanted: str(s.facts.get(k)) in w)
        elif key == "type":
            checks.append(lambda s, c, w=_as_list(value): _type_matches(s, c, w))
        elif key == "changed":
            checks.append(lambda s, c, w=_as_list(value): any(
                fnmatch.fnmatchcase(path, pattern) for path in s.facts.get("changed", ()) for pattern in w))
        elif key in ("before", "after", "facts"):
            checks.append(lambda s, c, k=key, w=tuple(value.items()): _all_values(s, k, w))
        elif key == "any":
            checks.append(_any(tuple(_compile(sub) for sub in value)))
        elif key == "all":
            checks.append(_every(tuple(_compile(sub) for sub in value)))
        elif key == "not":
            checks.append(lambda s, c, sub=_compile(value): not sub(s, c))
    return checks[0] if len(checks) == 1 else _every(tuple(checks))


def _every(checks: tuple[Predicate, ...]) -> Predicate:
    def every(s: Subject, c: Catalog) -> bool:
        for check in checks:
            if not check(s, c):
                return False
        return True
    return every


def _any(checks: tuple[Predicate, ...]) -> Predicate:
    def some(s: Subject, c: Catalog) -> bool:
        for check in checks:
            if check(s, c):
                return True
        return False
    return some


def _all_values(subject: Subject, where: str, wanted: tuple) -> bool:
    for path, expected in wanted:
        if not _value_matches(_lookup(subject, where, path), expected):
            return False
    return True


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


def scalar_text(value: Any) -> str:
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
            if actual == option or scalar_text(actual).lower() == scalar_text(option).lower():
                return True
    return False


def _type_matches(subject: Subject, catalog: Catalog, wanted: list[str]) -> bool:
    rtype = subject.facts.get("type") or ""
    tier = subject.facts.get("stateful")
    for pattern in wanted:
        if pattern == "@stateful" and tier:
            return True
        if pattern == "@stateful-data" and tier == "data":
            return True
        if pattern == "@stateful-transient" and tier == "transient":
            return True
        if pattern == "@delete-requires-empty" and rtype in catalog.delete_requires_empty:
            return True
        if not pattern.startswith("@") and fnmatch.fnmatchcase(rtype, pattern):
            return True
    return False


