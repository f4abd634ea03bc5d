"""Find and read a service's serverless.yml the way Serverless Framework v3 reads it (js-yaml).

promotelint.yamlload does the parsing (positions, short tags, duplicated keys); here are the few
places where js-yaml, and so the framework, reads a file differently from ruamel:
- a tab after a flow collection at the end of a line is whitespace to js-yaml, an error to ruamel;
- timestamps (`2012-10-17`) become JavaScript Dates, which the framework's JSON round trip turns
  into ISO text (`2012-10-17T00:00:00.000Z`);
- only the framework's CloudFormation tags exist (no !Transform, !Length, !ToJsonString, !ForEach).
All reads go through a reader (`read_text`, `exists`) so services can come from a git revision.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from promotelint.errors import InputError
from promotelint.yamlload import Document, _Builder, load_text

CONFIG_NAMES = ("serverless.yml", "serverless.yaml")
# The framework also reads these (in this order after .yml/.yaml), but they need Node to evaluate.
UNSUPPORTED_NAMES = ("serverless.json", "serverless.js", "serverless.mjs", "serverless.cjs", "serverless.ts")
FRAMEWORK_TAGS = frozenset({
    "!And", "!Base64", "!Cidr", "!Condition", "!Equals", "!FindInMap", "!GetAtt", "!GetAZs", "!If",
    "!ImportValue", "!Join", "!Not", "!Or", "!Ref", "!Select", "!Split", "!Sub",
})


class Reader(Protocol):
    def read_text(self, path: str) -> str: ...

    def exists(self, path: str) -> bool: ...


class FilesystemReader:
    """Reads the working tree."""

    def read_text(self, path: str) -> str:
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except FileNotFoundError:
            raise InputError("file not found", file=path) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read: {exc}", file=path) from None

    def exists(self, path: str) -> bool:
        return os.path.isfile(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)


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


# A tab (with any blanks) between a closing `]`/`}` and the end of the line or a comment.
_TRAILING_TAB = re.compile(r"(?<=[\]}])([ \t]*\t[ \t]*)(?=$|#)", re.M)


def load_js_yaml(text: str, source: str) -> Document:
    """yamlload.load_text plus the js-yaml differences above (YAML and JSON files alike)."""
    try:
        doc = _load(text, source)
    except InputError as exc:
        if "'\\t'" not in exc.message or not _TRAILING_TAB.search(text):
            raise
        # Same length, so every line and column stays where it was.
        doc = _load(_TRAILING_TAB.sub(lambda m: " " * len(m.group(1)), text), source)
    return doc


def _load(text: str, source: str) -> Document:
    if source.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        return load_text(text, source)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"invalid YAML: {problem}", file=source, line=mark.line + 1 if mark else None,
                         fix="fix the YAML syntax at that line") from None
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=source, fix="fix the YAML syntax") from None
    positions: dict = {}
    if node is None:
        return Document(None, source, positions)
    return Document(_JsYamlBuilder(yaml.constructor, source, positions).build(node, ()), source, positions)


class _JsYamlBuilder(_Builder):
    def scalar(self, node: Any) -> Any:
        if node.tag == "tag:yaml.org,2002:timestamp":
            iso = js_date_iso(node.value)
            if iso is not None:
                return iso
        return super().scalar(node)

    def short_tag(self, node: Any, path: tuple) -> Any:
        if node.tag not in FRAMEWORK_TAGS:
            raise self.error(node, f"unknown tag {node.tag} (Serverless Framework reads only "
                                   "the CloudFormation tags !Ref, !GetAtt, !Sub, !Join, ...)",
                             "use the long form {\"Fn::" + node.tag[1:] + "\": ...}")
        return super().short_tag(node, path)


# js-yaml's timestamp: a date, or a date and time with optional fraction and zone.
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?"
    r"(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)?$")


def js_date_iso(text: str) -> str | None:
    """JSON text of the JavaScript Date js-yaml builds for a YAML timestamp."""
    m = _TIMESTAMP.match(text)
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m.group(4) is None:
        return f"{year:04d}-{month:02d}-{day:02d}T00:00:00.000Z"
    hour, minute, second = int(m.group(4)), int(m.group(5)), int(m.group(6))
    fraction = (m.group(7) or "")[:3].ljust(3, "0")
    moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    if m.group(9):
        offset = timedelta(hours=int(m.group(10)), minutes=int(m.group(11) or 0))
        moment = moment - offset if m.group(9) == "+" else moment + offset
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + fraction + "Z"
