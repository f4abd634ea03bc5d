"""Read YAML and JSON documents into plain data, with line numbers, as the Serverless Framework does.

YAML is read as ruamel.yaml reads it (YAML 1.2, like js-yaml, so `yes`/`no` stay strings): composed
by libyaml where parse.cyaml vouches for the same reading, else by ruamel, and turned into plain
dicts and lists here, so that:
- every mapping key and sequence item keeps its (line, column), kept in a side table keyed by path;
- CloudFormation short tags become their long forms (`!GetAtt A.B` -> {"Fn::GetAtt": ["A", "B"]});
- duplicated mapping keys are an error naming both lines (js-yaml refuses them too);
- merge keys (`<<`) are applied as js-yaml applies them;
- what no template needs is refused as bad input, before it can exhaust time, memory or the stack:
  nesting deeper than MAX_DEPTH, an alias that contains itself, aliases that expand a document to
  far more values than its text holds (a "billion laughs"), numbers too long to convert.
"""

from __future__ import annotations

import json
import re

from promotelint.model.errors import InputError
from promotelint.model.record import field, record
from promotelint.model.regex import lazy
from promotelint.model.template import nearest_position
from promotelint.parse.entries import Entries, read_object

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

Path_ = tuple  # a path into the document: keys and list indexes

# Short tags whose value is wrapped as {"Fn::<Name>": value}.
_FN_TAGS = {
    "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub",
    "Transform", "And", "Equals", "If", "Not", "Or", "Length", "ToJsonString", "ForEach",
}
SHORT_TAGS = frozenset({"!" + t for t in _FN_TAGS} | {"!Ref", "!GetAtt", "!Condition"})

# The deepest nesting of values a document may have. Real templates and services stay far below
# (a step-functions definition with nested Parallel states reaches ~40); every stage after parsing
# walks values recursively, and this keeps them within Python's recursion limit.
MAX_DEPTH = 100
# Aliases may repeat values, but a document may not build more values than this beyond one per
# character of its text: a few hundred bytes of nested aliases otherwise expand to billions.
ALIAS_ALLOWANCE = 100_000
_DEEP_FIX = f"no template or service needs more than {MAX_DEPTH} levels: flatten the structure"


@record(frozen=False)
class Document:
    """A parsed file: its data and where each key / item was (1-based line, 1-based column)."""

    data: Any
    source: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    entries: Entries | None = None  # a JSON object's, kept for the other side of a pair (parse.entries)

    def line(self, path: Path_) -> int | None:
        """Line of the node at `path`, or of its nearest ancestor that has one."""
        pos = nearest_position(self.positions, path)
        return pos[0] if pos else None


def load_text(text: str, source: str, like: Entries | None = None) -> Document:
    """Parse JSON or YAML text: JSON for a `.json` file, or text that starts with `{` or `[`.
    `like`: the Entries of the other side of a pair, whose unchanged resources this one shares."""
    is_json_file = source.lower().endswith(".json")
    if is_json_file or text.lstrip().startswith(("{", "[")):
        read = read_object(text, like)
        if read is not None:
            data, positions, entries = read
            if _read_too_deep(text, data, like):
                raise _too_deep(source, text)
            return Document(data, source, positions, entries)
        try:
            data = load_json(text, source)
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


def _read_too_deep(text: str, data: dict, like: Entries | None) -> bool:
    """Whether data read_object gave nests deeper than MAX_DEPTH. The values it shares with `like`
    were checked there, two levels down as here: only the others are walked, when they are few."""
    resources = data.get("Resources")
    if like is not None and type(resources) is dict:
        shared = {id(entry[3]) for entry in like.order}
        fresh = [value for value in resources.values() if id(value) not in shared]
        if len(fresh) * 2 <= len(resources):
            return _deeper_than({k: v for k, v in data.items() if k != "Resources"}, MAX_DEPTH) \
                or _deeper_than(fresh, MAX_DEPTH - 1)  # (the list stands where Resources stands)
    return _json_too_deep(text, data)


def _json_too_deep(text: str, data: Any) -> bool:
    """Whether `data`, what json.loads read in `text`, nests deeper than MAX_DEPTH: the text's
    brackets vouch for most, the walk of the values decides the rest."""
    return not _brackets_within(text, MAX_DEPTH) and _deeper_than(data, MAX_DEPTH)


def load_json(text: str, source: str, **options: Any) -> Any:
    """json.loads (`options` are its hooks), with nesting deeper than MAX_DEPTH and numbers too long
    to convert refused as bad input. A JSONDecodeError is left to the caller."""
    try:
        data = json.loads(text, **options)
    except RecursionError:
        raise _too_deep(source, text) from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError) or "digits" not in str(exc):
            raise
        raise _long_number(source, text, exc) from None  # more digits than Python converts (sys.int_info)
    hooked = "object_hook" in options or "object_pairs_hook" in options  # (they may make other values)
    if _deeper_than(data, MAX_DEPTH) if hooked else _json_too_deep(text, data):
        raise _too_deep(source, text)
    return data


def load_yaml(text: str, source: str, builder: type[Builder] | None = None) -> Document:
    """Parse YAML text; `builder` turns the composed nodes into data (Builder: YAML 1.2 as
    CloudFormation reads it; parse.jsyaml's: as the Serverless Framework's js-yaml reads it).

    libyaml composes when parse.cyaml can vouch that it reads the text as ruamel does (16-29x
    faster); ruamel composes the rest, and every text libyaml refuses (its error is the one shown)."""
    from promotelint.parse import cyaml

    if _flow_deeper_than(text, 10 * MAX_DEPTH):
        # ruamel's scanner is quadratic in flow nesting: refuse before it spends seconds on it.
        raise _too_deep(source, text)
    node = cyaml.compose(text)
    constructor: Any = cyaml.Constructor()
    if node is cyaml.UNDECIDED:
        node, constructor = _ruamel_compose(text, source)
    positions: dict[Path_, tuple[int, int]] = {}
    if node is None:
        return Document(None, source, positions)
    build = (builder or Builder)(constructor, source, positions, limit=len(text) + ALIAS_ALLOWANCE)
    return Document(build.build(node, ()), source, positions)


def _ruamel_compose(text: str, source: str) -> tuple[Any, Any]:
    """ruamel.yaml's root node of `text` and its safe constructor; bad YAML as an InputError."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="safe", pure=True)
    try:
        return yaml.compose(text), yaml.constructor
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"invalid YAML: {problem}", file=source, line=line,
                         fix="fix the YAML syntax at that line") from None
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", file=source, fix="fix the YAML syntax") from None
    except RecursionError:  # ruamel composes nested flow collections recursively
        raise _too_deep(source, text) from None


_FLOW = lazy(r'"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[\[\]{}]')


def _flow_deeper_than(text: str, limit: int) -> bool:
    """Whether brackets outside quoted strings nest deeper than `limit` (a generous bound: the
    exact MAX_DEPTH check is the builder's)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for m in _FLOW.finditer(text):
        token = m.group(0)
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


_NOT_BRACKETS = bytes(c for c in range(256) if c not in b'"[]{}')


def _brackets_within(text: str, limit: int) -> bool:
    """Whether the values of `text`, JSON that json.loads read, surely nest no deeper than `limit`
    (False: they may; then `_deeper_than` decides). All in C, three quarters of that walk's
    instructions on a template. A container is a pair of brackets outside strings: kept are the
    text's quotes and brackets, less escaped quotes (an escape is a backslash and the next
    character: doubled backslashes go first, so that an escaped backslash before a quote still
    ends its string). Each `""` left is an empty string, or the end of one string and the start
    of the next with only dropped characters between: dropping it leaves the brackets outside
    strings as they were, and the strings still left (holding brackets) go with a split. Then each
    round drops the innermost `{}` and then the innermost `[]`, at most two levels of a path:
    empty within limit // 2 rounds, the text nested at most `limit` levels."""
    raw = text.encode("utf-8", "surrogatepass")
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = raw.translate(None, _NOT_BRACKETS).replace(b'""', b"")
    if b'"' in brackets:
        brackets = b"".join(brackets.split(b'"')[::2])
    for _ in range(limit // 2):
        if not brackets:
            return True
        brackets = brackets.replace(b"{}", b"").replace(b"[]", b"")
    return not brackets


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether a container lies more than `limit` levels below `value` (level by level: one list
    comprehension per level over all its containers, the cheapest walk in Python; a comprehension
    per container costs a call each, three times the time on a template)."""
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        if depth > limit:
            return True
        level = [v for container in level
                 for v in (container.values() if type(container) is dict else container)
                 if type(v) is dict or type(v) is list]
        depth += 1
    return False


def _too_deep(source: str, text: str) -> InputError:
    """The error for text nested deeper than MAX_DEPTH, at the first line that goes past it
    (brackets counted outside quoted strings, or YAML indentation)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        if (len(line) - len(line.lstrip(" "))) // 2 > MAX_DEPTH:
            return InputError(f"nested more than {MAX_DEPTH} levels deep", file=source, line=number, fix=_DEEP_FIX)
        for char in re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", line):
            depth += (char in "[{") - (char in "]}")
            if depth > MAX_DEPTH:
                return InputError(f"nested more than {MAX_DEPTH} levels deep", file=source, line=number,
                                  fix=_DEEP_FIX)
    return InputError(f"nested more than {MAX_DEPTH} levels deep", file=source, fix=_DEEP_FIX)


def _long_number(source: str, text: str, exc: ValueError) -> InputError:
    m = re.search(r"\d{4000,}", text)
    line = text.count("\n", 0, m.start()) + 1 if m else None
    return InputError(f"a number too long to read ({exc.args[0].split(':')[0].lower() if exc.args else exc})",
                      file=source, line=line, fix="write the value as a quoted string")


_STR = "tag:yaml.org,2002:str"


class Builder:
    def __init__(self, constructor: Any, source: str, positions: dict, limit: int = ALIAS_ALLOWANCE) -> None:
        self.constructor = constructor
        self.source = source
        self.positions = positions
        self.budget = limit  # values left to build: aliases must not expand the document without end
        self.building: set[int] = set()  # the collection nodes being built, to catch an alias to itself

    def error(self, node: Any, message: str, fix: str) -> InputError:
        return InputError(message, file=self.source, line=node.start_mark.line + 1, fix=fix)

    def build(self, node: Any, path: tuple) -> Any:
        # Nodes are ruamel's or PyYAML's (parse.cyaml): both name their kind in `id`.
        self.budget -= 1
        if self.budget < 0:
            raise self.error(node, "aliases expand this document to far more values than it holds "
                                   "(a YAML alias bomb?)", "write the values out instead of repeating aliases")
        if node.id == "scalar":
            tag = node.tag
            if tag == _STR:  # most scalars: text as it stands, whatever the builder (no call)
                return node.value
            return self.short_tag(node, path) if tag.startswith("!") and not tag.startswith("!!") \
                else self.scalar(node)
        if len(path) > MAX_DEPTH:
            raise self.error(node, f"nested more than {MAX_DEPTH} levels deep", _DEEP_FIX)
        if id(node) in self.building:
            raise self.error(node, "an alias refers to a value that contains it (a recursive alias)",
                             "remove the alias from inside its own anchor")
        self.building.add(id(node))
        try:
            if node.tag.startswith("!") and not node.tag.startswith("!!"):
                return self.short_tag(node, path)
            if node.id == "mapping":
                return self.mapping(node, path)
            if node.id == "sequence":
                out = []
                for i, item in enumerate(node.value):
                    self.positions[path + (i,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                    out.append(self.build(item, path + (i,)))
                return out
            raise self.error(node, f"unsupported YAML node {type(node).__name__}", "simplify the YAML")
        finally:
            self.building.discard(id(node))

    def scalar(self, node: Any) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":
            return node.value
        try:
            value = self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # ruamel raises many types for bad scalars
            # The message names the line, not the value: a value may be a secret.
            reason = ("a number too long to read" if "digits" in str(exc)
                      else f"invalid {tag.rsplit(':', 1)[-1]} value")
            raise self.error(node, reason, "quote the value") from None
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
            sources = merge.value if merge.id == "sequence" else [merge]
            for src in sources:
                if src.id != "mapping":
                    raise self.error(src, "a merge key (<<) needs a mapping", "merge a mapping or a list of mappings")
                merged = self.build(src, path)
                for k, v in merged.items():
                    out.setdefault(k, v)
        return out

    def short_tag(self, node: Any, path: tuple) -> Any:
        tag = node.tag
        if tag not in SHORT_TAGS:
            raise self.error(node, f"unknown tag {tag}", "use a CloudFormation short tag such as !Ref, !Sub, !GetAtt")
        name = tag[1:]
        if node.id == "scalar":
            value: Any = node.value
        elif node.id == "sequence":
            value = [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        elif node.id == "mapping":
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


# A key's text in JSON (no newline in it), a key at the start of a line of indented JSON, and a
# string or a bracket anywhere.
_KEY_TEXT = r'([^"\\\n]*(?:\\.[^"\\\n]*)*)'
_INDENTED_KEY = lazy(r'^( *)"((?:[^"\\\n]|\\.)*)"[ \t]*:', re.M)
_TOKEN = lazy(r'"((?:[^"\\]|\\.)*)"(\s*:)?|[\[\]{}]')


def _json_positions(text: str, data: Any) -> dict[Path_, tuple[int, int]]:
    """Lines of the keys that findings point at (top-level sections and their entries).

    The C json parser keeps no positions. Templates are mostly indented JSON, where a key's depth is
    its indentation: those keys come from one regular-expression pass over the line starts, and are
    used only when they are exactly the parsed keys. Anything else (minified JSON, odd layouts) is
    scanned token by token, still in one linear pass.
    """
    if not isinstance(data, dict):
        return {}
    return _located_positions(text, data) or _indented_positions(text, data) or _scanned_positions(text, data)


class _Lines:
    """(line, column) of offsets visited in increasing order, counting newlines as it goes."""

    def __init__(self, text: str) -> None:
        self.text, self.offset, self.line, self.line_start = text, 0, 1, 0

    def __call__(self, offset: int) -> tuple[int, int]:
        newlines = self.text.count("\n", self.offset, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


def _key(raw: str) -> str:
    return json.loads('"' + raw + '"') if "\\" in raw else raw


_COLON = lazy(r"[ \t]*:")


def _located_positions(text: str, data: dict) -> dict[Path_, tuple[int, int]] | None:
    """The positions of indented JSON, each key looked up by its own text (newline, indentation,
    quoted key: a literal that str.find skips through), in the order json.loads met them: half
    the instructions of `_indented_positions`, whose patterns stop at every line. None when a key
    is not where the layout puts it, or may be written with escapes (then that one decides).

    A key written twice is placed at its first line (json.loads keeps the value of the last)."""
    first = _INDENTED_KEY.search(text)
    if first is None or not first.group(1):
        return None
    unit = first.group(1)
    outer, inner = f"\n{unit}\"", f"\n{unit * 2}\""
    positions: dict[Path_, tuple[int, int]] = {}
    find, count = text.find, text.count
    line, previous = 1, 0
    for section, value in data.items():
        keys = list(value) if type(value) is dict else []
        every = section + "".join(keys)  # a key with an escape, or that may have one, is left
        if not (every.isascii() and every.isprintable()) or '"' in every or "\\" in every:
            return None
        at = _key_at(text, outer + section + '"', previous)
        if at == -1:
            return None
        at += len(outer) - 1  # the key's quote
        line += count("\n", previous, at)
        previous = at
        positions[(section,)] = (line, len(outer) - 1)
        for key in keys:
            at = find(inner + key + '":', previous)  # as json.dumps writes it, else any layout
            if at == -1 and (at := _key_at(text, inner + key + '"', previous)) == -1:
                return None
            at += len(inner) - 1
            line += count("\n", previous, at)
            previous = at
            positions[(section, key)] = (line, len(inner) - 1)
    return positions


def _key_at(text: str, needle: str, start: int) -> int:
    """Where `needle` (newline, indentation, quoted key) is next followed by a colon, or -1."""
    at = text.find(needle, start)
    while at != -1 and _COLON.match(text, at + len(needle)) is None:  # text, not a key
        at = text.find(needle, at + 1)
    return at


def _indented_positions(text: str, data: dict) -> dict[Path_, tuple[int, int]] | None:
    first = _INDENTED_KEY.search(text)
    if first is None or not first.group(1):
        return None
    unit = first.group(1)
    # Only keys indented one or two units: the deeper ones are not worth a position. One scan per
    # depth, each with a literal prefix (newline, indentation, quote) that the regular-expression
    # engine searches for instead of trying every line: twice as fast as one scan for both.
    found = sorted((m.start(1) - 1, depth, m.group(1))
                   for depth in (1, 2) for m in re.finditer(rf'\n{unit * depth}"{_KEY_TEXT}"[ \t]*:', text))
    # Each key's quote follows its line's newline and indentation: the column is known, and the
    # line counted from the previous key's.
    count, line, previous = text.count, 1, 0
    positions: dict[Path_, tuple[int, int]] = {}
    seen: dict[Any, list] = {(): []}
    section: str | None = None
    for offset, depth, raw in found:
        key = _key(raw)
        line += count("\n", previous, offset)
        previous = offset
        if depth == 1:
            section = key
            seen[()].append(key)
            seen[(key,)] = []
            positions[(key,)] = (line, len(unit) + 1)
        elif section is not None:
            seen[(section,)].append(key)
            positions[(section, key)] = (line, 2 * len(unit) + 1)
    # Trust the layout only when it gives exactly the parsed keys, in number too (no duplicates).
    if len(seen[()]) != len(data) or set(seen[()]) != set(data):
        return None
    for section, value in data.items():
        keys = seen[(section,)]
        if isinstance(value, dict) and (len(keys) != len(value) or set(keys) != set(value)):
            return None
        if not isinstance(value, dict) and keys:
            return None
    return positions


def _scanned_positions(text: str, data: dict) -> dict[Path_, tuple[int, int]]:
    positions: dict[Path_, tuple[int, int]] = {}
    line_of = _Lines(text)
    depth = 0
    section: str | None = None
    for m in _TOKEN.finditer(text):
        token = m.group(0)
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
        elif m.group(2) and depth in (1, 2):
            key = _key(m.group(1))
            if depth == 1:
                section = key
                positions[(key,)] = line_of(m.start())
            elif section is not None:
                positions[(section, key)] = line_of(m.start())
    return positions
