"""The framework compiler with the real Serverless Framework and plugins, where Node and the packages
are installed: $SLS_NODE_MODULES, else ../node/node_modules beside the checkout (serverless@3 and
serverless-lift). Skipped elsewhere; the mechanics are tested without Node in test_framework.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from promotelint.io.framework import PRELOAD
from promotelint.serverless.functions import ARTIFACT_DIRECTORY_TOKEN
from tests.gitrepo import Repo

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = Path(os.environ.get("SLS_NODE_MODULES") or ROOT.parent / "node" / "node_modules")
CASE = ROOT.parent / "shared" / "corpus" / "plugins-dev" / "sls-examples__aws-node-s3-file-replicator"

needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


@needs_node
def test_the_preload_refuses_the_network_and_names_the_caller(tmp_path):
    script = tmp_path / "caller.js"
    script.write_text("require('https').get('https://example.com/', () => {}).on('error', (e) => {"
                      " console.log(e.code); });\n")
    proc = subprocess.run(["node", "--require", str(PRELOAD), str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=30)
    assert proc.stdout.strip() == "ECONNREFUSED"
    assert "promotelint-offline: blocked network connection to example.com:443 from caller.js" in proc.stderr


@needs_node
@pytest.mark.skipif(not (NODE_MODULES / ".bin" / "serverless").exists()
                    or not (NODE_MODULES / "serverless-lift").is_dir(),
                    reason=f"serverless and serverless-lift are not installed in {NODE_MODULES}")
@pytest.mark.skipif(not CASE.is_dir(), reason="the corpus (../shared/corpus) is not here")
def test_framework_compile_equals_the_frameworks_own_template(tmp_path):
    """`--compiler framework` with serverless-lift: the framework's own output, the corpus's."""
    repo = Repo(tmp_path / "repo")
    repo.write(".gitignore", "node_modules\n")
    for name in ("serverless.yml", "handler.js"):
        repo.write(f"svc/{name}", (CASE / name).read_text())
    repo.commit()
    (repo.path / "node_modules").symlink_to(NODE_MODULES)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "promotelint", "compile", "svc", "--compiler", "framework"],
                          cwd=repo.path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr

    # The deployment's time in the S3 keys, which changes on every run, reads as the offline compiler's.
    expected = re.sub(r"\d{13}-\d{4}-\d\d-\d\dT[\d:.]+Z", ARTIFACT_DIRECTORY_TOKEN,
                      (CASE / "expected.json").read_text())
    assert json.loads(proc.stdout) == json.loads(expected)
    assert repo.git("status", "--porcelain") == ""
