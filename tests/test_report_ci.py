"""The CI formats: SARIF (validated against the official schema), GitHub commands, Markdown, JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from promotelint.model.findings import Finding, StackReport
from promotelint.model.record import replace
from promotelint.model.template import Origin
from promotelint.app import predict
from promotelint.report import FORMATS, RenderOptions
from tests.helpers import template

SARIF_SCHEMA = Path(__file__).resolve().parents[1] / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"

BASE = """Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: t1
  Queue:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
"""
HEAD = """Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: t2
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      DisplayName: x
"""


def _report(line: int = 4, suppressed: bool = False) -> StackReport:
    cs = predict(template(BASE, "base dir/serverless.yml"), template(HEAD, "my svc/serverless.yml"))
    findings = (
        Finding(rule="stateful-resource-replaced", severity="error", summary="database replaced",
                message="Table (AWS::DynamoDB::Table) would be replaced: its data, is lost",
                logical_id="Table", resource_type="AWS::DynamoDB::Table",
                origin=Origin("my svc/serverless.yml", line), fix="keep TableName, or migrate first"),
        Finding(rule="queue-removed", severity="warning", summary="queue removed",
                message="Queue is removed:\nmessages in flight are lost", logical_id="Queue",
                suppressed=suppressed, suppression_reason="drained" if suppressed else None),
        Finding(rule="stack-notice", severity="notice", summary="fyi", message="stack-level note"),
    )
    return StackReport(replace(cs, name="svc-dev"), findings)


RULES = {"stateful-resource-replaced": {"summary": "database replaced",
                                        "description": "A stateful resource is replaced; its data goes with it.",
                                        "fix": "migrate the data first", "severity": "error"},
         "never-fired": {"summary": "unused rule", "description": "Listed for completeness."}}


def test_every_format_is_registered():
    assert {"text", "json", "sarif", "github", "markdown", "junit"} <= set(FORMATS)
    # each name leads to the module whose format bears that name (they are imported on use)
    assert all(FORMATS[name].name == name for name in FORMATS)


def test_sarif_is_valid_and_carries_rule_metadata_and_locations():
    log = json.loads(FORMATS["sarif"]([_report(suppressed=True)], RenderOptions(rules=RULES, exit_code=1)))
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    else:
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is absent")
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) == {"stateful-resource-replaced", "queue-removed", "stack-notice", "never-fired"}
    assert rules["stateful-resource-replaced"]["fullDescription"]["text"].startswith("A stateful resource")
    assert "migrate the data first" in rules["stateful-resource-replaced"]["help"]["text"]
    assert rules["stateful-resource-replaced"]["defaultConfiguration"] == {"level": "error"}
    first = run["results"][0]
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == first["ruleId"]
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "my%20svc/serverless.yml"
    assert loc["region"]["startLine"] == 4
    levels = [r["level"] for r in run["results"]]
    assert levels == ["error", "warning", "note"]
    assert run["results"][1]["suppressions"][0]["justification"] == "drained"
    # a finding without an origin is placed in the head file, not in "REV:path"
    assert run["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "my%20svc/serverless.yml"


def test_sarif_fingerprints_survive_moved_lines_but_not_other_resources():
    one = json.loads(FORMATS["sarif"]([_report(line=4)], RenderOptions(exit_code=1)))["runs"][0]["results"]
    two = json.loads(FORMATS["sarif"]([_report(line=40)], RenderOptions(exit_code=1)))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["promotelint/v1"] for r in one]
    assert prints == [r["partialFingerprints"]["promotelint/v1"] for r in two]
    assert len(set(prints)) == 3


def test_github_commands_escape_and_point_at_lines():
    out = FORMATS["github"]([_report()], RenderOptions(exit_code=1))
    lines = out.splitlines()
    assert lines[0] == "::group::promotelint: predicted change sets" and "::endgroup::" in lines
    token = lines[1].removeprefix("::stop-commands::")
    assert token != lines[1] and lines[lines.index("::endgroup::") - 1] == f"::{token}::"
    assert all(not line.startswith("::") for line in lines[2:lines.index("::endgroup::") - 1])
    error = next(line for line in lines if line.startswith("::error "))
    assert error.startswith("::error file=my svc/serverless.yml,line=4,"
                            "title=promotelint stateful-resource-replaced%3A database replaced::")
    assert "its data, is lost%0AFix: keep TableName" in error
    warning = next(line for line in lines if line.startswith("::warning "))
    assert "in flight" in warning and "\n" not in warning and "%0A" in warning
    assert any(line.startswith("::notice ") for line in lines)
    assert lines[-1].startswith("promotelint: promotion blocked (1 error, 1 warning, 1 notice)")


def test_github_skips_suppressed_findings():
    out = FORMATS["github"]([_report(suppressed=True)], RenderOptions(exit_code=1))
    assert "::warning " not in out


def test_markdown_verdict_first_major_table_minor_collapsed():
    out = FORMATS["markdown"]([_report()], RenderOptions(exit_code=1))
    lines = out.splitlines()
    assert lines[0] == "## :x: promotelint: promotion blocked"
    table_row = next(line for line in lines if line.startswith("| Replace"))
    assert "`Table`" in table_row and "TableName" in table_row
    removed_row = next(line for line in lines if line.startswith("| Remove"))
    assert lines.index(table_row) < lines.index("<details><summary>1 minor change</summary>")
    assert lines.index(removed_row) < lines.index("<details><summary>1 minor change</summary>")
    minor = lines[lines.index("<details><summary>1 minor change</summary>"):]
    assert any("`Topic`" in line for line in minor) and minor[-1] == "</details>"
    assert "- **error** `stateful-resource-replaced`" in out
    safe = FORMATS["markdown"]([StackReport(_report().changeset)], RenderOptions(exit_code=0))
    assert safe.startswith("## :white_check_mark: promotelint: safe to promote")


def test_junit_counts_blocking_findings_as_failures():
    root = ET.fromstring(FORMATS["junit"]([_report(), StackReport(_report().changeset)], RenderOptions(exit_code=1)))
    assert root.get("failures") == "1"
    suites = root.findall("testsuite")
    assert [s.get("failures") for s in suites] == ["1", "0"]
    failure = suites[0].find("testcase/failure")
    assert failure.get("type") == "stateful-resource-replaced" and "its data" in failure.text


def test_locations_drop_the_revision_of_a_source_named_rev_colon_path():
    report = _report()
    cs = replace(report.changeset, head_source="origin/main:my svc/serverless.yml")
    finding = Finding(rule="export-removed", severity="error", summary="export removed", message="m",
                      origin=Origin("origin/main:my svc/serverless.yml"))
    out = FORMATS["github"]([StackReport(cs, (finding,))], RenderOptions(exit_code=1))
    assert "::error file=my svc/serverless.yml,title=" in out


def test_markdown_sums_up_a_long_tail_of_minor_changes():
    queues = "".join(f"  Q{i:03d}:\n    Type: AWS::SQS::Queue\n" for i in range(60))
    cs = predict(template("Resources:\n" + queues.replace("AWS::SQS::Queue\n", "AWS::SQS::Queue\n    Properties: {DelaySeconds: 1}\n")),
                 template("Resources:\n" + queues))
    out = FORMATS["markdown"]([StackReport(cs)], RenderOptions(exit_code=0))
    assert "<summary>60 minor changes</summary>" in out
    assert out.count("| Modify |") == 40 and "and 20 AWS::SQS::Queue more" in out
