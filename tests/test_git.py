"""Services read from real git revisions: discovery, pairing, and what each stack's change set holds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from promotelint.io import git
from promotelint.model.errors import InputError
from promotelint.app import PairSettings as CheckSettings, check_pair, check_pairs
from promotelint.io.discovery import discover
from tests.gitrepo import TEMPLATE, Repo, service, table_resources


@pytest.fixture
def repo(tmp_path, monkeypatch):
    r = Repo(tmp_path / "repo")
    monkeypatch.chdir(r.path)
    return r


def run(repo: Repo, base: str = "HEAD", head=git.WORKTREE, paths=()):
    root = str(repo.path)
    base_sha = git.resolve_rev(root, base)
    pairs = discover(root, base_sha, head, list(paths), cwd=str(repo.path), base_label=base)
    outcomes = [check_pair(p, CheckSettings(root=root)) for p in pairs]
    for o in outcomes:
        assert o.error is None, o.error
    return pairs, [cs for o in outcomes for cs in o.changesets]


def actions(cs):
    return {c.logical_id: c.action for c in cs.changes if not c.volatile}


# --- reading revisions ---------------------------------------------------------------------


def test_reader_reads_the_revision_not_the_working_tree(repo):
    repo.write("dir with space/a file.yml", "one\n")
    first = repo.commit()
    repo.write("dir with space/a file.yml", "two\n")
    reader = git.GitReader(repo.path, first)
    assert reader.read_text("dir with space/a file.yml") == "one\n"
    assert reader.read_text(str(repo.path / "dir with space" / "a file.yml")) == "one\n"
    assert reader.exists("dir with space/a file.yml") and not reader.exists("dir with space/none.yml")
    assert not reader.exists("../outside.yml")
    assert reader.touched == {"dir with space/a file.yml", "dir with space/none.yml"}
    with pytest.raises(InputError, match="not found"):
        reader.read_text("dir with space/none.yml")
    reader.close()


def test_readers_read_a_file_once_per_service_and_record_every_read(repo, monkeypatch):
    """A revision's file is read from git once per reader (a monorepo's services share files); the
    working tree's once per service (`fresh`), so a long-lived process sees later edits. Each
    service still records every file it read, from the reader's memory or not."""
    repo.write("shared.yml", "one\n")
    first = repo.commit()
    blobs = []
    reader = git.GitReader(repo.path, first)
    monkeypatch.setattr(reader, "read_blob", lambda rel, read=reader.read_blob: blobs.append(rel) or read(rel))
    for _ in range(2):
        reader.fresh()
        assert reader.read_text("shared.yml") == reader.read_text("shared.yml") == "one\n"
        assert reader.touched == {"shared.yml"}
    assert blobs == ["shared.yml"]
    reader.close()

    tree = git.WorktreeReader(repo.path)
    tree.fresh()
    assert tree.read_text("shared.yml") == "one\n" and tree.exists("shared.yml")
    (repo.path / "shared.yml").unlink()
    assert tree.read_text("shared.yml") == "one\n" and tree.exists("shared.yml")  # one service: one look
    tree.fresh()
    assert tree.touched == set() and not tree.exists("shared.yml")
    assert tree.touched == {"shared.yml"}
    repo.write("shared.yml", "two\n")
    tree.fresh()
    assert tree.read_text("shared.yml") == "two\n" and tree.touched == {"shared.yml"}


def test_index_reader_sees_staged_content_only(repo):
    repo.write("a.yml", "committed\n")
    repo.commit()
    repo.write("a.yml", "staged\n")
    repo.git("add", "a.yml")
    repo.write("a.yml", "unstaged\n")
    assert git.GitReader(repo.path, git.INDEX).read_text("a.yml") == "staged\n"


def test_revision_forms(repo):
    repo.write("a", "1")
    first = repo.commit()
    repo.git("tag", "v1")
    repo.git("update-ref", "refs/remotes/origin/main", first)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("a", "2")
    second = repo.commit()
    repo.git("checkout", "-q", "main")
    repo.write("b", "3")
    third = repo.commit()
    root = repo.path
    assert git.resolve_rev(root, "origin/main") == first
    assert git.resolve_rev(root, "v1") == first
    assert git.resolve_rev(root, first[:10]) == first
    assert git.resolve_rev(root, "HEAD~1") == first
    assert git.resolve_rev(root, "HEAD") == third
    assert git.resolve_rev(root, "main...feature") == first  # the merge base, as `git diff A...B`
    assert git.resolve_rev(root, "feature") == second
    with pytest.raises(InputError, match="unknown revision"):
        git.resolve_rev(root, "nope")
    with pytest.raises(InputError, match="not a revision"):
        git.resolve_rev(root, "--output=x")


def test_shallow_clone_missing_base_says_how_to_fetch(repo, tmp_path):
    repo.write("a", "1")
    repo.commit()
    repo.write("a", "2")
    repo.commit()
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    assert git.is_shallow(clone)
    with pytest.raises(InputError) as err:
        git.resolve_rev(clone, "HEAD~1")
    assert "shallow" in str(err.value) and "fetch-depth: 0" in err.value.fix
    with pytest.raises(InputError, match="shallow"):
        git.resolve_rev(clone, "origin/main...HEAD~1")


def test_not_a_repository(tmp_path):
    with pytest.raises(InputError, match="not inside a git repository"):
        git.repo_root(tmp_path)


# --- discovery and pairing -----------------------------------------------------------------


def test_fragment_changing_alone_is_found_and_read_from_each_side(repo):
    repo.write("shared/tables.yml", table_resources("t1"))
    repo.write("svc-a/serverless.yml", service("svc-a", fragment="../shared/tables.yml"))
    repo.write("svc-b/serverless.yml", service("svc-b"))
    repo.commit()
    repo.write("shared/tables.yml", table_resources("t2"))  # working tree only
    pairs, stacks = run(repo)
    # svc-b names no other file and did not change: it is not even compiled
    assert [p.head.path for p in pairs] == ["svc-a/serverless.yml"]
    assert [cs.name for cs in stacks] == ["svc-a-dev"]
    table = next(c for c in stacks[0].changes if c.logical_id == "Table")
    assert table.replacement == "True"  # TableName t1 -> t2: base came from the commit


def test_nothing_changed_nothing_checked(repo):
    repo.write("svc/serverless.yml", service("svc"))
    repo.commit()
    assert run(repo) == ([], [])


def test_discovery_says_when_there_may_be_services_to_check(repo):
    """`found` is called once files changed (or paths were named): app._git_changesets loads the
    compiler meanwhile, not for a run that checks nothing."""
    repo.write("svc/serverless.yml", service("svc"))
    repo.commit()
    root, calls = str(repo.path), []
    base = git.resolve_rev(root, "HEAD")
    assert discover(root, base, git.WORKTREE, [], found=lambda: calls.append("unchanged")) == []
    assert len(discover(root, base, git.WORKTREE, ["svc"], found=lambda: calls.append("named"))) == 1
    repo.write("svc/serverless.yml", service("svc").replace("aws", "aws\n  memorySize: 512", 1))
    assert len(discover(root, base, git.WORKTREE, [], found=lambda: calls.append("changed"))) == 1
    assert calls == ["named", "changed"]


def test_the_git_work_runs_beside_the_loading_and_its_end_is_the_callers():
    from promotelint.app import _meanwhile

    interval, order = sys.getswitchinterval(), []

    def work(go):
        order.append("git")
        go()
        return ["a pair"]

    assert _meanwhile(work, [lambda: order.append("load")], bool) == ["a pair"]
    assert order == ["git", "load"] and sys.getswitchinterval() == interval
    order.clear()
    # done without calling go(), with nothing wanted: nothing is loaded
    assert _meanwhile(lambda go: [], [lambda: order.append("load")], bool) == [] and order == []
    with pytest.raises(InputError, match="bad ref"):
        _meanwhile(lambda go: (_ for _ in ()).throw(InputError("bad ref")), [lambda: order.append("load")], bool)
    assert order == [] and sys.getswitchinterval() == interval


def test_explicit_path_is_checked_even_if_unchanged(repo):
    repo.write("svc/serverless.yml", service("svc"))
    repo.commit()
    _, stacks = run(repo, paths=["svc"])
    assert [cs.name for cs in stacks] == ["svc-dev"] and stacks[0].changes == ()


def test_moved_service_is_the_same_stack(repo):
    repo.write("old place/serverless.yml", service("svc"))
    repo.commit()
    repo.git("mv", "old place", "new place")
    _, stacks = run(repo)
    assert [cs.name for cs in stacks] == ["svc-dev"]
    assert stacks[0].changes == ()
    assert stacks[0].base_source == "HEAD:old place/serverless.yml"
    assert stacks[0].head_source == "new place/serverless.yml"


def test_renamed_service_removes_the_old_stack_and_adds_a_new_one(repo):
    repo.write("svc/serverless.yml", service("orders"))
    repo.commit()
    repo.write("svc/serverless.yml", service("orders-v2"))
    _, stacks = run(repo)
    assert [cs.name for cs in stacks] == ["orders-dev", "orders-v2-dev"]
    assert set(actions(stacks[0]).values()) == {"Remove"} and "Table" in actions(stacks[0])
    assert "no longer defined" in stacks[0].warnings[0]
    assert set(actions(stacks[1]).values()) == {"Add"}


def test_deleted_service_is_a_whole_stack_removal(repo):
    repo.write("keep/serverless.yml", service("keep"))
    repo.write("gone/serverless.yml", service("gone"))
    repo.commit()
    repo.remove("gone")
    pairs, stacks = run(repo)
    assert ("gone/serverless.yml", None) in [(p.base.path, p.head) for p in pairs]
    assert len(stacks) == 1  # `keep` read nothing that changed
    cs = stacks[0]
    assert cs.name == "gone-dev" and cs.head_stack_name is None
    removed = actions(cs)
    assert removed["Table"] == "Remove" and removed["Queue"] == "Remove" and set(removed.values()) == {"Remove"}
    assert next(c for c in cs.changes if c.logical_id == "Table").major
    assert "deleted" in cs.warnings[0]


def test_new_service_is_all_adds(repo):
    repo.write("readme.md", "x")
    repo.commit()
    repo.write("fresh/serverless.yml", service("fresh"))  # untracked: still the working tree
    _, stacks = run(repo)
    assert stacks[0].name == "fresh-dev" and set(actions(stacks[0]).values()) == {"Add"}


def test_head_ref_and_detached_head(repo):
    repo.write("svc/serverless.yml", service("svc"))
    first = repo.commit()
    repo.write("svc/serverless.yml", service("svc", extra_function=True))
    second = repo.commit()
    repo.git("checkout", "-q", "--detach", second)
    repo.write("svc/serverless.yml", service("svc", table="dirty"))  # must not leak into --head-ref
    _, stacks = run(repo, base="HEAD~1", head=git.resolve_rev(repo.path, "HEAD"))
    added = {lid for lid, a in actions(stacks[0]).items() if a == "Add"}
    assert "OtherLambdaFunction" in added and "Table" not in actions(stacks[0])
    assert stacks[0].base_source == "HEAD~1:svc/serverless.yml"
    assert git.resolve_rev(repo.path, "HEAD~1") == first


def test_staged_side_for_pre_commit(repo):
    repo.write("svc/serverless.yml", service("svc"))
    repo.commit()
    repo.write("svc/serverless.yml", service("svc", table="staged"))
    repo.git("add", "-A")
    repo.write("svc/serverless.yml", service("svc", table="unstaged"))
    _, stacks = run(repo, head=git.INDEX)
    table = next(c for c in stacks[0].changes if c.logical_id == "Table")
    assert '"TableName":"staged"' in table.resource_change_json()["AfterContext"]


def test_a_later_check_in_the_same_process_sees_the_index_restaged(repo, monkeypatch):
    # (an API user, or a long-lived process, checking `--staged` again after `git add`)
    from promotelint import app
    from promotelint.model.settings import CompileSettings

    repo.write("svc/serverless.yml", service("svc"))
    repo.commit()
    monkeypatch.chdir(repo.path)
    request = app.CheckRequest(base_ref="HEAD", staged=True, jobs=1, compile=CompileSettings(cache=False))
    contexts = []
    for table in ("first", "second"):
        repo.write("svc/serverless.yml", service("svc", table=table))
        repo.git("add", "-A")
        [report] = app.check(request).reports
        change = next(c for c in report.changeset.changes if c.logical_id == "Table")
        contexts.append(change.resource_change_json()["AfterContext"])
    assert '"TableName":"first"' in contexts[0] and '"TableName":"second"' in contexts[1]


def test_templates_moved_changed_and_fragments_not_mistaken(repo):
    repo.write("cfn/bucket.yml", TEMPLATE.format(name="b1"))
    repo.write("cfn/other.yml", TEMPLATE.format(name="o1"))
    repo.write("svc/serverless.yml", service("svc", fragment="resources.yml"))
    repo.write("svc/resources.yml", table_resources("t1"))
    repo.commit()
    repo.git("mv", "cfn/bucket.yml", "cfn/moved.yml")
    repo.write("cfn/other.yml", TEMPLATE.format(name="o2"))
    repo.write("svc/resources.yml", table_resources("t1") + "Extra:\n  Type: AWS::SQS::Queue\n")
    pairs, stacks = run(repo)
    assert [(p.base.path, p.head.path) for p in pairs] == [
        ("svc/serverless.yml", "svc/serverless.yml"), ("cfn/bucket.yml", "cfn/moved.yml"),
        ("cfn/other.yml", "cfn/other.yml")]
    by_source = {cs.head_source: cs for cs in stacks}
    assert by_source["cfn/moved.yml"].changes == ()
    assert actions(by_source["cfn/other.yml"]) == {"Bucket": "Modify"}
    assert actions(by_source["svc/serverless.yml"]) == {"Extra": "Add"}


def test_paths_with_spaces_and_subdirectory_cwd(repo, monkeypatch):
    repo.write("my services/a b/serverless.yml", service("ab", fragment="../../shared files/t.yml"))
    repo.write("shared files/t.yml", table_resources("t1"))
    repo.commit()
    repo.write("shared files/t.yml", table_resources("t2"))
    monkeypatch.chdir(repo.path / "my services")
    root = str(repo.path)
    pairs = discover(root, git.resolve_rev(root, "HEAD"), git.WORKTREE, [], cwd=".")
    outcome = check_pair(pairs[0], CheckSettings(root=root))
    cs = outcome.changesets[0]
    assert cs.head_source == "a b/serverless.yml"
    assert "shared files/t.yml" in outcome.reads
    table = next(c for c in cs.changes if c.logical_id == "Table")
    assert table.replacement == "True"
    assert table.origin is not None and not table.origin.file.startswith("/")


def test_missing_fragment_is_an_error_for_that_service_only(repo):
    repo.write("a/serverless.yml", service("a"))
    repo.write("b/serverless.yml", service("b"))
    repo.commit()
    repo.write("a/serverless.yml", service("a", fragment="missing.yml"))
    repo.write("b/serverless.yml", service("b", table="t9"))
    root = str(repo.path)
    pairs = discover(root, git.resolve_rev(root, "HEAD"), git.WORKTREE, [], cwd=".")
    outcomes = check_pairs(pairs, CheckSettings(root=root), workers=2)
    assert outcomes[0].error and "missing.yml" in outcomes[0].error
    assert outcomes[1].changesets[0].name == "b-dev"


def test_parallel_equals_serial(repo, monkeypatch):
    for i in range(4):
        repo.write(f"s{i}/serverless.yml", service(f"s{i}"))
    repo.commit()
    for i in range(4):
        repo.write(f"s{i}/serverless.yml", service(f"s{i}", table=f"x{i}"))
    root = str(repo.path)
    pairs = discover(root, git.resolve_rev(root, "HEAD"), git.WORKTREE, [], cwd=".")
    serial = check_pairs(pairs, CheckSettings(root=root), workers=1)
    parallel = check_pairs(pairs, CheckSettings(root=root), workers=2)
    assert [o.changesets for o in serial] == [o.changesets for o in parallel]
    assert len(serial) == 4
    monkeypatch.setattr(sys, "platform", "darwin")  # elsewhere: the standard library's pool
    assert [o.changesets for o in check_pairs(pairs, CheckSettings(root=root), workers=2)] == \
        [o.changesets for o in serial]


def test_first_commit_compares_with_nothing(repo):
    repo.write("svc/serverless.yml", service("svc"))
    repo.git("add", "-A")
    assert git.resolve_rev(repo.path, "HEAD") == git.EMPTY_TREE
    _, stacks = run(repo, head=git.INDEX)
    assert stacks[0].name == "svc-dev" and set(actions(stacks[0]).values()) == {"Add"}


def _move_committed_fragment(repo):
    """A service reading shared/tables.yml, committed; then the fragment moved to shared/data/."""
    repo.write("shared/tables.yml", table_resources("t1"))
    repo.write("svc/serverless.yml", service("svc", fragment="../shared/tables.yml"))
    repo.commit()
    (repo.path / "shared" / "data").mkdir()
    repo.git("mv", "shared/tables.yml", "shared/data/tables.yml")


def test_moved_fragment_with_its_reference_updated_is_no_change(repo):
    _move_committed_fragment(repo)
    repo.write("svc/serverless.yml", service("svc", fragment="../shared/data/tables.yml"))
    pairs, stacks = run(repo)
    assert [cs.name for cs in stacks] == ["svc-dev"] and stacks[0].changes == ()


def test_moved_fragment_without_the_reference_updated_is_an_error_for_the_head(repo):
    _move_committed_fragment(repo)
    root = str(repo.path)
    pairs = discover(root, git.resolve_rev(root, "HEAD"), git.WORKTREE, [], cwd=".")
    [outcome] = [o for o in (check_pair(p, CheckSettings(root=root)) for p in pairs) if o.error or o.changesets]
    assert outcome.error and "shared/tables.yml" in outcome.error


def test_handler_code_change_alone_changes_no_template(repo):
    repo.write("svc/serverless.yml", service("svc"))
    repo.write("svc/handler.py", "def hello(event, context):\n    return 1\n")
    repo.commit()
    repo.write("svc/handler.py", "def hello(event, context):\n    return 2\n")
    assert run(repo)[1] == []


def test_symbolic_links_are_followed_inside_the_revision(repo):
    repo.write("shared/tables.yml", table_resources("t1"))
    repo.write("svc/serverless.yml", service("svc", fragment="tables.yml"))
    (repo.path / "svc" / "tables.yml").symlink_to("../shared/tables.yml")
    first = repo.commit()
    repo.write("shared/tables.yml", table_resources("t2"))
    reader = git.GitReader(repo.path, first)
    assert "t1" in reader.read_text("svc/tables.yml") and reader.exists("svc/tables.yml")
    assert {"svc/tables.yml", "shared/tables.yml"} <= reader.touched
    _, stacks = run(repo)  # the link's target changed alone: the service is found, base read at HEAD
    table = next(c for c in stacks[0].changes if c.logical_id == "Table")
    assert table.replacement == "True"
    assert git.GitReader(repo.path, git.INDEX).read_text("svc/tables.yml") == table_resources("t1")


def test_a_broken_service_that_did_not_change_does_not_fail_the_run(repo):
    repo.write("broken/serverless.yml", service("broken", fragment="missing.yml"))
    repo.write("ok/serverless.yml", service("ok"))
    repo.commit()
    repo.write("ok/serverless.yml", service("ok", table="t2"))
    root = str(repo.path)
    pairs = discover(root, git.resolve_rev(root, "HEAD"), git.WORKTREE, [], cwd=".")
    outcomes = check_pairs(pairs, CheckSettings(root=root), workers=1)
    assert [o.error for o in outcomes] == [None, None]
    assert [cs.name for o in outcomes for cs in o.changesets] == ["ok-dev"]
    repo.write("broken/serverless.yml", service("broken2", fragment="missing.yml"))  # now it changed
    outcomes = check_pairs(discover(root, git.resolve_rev(root, "HEAD"), git.WORKTREE, [], cwd="."),
                           CheckSettings(root=root), workers=1)
    assert outcomes[0].error and "missing.yml" in outcomes[0].error


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_repository_owned_by_another_user_says_how_to_allow_it(repo, tmp_path, monkeypatch):
    repo.write("a", "1")
    repo.commit()
    for path in [repo.path, *repo.path.rglob("*")]:
        os.lchown(path, 12345, 12345)
    monkeypatch.setenv("HOME", str(tmp_path))  # no safe.directory from the real global config
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    with pytest.raises(InputError) as err:
        git.repo_root(repo.path)
    assert "safe.directory" in err.value.fix


def test_which_unchanged_services_are_compiled_to_know(repo, monkeypatch):
    repo.write("shared/tables.yml", table_resources("t1"))
    repo.write("shared/other.yml", "x: 1\n")
    repo.write("reads/serverless.yml", service("reads", fragment="../shared/tables.yml"))
    repo.write("plain/serverless.yml", service("plain"))
    repo.commit()
    repo.write("shared/other.yml", "x: 2\n")
    pairs, stacks = run(repo)
    # `reads` names a fragment: compiled, found not to read other.yml; `plain` names none: skipped
    assert [(p.head.path, p.only_if_reads) for p in pairs] == [("reads/serverless.yml", frozenset({"shared/other.yml"}))]
    assert stacks == []
    monkeypatch.setenv("SOME_VAR", "${file(../shared/other.yml)}")  # the environment could name files
    root = str(repo.path)
    again = discover(root, git.resolve_rev(root, "HEAD"), git.WORKTREE, [], cwd=".")
    assert sorted(p.head.path for p in again) == ["plain/serverless.yml", "reads/serverless.yml"]
