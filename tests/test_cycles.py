"""The command line runs without Python's cycle collector (cli/__init__.py): what a run frees must be
freed by reference counting. A run of each stage here must leave no reference cycle behind (a closure
that calls itself is one, holding whatever it reads: a whole template)."""

from __future__ import annotations

import datetime
import gc
import shutil
from pathlib import Path

from promotelint import app
from promotelint.model.settings import CompileSettings
from promotelint.report import FORMATS, RenderOptions

from tests.gitrepo import Repo, service

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"


def _cycles_left(run) -> list:
    """The objects in reference cycles a second run leaves (the first fills what a process caches)."""
    run()
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        run()
        gc.collect()
        return list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def _ours(garbage: list) -> list:
    """What of the garbage is promotelint's: its functions (a closure calling itself) and its data."""
    return [o for o in garbage if "promotelint" in (getattr(o, "__module__", None) or "")
            or "promotelint" in getattr(getattr(o, "__code__", None), "co_filename", "")]


def test_a_repository_check_and_its_reports_leave_no_reference_cycles(tmp_path, monkeypatch):
    repo = Repo(tmp_path / "repo")
    repo.write("orders/serverless.yml", service("orders"))
    shutil.copytree(FIXTURES / "api-rest-integrations", repo.path / "api")
    repo.commit("first")
    repo.write("orders/serverless.yml", service("orders", table="t2"))  # the table is replaced
    api = (repo.path / "api" / "serverless.yml").read_text()
    repo.write("api/serverless.yml", api.replace("functions:", "functions:\n  extra:\n    handler: h.x\n"
                                                 "    events:\n      - http: GET extra/{id}", 1))
    monkeypatch.chdir(repo.path)
    request = app.CheckRequest(base_ref="HEAD", jobs=1, compile=CompileSettings(cache=False),
                               today=datetime.date(2026, 1, 1))
    results = []

    def run():
        result = app.check(request)
        for name, render in FORMATS.items():
            render(result.reports, RenderOptions(exit_code=result.exit_code, rules=result.rules))
        results.append(result)

    assert _cycles_left(run) == []
    [*_, last] = results
    assert last.exit_code == 1 and len(last.reports) == 2 and not last.errors  # the run checked both services
    assert sum(len(r.changeset.changes) for r in last.reports) >= 5


def test_compiling_every_fixture_leaves_no_reference_cycles_of_ours():
    """The stdlib's indenting JSON encoder and ruamel.yaml (which reads what libyaml is not asked to)
    make small cycles of their own, holding none of the data; none may be promotelint's."""
    services = sorted(p.parent for p in FIXTURES.glob("*/serverless.yml"))
    assert len(services) >= 30

    def run():
        for directory in services:
            try:
                app.compile_path(directory, stage="dev", region="us-east-1", params={}, env_file=None,
                                 compiler="offline", engine=None, root=None, cache=False)
            except Exception:  # noqa: BLE001 - a fixture meant to fail still must not leave cycles
                pass

    garbage = _cycles_left(run)
    assert _ours(garbage) == []
    assert len(garbage) <= 25 * len(services)  # a few objects per service, never a template


def test_checking_a_pair_of_templates_leaves_no_reference_cycles(tmp_path, monkeypatch):
    base = (FIXTURES.parent / "changesets" / "ec2-instance.json").read_text()
    (tmp_path / "base.json").write_text(base)
    (tmp_path / "head.json").write_text(base.replace("t2.micro", "t3.micro"))
    monkeypatch.chdir(tmp_path)
    request = app.CheckRequest(paths=("base.json", "head.json"), today=datetime.date(2026, 1, 1))
    results = []

    def run():
        result = app.check(request)
        for render in FORMATS.values():
            render(result.reports, RenderOptions(exit_code=result.exit_code, rules=result.rules))
        results.append(result)

    assert _cycles_left(run) == []
    assert sum(len(r.changeset.changes) for r in results[-1].reports) >= 1
