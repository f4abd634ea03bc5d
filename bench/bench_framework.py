"""Figures for the framework compiler (--compiler framework / auto): copying a side into a temporary
directory, and one `serverless package` of a plugin service against the offline compile of it.

Run from the repository root: `python bench/bench_framework.py`. Prints figures; asserts nothing.
The package run needs Node and the framework with serverless-lift ($SLS_NODE_MODULES, else
../node/node_modules) and the corpus (../shared/corpus); it is left out without them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from promotelint.io import git  # noqa: E402
from promotelint.io.framework import Snapshot, copy_files  # noqa: E402

NODE_MODULES = Path(os.environ.get("SLS_NODE_MODULES") or ROOT.parent / "node" / "node_modules")
CASE = ROOT.parent / "shared" / "corpus" / "plugins-dev" / "sls-examples__aws-node-s3-file-replicator"


def copy_figures() -> None:
    """This repository as a side: at HEAD from git objects, and as the working tree."""
    head = git.resolve_rev(ROOT, "HEAD")
    for label, rev in (("HEAD (git objects)", head), ("working tree", git.WORKTREE)):
        times = []
        for _ in range(5):
            with tempfile.TemporaryDirectory() as scratch:
                start = time.perf_counter()
                copy_files(Snapshot(str(ROOT), rev, "serverless.yml"), scratch)
                times.append(time.perf_counter() - start)
                files = sum(len(f) for _, _, f in os.walk(scratch))
        print(f"copy of this repository, {label}: {files} files, best {min(times) * 1000:.0f} ms")


def package_figures() -> None:
    if shutil.which("node") is None or not (NODE_MODULES / ".bin" / "serverless").exists() or not CASE.is_dir():
        print("serverless package: left out (needs node, the framework in ../node/node_modules, the corpus)")
        return
    with tempfile.TemporaryDirectory() as scratch:
        service = Path(scratch) / "svc"
        service.mkdir()
        for name in ("serverless.yml", "handler.js"):
            shutil.copy(CASE / name, service / name)
        (Path(scratch) / "node_modules").symlink_to(NODE_MODULES)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        for compiler in ("offline", "framework"):
            start = time.perf_counter()
            args = [sys.executable, "-m", "promotelint", "compile", str(service), "--compiler", compiler]
            proc = subprocess.run(args, env=env, capture_output=True, text=True)
            took = time.perf_counter() - start
            state = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
            print(f"compile --compiler {compiler} (serverless-lift service): {took:.2f} s wall, {state}")


if __name__ == "__main__":
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    copy_figures()
    package_figures()
