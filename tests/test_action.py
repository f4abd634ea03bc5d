"""The GitHub Action (action.yml, composite): its steps call its script with every input, and the
script runs as a runner runs it (bash, the runner's environment variables, `python` on PATH as
actions/setup-python leaves it, the checkout in GITHUB_WORKSPACE), offline: the `python` here
already imports promotelint from this checkout, which is what the script would install."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.gitrepo import ENV, Repo, service

ROOT = Path(__file__).resolve().parents[1]
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())
SCRIPT = ROOT / "action" / "promotelint.sh"
SARIF_SCHEMA = ROOT / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"

if shutil.which("bash") is None:  # pragma: no cover - every GitHub runner has bash
    pytest.skip("bash is not installed (the action's script is a bash step)", allow_module_level=True)


def test_the_action_is_composite_and_passes_every_input_to_its_script():
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert steps[0]["with"]["python-version"] == "${{ inputs.python-version }}"
    [check] = [s for s in steps if s.get("id") == "check"]
    assert check["run"] == 'bash "$GITHUB_ACTION_PATH/action/promotelint.sh"' and check["shell"] == "bash"
    passed = {re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", v)[1]: k for k, v in check["env"].items()}
    assert set(passed) | {"python-version"} == set(ACTION["inputs"])
    script = SCRIPT.read_text()
    assert all(name in script for name in passed.values())  # each one is read
    [upload] = [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert upload["if"].startswith("inputs.upload-sarif == 'true'")
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif }}"
    assert steps[-1]["run"] == 'exit "${{ steps.check.outputs.exit-code }}"'  # after the upload
    assert {o["value"] for o in ACTION["outputs"].values()} == {
        f"${{{{ steps.check.outputs.{name} }}}}" for name in ("exit-code", "report", "json", "sarif")}


@pytest.fixture
def pull_request(tmp_path):
    """A pull request from `feature` into `main` as actions/checkout (fetch-depth 0) leaves it:
    origin/main there, the feature branch checked out; `feature` renames orders' table."""
    repo = Repo(tmp_path / "workspace")
    repo.write("services/orders/serverless.yml", service("orders"))
    repo.write("services/billing/serverless.yml", service("billing"))
    repo.git("update-ref", "refs/remotes/origin/main", repo.commit("main"))
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("services/orders/serverless.yml", service("orders", table="orders-v2"))
    repo.commit("feature")
    return repo


def run_action(workspace: Path, tmp: Path, event: str = "pull_request",
               **inputs: str) -> tuple[subprocess.CompletedProcess, dict, str]:
    """The script with the environment a runner gives a composite step for `event`: (the process,
    what it wrote to GITHUB_OUTPUT, the job summary)."""
    runner = tmp / "runner"
    runner.mkdir(exist_ok=True)
    output, summary = runner / "output", runner / "summary.md"
    output.write_text("")
    summary.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PROMOTELINT_", "PYTHON"))}
    env.update(ENV, HOME=str(runner), GITHUB_ACTIONS="true", CI="true", GITHUB_ACTION_PATH=str(ROOT),
               GITHUB_WORKSPACE=str(workspace), GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary),
               RUNNER_TEMP=str(runner), GITHUB_EVENT_NAME=event,
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    if event == "pull_request":  # a push has no base branch
        env.update(GITHUB_BASE_REF="main", GITHUB_HEAD_REF="feature")
    env.update({f"PROMOTELINT_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(SCRIPT)], cwd=runner, env=env,
                          capture_output=True, text=True, timeout=300)
    outputs: dict[str, str] = {}
    for line in output.read_text().splitlines():
        key, _, value = line.partition("=")
        outputs[key] = value  # the last value of a key wins, as on a runner
    return proc, outputs, summary.read_text()


def test_a_blocking_pull_request_fails_with_annotations_summary_report_and_sarif(pull_request, tmp_path):
    before = pull_request.git("status", "--porcelain", "--ignored")
    proc, outputs, summary = run_action(pull_request.path, tmp_path, stage="prod", **{"upload_sarif": "true"})
    assert proc.returncode == 0, proc.stderr  # the step succeeds; the action's last step exits 1
    assert outputs["exit-code"] == "1"
    assert "::error file=services/orders/serverless.yml,line=" in proc.stdout
    assert proc.stdout.rstrip().endswith(
        "promotelint: promotion blocked (1 error). 1 stack checked; blocked: orders-prod.")  # the log's last line
    assert summary.startswith("## :x: promotelint: promotion blocked")
    assert "Blocked: orders-prod." in summary and "billing" not in summary  # only what the branch changed
    report = Path(outputs["report"])
    assert report.suffix == ".md" and report.read_text().startswith("## :x: promotelint: promotion blocked")
    assert json.loads(Path(outputs["json"]).read_text())["summary"]["exit_code"] == 1
    sarif = json.loads(Path(outputs["sarif"]).read_text())
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "stateful-resource-replaced"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/orders/serverless.yml"
    if SARIF_SCHEMA.is_file():
        import jsonschema

        jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    for path in (report, Path(outputs["sarif"])):
        assert tmp_path / "runner" in path.parents  # under RUNNER_TEMP
    assert pull_request.git("status", "--porcelain", "--ignored") == before  # nothing written there


def test_inputs_paths_fail_on_format_and_a_push(pull_request, tmp_path):
    pull_request.write("services/billing/serverless.yml", service("billing", extra_function=True))
    pull_request.commit("billing gets a function")
    # a push has no base branch: the commit before (billing's safe change only), in the junit format
    proc, outputs, _ = run_action(pull_request.path, tmp_path, event="push", stage="prod", format="junit")
    assert proc.returncode == 0 and outputs["exit-code"] == "0", proc.stderr
    assert "sarif" not in outputs and Path(outputs["report"]).suffix == ".xml"
    assert re.findall(r'testsuite name="([^"]+)"', Path(outputs["report"]).read_text()) == ["billing-prod"]
    # fail-on never: the renamed table is reported and the job passes; two paths on two lines; the
    # base-ref input (HEAD~2: main, before the feature)
    proc, outputs, _ = run_action(pull_request.path, tmp_path, stage="prod", fail_on="never", base_ref="HEAD~2",
                                  paths="services/orders\nservices/billing", format="text")
    assert outputs["exit-code"] == "0" and "::error file=services/orders/serverless.yml" in proc.stdout
    text = Path(outputs["report"]).read_text()
    assert "~ TableName: t1 → orders-v2 (requires replacement)" in text and "2 stacks checked" in text


def test_bad_inputs_are_one_error_and_exit_2(pull_request, tmp_path):
    proc, outputs, _ = run_action(pull_request.path, tmp_path, format="pdf")
    assert proc.returncode == 0 and outputs == {"exit-code": "2"}
    assert "::error title=promotelint action::format must be text, json, sarif, github, markdown or junit" in proc.stdout
    proc, outputs, _ = run_action(pull_request.path, tmp_path, base_ref="no-such-branch")
    assert outputs == {"exit-code": "2"} and "no-such-branch" in proc.stderr
