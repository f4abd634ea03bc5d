"""What every benchmark that starts `promotelint` in a fresh process shares."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli_env(scratch: str | os.PathLike) -> dict[str, str]:
    """Environment for a cold `python -m promotelint` run from the checkout.

    Byte-compiled modules, as an installed package has them (pip compiles at install time), kept
    in a scratch prefix so that nothing is written into the repository. Figures are meant to be
    taken with the interpreter of a fresh virtualenv (`python -m venv v && v/bin/pip install .`):
    a system interpreter's site hooks can add tens of milliseconds to every start.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(Path(scratch) / "pycache"))
    return env
