"""docs/workflows.md: its YAML is valid, its hook exists, and its commands run against a real repository."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.gitrepo import Repo, service

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "workflows.md").read_text()
SARIF_SCHEMA = ROOT / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, re.S)


def yaml_blocks() -> list:
    return [YAML(typ="safe").load(b) for b in blocks("yaml")]


def github_job() -> dict:
    return next(d for d in yaml_blocks() if isinstance(d, dict) and "jobs" in d)["jobs"]["promotelint"]


def gitlab_job() -> dict:
    return next(d for d in yaml_blocks() if isinstance(d, dict) and "promotelint" in d)["promotelint"]


def test_pre_commit_snippet_names_the_hook_this_repository_defines():
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    config = next(d for d in yaml_blocks() if isinstance(d, dict) and "repos" in d)
    [entry] = config["repos"][0]["hooks"]
    assert entry["id"] in {h["id"] for h in hooks} == {"promotelint"}
    [hook] = hooks
    assert hook["entry"] == "promotelint check --base-ref HEAD --staged"
    assert hook["pass_filenames"] is False and hook["language"] == "python"


def test_github_job_fetches_history_uploads_sarif_and_writes_the_summary():
    steps = github_job()["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    command = next(s["run"] for s in steps if "promotelint check" in s.get("run", ""))
    args = shlex.split(command)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert args[args.index("--output") + 1] == upload["with"]["sarif_file"]
    assert args[args.index("--format") + 1] == "sarif"
    assert args[args.index("--summary") + 1] == "$GITHUB_STEP_SUMMARY"
    assert upload["if"] == "always()"
    assert github_job()["permissions"]["security-events"] == "write"


def test_gitlab_job_keeps_full_history_and_reports_junit():
    job = gitlab_job()
    assert job["variables"]["GIT_DEPTH"] == "0"
    command = next(line for line in job["script"] if line.startswith("promotelint check"))
    args = shlex.split(command)
    assert job["artifacts"]["reports"]["junit"] == args[args.index("--output") + 1]


# --- the commands themselves, in a repository shaped like the docs' examples ---------------


@pytest.fixture
def project(tmp_path):
    """main with services/orders; a feature branch that renames the table (a blocking change);
    origin/<branch> refs as a CI clone has them."""
    repo = Repo(tmp_path / "project")
    repo.write("services/orders/serverless.yml", service("orders"))
    repo.write("services/billing/serverless.yml", service("billing"))
    main = repo.commit("main")
    repo.git("update-ref", "refs/remotes/origin/main", main)
    repo.git("update-ref", "refs/remotes/origin/prod", main)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("services/orders/serverless.yml", service("orders", table="orders-v2"))
    repo.commit("feature")
    return repo


def run_doc_command(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    for name, value in env.items():
        command = command.replace(f"${{{{ {name} }}}}", value).replace(f"${name}", value)
    args = shlex.split(command)
    assert args[0] == "promotelint"
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **{k: v for k, v in env.items() if k.isupper()}}
    environment.pop("GITHUB_ACTIONS", None)
    environment.update({k: v for k, v in env.items() if k == "GITHUB_ACTIONS"})
    return subprocess.run([sys.executable, "-m", "promotelint", *args[1:]], cwd=cwd, env=environment,
                          capture_output=True, text=True)


def test_local_commands_run(project):
    commands = [line for line in blocks("sh")[0].splitlines() if line.startswith("promotelint check")]
    assert len(commands) == 3
    deployed = {"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t1"}}}}
    (project.path / "deployed.json").write_text(json.dumps({"TemplateBody": deployed}))
    codes = [run_doc_command(c, project.path, {}) for c in commands]
    for result in codes:
        assert result.returncode in (0, 1), result.stderr
    assert codes[0].returncode == 1 and "orders-prod" in codes[0].stdout  # the table is renamed
    assert "billing" not in codes[0].stdout


def test_github_command_runs_and_its_sarif_is_valid(project, tmp_path):
    summary = tmp_path / "summary.md"
    command = next(s["run"] for s in github_job()["steps"] if "promotelint check" in s.get("run", ""))
    result = run_doc_command(command, project.path, {"github.base_ref": "main", "GITHUB_STEP_SUMMARY": str(summary),
                                                     "GITHUB_ACTIONS": "true"})
    assert result.returncode == 1, result.stderr
    assert "::error file=services/orders/serverless.yml,line=" in result.stdout
    log = json.loads((project.path / "promotelint.sarif").read_text())
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(log)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "services/orders/serverless.yml"
    assert summary.read_text().startswith("## :x: promotelint: promotion blocked")


def test_gitlab_command_runs_and_writes_junit(project):
    command = next(line for line in gitlab_job()["script"] if line.startswith("promotelint check"))
    result = run_doc_command(command, project.path, {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "prod"})
    assert result.returncode == 1, result.stderr
    junit = (project.path / "promotelint.xml").read_text()
    assert 'failures="1"' in junit and "orders-prod" in junit


def test_gitlab_script_in_a_single_branch_clone(project, tmp_path):
    """GitLab clones only the merge request's branch: the script's `git fetch` must bring the target
    branch in as origin/<target> before promotelint compares with it."""
    project.git("branch", "prod", "main")
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(project.path), str(origin)], check=True)
    clone = tmp_path / "mr"
    subprocess.run(["git", "clone", "-q", "--single-branch", "-b", "feature", f"file://{origin}", str(clone)],
                   check=True)
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "prod"}
    script = [line for line in gitlab_job()["script"] if not line.startswith("pip ")]
    before = run_doc_command(script[1], clone, env)
    assert before.returncode == 2 and "unknown revision" in before.stderr  # origin/prod is not there yet
    fetch = shlex.split(script[0].replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "prod"))
    subprocess.run(fetch, cwd=clone, check=True, capture_output=True)
    after = run_doc_command(script[1], clone, env)
    assert after.returncode == 1, after.stderr
