"""Reading a service from git objects gives exactly what reading the working tree gives, for every
service of the corpus (../shared/corpus, skipped when absent)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from promotelint.io import git
from promotelint.model.errors import InputError
from promotelint.io.sources import Side, load_side
from promotelint.model.settings import CompileSettings
from tests.gitrepo import Repo

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "dev"


def _side(reader_rev, path: str, root: str, readers: dict):
    try:
        template, reads = load_side(Side("serverless", path, reader_rev, "HEAD"), root, SETTINGS, readers)
        return ("ok", template.data, template.stack_name, dict(template.origins), reads)
    except InputError as exc:
        return ("error", exc.message, exc.line)


SETTINGS = CompileSettings(env={})  # no ${env:} from whoever runs the tests


def test_git_side_equals_working_tree_side_for_the_corpus(tmp_path, monkeypatch):
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    repo = Repo(tmp_path / "corpus repo")  # a space in every path on the way
    for case in sorted(CORPUS.iterdir()):
        if (case / "serverless.yml").is_file():
            shutil.copytree(case, repo.path / case.name, ignore=shutil.ignore_patterns("expected*.json", "case.json"))
    sha = repo.commit("corpus")
    monkeypatch.chdir(repo.path)
    root = str(repo.path)
    readers: dict = {}
    services = sorted(p for p in git.GitReader(root, sha).files() if p.endswith("/serverless.yml"))
    assert len(services) > 50
    compiled = 0
    for path in services:
        from_git = _side(sha, path, root, readers)
        from_tree = _side(git.WORKTREE, path, root, readers)
        assert from_git == from_tree, path
        compiled += from_git[0] == "ok"
    assert compiled > len(services) // 2
