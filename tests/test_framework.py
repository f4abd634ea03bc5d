"""The framework compiler's mechanics, with a stand-in for the service's `serverless` (no Node needed):
an executable node_modules/.bin/serverless written here that packages one S3 bucket per lift
construct into the `--package` directory and records how it was run. The service's constructs are
of types promotelint does not render (tests/test_unseen.py's LIFT), so `auto` runs the framework."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from promotelint.io import framework as fw
from promotelint.model.errors import InputError
from tests.gitrepo import Repo
from tests.test_unseen import LIFT

ROOT = Path(__file__).resolve().parents[1]

STUB = '''#!{python}
"""Stand-in for `serverless package`: an S3 bucket per lift construct; records its run."""
import json, os, sys, time
from ruamel.yaml import YAML

args = sys.argv[1:]
config = YAML(typ="safe").load(open("serverless.yml"))
with open({record!r}, "a") as f:
    f.write(json.dumps({{"argv": args, "cwd": os.getcwd(), "env": dict(os.environ), "pid": os.getpid(),
                        "config": open("serverless.yml").read(), "files": sorted(os.listdir("."))}}) + "\\n")
time.sleep(float(os.environ.get("STUB_SLEEP", 0)))
if os.environ.get("STUB_FAIL"):
    print("promotelint-offline: blocked AWS call s3.listBuckets from serverless-needs-aws", file=sys.stderr)
    print("Error:\\nsomething went wrong", file=sys.stderr)
    sys.exit(1)
resources = {{"ServerlessDeploymentBucket": {{"Type": "AWS::S3::Bucket"}}}}
for name, construct in (config.get("constructs") or {{}}).items():
    resources[name.capitalize() + "Bucket"] = {{"Type": "AWS::S3::Bucket", "UpdateReplacePolicy": "Delete",
                                                "DeletionPolicy": "Delete"}}
out = args[args.index("--package") + 1]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "cloudformation-template-update-stack.json"), "w") as f:
    json.dump({{"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}}, f)
with open(os.path.join(out, "serverless-state.json"), "w") as f:
    json.dump({{"service": {{"service": config["service"], "provider": {{"stage": "dev"}},
                           "initialServerlessConfig": config}}}}, f)
'''


def install_stub(where: Path, record: Path, name: str = "serverless", version: str = "3.40.0") -> None:
    package = where / "node_modules" / name
    (package / "bin").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": name, "version": version}))
    script = package / "bin" / "serverless.js"
    script.write_text(STUB.format(python=sys.executable, record=str(record)))
    script.chmod(0o755)
    (where / "node_modules" / ".bin").mkdir()
    (where / "node_modules" / ".bin" / "serverless").symlink_to(f"../{name}/bin/serverless.js")


def runs(record: Path) -> list[dict]:
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def cli(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    environment.update(PYTHONPATH=str(ROOT), NO_COLOR="1", **(env or {}))
    return subprocess.run([sys.executable, "-m", "promotelint", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "repo")
    r.write(".gitignore", "node_modules/\n.serverless/\n")
    r.write("svc/serverless.yml", LIFT)
    r.write("svc/handler.js", "")
    r.commit("first")
    install_stub(r.path, tmp_path / "record.jsonl")
    return r


def test_framework_compile_is_the_frameworks_template_run_offline_outside_the_repo(repo, tmp_path):
    record = tmp_path / "record.jsonl"
    (repo.path / "svc" / "outside").symlink_to("/etc/hostname")  # a link out of the repository: not copied
    result = cli(repo.path, "compile", "svc", "--compiler", "framework", "--stage", "dev", "--param", "k=v",
                 env={"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_PROFILE": "prod", "SERVERLESS_ACCESS_KEY": "x"})
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)["Resources"]) == {"ServerlessDeploymentBucket", "UploadsBucket", "SiteBucket"}
    [run] = runs(record)
    assert run["argv"][:2] == ["package", "--package"] and run["argv"][3:] == ["--stage", "dev", "--param=k=v"]
    env = run["env"]
    assert not any(k.startswith("AWS_") for k in env) and "SERVERLESS_ACCESS_KEY" not in env
    assert (env["CI"], env["SLS_TELEMETRY_DISABLED"], env["SLS_NOTIFICATIONS_MODE"]) == ("1", "1", "off")
    assert env["NODE_OPTIONS"] == f"--require {fw.PRELOAD}" and fw.PRELOAD.is_file()
    assert env["HOME"] != os.environ.get("HOME") and "promotelint-framework-" in env["HOME"]
    cwd = Path(run["cwd"])
    assert cwd.name == "svc" and "promotelint-framework-" in str(cwd) and not cwd.is_relative_to(repo.path)
    assert not cwd.exists()  # the temporary copy is gone
    assert run["files"] == ["handler.js", "serverless.yml"] and run["config"] == LIFT
    assert repo.git("status", "--porcelain") == "?? svc/outside" and not (repo.path / "svc" / ".serverless").exists()


def test_auto_runs_the_framework_for_an_unmodelled_plugin_and_sees_the_bucket_go(repo, tmp_path):
    repo.write("svc/serverless.yml", LIFT.replace("  uploads:\n    type: vpc\n", ""))
    result = cli(repo.path, "check", "--base-ref", "HEAD", "--format", "json")
    # A removed bucket is a warning (issue 12): deleted if empty, else it stays, outside the stack.
    assert result.returncode == 0, result.stderr
    [stack] = json.loads(result.stdout)["stacks"]
    framework = {"compiler": "framework", "engine": "v3", "engineVersion": "3.40.0"}
    assert stack["base"]["compiler"] == stack["head"]["compiler"] == framework
    assert [c["ResourceChange"]["LogicalResourceId"] for c in stack["changes"]] == ["UploadsBucket"]
    rules = {f["rule"] for f in stack["findings"]}
    assert "bucket-removed-not-empty" in rules and "unpredictable-change" not in rules  # seen, not guessed
    assert "unseen" not in stack and stack["unpredicted"] == 0
    head_run, base_run = runs(tmp_path / "record.jsonl")  # the head side is read first
    assert "uploads:" in base_run["config"] and "uploads:" not in head_run["config"]  # base from git objects


def test_auto_compiles_offline_when_every_plugin_is_modelled_or_neutral(repo, tmp_path):
    repo.write("svc/serverless.yml", LIFT.replace("  - serverless-lift", "  - serverless-offline")
               .replace("constructs:", "custom:"))
    result = cli(repo.path, "check", "--base-ref", "HEAD", "--head-ref", "HEAD")
    assert result.returncode == 0, result.stderr
    assert runs(tmp_path / "record.jsonl") == []


def test_no_framework_run_for_a_service_the_change_does_not_touch(repo, tmp_path):
    repo.write("svc/serverless.yml", LIFT + "custom: ${file(./custom.yml)}\n")
    repo.write("svc/custom.yml", "a: 1\n")
    repo.commit("reads a fragment")
    repo.write("docs/notes.md", "unrelated\n")
    record = tmp_path / "record.jsonl"
    assert not record.exists()
    result = cli(repo.path, "check", "--base-ref", "HEAD")
    assert result.returncode == 0 and "Stack" not in result.stdout, result.stderr
    assert runs(record) == []


def test_framework_timeout_stops_it_with_one_line(repo, tmp_path):
    repo.write(".promotelint.yml", "framework: {timeout: 1}\n")
    repo.write("svc/serverless.yml", LIFT.replace("type: vpc", "type: vpc\n    natGateways: 2"))
    result = cli(repo.path, "check", "--base-ref", "HEAD", "--compiler", "framework", env={"STUB_SLEEP": "60"})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "longer than 1 s" in result.stderr
    assert "framework: {timeout" in result.stderr
    [run] = runs(tmp_path / "record.jsonl")
    with pytest.raises(ProcessLookupError):
        os.kill(run["pid"], 0)  # stopped with its process group, not left running


def test_plugin_needing_aws_is_named_and_auto_falls_back_to_unpredictable_change(repo):
    result = cli(repo.path, "compile", "svc", "--compiler", "framework", env={"STUB_FAIL": "1"})
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "serverless-needs-aws needs AWS to package (AWS call s3.listBuckets)" in result.stderr
    repo.write("svc/serverless.yml", LIFT.replace("  uploads:\n    type: vpc\n", ""))
    result = cli(repo.path, "check", "--base-ref", "HEAD", env={"STUB_FAIL": "1"})
    assert result.returncode == 1
    assert "[unpredictable-change]" in result.stdout and "could not compile it" in result.stdout


def test_no_framework_installed(tmp_path):
    from promotelint.app import compile_path

    repo = Repo(tmp_path / "bare")
    repo.write("svc/serverless.yml", LIFT)
    repo.commit()
    result = cli(repo.path, "compile", "svc", "--compiler", "framework")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "no Serverless Framework installed" in result.stderr and "npm ci" in result.stderr
    auto = compile_path(repo.path / "svc")  # auto: offline, its parts unpredicted
    assert str(auto.provenance).startswith("offline compiler") and len(auto.unseen) == 2
    with pytest.raises(InputError, match="unknown compiler 'webpack'"):
        compile_path(repo.path / "svc", compiler="webpack")


def test_the_framework_is_found_upward_but_never_above_the_boundary(tmp_path):
    install_stub(tmp_path, tmp_path / "record.jsonl", name="osls", version="3.61.0")
    service = tmp_path / "repo" / "services" / "svc"
    service.mkdir(parents=True)
    (tmp_path / "repo" / "node_modules").mkdir()  # plugins at the repository root, no framework there
    found = fw.find_framework(str(service), str(tmp_path))
    assert found.binary == str(tmp_path / "node_modules" / ".bin" / "serverless")
    assert (found.engine, found.version) == ("osls", "3.61.0")
    assert found.node_modules == (str(tmp_path / "repo" / "node_modules"), str(tmp_path / "node_modules"))
    assert fw.find_framework(str(service), str(tmp_path / "repo")) is None


def test_node_missing_is_one_line(tmp_path):
    binary = tmp_path / "node_modules" / ".bin" / "serverless"
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/usr/bin/env node\n")
    binary.chmod(0o755)
    framework = fw.Framework(str(binary), (), "v3", "3.40.0")
    with pytest.raises(InputError, match="Node.js is not installed"):
        fw._run([str(binary)], str(tmp_path), {"PATH": str(tmp_path / "empty")}, 5, framework, "serverless.yml")


def test_outside_plugins_stay_unseen_after_the_framework(tmp_path):
    config = {"service": "s", "plugins": ["serverless-domain-manager", "serverless-lift"],
              "custom": {"customDomain": {"domainName": "api.example.com"}}, "constructs": {"a": {"type": "queue"}}}
    state = {"service": {"service": "s", "provider": {"stage": "prod"}, "initialServerlessConfig": config}}
    packaged = fw.Packaged(template={"Resources": {}}, state=state, nested={})
    template = fw.framework_template(packaged, fw.Framework("sls", (), "v3", "3.40.0"), "svc/serverless.yml",
                                     None, frozenset())
    assert [(p.plugin, p.section, p.outside) for p in template.unseen] == [
        ("serverless-domain-manager", "custom.customDomain", True)]
    assert template.stack_name == "s-prod" and str(template.provenance) == "framework compiler (v3 3.40.0)"


def _split(table_in: str) -> fw.Packaged:
    """What split-stacks writes: a parent with two nested stacks, the table in one of them."""
    url = {"Fn::Join": ["/", ["https://s3.us-east-1.amazonaws.com", {"Ref": "ServerlessDeploymentBucket"},
                              "serverless/s/dev/1795945550230-2026-11-29T09:45:50.230Z", "NAME"]]}
    parent = {"Resources": {f"{n}NestedStack": {"Type": "AWS::CloudFormation::Stack", "Properties": {
        "TemplateURL": json.loads(json.dumps(url).replace("NAME", f"cloudformation-template-{n}-nested-stack.json"))}}
        for n in ("Data", "Api")}}
    parent["Resources"]["ServerlessDeploymentBucket"] = {"Type": "AWS::S3::Bucket"}
    table = {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}
    nested = {f"cloudformation-template-{n}-nested-stack.json": {"Resources": {"Table": table} if n == table_in else {
        "Queue": {"Type": "AWS::SQS::Queue"}}} for n in ("Data", "Api")}
    state = {"service": {"service": "s", "provider": {"stage": "dev"}}}
    return fw.Packaged(template=parent, state=state, nested=nested)


def test_nested_stacks_are_predicted_and_a_table_moving_between_them_is_seen():
    from promotelint.app import predict_stacks
    from promotelint.io.packaged import load_builtin_rules
    from promotelint.ruleengine.evaluate import evaluate

    framework = fw.Framework("sls", (), "v3", "3.40.0")
    base, head = (fw.framework_template(_split(where), framework, "svc/serverless.yml", None, frozenset())
                  for where in ("Data", "Api"))
    assert set(base.nested) == {"DataNestedStack", "ApiNestedStack"}
    parent, *nested = predict_stacks(base, head)
    assert parent.changes == ()  # the deployment time in TemplateURL is not a change
    by_name = {cs.name: cs for cs in nested}
    assert set(by_name) == {"s-dev/DataNestedStack", "s-dev/ApiNestedStack"}
    removed = [f for f in evaluate(load_builtin_rules(), by_name["s-dev/DataNestedStack"])
               if f.rule == "stateful-resource-removed"]
    assert [f.logical_id for f in removed] == ["Table"]
