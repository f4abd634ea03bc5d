"""The framework's YAML dialect: how Serverless Framework v3 (js-yaml) reads a service's files.

promotelint.parse.documents does the parsing (positions, short tags, duplicated keys); here are the
few places where js-yaml, and so the framework, reads a file differently from ruamel:
- a tab after a flow collection at the end of a line, or between a mapping key and its colon
  (`KEY\t: 1`), is whitespace to js-yaml, an error to ruamel;
- timestamps (`2012-10-17`) become JavaScript Dates, which the framework's JSON round trip turns
  into ISO text (`2012-10-17T00:00:00.000Z`);
- only the framework's CloudFormation tags exist (no !Transform, !Length, !ToJsonString, !ForEach).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from promotelint.model.errors import InputError
from promotelint.model.regex import lazy
from promotelint.parse.documents import Builder, Document, load_text, load_yaml

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

FRAMEWORK_TAGS = frozenset({
    "!And", "!Base64", "!Cidr", "!Condition", "!Equals", "!FindInMap", "!GetAtt", "!GetAZs", "!If",
    "!ImportValue", "!Join", "!Not", "!Or", "!Ref", "!Select", "!Split", "!Sub",
})


# A tab (with any blanks) between a closing `]`/`}` and the end of the line or a comment.
_TRAILING_TAB = lazy(r"(?<=[\]}])([ \t]*\t[ \t]*)(?=$|#)", re.M)
# A tab (with any blanks) between a plain block-mapping key and its `: `.
_KEY_TAB = lazy(r"(?<=^)([ ]*(?:- +)*[^\s#'\"{}\[\]|>&*!%@`,?:-](?:[^\n#:]*?[^\s:])?)([ \t]*\t[ \t]*)(?=:(?:[ \t]|$))", re.M)


def load_js_yaml(text: str, source: str) -> Document:
    """yamlload.load_text plus the js-yaml differences above (YAML and JSON files alike)."""
    lines = text.split("\n")
    for _ in range(len(lines)):
        try:
            return _load("\n".join(lines), source)
        except InputError as exc:
            # ruamel stops at the first tab it refuses: if that line has one js-yaml reads as
            # whitespace, blank it (same length: every line and column stays) and read again.
            index = (exc.line or 0) - 1
            if "'\\t'" not in exc.message or not 0 <= index < len(lines):
                raise
            fixed = _TRAILING_TAB.sub(lambda m: " " * len(m.group(1)), lines[index])
            fixed = _KEY_TAB.sub(lambda m: m.group(1) + " " * len(m.group(2)), fixed)
            if fixed == lines[index]:
                raise
            lines[index] = fixed
    return _load("\n".join(lines), source)


def _load(text: str, source: str) -> Document:
    if source.lower().endswith(".json") or text.lstrip().startswith(("{", "[")):
        return load_text(text, source)
    return load_yaml(text, source, _JsYamlBuilder)


class _JsYamlBuilder(Builder):
    def scalar(self, node: Any) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:timestamp":
            iso = js_date_iso(node.value)
            if iso is not None:
                return iso
        elif tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and "_" in node.value:
            return node.value  # js-yaml 4 reads 1_000 as text
        value = super().scalar(node)
        if isinstance(value, float):
            # JavaScript has one number type, and JSON no Infinity / NaN (the framework's round trip
            # makes them null): 1e3 and 1.0 are 1000 and 1.
            if value != value or value in (float("inf"), float("-inf")):
                return None
            if value.is_integer() and abs(value) < 2**53:
                return int(value)
        return value

    def short_tag(self, node: Any, path: tuple) -> Any:
        if node.tag not in FRAMEWORK_TAGS:
            raise self.error(node, f"unknown tag {node.tag} (Serverless Framework reads only "
                                   "the CloudFormation tags !Ref, !GetAtt, !Sub, !Join, ...)",
                             "use the long form {\"Fn::" + node.tag[1:] + "\": ...}")
        return super().short_tag(node, path)


# js-yaml's timestamp: a date, or a date and time with optional fraction and zone.
_TIMESTAMP = lazy(
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
