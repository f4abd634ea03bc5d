"""`promotelint check`, `rules` and `explain` through the real command line (promotelint.cli.main)."""

import json
from pathlib import Path

import jsonschema
import pytest

from tests.helpers import run_main

ROOT = Path(__file__).resolve().parent.parent
REPORT_SCHEMA = json.loads((ROOT / "promotelint" / "schema" / "report.schema.json").read_text())

TABLE = """\
Resources:
  NotesTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: notes-api-prod-notes
  Logs:
    Type: AWS::Logs::LogGroup
"""
NO_TABLE = """\
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
"""


def run(*args, cwd):
    # in this process, as the console script runs (a subprocess per run made this file the slowest);
    # without GITHUB_ACTIONS, --format auto means text here
    return run_main(list(args), cwd, {"GITHUB_ACTIONS": None, "NO_COLOR": "1", "FORCE_COLOR": None})


@pytest.fixture
def repo(tmp_path):
    """A repository with base and head templates in a service directory; head removes the table."""
    (tmp_path / ".git").mkdir()
    service = tmp_path / "service"
    service.mkdir()
    (service / "base.yml").write_text(TABLE)
    (service / "head.yml").write_text(NO_TABLE)
    return tmp_path


def check(repo, *extra):
    code, out, err = run("check", "service/base.yml", "service/head.yml", "--format", "json", *extra, cwd=repo)
    report = json.loads(out) if out.strip() else None
    if report is not None:
        jsonschema.validate(report, REPORT_SCHEMA)
    return code, report, err


def findings(report):
    return [(f["rule"], f["severity"], f.get("suppressed", False)) for f in report["stacks"][0]["findings"]]


def test_blocking_finding_exits_1_with_a_valid_json_report(repo):
    code, report, _ = check(repo)
    assert code == 1
    assert findings(report) == [("stateful-resource-removed", "error", False)]
    assert report["summary"] == {"errors": 1, "warnings": 0, "notices": 0, "suppressed": 0, "exit_code": 1}
    finding = report["stacks"][0]["findings"][0]
    assert finding["message"] == ("database removed: NotesTable (AWS::DynamoDB::Table notes-api-prod-notes) "
                                  "will be deleted with all its items")
    assert finding["location"] == {"file": "service/base.yml", "line": 2}


def test_text_report_names_the_loss_and_exit_0_when_nothing_is_dangerous(repo):
    code, out, _ = run("check", "service/base.yml", "service/head.yml", cwd=repo)
    assert code == 1 and "error: database removed: NotesTable" in out and "[stateful-resource-removed]" in out
    (repo / "service" / "head.yml").write_text(TABLE)
    code, report, _ = check(repo)
    assert code == 0 and report["summary"]["errors"] == 0 and report["stacks"][0]["findings"] == []


def test_config_allow_suppresses_and_keeps_the_finding_marked(repo):
    (repo / "service" / ".promotelint.yml").write_text(
        "allow:\n  - rule: stateful-resource-removed\n    resource: Notes*\n    reason: moved to the v2 service\n")
    code, report, _ = check(repo)
    assert code == 0
    (finding,) = report["stacks"][0]["findings"]
    assert finding["suppressed"] is True and finding["suppressionReason"] == "moved to the v2 service"
    assert report["summary"]["suppressed"] == 1 and report["summary"]["errors"] == 0


def test_config_is_found_up_to_the_repository_root_but_not_beyond(repo):
    allow = "allow:\n  - {rule: stateful-resource-removed, resource: NotesTable, reason: ok}\n"
    (repo / ".promotelint.yml").write_text(allow)
    assert check(repo)[0] == 0
    (repo / ".promotelint.yml").unlink()
    (repo / ".git").rmdir()
    nested = repo / "inner"
    (nested / ".git").mkdir(parents=True)
    (nested / "service").mkdir()
    (nested / "service" / "base.yml").write_text(TABLE)
    (nested / "service" / "head.yml").write_text(NO_TABLE)
    (repo / ".promotelint.yml").write_text(allow)  # above inner's repository root: ignored
    assert check(nested)[0] == 1


def test_template_metadata_allows_a_finding(repo):
    (repo / "service" / "base.yml").write_text(TABLE.replace(
        "    Properties:\n      TableName", "    Metadata:\n      promotelint:\n        allow:\n"
        "          - {rule: stateful-resource-removed, reason: scratch table}\n    Properties:\n      TableName", 1))
    code, report, _ = check(repo)
    assert code == 0
    assert report["stacks"][0]["findings"][0]["suppressionReason"] == "scratch table"


def test_unused_allow_entry_is_a_notice(repo):
    (repo / "service" / "head.yml").write_text(TABLE)
    (repo / ".promotelint.yml").write_text(
        "allow:\n  - {rule: stateful-resource-removed, resource: OldTable, reason: gone}\n")
    code, report, _ = check(repo)
    assert code == 0
    assert findings(report) == [("allow-unused", "notice", False)]
    assert report["stacks"][0]["findings"][0]["location"] == {"file": str(repo / ".promotelint.yml"), "line": 2}


def test_expired_allow_entry_no_longer_suppresses(repo):
    (repo / ".promotelint.yml").write_text(
        "allow:\n  - {rule: stateful-resource-removed, resource: NotesTable, reason: tmp, expires: 2020-01-31}\n")
    code, report, _ = check(repo)
    assert code == 1
    assert sorted(findings(report)) == [("allow-expired", "notice", False),
                                        ("stateful-resource-removed", "error", False)]
    (repo / ".promotelint.yml").write_text(
        "allow:\n  - {rule: stateful-resource-removed, resource: NotesTable, reason: tmp, expires: 2999-12-31}\n")
    assert check(repo)[0] == 0


def test_severity_override_and_fail_on(repo):
    (repo / ".promotelint.yml").write_text("rules:\n  stateful-resource-removed: warning\n")
    code, report, _ = check(repo)
    assert code == 0 and findings(report) == [("stateful-resource-removed", "warning", False)]
    assert check(repo, "--fail-on", "warning")[0] == 1
    (repo / ".promotelint.yml").write_text("fail-on: warning\nrules:\n  stateful-resource-removed: warning\n")
    assert check(repo)[0] == 1
    assert check(repo, "--fail-on", "never")[0] == 0  # the command line wins over the config
    (repo / ".promotelint.yml").write_text("rules:\n  stateful-resource-removed: 'off'\n")
    code, report, _ = check(repo)
    assert code == 0 and findings(report) == []


def test_fail_on_never_and_bad_fail_on(repo):
    assert check(repo, "--fail-on", "never")[0] == 0
    code, _, err = check(repo, "--fail-on", "sometimes")
    assert code == 2 and "unknown --fail-on 'sometimes'" in err


@pytest.mark.parametrize("config,expected", [
    ("fail_on: error\n", ".promotelint.yml:1: unknown key fail_on (allowed here: allow, fail-on"),
    ("allow:\n  - rule: stateful-resource-removed\n    reasn: typo\n",
     ".promotelint.yml:3: unknown key allow[0].reasn"),
    ("allow:\n  - rule: stateful-resource-removed\n    resource: X\n",
     ".promotelint.yml:2: missing required key allow[0].reason"),
    ("rules:\n  stateful-resource-removed: fatal\n",
     ".promotelint.yml:2: invalid value at rules.stateful-resource-removed"),
    ("fail-on: [error]\n", ".promotelint.yml:1: invalid value at fail-on"),
    ("rules:\n  stateful-resource-remove: warning\n",
     ".promotelint.yml:2: unknown rule 'stateful-resource-remove' in rules (did you mean stateful-resource-removed?)"),
    ("allow:\n  - {rule: no-such-rule, reason: x}\n", ".promotelint.yml:2: allow entry names unknown rule"),
])
def test_config_errors_exit_2_with_file_key_and_line(repo, config, expected):
    (repo / ".promotelint.yml").write_text(config)
    code, report, err = check(repo)
    assert code == 2 and report is None
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_pyproject_table_and_explicit_config_file(repo):
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.promotelint]\nfail-on = "never"\n')
    assert check(repo)[0] == 0
    (repo / "pyproject.toml").write_text('[tool.promotelint]\nfail-on = "never"\nfailon = 1\n')
    code, _, err = check(repo)
    assert code == 2 and "pyproject.toml:3: unknown key failon" in err
    (repo / "strict.yml").write_text("fail-on: error\n")
    (repo / "pyproject.toml").write_text('[tool.promotelint]\nfail-on = "never"\n')
    assert check(repo, "--config", repo / "strict.yml")[0] == 1


def test_extra_stateful_types_and_user_rule_files(repo):
    (repo / "service" / "base.yml").write_text(NO_TABLE + "  Db:\n    Type: Custom::Database\n"
                                              "    Properties: {ServiceToken: arn:x}\n")
    (repo / "rules").mkdir()
    (repo / "rules" / "no-log-group-add.yml").write_text(
        "id: no-log-group-add\nseverity: notice\nsummary: log group added\ndescription: team rule\n"
        "match: {on: resource, action: Add, type: 'AWS::Logs::*'}\nmessage: '{logical-id} added'\n")
    (repo / ".promotelint.yml").write_text("stateful:\n  data: [Custom::Database]\nrule-files: [rules/*.yml]\n")
    (repo / "service" / "head.yml").write_text("Resources:\n  Logs2:\n    Type: AWS::Logs::LogGroup\n")
    code, report, _ = check(repo)
    assert code == 1
    got = findings(report)
    assert ("stateful-resource-removed", "error", False) in got  # Db, now data tier
    assert ("no-log-group-add", "notice", False) in got


def test_invalid_user_rule_file_exits_2_with_file_key_and_line(repo):
    (repo / "r.yml").write_text("id: my-rule\nseverity: error\nsummary: s\ndescription: d\n"
                                "match:\n  on: resource\n  acton: Remove\nmessage: m\n")
    (repo / ".promotelint.yml").write_text("rule-files: [r.yml]\n")
    code, _, err = check(repo)
    assert code == 2 and "r.yml:7: unknown key match.acton" in err
    (repo / "r.yml").write_text("id: my-rule\nseverity: error\nsummary: s\ndescription: d\n"
                                "match: {on: resource, facts: {colour: red}}\nmessage: m\n")
    code, _, err = check(repo)
    assert code == 2 and "r.yml:5: unknown fact 'colour'" in err


def test_rules_markdown_is_docs_rules_md():
    code, out, _ = run("rules", "--format", "markdown", cwd=ROOT)
    assert code == 0
    assert out == (ROOT / "docs" / "rules.md").read_text(), \
        "docs/rules.md is stale: run `python -m promotelint rules --format markdown > docs/rules.md`"


def test_rules_table_shows_configured_severities_and_explain(repo):
    (repo / ".promotelint.yml").write_text("rules:\n  stack-renamed: warning\n")
    code, out, _ = run("rules", cwd=repo)
    assert code == 0 and "stack-renamed               warning   stack renamed" in out
    code, out, _ = run("explain", "stack-renamed", cwd=repo)
    assert code == 0 and "severity: warning (configured; the rule's own is error)" in out
    assert "**Safe way**" in out
    code, _, err = run("explain", "stack-rename", cwd=repo)
    assert code == 2 and "did you mean stack-renamed?" in err
    code, out, _ = run("explain", "allow-unused", cwd=repo)
    assert code == 0 and "suppressed no finding" in out


def test_changeset_json_also_follows_the_report_schema(repo):
    code, out, _ = run("changeset", "service/base.yml", "service/head.yml", "--format", "json", cwd=repo)
    assert code == 0
    report = json.loads(out)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert "summary" not in report and report["stacks"][0]["changes"][0]["ResourceChange"]["Action"] == "Remove"


def test_notes_api_example_promotions():
    code, out, _ = run("check", "examples/notes-api/deployed", "examples/notes-api/safe-change", "--stage", "prod",
                       "--format", "json", cwd=ROOT)
    assert code == 0 and json.loads(out)["stacks"][0]["findings"] == []
    code, out, _ = run("check", "examples/notes-api/deployed", "examples/notes-api/dangerous-change",
                       "--stage", "prod", "--format", "json", cwd=ROOT)
    assert code == 1
    report = json.loads(out)
    jsonschema.validate(report, REPORT_SCHEMA)
    # issue 12: one finding per resource; the removed bucket is no longer also "deleted with all its
    # objects" (CloudFormation cannot delete a bucket that holds objects)
    assert sorted((f["rule"], f["logicalId"], f["severity"]) for f in report["stacks"][0]["findings"]) == [
        ("bucket-removed-not-empty", "AttachmentsBucket", "warning"),
        ("custom-name-replacement", "NotesTable", "error"),
    ]


def test_text_report_ends_with_the_verdict():
    code, out, _ = run("check", "examples/notes-api/deployed", "examples/notes-api/dangerous-change",
                       "--stage", "prod", "--format", "text", cwd=ROOT)
    assert code == 1 and out.rstrip().splitlines()[-1] == (
        "Promotion blocked: 1 error, 1 warning (exit 1). 1 stack checked; blocked: notes-api-prod.")
    code, out, _ = run("check", "examples/notes-api/deployed", "examples/notes-api/safe-change",
                       "--stage", "prod", "--format", "text", cwd=ROOT)
    assert code == 0 and out.rstrip().splitlines()[-1] == "No blocking findings: no findings. 1 stack checked; none blocked."
