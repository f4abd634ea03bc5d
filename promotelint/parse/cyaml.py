"""Compose YAML with libyaml (PyYAML's C parser), read as ruamel.yaml reads it, or not at all.

ruamel.yaml's pure-Python composer is most of the time a compile takes; libyaml composes the same
text 16-29x faster. But libyaml is a YAML 1.1 parser: left to PyYAML, `yes` is true and `010` is
eight. Here it only parses: every plain scalar is resolved with ruamel's YAML 1.2 rules (the table
below, which tests/test_cyaml.py holds equal to ruamel's) and constructed as ruamel's safe
constructor would (`construct_object`), so that documents.Builder builds the same data with the
same positions from either parser's nodes.

Where the two parsers could disagree, libyaml is not asked (`compose` returns UNDECIDED and the
caller composes with ruamel): text with tabs (js-yaml reads some as blanks, ruamel refuses them:
parse.jsyaml patches ruamel's errors), directives (`%YAML 1.1` changes the rules), explicit `!!`
tags, line breaks other than `\\n` and `\\r\\n`, a byte-order mark; and every text libyaml refuses,
so that bad input gets ruamel's error and line, as before. tests/test_cyaml.py compares both paths
on every corpus and fixture file (and error cases); PyYAML without libyaml means ruamel always.
"""

from __future__ import annotations

import re

from promotelint.model.regex import lazy
import sys
from datetime import date

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

UNDECIDED = object()  # compose's answer when ruamel must compose the text

STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

# ruamel.yaml's implicit resolvers for YAML 1.2 (ruamel.yaml.resolver.implicit_resolvers), by
# the first character of the scalar: (tag, pattern) in ruamel's order.
_IMPLICIT_1_2 = (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:float", r"""^(?:
         [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""", "-+0123456789."),
    ("tag:yaml.org,2002:int", r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0o?[0-7_]+
        |[-+]?[0-9_]+
        |[-+]?0x[0-9a-fA-F_]+)$""", "-+0123456789"),
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", "<"),
    ("tag:yaml.org,2002:null", r"""^(?: ~
        |null|Null|NULL
        | )$""", ("~", "n", "N", "")),
    ("tag:yaml.org,2002:timestamp", r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
        (?:[Tt]|[ \t]+)[0-9][0-9]?
        :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
        (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", "0123456789"),
    ("tag:yaml.org,2002:value", r"^(?:=)$", "="),
    ("tag:yaml.org,2002:yaml", r"^(?:!|&|\*)$", "!&*"),
)
_RESOLVERS: dict[str, list[tuple[str, Any]]] = {}
for _tag, _pattern, _first in _IMPLICIT_1_2:
    for _char in _first:
        _RESOLVERS.setdefault(_char, []).append((_tag, lazy(_pattern, re.X)))

# A plain scalar's tag depends on its text alone, and configs repeat their texts (keys, `true`,
# names): the patterns run once per short text, for up to this many texts a process.
_PLAIN_TAGS: dict[str, str] = {}
_PLAIN_TAGS_KEPT = 50_000

# What libyaml is not asked to read (see the module's docstring).
_UNSURE = re.compile(r"[\t\x85\u2028\u2029\ufeff]|^%|!!|!<", re.M)
_DATE = lazy(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")

# PyYAML's pure-Python reader (yaml.reader.Reader: unused here, libyaml reads the text) compiles at
# import a class of the characters YAML allows, as ranges across the whole BMP; re's compiler walks
# such ranges one code point at a time, in Python: ~57 M instructions, more than all the rest of
# PyYAML's import, a sixth of a cold `compile`. The class of the other characters matches exactly
# the same ones (tests/test_cyaml.py compares the two on every code point, and this text with
# PyYAML's source) and compiles at once: it is put in re's cache under PyYAML's pattern before the
# import, which then finds it compiled. Where re keeps no such cache (another Python), nothing is
# put there and PyYAML compiles its own, as before.
PYYAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
NON_PRINTABLE = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"
if isinstance(getattr(re, "_cache", None), dict) and "yaml" not in sys.modules:
    re._cache.setdefault((str, PYYAML_NON_PRINTABLE, 0), re.compile(NON_PRINTABLE))  # type: ignore[attr-defined]

try:  # PyYAML built without libyaml has no _yaml: ruamel reads everything then
    from yaml import YAMLError
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - cfn-lint installs PyYAML with libyaml on every platform we ship
    CParser = None


def compose(text: str) -> Any:
    """The root node of `text` (None for an empty document), or UNDECIDED."""
    if CParser is None or _UNSURE.search(text) or (text.count("\r") != text.count("\r\n")):
        return UNDECIDED
    try:
        return _Parser(text).get_single_node()
    except (YAMLError, UnicodeError, RecursionError):
        return UNDECIDED  # bad input: ruamel says why, and where


if CParser is not None:
    class _Parser(CParser):  # type: ignore[misc, valid-type]
        """libyaml's parser and composer with ruamel's YAML 1.2 resolution."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            # CParser asks only for nodes without a tag or with the non-specific `!`.
            if value is not None and implicit[0]:  # a plain scalar
                known = _PLAIN_TAGS.get(value)
                if known is not None:
                    return known
                known = STR
                for tag, pattern in _RESOLVERS.get(value[:1], ()):
                    if pattern.match(value):
                        known = tag
                        break
                if len(value) <= 80 and len(_PLAIN_TAGS) < _PLAIN_TAGS_KEPT:
                    _PLAIN_TAGS[value] = known
                return known
            if value is not None:
                return STR
            return _SEQ if kind.__name__ == "SequenceNode" else _MAP

        # libyaml's composer calls these two around every node, for path resolvers, which ruamel's
        # rules have none of. Builtins there, that take the same arguments and bind no `self`, make
        # no Python call (functions that `pass`: 3.5% of a compile): slice(parent, index), tuple().
        descend_resolver = slice
        ascend_resolver = tuple


class Constructor:
    """ruamel's SafeConstructor (YAML 1.2) for the scalars the resolver above can tag; any other
    tag goes to ruamel's own constructor."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        tag, value = node.tag, node.value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        if tag == "tag:yaml.org,2002:int":
            return _int(value)
        if tag == "tag:yaml.org,2002:float":
            return _float(value)
        if tag == "tag:yaml.org,2002:timestamp" and _DATE.match(value):
            m = _DATE.match(value)
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _ruamel_construct(node)


def _int(value: str) -> int:
    # ruamel.yaml.constructor.SafeConstructor.construct_yaml_int at YAML 1.2
    value_s = value.replace("_", "")
    sign = -1 if value_s[0] == "-" else 1
    if value_s[0] in "+-":
        value_s = value_s[1:]
    if value_s == "0":
        return 0
    if value_s.startswith("0b"):
        return sign * int(value_s[2:], 2)
    if value_s.startswith("0x"):
        return sign * int(value_s[2:], 16)
    if value_s.startswith("0o"):
        return sign * int(value_s[2:], 8)
    return sign * int(value_s)


def _float(value: str) -> float:
    # ruamel.yaml.constructor.SafeConstructor.construct_yaml_float at YAML 1.2
    value_s = value.replace("_", "").lower()
    sign = -1 if value_s[0] == "-" else 1
    if value_s[0] in "+-":
        value_s = value_s[1:]
    if value_s == ".inf":
        return sign * float("inf")
    if value_s == ".nan":
        return float("nan")
    return sign * float(value_s)


def _ruamel_construct(node: Any) -> Any:
    """A rare scalar (a full timestamp, `=`) constructed by ruamel itself, from a ruamel node."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.tag import Tag

    constructor = YAML(typ="safe", pure=True).constructor
    return constructor.construct_object(ScalarNode(Tag(suffix=node.tag), node.value, node.start_mark,
                                                   node.end_mark, style=node.style), deep=True)
