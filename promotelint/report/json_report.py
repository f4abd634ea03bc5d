"""The json format: the documented report (promotelint/schema/report.schema.json). Each stack's
changes are in CloudFormation's own describe-change-set shape, with promotelint's facts beside.

It is also what `promotelint report` merges (the shards of a CI matrix): `read_report` turns it back
into the stacks' reports, so any format renders a merged run as it would the run itself."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from promotelint import __version__
from promotelint.model.changeset import OutputChange, ResourceChange, StackChangeSet, UnseenChange, blind_spots
from promotelint.model.findings import Finding, StackReport, counts
from promotelint.model.record import field, record
from promotelint.model.template import Provenance
from promotelint.parse.jsontext import dumps_indented
from promotelint.report.base import Format, RenderOptions, blocked, change_counts

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def report_json(reports: Sequence[StackReport], options: RenderOptions = RenderOptions(),
                stacks: list | None = None) -> dict:
    """The report; `stacks`: what to write for the stacks instead of each one's stack_json."""
    if stacks is None:
        stacks = [stack_json(report, options) for report in reports]
    out: dict[str, Any] = {"promotelint": __version__, "stacks": stacks, "counts": change_counts(reports)}
    if options.exit_code is not None:
        found = counts(reports)
        out["summary"] = {
            "errors": found["error"],
            "warnings": found["warning"],
            "notices": found["notice"],
            "suppressed": sum(f.suppressed for r in reports for f in r.findings),
            "exit_code": options.exit_code,
        }
        out["failOn"] = options.fail_on
        if options.errors:
            out["inputErrors"] = list(options.errors)
    if options.rules:
        out["rules"] = {rid: dict(meta) for rid, meta in options.rules.items()}
    return out


def stack_json(report: StackReport, options: RenderOptions) -> dict[str, Any]:
    cs = report.changeset
    stack: dict[str, Any] = {
        "name": cs.name,
        "base": _side(cs.base_source, cs.base_stack_name, cs.base_provenance),
        "head": _side(cs.head_source, cs.head_stack_name, cs.head_provenance),
        "changes": [c.to_json() for c in cs.changes],
        "outputs": [o.to_json() for o in cs.outputs],
        "findings": [f.to_json() for f in report.findings],
    }
    if cs.warnings:
        stack["warnings"] = list(cs.warnings)
    if cs.unpredicted:
        stack["unpredictedWarnings"] = list(cs.unpredicted)
    if cs.unseen:
        stack["unseen"] = [u.to_json() for u in cs.unseen]
    stack["unpredicted"] = len(blind_spots(cs))
    stack["counts"] = change_counts([report])
    if options.exit_code is not None:
        stack["blocked"] = blocked(report, options)
    return stack


def provenance_json(p: Provenance) -> dict[str, Any]:
    """What made a side: {"compiler": "framework", "engine": "v3", "engineVersion": "3.40.0"}."""
    out: dict[str, Any] = {"compiler": p.compiler}
    for key, value in (("engine", p.engine), ("engineVersion", p.engine_version)):
        if value is not None:
            out[key] = value
    return out


def _side(source: str, stack_name: str | None, p: Provenance) -> dict[str, Any]:
    out: dict[str, Any] = {"source": source, "stackName": stack_name, "compiler": provenance_json(p)}
    if p.stage is not None:  # the stage a serverless.yml was compiled for, and where it came from
        out["stage"], out["stageFrom"] = p.stage, p.stage_from
    return out


def render_json(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    return dumps_indented(report_json(reports, options)) + "\n"


_HOLE = "\x00promotelint:stacks\x00"  # where the stacks go in the document written around them
_HOLE_TEXT = dumps_indented(_HOLE)


def json_pieces(reports: Sequence[StackReport], options: RenderOptions, count: int) -> list[Callable[[], str]]:
    """render_json's text in `count` pieces (fewer for fewer stacks), each rendered by its own call,
    in order: a run's stacks in parts of about as many changes each, the first part with the
    document before them, the last with the document after."""
    reports = list(reports)
    if count < 2 or len(reports) < 2:
        return [lambda: render_json(reports, options)]
    weights = [len(r.changeset.changes) + 1 for r in reports]
    total, bounds, done = sum(weights), [0], 0
    for index, weight in enumerate(weights):
        done += weight
        if done * count >= total * len(bounds) and index + 1 < len(reports) and len(bounds) < count:
            bounds.append(index + 1)
    bounds.append(len(reports))

    def stacks(start: int, end: int) -> str:  # as dumps_indented writes them in the document
        return ",\n    ".join(dumps_indented(stack_json(r, options), level=2) for r in reports[start:end])

    def around() -> tuple[str, str]:  # (the first hole is the stacks': only fixed keys come before)
        before, _, after = (dumps_indented(report_json(reports, options, [_HOLE])) + "\n").partition(_HOLE_TEXT)
        return before, after

    def piece(number: int) -> str:
        text = stacks(bounds[number], bounds[number + 1])
        if number == 0:
            text = around()[0] + text
        return text + (around()[1] if number == len(bounds) - 2 else ",\n    ")

    return [lambda number=number: piece(number) for number in range(len(bounds) - 1)]


@record
class ReadReport:
    """A JSON report read back: its stacks, and what `check` said of them."""

    reports: list[StackReport]
    exit_code: int | None = None  # None: a `changeset` report (predictions only)
    errors: tuple[str, ...] = ()
    rules: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    fail_on: str | None = None


def read_report(data: Mapping[str, Any]) -> ReadReport:
    """The reports `report_json` wrote (validated against the report schema by the caller)."""
    reports = [StackReport(_stack(s), tuple(Finding.from_json(f) for f in s["findings"])) for s in data["stacks"]]
    summary = data.get("summary")
    if summary is None:
        return ReadReport(reports, rules=data.get("rules", {}))
    return ReadReport(reports, summary["exit_code"], tuple(data.get("inputErrors", ())), data.get("rules", {}),
                      data.get("failOn"))


def _stack(data: Mapping[str, Any]) -> StackChangeSet:
    base, head = data["base"], data["head"]
    return StackChangeSet(
        name=data["name"], base_source=base["source"], head_source=head["source"],
        changes=tuple(ResourceChange.from_json(c) for c in data["changes"]),
        outputs=tuple(OutputChange.from_json(o) for o in data["outputs"]),
        base_stack_name=base["stackName"], head_stack_name=head["stackName"],
        warnings=tuple(data.get("warnings", ())), unpredicted=tuple(data.get("unpredictedWarnings", ())),
        base_provenance=_provenance(base), head_provenance=_provenance(head),
        unseen=tuple(UnseenChange.from_json(u) for u in data.get("unseen", ())))


def _provenance(side: Mapping[str, Any]) -> Provenance:
    made = side["compiler"]
    return Provenance(made["compiler"], made.get("engine"), made.get("engineVersion"), side.get("stage"),
                      side.get("stageFrom"))


FORMAT = Format("json", render_json, pieces=json_pieces)
