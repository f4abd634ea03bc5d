"""Read YAML and JSON documents into plain data, with line numbers, as the Serverless Framework does.

YAML is composed with ruamel.yaml (YAML 1.2, like js-yaml, so `yes`/`no` stay strings) and turned
into plain dicts and lists here, so that:
- every mapping key and sequence item keeps its (line, column), kept in a side table keyed by path;
- CloudFormation short tags become their long forms (`!GetAtt A.B` -> {"Fn::GetAtt": ["A", "B"]});
- duplicated mapping keys are an error naming both lines (js-yaml refuses them too);
- merge keys (`<<`) are applied as js-yaml applies them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from promotelint.model.errors import InputError
from promotelint.model.template import nearest_position

Path_ = tuple  # a path into the document: keys and list indexes

# Short tags whose value is wrapped as {"Fn::<Name>": value}.
_FN_TAGS = {
    "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
    "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString", "ForEach",
}
SHORT_TAGS = frozenset({"!" + t for t in _FN_TAGS} | {"!Ref", "!GetAtt", "!Condition"})


@dataclass
class Document:
    """A parsed file: its data and where each key / item was (1-based line, 1-based column)."""

    data: Any
    source: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """Line of the node at `path`, or of its nearest ancestor that has one."""
        pos = nearest_position(self.positions, path)
        return pos[0] if pos else None


def load_text(text: str, source: str) -> Document:
    """Parse JSON or YAML text: JSON for a `.json` file, or text that starts with `{` or `[`."""
    is_json_file = source.lower().endswith(".json")
    if is_json_file or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            # Outside a .json file, JSON-looking text with short tags or comments is YAML.
            try:
                if is_json_file:
                    raise InputError("not JSON")
                return load_yaml(text, source)
            except InputError:
                raise InputError(f"invalid JSON: {exc.msg}", file=source, line=exc.lineno,
                                 fix="fix the JSON syntax at that line") from None
        return Document(data, source, _json_positions(text, data))
    return load_yaml(text, source)


def load_yaml(text: str, source: str) -> Document:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"invalid YAML: {problem}", file=source, line=line,
                         fix="fix the YAML syntax at that line") from None
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=source, fix="fix the YAML syntax") from None
    positions: dict[Path_, tuple[int, int]] = {}
    if node is None:
        return Document(None, source, positions)
    builder = Builder(yaml.constructor, source, positions)
    return Document(builder.build(node, ()), source, positions)


class Builder:
    def __init__(self, constructor: Any, source: str, positions: dict) -> None:
        self.constructor = constructor
        self.source = source
        self.positions = positions

    def error(self, node: Any, message: str, fix: str) -> InputError:
        return InputError(message, file=self.source, line=node.start_mark.line + 1, fix=fix)

    def build(self, node: Any, path: tuple) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        tag = node.tag
        if tag and tag.startswith("!") and not tag.startswith("!!"):
            return self.short_tag(node, path)
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            out = []
            for i, item in enumerate(node.value):
                self.positions[path + (i,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                out.append(self.build(item, path + (i,)))
            return out
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        raise self.error(node, f"unsupported YAML node {type(node).__name__}", "simplify the YAML")

    def scalar(self, node: Any) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            return node.value
        try:
            value = self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # ruamel raises many types for bad scalars
            raise self.error(node, f"invalid YAML scalar {node.value!r}: {exc}", "quote the value") from None
        if tag == "tag:yaml.org,2002:timestamp":
            # js-yaml gives a Date that JSON.stringify renders as ISO text; plain text is close enough
            # for comparison and keeps templates JSON-serialisable.
            return node.value
        return value

    def mapping(self, node: Any, path: tuple) -> dict:
        out: dict = {}
        seen: dict[Any, int] = {}
        merges: list = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merges.append(value_node)
                continue
            key = self.build(key_node, path)
            if isinstance(key, (dict, list)):
                raise self.error(key_node, "a mapping key must be a plain value", "use a plain string key")
            if not isinstance(key, str):
                key = _js_key(key)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise InputError(f"duplicated mapping key {key!r} (first at line {seen[key]})",
                                 file=self.source, line=line, fix="remove one of the two keys")
            seen[key] = line
            self.positions[path + (key,)] = (line, key_node.start_mark.column + 1)
            out[key] = self.build(value_node, path + (key,))
        # Merge keys: explicit keys win, earlier merged mappings win over later ones (js-yaml rules).
        for merge in merges:
            from ruamel.yaml.nodes import MappingNode, SequenceNode

            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for src in sources:
                if not isinstance(src, MappingNode):
                    raise self.error(src, "a merge key (<<) needs a mapping", "merge a mapping or a list of mappings")
                merged = self.build(src, path)
                for k, v in merged.items():
                    out.setdefault(k, v)
        return out

    def short_tag(self, node: Any, path: tuple) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        tag = node.tag
        if tag not in SHORT_TAGS:
            raise self.error(node, f"unknown tag {tag}", "use a CloudFormation short tag such as !Ref, !Sub, !GetAtt")
        name = tag[1:]
        if isinstance(node, ScalarNode):
            value: Any = node.value
        elif isinstance(node, SequenceNode):
            value = [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        elif isinstance(node, MappingNode):
            value = self.mapping(node, path)
        else:  # pragma: no cover - ruamel has only these three
            raise self.error(node, f"unsupported value for {tag}", "see the CloudFormation docs")
        if name == "Ref":
            return {"Ref": value}
        if name == "Condition":
            return {"Condition": value}
        if name == "GetAtt":
            if isinstance(value, str):
                resource, _, attribute = value.partition(".")
                return {"Fn::GetAtt": [resource, attribute]}
            return {"Fn::GetAtt": value}
        if name == "GetAZs" and value is None:
            value = ""
        return {"Fn::" + name: value}


def _js_key(key: Any) -> str:
    """Non-string keys become the text JavaScript would give them."""
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    return str(key)


_JSON_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def _json_positions(text: str, data: Any) -> dict[Path_, tuple[int, int]]:
    """Lines of the keys that findings point at (top-level sections and their entries).

    The C json parser keeps no positions, and a position-keeping JSON parser in pure Python is ten
    times slower; the keys worth pointing at are the first two levels, which a scan finds.
    """
    positions: dict[Path_, tuple[int, int]] = {}
    if not isinstance(data, dict):
        return positions
    depth = 0
    section: str | None = None
    in_string = False
    escape = False
    line = 1
    line_start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
            elif ch == "\n":
                line += 1
                line_start = i + 1
            i += 1
            continue
        if ch == "\n":
            line += 1
            line_start = i + 1
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        elif ch == '"':
            if depth in (1, 2):
                m = _JSON_KEY.match(text, i)
                if m:
                    key = json.loads('"' + m.group(1) + '"')
                    col = i - line_start + 1
                    if depth == 1:
                        section = key
                        positions[(key,)] = (line, col)
                    elif section is not None:
                        positions[(section, key)] = (line, col)
                    i = m.end()
                    continue
            in_string = True
        i += 1
    return positions
