"""The docs hold: every option of every command is documented (docs/cli.md, generated from the
command line, and `--help`); every promotelint command the README and docs/ show runs as written;
the versions they pin (pre-commit `rev`, the Action's `@ref`) are this version; the sharded GitHub
Actions matrix shards, merges and leaves one comment to post. Commands run in process
(tests.helpers.run_cli: what the console script runs)."""

from __future__ import annotations

import fnmatch
import glob
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from promotelint import __version__
from tests.gitrepo import Repo, service
from tests.helpers import run_cli
from tools.cli_reference import reference

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
WORKFLOWS = (ROOT / "docs" / "workflows.md").read_text()
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text())


def _root_command():
    import typer.main

    from promotelint.cli.commands import app

    return typer.main.get_command(app)


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli(*argv, cwd=) -> (exit code, stdout, stderr), outside GitHub Actions."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str, cwd: Path = ROOT):
        monkeypatch.chdir(cwd)
        return run_cli([str(a) for a in argv], capsys, monkeypatch)
    return run


# --- every option of every command ---------------------------------------------------------------


def test_the_cli_reference_is_current_and_the_readme_points_to_it():
    assert (ROOT / "docs" / "cli.md").read_text() == reference(), "run: python -m tools.cli_reference > docs/cli.md"
    readme = (ROOT / "README.md").read_text()
    assert "[docs/cli.md](docs/cli.md)" in readme and "`promotelint COMMAND --help`" in readme


def test_every_option_of_every_command_is_in_the_reference_and_in_its_help(cli):
    text = (ROOT / "docs" / "cli.md").read_text()
    root = _root_command()
    assert {"changeset", "check", "compile", "explain", "report", "rules"} <= set(root.commands)
    for name, command in root.commands.items():
        section = text.split(f"## promotelint {name}\n", 1)[1].split("\n## ", 1)[0]
        code, out, _ = cli(name, "--help")
        assert code == 0
        for param in command.params:
            for flag in param.opts if param.param_type_name == "option" else [param.name.upper()]:
                assert f"`{flag}" in section, (name, flag)
                assert flag.lower() in out.lower(), (name, flag)  # the terminal's --help says the same
    for flag in ("--version", "--debug"):
        assert f"`{flag}`" in text.split("\n## ", 1)[0]


# --- every documented command runs as written -------------------------------------------------------


# What the README's and docs' placeholders stand for in the project below.
PLACEHOLDERS = {"BASE": "examples/notes-api/deployed", "HEAD": "examples/notes-api/safe-change",
                "PATH": "examples/notes-api/safe-change", "S": "prod", "RULE": "stateful-resource-removed",
                "FILE...": "report.json", "COMMAND": "check"}


def documented_commands() -> list[tuple[str, str]]:
    """(doc, command) for every `promotelint ...` line of a sh block and every inline `promotelint ...`."""
    out = []
    for doc in DOCS:
        text = doc.read_text()
        lines = [line for block in re.findall(r"```(?:sh|bash)\n(.*?)```", text, re.S) for line in block.splitlines()]
        spans = [" ".join(span.split()) for span in re.findall(r"`(promotelint [^`]+)`", text)]
        for command in dict.fromkeys([line for line in lines if line.startswith("promotelint ")] + spans):
            if "[" in command:  # a usage synopsis (docs/cli.md's), not a command
                assert doc.name == "cli.md", (doc.name, command)
                continue
            out.append((doc.name, command))
    return out


@pytest.fixture
def project(tmp_path):
    """The docs' examples in one repository: services/orders and billing on main (origin/main as a
    CI clone has it), a feature branch renaming orders' table, the notes-api example, the deployed
    template `get-template` would give."""
    repo = Repo(tmp_path / "project")
    repo.write("services/orders/serverless.yml", service("orders"))
    repo.write("services/billing/serverless.yml", service("billing"))
    shutil.copytree(ROOT / "examples" / "notes-api", repo.path / "examples" / "notes-api")
    repo.git("update-ref", "refs/remotes/origin/main", repo.commit("main"))
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("services/orders/serverless.yml", service("orders", table="orders-v2"))
    repo.commit("feature")
    deployed = {"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t1"}}}}
    (repo.path / "deployed.json").write_text(json.dumps({"TemplateBody": deployed}))
    return repo


def test_every_documented_command_runs_as_written(cli, project):
    commands = documented_commands()
    assert len(commands) >= 12 and ("workflows.md", "promotelint check --base-ref HEAD --staged") in commands
    code, out, _ = cli("check", PLACEHOLDERS["BASE"], PLACEHOLDERS["HEAD"], "--stage", "prod", "-f", "json",
                       cwd=project.path)
    (project.path / "report.json").write_text(out)  # FILE...
    project.write("services/billing/serverless.yml", service("billing", table="billing-v2"))
    project.git("add", "services/billing/serverless.yml")  # for --staged
    for doc, command in commands:
        command, _, redirect = command.partition(" > ")
        words = shlex.split(command)
        # a placeholder stands for itself where git reads it (`--head-ref HEAD` is git's HEAD)
        args = [w if before in ("--base-ref", "--head-ref") else PLACEHOLDERS.get(w, w)
                for before, w in zip(words, words[1:])]
        unknown = [a for a in args if re.fullmatch(r"[A-Z]+(\.\.\.)?", a) and a != "HEAD"]
        assert not unknown, f"{doc}: {command}: placeholders {unknown} need a value in PLACEHOLDERS"
        code, out, err = cli(*args, cwd=ROOT if redirect else project.path)
        assert code in (0, 1), f"{doc}: {command}: exit {code}: {err}"
        assert out or code == 1, f"{doc}: {command}: printed nothing"
        if redirect:  # `promotelint rules --format json > rules/bundle.json`: the file is that output
            assert (ROOT / redirect.strip()).read_text() == out, f"{doc}: {command} > {redirect}"


# --- the versions the docs pin ----------------------------------------------------------------------


def test_the_pre_commit_rev_and_the_action_ref_are_this_version():
    [rev] = re.findall(r"rev: (\S+)", WORKFLOWS)
    assert rev == f"v{__version__}"  # the tag of this release
    refs = set(re.findall(r"promotelint/promotelint@(\S+?)[`\s]", WORKFLOWS + (ROOT / "README.md").read_text()
                          + (ROOT / "action.yml").read_text()))
    assert refs == {f"v{__version__}"}


def _workflows() -> list[dict]:
    docs = [YAML(typ="safe").load(b) for b in re.findall(r"```yaml\n(.*?)```", WORKFLOWS, re.S)]
    return [d for d in docs if isinstance(d, dict) and "jobs" in d]


def test_the_action_snippet_uses_the_action_with_its_own_inputs():
    [job] = [j for w in _workflows() for j in w["jobs"].values()
             if any(s.get("uses", "").startswith("promotelint/promotelint@") for s in j["steps"])]
    [step] = [s for s in job["steps"] if s.get("uses", "").startswith("promotelint/promotelint@")]
    assert set(step["with"]) <= set(ACTION["inputs"])
    assert job["steps"][0]["with"]["fetch-depth"] == 0  # the base branch must be in the clone
    for name in ACTION["inputs"]:
        assert f"`{name}`" in WORKFLOWS, f"input {name} is not documented"


def test_the_sharded_matrix_shards_merges_and_leaves_one_comment(cli, project, tmp_path):
    [workflow] = [w for w in _workflows() if "check" in w["jobs"] and "report" in w["jobs"]]
    check, report = workflow["jobs"]["check"], workflow["jobs"]["report"]
    assert report["needs"] == "check" and check["strategy"]["fail-fast"] is False
    shards = check["strategy"]["matrix"]["shard"]
    [command] = [s["run"] for s in check["steps"] if "promotelint check" in s.get("run", "")]
    [upload] = [s for s in check["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    [download] = [s for s in report["steps"] if s.get("uses", "").startswith("actions/download-artifact@")]
    [merge] = [s["run"] for s in report["steps"] if "promotelint report" in s.get("run", "")]
    [post] = [s for s in report["steps"] if "gh pr comment" in s.get("run", "")]
    command, _, tail = command.strip().partition(" || ")
    assert tail == "[ $? -eq 1 ]"  # blocked is for the merged report to say
    artifacts = tmp_path / "artifacts"  # what download-artifact (merge-multiple) leaves in the workspace
    artifacts.mkdir()
    for shard in shards:
        def fill(text: str) -> str:
            return text.replace("${{ matrix.shard }}", str(shard)).replace("${{ github.base_ref }}", "main")
        args = shlex.split(fill(command))
        assert args[:2] == ["promotelint", "check"] and f"{shard}/{len(shards)}" in args
        code, _, err = cli(*args[1:], cwd=project.path)
        assert code in (0, 1), err
        assert fnmatch.fnmatch(fill(upload["with"]["name"]), download["with"]["pattern"])
        shutil.copy(project.path / fill(upload["with"]["path"]), artifacts)
    assert download["with"]["merge-multiple"] is True
    summary = tmp_path / "summary.md"
    args = []
    for arg in shlex.split(merge.replace('"$GITHUB_STEP_SUMMARY"', str(summary)))[1:]:
        args += sorted(glob.glob(arg, root_dir=artifacts)) if "*" in arg else [arg]
    code, out, _ = cli(*args, cwd=artifacts)
    assert code == 1  # the gate: orders' table is renamed
    comment = (artifacts / args[args.index("--output") + 1]).read_text()
    assert len(comment) <= 65_536 and comment.startswith("## :x: promotelint: promotion blocked")
    assert re.findall(r"^### `(\S+)`", comment, re.M) == ["orders-prod"]  # each service once, in its shard
    assert summary.read_text() == comment
    assert post["if"] == "always()" and post["env"]["GH_TOKEN"] == "${{ github.token }}"
    posted = shlex.split(post["run"])
    assert posted[posted.index("--body-file") + 1] == args[args.index("--output") + 1]
    assert {"--edit-last", "--create-if-none"} <= set(posted)  # one comment, updated
    assert report["permissions"]["pull-requests"] == "write"
