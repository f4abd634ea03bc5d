"""The plain data the source readers produce: templates, where their parts came from, and what a
template value refers to.

The predicted change set is in model.changeset, the findings in model.findings; the compile path
needs only this module.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Mapping

from promotelint.model.record import field, record

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")  # a ${...} in an Fn::Sub string


def nearest_position(positions: Mapping[tuple, tuple[int, int]], path: tuple) -> tuple[int, int] | None:
    """(line, column) of the node at `path`, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        pos = positions.get(path)
        if pos:
            return pos
        path = path[:-1]
    return None


@record
class Origin:
    """Where something came from, for findings: a file and a 1-based line (and column)."""

    file: str
    line: int | None = None
    column: int | None = None
    # The git revision the line is in, when it is not the working tree's: a removed resource's
    # line is in the base revision's copy of the file (`origin/main:svc/serverless.yml:65`).
    revision: str | None = None
    # For such a line, the file at head that an annotation can point at instead, when `file` no
    # longer exists there (the service moved): its serverless.yml at head, without a line.
    head_file: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.revision}:{where}" if self.revision else where


_SECTIONS = {"Resources": "", "Outputs": "Outputs."}  # an origin's key: the logical ID, or Outputs.<Name>


class LineOrigins(Mapping):
    """The origins of a template read from a file: each resource's and output's line in `positions`
    (keyed by path), each Origin made when asked for. A template has hundreds of resources and a
    report names a few: making them all was 5% of reading and predicting a pair."""

    def __init__(self, file: str, positions: Mapping[tuple, tuple[int, int]]) -> None:
        self.file, self.positions = file, positions
        self._made: dict[str, Origin] = {}

    def __getitem__(self, key: str) -> Origin:
        made = self._made.get(key)
        if made is None:
            if type(key) is not str:
                raise KeyError(key)
            line, column = self.positions[("Outputs", key[8:]) if key.startswith("Outputs.") else ("Resources", key)]
            made = self._made[key] = Origin(self.file, line, column)
        return made

    def __iter__(self):
        for path in self.positions:
            if len(path) == 2 and path[0] in _SECTIONS:
                yield _SECTIONS[path[0]] + path[1]

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"LineOrigins({self.file!r}, {dict(self)!r})"


@record
class Provenance:
    """What made a side's template: read as it was written, or compiled from a serverless.yml by
    promotelint's offline compiler or by the service's own framework, for which engine."""

    compiler: str = "template"  # template | offline | framework
    engine: str | None = None  # v3 | osls | v4, for a compiled serverless.yml
    engine_version: str | None = None
    # The stage a serverless.yml was compiled for, and where it came from: "--stage" (given), or
    # "provider.stage" / "default" (assumed: the report says so, since a wrong stage is a wrong
    # prediction)
    stage: str | None = None
    stage_from: str | None = None

    @property
    def stage_assumed(self) -> bool:
        return self.stage is not None and self.stage_from != "--stage"

    def __str__(self) -> str:
        if self.compiler == "template":
            return "template"
        engine = " ".join(p for p in (self.engine, self.engine_version) if p)
        return f"{self.compiler} compiler" + (f" ({engine})" if engine else "")


@record
class UnseenPart:
    """A part of a service no compiler predicted: a config section a plugin reads to make resources
    (or, `outside`, to act outside CloudFormation), with a fingerprint of its resolved value so the
    two sides of a promotion can be compared even though what the plugin makes is unknown."""

    plugin: str  # the npm package, as `plugins:` names it
    section: str  # dotted config path: constructs.uploads, custom.alerts; WHOLE_CONFIG for all of it
    fingerprint: str  # a hash of the section's resolved value ("" when it is absent)
    origin: Origin | None = None  # the section's line in the config
    outside: bool = False  # the plugin acts outside CloudFormation (deploy hooks, its own AWS calls)


WHOLE_CONFIG = "*"  # the section of a plugin nobody knows: what it reads is unknown


@record
class Template:
    """One side of the comparison: a CloudFormation template and where its parts came from.

    `origins` maps a resource logical ID (or `Outputs.<Name>`) to the place in the source that made
    it: the template's own line, or for a compiled serverless.yml the function, event or `resources:`
    entry. `stack_name` is known for serverless services (service-stage or provider.stackName).
    """

    data: Mapping[str, Any]
    source: str
    origins: Mapping[str, Origin] = field(default_factory=dict)
    stack_name: str | None = None
    warnings: tuple[str, ...] = ()
    # (path into `data`) -> (line, column) in `source`, when the template was read from a file
    positions: Mapping[tuple, tuple[int, int]] = field(default_factory=dict)
    provenance: Provenance = Provenance()
    unseen: tuple[UnseenPart, ...] = ()  # what the compiler could not predict, by plugin section
    # nested stacks the framework wrote (serverless-plugin-split-stacks), by their logical ID here
    nested: Mapping[str, "Template"] = field(default_factory=dict)
    # values no report shows (model/secrets.py): from the environment, .env files, deploy-time AWS
    # sources; kept out of repr so a debug print cannot show them either
    secrets: frozenset[str] = field(default=frozenset(), repr=False)
    # a template read from JSON text: its text and resources, for the other side's reading
    # (parse.entries.Entries: the unchanged resources of a pair are then one object)
    entries: Any = field(default=None, compare=False, repr=False)

    @property
    def blind_spots(self) -> tuple[str, ...]:
        """Its warnings, and a sentence for each plugin part no compiler predicted."""
        return self.warnings + tuple(
            f"plugin {p.plugin}: " + ("the whole config" if p.section == WHOLE_CONFIG else p.section)
            + (" is acted on outside CloudFormation" if p.outside else " makes resources that are not predicted")
            for p in self.unseen)

    def line_of(self, path: tuple) -> int | None:
        pos = nearest_position(self.positions, path)
        return pos[0] if pos else None


def may_hold(value: Any, *texts: str) -> bool:
    """Whether a string in `value` may hold one of `texts`: marshal writes each string whole, as
    its UTF-8 bytes, many times faster than a walk reads it (and six times faster than C's JSON
    encoder), so most values are cleared without one; a value it cannot write says "may"."""
    try:
        written = marshal.dumps(value)
    except (ValueError, TypeError, RecursionError):
        return True
    return any(text.encode("utf-8", "surrogatepass") in written for text in texts)


def references(value: Any) -> set[tuple[str, str | None]]:
    """The (logical ID, attribute or None) pairs an evaluated value still refers to symbolically."""
    found: set[tuple[str, str | None]] = set()
    _references(value, found)
    return found


def _references(v: Any, found: set) -> None:
    # (a module function, not a closure: a closure calling itself is a reference cycle, left to the
    # collector with everything it holds; the command line runs without one, cli/__init__.py)
    if isinstance(v, dict):
        if len(v) == 1:
            key, arg = next(iter(v.items()))
            if key == "Ref" and isinstance(arg, str):
                found.add((arg, None))
                return
            if key == "Fn::GetAtt":
                pair = getatt_pair(arg)
                if pair:
                    found.add(pair)
                    return
            if key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(text, str):
                    for var in SUB_VARIABLE.findall(text):
                        if not var.startswith("!"):
                            name, _, attr = var.partition(".")
                            found.add((name, attr or None))
                if isinstance(arg, list) and len(arg) > 1:
                    _references(arg[1], found)
                return
        for item in v.values():
            if type(item) is not str:  # text refers to nothing: no call for the commonest value
                _references(item, found)
    elif isinstance(v, list):
        for item in v:
            if type(item) is not str:
                _references(item, found)


def getatt_pair(arg: Any) -> tuple[str, str] | None:
    if isinstance(arg, str) and "." in arg:
        name, _, attr = arg.partition(".")
        return name, attr
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], str):
        return arg[0], arg[1]
    return None
