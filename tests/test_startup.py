"""What a cold start of the hot commands imports: none of the modules whose import alone costs a
gate's start more than it gives (model/record.py, model/digest.py, cli/quick.py, docs/architecture.md):
typer (the quick reader serves plain invocations), dataclasses and inspect (records), typing (its
names only for type checkers), hashlib and OpenSSL (CPython's own digests), threading (only a
repository's check has threads: its git calls, its parallel workers; cli/output.py asks about them
without importing it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "serverless" / "api-rest-integrations"
AVOIDED = ("typer", "dataclasses", "inspect", "typing", "hashlib", "_hashlib", "threading")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    where = tmp_path_factory.mktemp("startup")
    shutil.copytree(FIXTURE, where / "base")
    shutil.copytree(FIXTURE, where / "head")
    text = (where / "head" / "serverless.yml").read_text()
    (where / "head" / "serverless.yml").write_text(text.replace("functions:", "functions:\n  more:\n    handler: h.x", 1))
    template = '{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}'
    (where / "b.json").write_text(template)
    (where / "h.json").write_text(template.replace("SNS::Topic", "SQS::Queue"))
    return where


@pytest.mark.parametrize("argv", [
    ["compile", "base", "--stage", "dev", "--region", "us-east-1", "--no-cache"],
    ["changeset", "b.json", "h.json"],
    ["check", "base", "head", "--stage", "dev", "--region", "us-east-1", "--no-cache"],
])
def test_a_hot_command_starts_without_the_costly_modules(workdir, argv):
    code = (f"import sys, runpy; sys.argv = ['promotelint', *{argv!r}]\n"
            "try: runpy.run_module('promotelint', run_name='__main__')\n"
            "except SystemExit as e:\n"
            f"    print('exit', e.code, [m for m in {AVOIDED!r} if m in sys.modules], file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(workdir)})
    last = proc.stderr.strip().splitlines()[-1]
    assert last in ("exit 0 []", "exit 1 []"), proc.stderr[-2000:]


def test_a_run_exits_without_a_collection_over_what_it_leaves(workdir):
    """Python's exit collects every object still tracked, after the exit functions, with the
    collector disabled or not; the command line freezes them at exit (cli/__init__.py), so that
    last pass sees none of the run's objects. Checked from an exit function registered before the
    run's own, which therefore runs after it."""
    code = ("import atexit, gc, sys, runpy\n"
            "atexit.register(lambda: print('frozen', gc.get_freeze_count(), file=sys.stderr))\n"
            "sys.argv = ['promotelint', 'changeset', 'b.json', 'h.json']\n"
            "runpy.run_module('promotelint', run_name='__main__')\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=workdir, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(workdir)})
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    frozen = int(proc.stderr.strip().splitlines()[-1].split()[-1])
    assert frozen > 10_000  # the modules' objects, at least
