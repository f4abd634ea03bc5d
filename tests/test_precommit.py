"""The pre-commit hook, end to end: a consumer repository pins this repository's hook, pre-commit
installs promotelint into its own virtualenv (pip, from PyPI for the dependencies) and runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import ENV, Repo, service, table_resources

ROOT = Path(__file__).resolve().parents[1]
OFFLINE_SIGNS = ("No matching distribution", "Could not find a version", "NewConnectionError",
                 "Temporary failure in name resolution", "Network is unreachable", "ProxyError")

pytest.importorskip("pre_commit", reason="the pre-commit package is not installed")


def _hook_repo(tmp: Path) -> tuple[Path, str]:
    """This checkout's current files (tracked and new, not ignored) committed in a fresh repository,
    so the test exercises the code as it is, not the last commit."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: nothing to pin")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    hook = Repo(tmp / "hook")
    for rel in filter(None, files):
        source = ROOT / rel
        if source.is_file():
            (hook.path / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, hook.path / rel)
    return hook.path, hook.commit("hook")


def _pre_commit(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)  # the hook must run the promotelint pre-commit installed, not ours
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_hook_blocks_a_staged_dangerous_change_in_a_real_pre_commit_run(tmp_path):
    hook_path, rev = _hook_repo(tmp_path)
    consumer = Repo(tmp_path / "consumer")
    consumer.write(".pre-commit-config.yaml",
                   f"repos:\n  - repo: {hook_path}\n    rev: {rev}\n    hooks:\n      - id: promotelint\n")
    consumer.write("shared/tables.yml", table_resources("t1"))
    consumer.write("api/serverless.yml", service("api", fragment="../shared/tables.yml"))
    consumer.commit("first")
    home = tmp_path / "pre-commit-home"

    # only the fragment changes, staged: the table would be replaced
    consumer.write("shared/tables.yml", table_resources("t2"))
    consumer.git("add", "-A")
    blocked = _pre_commit(consumer.path, home, "run")
    output = blocked.stdout + blocked.stderr
    if blocked.returncode != 0 and any(sign in output for sign in OFFLINE_SIGNS):
        pytest.skip("pre-commit could not install promotelint's dependencies from PyPI (offline)")
    assert blocked.returncode == 1, output
    assert "promotelint" in output and "Failed" in output
    assert "stateful-resource-replaced" in output and "api/serverless.yml" in output

    # the hook reads what is staged: a safe staged version passes though the working tree is unsafe
    consumer.write("shared/tables.yml", table_resources("t1") + "Extra:\n  Type: AWS::SQS::Queue\n")
    consumer.git("add", "-A")
    consumer.write("shared/tables.yml", table_resources("t3"))
    passed = _pre_commit(consumer.path, home, "run")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    # through `git commit` with the installed hook: deleting the service is refused
    consumer.write("shared/tables.yml", table_resources("t1"))
    consumer.git("checkout", "--", ".")
    consumer.git("reset", "-q", "--hard")
    assert _pre_commit(consumer.path, home, "install").returncode == 0
    consumer.git("rm", "-rq", "api")
    env = {**os.environ, **ENV, "PRE_COMMIT_HOME": str(home)}
    env.pop("PYTHONPATH", None)
    commit = subprocess.run(["git", "commit", "-m", "drop api"], cwd=consumer.path, env=env,
                            capture_output=True, text=True)
    assert commit.returncode != 0
    assert "stateful-resource-removed" in commit.stdout + commit.stderr
    assert consumer.git("log", "--oneline").count("\n") == 0  # still only the first commit
