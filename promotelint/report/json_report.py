"""The json format: the documented report (promotelint/schema/report.schema.json). Each stack's
changes are in CloudFormation's own describe-change-set shape, with promotelint's facts beside."""

from __future__ import annotations

from typing import Any, Sequence

from promotelint import __version__
from promotelint.model.changeset import blind_spots
from promotelint.model.findings import StackReport, counts
from promotelint.model.template import Provenance
from promotelint.parse.jsontext import dumps_indented
from promotelint.report.base import Format, RenderOptions


def report_json(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> dict:
    stacks = []
    for report in reports:
        cs = report.changeset
        stack: dict[str, Any] = {
            "name": cs.name,
            "base": {"source": cs.base_source, "stackName": cs.base_stack_name,
                     "compiler": provenance_json(cs.base_provenance)},
            "head": {"source": cs.head_source, "stackName": cs.head_stack_name,
                     "compiler": provenance_json(cs.head_provenance)},
            "changes": [c.to_json() for c in cs.changes],
            "outputs": [o.to_json() for o in cs.outputs],
            "findings": [f.to_json() for f in report.findings],
        }
        if cs.warnings:
            stack["warnings"] = list(cs.warnings)
        if cs.unseen:
            stack["unseen"] = [u.to_json() for u in cs.unseen]
        stack["unpredicted"] = len(blind_spots(cs))
        stacks.append(stack)
    out: dict[str, Any] = {"promotelint": __version__, "stacks": stacks}
    if options.exit_code is not None:
        found = counts(reports)
        out["summary"] = {
            "errors": found["error"],
            "warnings": found["warning"],
            "notices": found["notice"],
            "suppressed": sum(f.suppressed for r in reports for f in r.findings),
            "exit_code": options.exit_code,
        }
    return out


def provenance_json(p: Provenance) -> dict[str, Any]:
    """What made a side: {"compiler": "framework", "engine": "v3", "engineVersion": "3.40.0"}."""
    out: dict[str, Any] = {"compiler": p.compiler}
    for key, value in (("engine", p.engine), ("engineVersion", p.engine_version)):
        if value is not None:
            out[key] = value
    return out


def render_json(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    return dumps_indented(report_json(reports, options)) + "\n"


FORMAT = Format("json", render_json)
