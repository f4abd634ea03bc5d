"""Find and read a service's serverless.yml the way Serverless Framework v3 reads it.

The YAML dialect (js-yaml) is promotelint.parse.jsyaml. All reads go through a reader
(`read_text`, `exists`) so services can come from a git revision.
"""

from __future__ import annotations

import os

from promotelint.model.errors import InputError
from promotelint.parse.documents import Document
from promotelint.parse.jsyaml import load_js_yaml

CONFIG_NAMES = ("serverless.yml", "serverless.yaml")
# The framework also reads these (in this order after .yml/.yaml), but they need Node to evaluate.
UNSUPPORTED_NAMES = ("serverless.json", "serverless.js", "serverless.mjs", "serverless.cjs", "serverless.ts")


TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Protocol

    class Reader(Protocol):
        def read_text(self, path: str) -> str: ...

        def exists(self, path: str) -> bool: ...


def find_config(path: str, reader: Reader) -> str:
    """The config file for `path`: the file itself, or serverless.yml / .yaml inside a directory."""
    path = os.path.normpath(path)
    base = os.path.basename(path)
    if base.endswith((".yml", ".yaml")):
        if not reader.exists(path):
            raise InputError("service config not found", file=path, fix="check the path")
        return path
    if os.path.splitext(base)[1] in (".json", ".js", ".mjs", ".cjs", ".ts"):
        raise _only_yaml(path)
    for name in CONFIG_NAMES:
        candidate = os.path.join(path, name)
        if reader.exists(candidate):
            return candidate
    for name in UNSUPPORTED_NAMES:
        candidate = os.path.join(path, name)
        if reader.exists(candidate):
            raise _only_yaml(candidate)
    raise InputError("no serverless.yml or serverless.yaml here", file=path,
                     fix="pass the service directory or its serverless.yml")


def _only_yaml(path: str) -> InputError:
    return InputError(f"{os.path.basename(path)}: only serverless.yml / serverless.yaml can be read offline",
                      file=path, fix="convert the service config to YAML")


def load_config(path: str, reader: Reader) -> Document:
    """Parse the service config; it must be a mapping."""
    doc = load_js_yaml(reader.read_text(path), path)
    if not isinstance(doc.data, dict):
        raise InputError("the service config must be a mapping of keys", file=path, line=1,
                         fix="start the file with `service: <name>`")
    return doc
