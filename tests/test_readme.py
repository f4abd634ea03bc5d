"""The README's 30-second example prints what the README shows."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_example_output_is_real():
    readme = (ROOT / "README.md").read_text()
    command, shown = re.search(r"```sh\n(promotelint check [^\n]+)\n```\n\n```\n(.*?)```", readme, re.S).groups()
    proc = subprocess.run([sys.executable, "-m", "promotelint", *command.split()[1:]], cwd=ROOT,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 1, proc.stderr
    printed = proc.stdout.splitlines()
    lines = [line for line in shown.splitlines() if line != "..."]
    assert lines and all(line in printed for line in lines), set(lines) - set(printed)
    assert printed[-1] == lines[-1]
