"""`promotelint changeset` end to end: inputs, formats, and bad input as one line with exit 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

EC2 = str(FIXTURES / "changesets" / "ec2-instance.json")
ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "promotelint", *args], capture_output=True, text=True,
                          cwd=cwd, env=env)


def test_json_report_has_cloudformation_change_objects():
    proc = run("changeset", EC2, EC2, "--parameter", "KeyPairName=a", "--head-parameter", "KeyPairName=b",
               "--format", "json", "--stack-name", "sample")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    (stack,) = report["stacks"]
    assert stack["name"] == "sample" and stack["findings"] == [] and stack["base"]["source"] == EC2
    (change,) = stack["changes"]
    assert change["Type"] == "Resource"
    rc = change["ResourceChange"]
    assert rc["Action"] == "Modify" and rc["Replacement"] == "True"
    assert rc["PolicyAction"] == "ReplaceAndDelete"
    assert {d["ChangeSource"] for d in rc["Details"]} == {"DirectModification", "ParameterReference"}
    assert json.loads(rc["AfterContext"])["Properties"]["KeyName"] == "b"


def test_text_report_puts_major_first_and_folds_minor(tmp_path):
    base = {"Resources": {
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "notes"}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"Description": "a"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}}}}
    head = {"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"Description": "b"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 14}}}}
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "head.json").write_text(json.dumps(head))
    proc = run("changeset", "base.json", "head.json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any("- Remove" in line and "Table" in line and "AWS::DynamoDB::Table" in line for line in lines)
    assert " Role  AWS::IAM::Role" not in proc.stdout and "2 minor changes (LogGroup, Role)" in proc.stdout
    assert "\033[" not in proc.stdout  # no colour when not on a terminal
    shown = run("changeset", "base.json", "head.json", "--show-all", cwd=tmp_path).stdout
    assert shown.index("Table") < shown.index("Role")


def test_serverless_build_directory_is_a_template_input(tmp_path):
    build = tmp_path / "svc" / ".serverless"
    build.mkdir(parents=True)
    (build / "cloudformation-template-update-stack.json").write_text(
        json.dumps({"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}))
    head = tmp_path / "head.yml"
    head.write_text("Resources: {}\n")
    proc = run("changeset", str(build), str(head), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    (change,) = json.loads(proc.stdout)["stacks"][0]["changes"]
    assert change["ResourceChange"]["Action"] == "Remove"
    assert run("changeset", str(tmp_path / "svc"), str(head)).returncode == 0


def test_get_template_output_is_unwrapped(tmp_path):
    body = {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}
    (tmp_path / "deployed.json").write_text(json.dumps({"TemplateBody": body, "StagesAvailable": ["Original"]}))
    (tmp_path / "head.json").write_text(json.dumps(body))
    proc = run("changeset", "deployed.json", "head.json", cwd=tmp_path)
    assert proc.returncode == 0 and "No changes." in proc.stdout


@pytest.mark.parametrize("name,content,expect", [
    ("bad.json", '{"Resources": {\n  "A": }', "bad.json:2: invalid JSON"),
    ("bad.yml", "Resources:\n  A: [1\n", "bad.yml:3: invalid YAML"),
    ("notemplate.yml", "hello: world\n", "notemplate.yml:1: not a CloudFormation template"),
    ("tag.yml", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Nope x\n",
     "tag.yml:5: unknown tag !Nope"),
    ("dangling.yml", "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Nope\n",
     "dangling.yml:5: invalid template: Ref to 'Nope'"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, name, content, expect):
    (tmp_path / name).write_text(content)
    (tmp_path / "ok.json").write_text('{"Resources": {}}')
    proc = run("changeset", "ok.json", name, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert expect in err, err


def test_unreadable_and_missing_files(tmp_path):
    proc = run("changeset", "missing.json", "missing.json", cwd=tmp_path)
    assert proc.returncode == 2 and "missing.json: no such file" in proc.stderr
    locked = tmp_path / "locked.json"
    locked.write_text("{}")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything
        pytest.skip("running as root: permissions are not enforced")
    proc = run("changeset", str(locked), str(locked))
    assert proc.returncode == 2 and "cannot read" in proc.stderr


def test_bad_parameter_syntax_is_a_usage_error():
    proc = run("changeset", EC2, EC2, "--parameter", "novalue")
    assert proc.returncode == 2 and "KEY=VALUE" in proc.stderr


def test_debug_shows_the_traceback(tmp_path):
    proc = run("--debug", "changeset", "missing.json", "missing.json", cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_undecodable_file_and_directory_without_template(tmp_path):
    (tmp_path / "binary.json").write_bytes(b'{"Resources": {}}\xff\xfe')
    (tmp_path / "ok.json").write_text('{"Resources": {}}')
    (tmp_path / "empty-dir").mkdir()
    proc = run("changeset", "ok.json", "binary.json", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "promotelint: error: binary.json: not a text file (not UTF-8) (pass a JSON or YAML template)")
    proc = run("changeset", "ok.json", "empty-dir", cwd=tmp_path)
    assert proc.returncode == 2 and "empty-dir: no serverless.yml, template or .serverless build here" in proc.stderr


def test_changeset_makes_no_verdict_in_any_format(tmp_path):
    """`changeset` predicts; it does not judge: no "safe to promote", no passing JUnit test, no SARIF
    result, no annotation, in any format (a CI system would read each as "checked, safe")."""
    import xml.etree.ElementTree as ET

    from typer.testing import CliRunner

    from promotelint.cli.commands import app
    from promotelint.report import FORMATS

    base = {"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "notes"}}}}
    (tmp_path / "base.json").write_text(json.dumps(base))
    (tmp_path / "head.json").write_text(json.dumps({"Resources": {}}))
    verdicts = ("safe", "blocked", "no findings", "checked", "::error", "::warning", "::notice")
    out = {}
    for fmt in FORMATS:  # in this process: six runs of the command line cost no six starts
        result = CliRunner().invoke(app, ["changeset", str(tmp_path / "base.json"), str(tmp_path / "head.json"),
                                          "--format", fmt])
        assert result.exit_code == 0, (fmt, result.output)
        assert not [v for v in verdicts if v in result.output.lower()], (fmt, result.output)
        out[fmt] = result.output
    for fmt in ("text", "markdown", "github"):
        assert "Remove" in out[fmt] and "Table" in out[fmt], fmt
    assert out["markdown"].splitlines()[0] == "## promotelint: predicted change sets"
    report = json.loads(out["json"])
    assert "summary" not in report and report["stacks"][0]["changes"][0]["ResourceChange"]["Action"] == "Remove"
    assert json.loads(out["sarif"])["runs"][0]["results"] == []
    junit = ET.fromstring(out["junit"])
    assert junit.get("tests") == "0" and junit.findall(".//testcase") == []


def test_a_template_without_a_stack_name_is_called_by_its_file(tmp_path):
    """Several template pairs in one run must not all read "stack"; --stack-name still wins, and
    AWS::StackName evaluates alike on both sides (no change from the names of the files)."""
    for name in ("api", "jobs"):
        for side in ("base", "head"):
            (tmp_path / side).mkdir(exist_ok=True)
            (tmp_path / side / f"{name}.json").write_text(json.dumps({"Resources": {"T": {
                "Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${AWS::StackName}-t"}}}}}))
    proc = run("check", "base/api.json", "head/api.json", "--format", "json", cwd=tmp_path)
    (stack,) = json.loads(proc.stdout)["stacks"]
    assert (proc.returncode, stack["name"], stack["changes"]) == (0, os.path.join("head", "api.json"), []), proc.stderr
    text = run("changeset", "base/jobs.json", "head/jobs.json", cwd=tmp_path).stdout
    assert text.startswith(f"Stack {os.path.join('head', 'jobs.json')}  (")
    named = run("changeset", "base/jobs.json", "head/jobs.json", "--stack-name", "jobs-prod", cwd=tmp_path).stdout
    assert named.startswith("Stack jobs-prod  (")
