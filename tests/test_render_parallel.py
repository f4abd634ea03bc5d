"""A large result in several formats (a file and the terminal's copy) is rendered side by side in
forked children (cli/output.py `rendered`): the texts are the ones one process renders, and a child
that fails leaves its format to the parent."""

from __future__ import annotations

import os
import sys

import pytest

from promotelint.app import predict
from promotelint.cli import output
from promotelint.model.findings import Finding, StackReport
from promotelint.model.record import replace
from promotelint.model.template import Origin
from tests.helpers import template

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked rendering is Linux's alone")

BASE = {"Resources": {f"Topic{i}": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": f"t{i}"}}
                      for i in range(30)} | {"Table": {"Type": "AWS::DynamoDB::Table",
                                                       "Properties": {"TableName": "t1"}}}}


def _reports() -> list[StackReport]:
    head = {"Resources": {lid: {**r, "Properties": {k: f"{v}-é\u2028\x1b[31m\ud800" for k, v in r["Properties"].items()}}
                          for lid, r in BASE["Resources"].items()}}
    cs = predict(template(BASE, "base/serverless.yml"), template(head, "head/serverless.yml"))
    finding = Finding(rule="stateful-resource-replaced", severity="error", summary="replaced",
                      message="Table is replaced:\nits data is lost", logical_id="Table",
                      origin=Origin("head/serverless.yml", 3))
    return [StackReport(replace(cs, name=f"svc-{n}"), (finding,)) for n in range(3)]


JOBS = [("json", dict(show_all=True, exit_code=1)), ("markdown", dict(exit_code=1)),
        ("text", dict(show_all=False, color=True, exit_code=1)), ("sarif", dict(exit_code=1))]


def _serial(reports):
    return [output.render(reports, name, **options) for name, options in JOBS]


def test_formats_rendered_side_by_side_are_those_one_process_renders(monkeypatch):
    reports = _reports()
    forks = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    monkeypatch.setattr(output, "PARALLEL_FROM", 1)
    assert output.rendered(reports, JOBS) == _serial(reports)
    # every format but the first in a child, and json's stacks in parts, one per core (up to 4)
    parts = min(os.cpu_count() or 1, 4, len(reports))
    assert len(forks) == len(JOBS) - 1 + (parts - 1)


def test_one_large_json_report_is_rendered_in_parts(monkeypatch):
    reports = _reports()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(output, "PARALLEL_FROM", 1)
    forks = []
    fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or fork())
    jobs = [("json", dict(show_all=True, exit_code=1, errors=("x",)))]
    assert output.rendered(reports, jobs) == [output.render(reports, "json", **jobs[0][1])]
    assert len(forks) == 1


@pytest.mark.parametrize("stacks", [0, 1, 2, 3, 7])
@pytest.mark.parametrize("count", [1, 2, 3, 4, 9])
def test_json_pieces_joined_are_the_report(stacks, count):
    from promotelint.report import FORMATS, RenderOptions
    from promotelint.report.json_report import _HOLE

    reports = [replace(r, changeset=replace(r.changeset, name=f"svc-{n}",
                                            changes=r.changeset.changes[:n * 5]))
               for n, r in enumerate((_reports() * 3)[:stacks])]
    # (an input error may hold the text that marks where the stacks go: it stays where it is)
    options = RenderOptions(show_all=True, exit_code=1, errors=(f"bad {_HOLE}",))
    pieces = FORMATS["json"].split(reports, options, count)
    assert len(pieces) <= max(1, min(count, stacks))
    assert "".join(piece() for piece in pieces) == FORMATS["json"](reports, options)


def test_a_small_result_is_rendered_here(monkeypatch):
    reports = _reports()
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a small result"))
    assert sum(len(r.changeset.changes) for r in reports) < output.PARALLEL_FROM
    assert output.rendered(reports, JOBS) == _serial(reports)


def test_a_failing_child_leaves_its_format_to_the_parent(monkeypatch):
    reports = _reports()
    parent = os.getpid()

    def fails_in_children(name, render):
        if os.getpid() != parent and name in ("markdown", "json"):
            raise RuntimeError("a child's failure")
        return render()

    monkeypatch.setattr(output, "_piece", fails_in_children)
    monkeypatch.setattr(output, "PARALLEL_FROM", 1)
    assert output.rendered(reports, JOBS) == _serial(reports)


def test_a_fork_refused_renders_the_rest_here(monkeypatch):
    reports = _reports()
    calls = []
    fork = os.fork

    def once_then_refused():
        calls.append(1)
        if len(calls) > 1:
            raise BlockingIOError("fork: resource temporarily unavailable")
        return fork()

    monkeypatch.setattr(os, "fork", once_then_refused)
    monkeypatch.setattr(output, "PARALLEL_FROM", 1)
    assert output.rendered(reports, JOBS) == _serial(reports)
    assert len(calls) == 2
