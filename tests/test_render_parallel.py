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
    assert len(forks) == len(JOBS) - 1  # every format but the first, in a child


def test_a_small_result_is_rendered_here(monkeypatch):
    reports = _reports()
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for a small result"))
    assert sum(len(r.changeset.changes) for r in reports) < output.PARALLEL_FROM
    assert output.rendered(reports, JOBS) == _serial(reports)


def test_a_failing_child_leaves_its_format_to_the_parent(monkeypatch):
    reports = _reports()
    parent, render = os.getpid(), output.render

    def fails_in_children(reports, name, **options):
        if os.getpid() != parent and name == "markdown":
            raise RuntimeError("a child's failure")
        return render(reports, name, **options)

    monkeypatch.setattr(output, "render", fails_in_children)
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
