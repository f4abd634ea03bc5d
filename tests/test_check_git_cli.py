"""`promotelint check` end to end against real temporary git repositories (subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from promotelint.cli.commands import app

from tests.gitrepo import Repo, service

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "repo")
    r.write("orders/serverless.yml", service("orders"))
    r.write("billing/serverless.yml", service("billing"))
    r.commit("first")
    return r


def cli(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    environment.update({"PYTHONPATH": str(ROOT), **(env or {})})
    return subprocess.run([sys.executable, "-m", "promotelint", "check", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True)


def in_process(monkeypatch, cwd: Path, *args: str):
    """`promotelint check ARGS` in this process (typer's runner): a run without a process start."""
    monkeypatch.chdir(cwd)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return CliRunner().invoke(app, ["check", *args])


def test_dangerous_change_blocks_safe_one_passes(repo):
    repo.write("orders/serverless.yml", service("orders", extra_function=True))
    safe = cli(repo.path, "--base-ref", "HEAD")
    assert safe.returncode == 0, safe.stderr
    assert "Stack orders-dev" in safe.stdout and "billing" not in safe.stdout
    repo.write("orders/serverless.yml", service("orders", table="renamed"))
    blocked = cli(repo.path, "--base-ref", "HEAD")
    assert blocked.returncode == 1
    assert "orders/serverless.yml:" in blocked.stdout and "[stateful-resource-replaced]" in blocked.stdout


def test_deleted_service_blocks(repo):
    repo.remove("billing")
    repo.commit("drop billing")
    result = cli(repo.path, "--base-ref", "HEAD~1", "--head-ref", "HEAD", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    jsonschema.validate(report, json.loads((ROOT / "promotelint" / "schema" / "report.schema.json").read_text()))
    [stack] = report["stacks"]
    assert stack["name"] == "billing-dev"
    assert {f["rule"] for f in stack["findings"]} >= {"stateful-resource-removed"}
    assert report["summary"]["exit_code"] == 1


def test_shallow_clone_is_exit_2_with_the_fix(repo, tmp_path):
    repo.write("orders/serverless.yml", service("orders", extra_function=True))
    repo.commit("second")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    result = cli(clone, "--base-ref", "HEAD~1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "shallow" in result.stderr and "fetch-depth: 0" in result.stderr


def test_merge_base_form_compares_with_the_fork_point(repo):
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("orders/serverless.yml", service("orders", table="feature"))
    repo.commit("feature work")
    repo.git("checkout", "-q", "main")
    repo.write("billing/serverless.yml", service("billing", table="main-moved-on"))
    repo.commit("main moves on")
    repo.git("checkout", "-q", "feature")
    result = cli(repo.path, "--base-ref", "main...HEAD", "--format", "json")
    names = [s["name"] for s in json.loads(result.stdout)["stacks"]]
    assert names == ["orders-dev"]  # main's own later change to billing is not ours


def test_output_file_with_text_summary_and_auto_github(repo, tmp_path):
    repo.write("orders/serverless.yml", service("orders", table="renamed"))
    sarif = tmp_path / "out.sarif"
    result = cli(repo.path, "--base-ref", "HEAD", "--format", "sarif", "--output", str(sarif))
    assert result.returncode == 1
    assert json.loads(sarif.read_text())["runs"][0]["results"][0]["ruleId"] == "stateful-resource-replaced"
    assert "Stack orders-dev" in result.stdout and "$schema" not in result.stdout
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    gha = cli(repo.path, "--base-ref", "HEAD", "--summary", str(summary), env={"GITHUB_ACTIONS": "true"})
    assert "::error file=orders/serverless.yml,line=" in gha.stdout
    assert summary.read_text().startswith("earlier step\n## :x: promotelint: promotion blocked")


def test_base_template_is_the_deployed_stack(repo, tmp_path):
    deployed = tmp_path / "deployed.json"
    template = {"Resources": {"Legacy": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "legacy"}}}}
    deployed.write_text(json.dumps({"TemplateBody": template, "StagesAvailable": ["Original", "Processed"]}))
    result = cli(repo.path, "--base-template", str(deployed), "orders", "--format", "json")
    assert result.returncode == 1, result.stderr
    [stack] = json.loads(result.stdout)["stacks"]
    actions = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"]["Action"] for c in stack["changes"]}
    assert actions["Legacy"] == "Remove" and actions["Table"] == "Add"
    both = cli(repo.path, "--base-template", str(deployed), "--base-ref", "HEAD")
    assert both.returncode == 2 and "pass one of them" in both.stderr


def test_bad_fragment_in_one_service_is_exit_2_others_still_reported(repo):
    repo.write("orders/serverless.yml", service("orders", fragment="nope.yml"))
    repo.write("billing/serverless.yml", service("billing", extra_function=True))
    result = cli(repo.path, "--base-ref", "HEAD", "--jobs", "2")
    assert result.returncode == 2
    assert "nope.yml" in result.stderr and "Stack billing-dev" in result.stdout
    # the verdict never reads as a pass while a service went unread
    assert "Not checked: some services could not be read" in result.stdout and "No blocking" not in result.stdout


def test_base_template_yaml_body_as_text_and_head_ref(repo, tmp_path):
    """A YAML template comes back from get-template as text inside TemplateBody; the head may be a commit."""
    body = "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: t1\n"
    deployed = tmp_path / "deployed.json"
    deployed.write_text(json.dumps({"TemplateBody": body}))
    repo.write("orders/serverless.yml", service("orders", table="changed"))  # not committed: ignored
    result = cli(repo.path, "--base-template", str(deployed), "--head-ref", "HEAD", "orders", "-f", "json")
    [stack] = json.loads(result.stdout)["stacks"]
    table = next(c["ResourceChange"] for c in stack["changes"] if c["ResourceChange"]["LogicalResourceId"] == "Table")
    assert table["Action"] == "Modify" and '"TableName":"t1"' in table["AfterContext"]
    assert stack["head"]["source"] == "HEAD:orders/serverless.yml"


def test_a_removed_resource_points_at_the_base_revisions_line(repo):
    text = service("orders")
    repo.write("orders/serverless.yml", text.split("    Table:")[0])  # the table's lines dropped
    result = cli(repo.path, "--base-ref", "HEAD", "orders", "--format", "json")
    assert result.returncode == 1, result.stderr
    [stack] = json.loads(result.stdout)["stacks"]
    [finding] = [f for f in stack["findings"] if f["rule"] == "stateful-resource-removed"]
    table_line = text.splitlines().index("    Table:") + 1
    assert finding["location"] == {"file": "orders/serverless.yml", "line": table_line, "revision": "HEAD"}
    text_report = cli(repo.path, "--base-ref", "HEAD", "orders", "--format", "text").stdout
    assert f"HEAD:orders/serverless.yml:{table_line}: error: database removed: Table" in text_report
    # GitHub annotations name the file but not a line of the working tree's copy, which is another text.
    github = cli(repo.path, "--base-ref", "HEAD", "orders", "--format", "github").stdout
    [annotation] = [line for line in github.splitlines() if line.startswith("::error") and "removed" in line]
    assert "file=orders/serverless.yml," in annotation and "line=" not in annotation


def test_a_moved_service_named_by_path_is_paired_with_its_base(repo, monkeypatch):
    """Issue 12: after `git mv orders services/orders` and a change in the same commit, naming the
    head path (directory or file), the old path, or running inside the new directory all compare
    with the base's `orders/serverless.yml`; the removed table's annotation points at a file that
    exists at head."""
    (repo.path / "services").mkdir()
    repo.git("mv", "orders", "services/orders")
    repo.write("services/orders/serverless.yml", service("orders").split("    Table:")[0])  # table dropped
    repo.commit("move the service and drop its table")
    runs = [(repo.path, "services/orders"), (repo.path, "services/orders/serverless.yml"), (repo.path, "orders"),
            (repo.path / "services" / "orders", None)]
    for cwd, path in runs:  # in this process: four runs of the command line cost no four starts
        result = in_process(monkeypatch, cwd, "--base-ref", "HEAD~1", "--head-ref", "HEAD",
                            *([path] if path else []), "-f", "github")
        assert result.exit_code == 1, (path, result.output)
        head_file = "serverless.yml" if path is None else "services/orders/serverless.yml"
        assert f"::error file={head_file},title=promotelint stateful-resource-removed" in result.output, path
        assert "Stack orders-dev  (HEAD~1:orders/serverless.yml -> HEAD:services/orders/serverless.yml)" \
            in result.output, path


def test_framework_exports_are_notices_unless_a_service_in_the_repository_imports_them(repo, monkeypatch):
    """Issue 12: removing a function removes the `sls-...QualifiedArn` export the framework made for
    it: a notice, unless a service of the repository imports it (then an error naming it)."""
    repo.write("orders/serverless.yml", service("orders", extra_function=True))
    repo.commit("a second function")
    repo.write("orders/serverless.yml", service("orders"))  # the function `other` goes
    export = "sls-orders-dev-OtherLambdaFunctionQualifiedArn"
    unused = in_process(monkeypatch, repo.path, "--base-ref", "HEAD", "orders", "-f", "json")
    assert unused.exit_code == 0, unused.output
    [finding] = [f for f in json.loads(unused.output)["stacks"][0]["findings"] if f["rule"] == "export-removed"]
    assert finding["severity"] == "notice" and export in finding["message"]
    billing = service("billing").replace("handler: handler.hello\n",
                                         f"handler: handler.hello\n    environment:\n      REPORT: !ImportValue {export}\n")
    repo.write("billing/serverless.yml", billing)
    used = in_process(monkeypatch, repo.path, "--base-ref", "HEAD", "orders", "-f", "json")
    assert used.exit_code == 1, used.output
    [finding] = [f for f in json.loads(used.output)["stacks"][0]["findings"] if f["rule"] == "export-removed"]
    assert finding["severity"] == "error"
    assert "billing-dev (billing/serverless.yml) by Fn::ImportValue" in finding["message"]


def test_two_path_check_reads_the_importers_of_the_repository_holding_head(repo, tmp_path, monkeypatch):
    export = "sls-orders-dev-OtherLambdaFunctionQualifiedArn"
    deployed = tmp_path / "deployed"  # outside the repository: the base alone
    deployed.mkdir()
    (deployed / "serverless.yml").write_text(service("orders", extra_function=True))
    billing = service("billing").replace("handler: handler.hello\n",
                                         f"handler: handler.hello\n    environment:\n      R: !ImportValue {export}\n")
    repo.write("billing/serverless.yml", billing)  # not even committed: the working tree is read
    result = in_process(monkeypatch, repo.path, str(deployed), "orders", "-f", "json")
    assert result.exit_code == 1, result.output
    [finding] = [f for f in json.loads(result.output)["stacks"][0]["findings"] if f["rule"] == "export-removed"]
    assert "billing-dev (billing/serverless.yml) by Fn::ImportValue" in finding["message"]
    (tmp_path / "head").mkdir()
    (tmp_path / "head" / "serverless.yml").write_text(service("orders"))
    outside = in_process(monkeypatch, tmp_path, "deployed", "head", "-f", "json")  # no repository: the sides
    assert outside.exit_code == 0, outside.output
    [finding] = [f for f in json.loads(outside.output)["stacks"][0]["findings"] if f["rule"] == "export-removed"]
    assert finding["severity"] == "notice"


def test_an_invalid_base_revision_is_refused_and_named(repo):
    broken = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n" \
             "    Properties:\n      QueueName: !Ref Nope\n"
    repo.write("infra/queue.yml", broken)
    repo.commit("a broken template")
    repo.write("infra/queue.yml", broken.replace("!Ref Nope", "jobs"))
    result = cli(repo.path, "--base-ref", "HEAD")
    assert result.returncode == 2, result.stdout
    assert "HEAD:infra/queue.yml:6: invalid base template: Ref to 'Nope'" in result.stderr


def test_rules_judged_in_the_workers_report_what_one_process_reports(repo, monkeypatch):
    """With several workers, each judges its stacks' own subjects and the outputs are judged after,
    with the repository's imports: the report is the one a single process makes."""
    repo.write("orders/serverless.yml", service("orders", extra_function=True))
    repo.commit("a second function")
    export = "sls-orders-dev-OtherLambdaFunctionQualifiedArn"
    repo.write("orders/serverless.yml", service("orders", table="renamed"))  # a replacement, an export goes
    repo.write("billing/serverless.yml", service("billing").replace(
        "handler: handler.hello\n", f"handler: handler.hello\n    environment:\n      R: !ImportValue {export}\n"))
    one, two = (in_process(monkeypatch, repo.path, "--base-ref", "HEAD", "-f", "json", "--jobs", jobs)
                for jobs in ("1", "2"))
    assert one.exit_code == two.exit_code == 1, one.output
    assert one.output == two.output
    rules = {f["rule"] for s in json.loads(two.output)["stacks"] for f in s["findings"]}
    assert {"stateful-resource-replaced", "export-removed"} <= rules
