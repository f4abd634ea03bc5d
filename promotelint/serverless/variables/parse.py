"""The variable syntax (`${source:address, fallback}`): a port of lib/configuration/variables/parse.js.

The same states and the same results as parse.js. A variable is a dict {"start", "end", "sources": [...]}
(start/end are None when one variable is the whole string), or an escape {"start", "end", "value"}. A
source is {"type", "params": [meta], "address": meta} or {"value": literal}; a meta is {"value": ...,
"variables": [...]} (variables only if it has some).
"""

from __future__ import annotations

import json

from promotelint.model.regex import lazy
from promotelint.serverless.js import js_number

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


class VariableSyntaxError(Exception):
    pass


_ALPHA = frozenset("abcdefghijklmnopqrstuvwxyz")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
_IS_TYPE = lazy(r"^[a-z][a-zA-Z0-9]*$")
# States in which spaces between the parts of a variable are skipped
_SKIPS_SPACES = frozenset({"maybeNextSourceStart", "typeOrSourceLiteral", "paramStart", "afterParamString",
                           "maybeAddressOpen", "maybeAddressStart", "afterAddressString", "afterSourceLiteralString"})


def _literal(text: str, fallback_to_input: bool, value: str, source_start: int) -> Any:
    if text == "true":
        return True
    if text == "false":
        return False
    if text == "null":
        return None
    number = js_number(text)
    if number is not None:
        return None if number in (float("inf"), float("-inf")) else number  # JSON has no Infinity: null
    if fallback_to_input:
        return text
    raise VariableSyntaxError(f'Invalid literal source "{text}" at index {source_start} in "{value}"')


def _meta(meta_value: Any, meta_variables: list | None) -> dict:
    meta = {"value": meta_value if meta_value else None}  # JS `metaValue || null`
    if meta_variables:
        meta["variables"] = _normalize(meta_value, meta_variables)
    return meta


def _normalize(meta_value: Any, variables: list) -> list | None:
    if not variables:
        return None
    if len(variables) == 1:
        v = variables[0]
        if not v["start"] and v["end"] == len(meta_value):
            v["start"] = v["end"] = None
    return variables


def parse(value: str) -> list | None:  # noqa: C901 - one state machine, kept as in parse.js
    """Variables in `value` (None if there are none); VariableSyntaxError for a malformed one."""
    if "$" not in value:
        return None
    st: dict[str, Any] = dict(
        state="out", context_start=0, context_variables=None, escape_var_start=None, variables=None,
        sources=None, contexts=None, current_source=None, variable_start=0, source_start=0,
        param_start=0, address_start=0, string_context=None,
    )
    index = 0

    def finalize_source() -> None:
        if st["sources"] is None:
            st["sources"] = []
        st["sources"].append(st["current_source"])
        st["current_source"] = None
        st["state"] = "maybeNextSourceStart"

    def finalize_variable() -> None:
        finalize_source()
        if st["variables"] is None:
            st["variables"] = []
        st["variables"].append({"start": st["variable_start"] - st["context_start"],
                                "end": index + 1 - st["context_start"], "sources": st["sources"]})
        st["sources"] = None
        release_context()

    def register_var_escape() -> None:
        if st["variables"] is None:
            st["variables"] = []
        count = -(-(index - 1 - st["escape_var_start"] - 1) // 2)
        st["variables"].append({"start": st["escape_var_start"] - st["context_start"],
                                "end": index - st["context_start"], "value": "\\" * max(count, 0) + value[index - 1]})
        st["escape_var_start"] = None

    def register_slash_escape() -> None:
        if st["variables"] is None:
            st["variables"] = []
        count = -(-(index - 1 - st["escape_var_start"] - 1) // 2)
        st["variables"].append({"start": st["escape_var_start"] - st["context_start"],
                                "end": index - 1 - st["context_start"], "value": "\\" * max(count, 0)})
        st["escape_var_start"] = None

    def register_context(new_context_start: int | None = None) -> None:
        if new_context_start is None:
            new_context_start = st["context_start"]
        if st["contexts"] is None:
            st["contexts"] = []
        if st["variables"] is None:
            st["variables"] = []
        if new_context_start and st["context_variables"] is None:
            st["context_variables"] = []
        st["contexts"].append({k: st[k] for k in ("state", "variable_start", "context_start", "variables",
                                                  "context_variables", "current_source", "sources")})
        st["state"] = "maybeVariableOpen"
        st["variable_start"] = index
        st["sources"] = None
        if new_context_start:
            st["context_start"] = new_context_start
            st["variables"] = st["context_variables"]

    def release_context() -> None:
        context = st["contexts"].pop() if st["contexts"] else None
        if context is None:
            st["state"] = "out"
            return
        if not st["contexts"]:
            st["contexts"] = None
        for k in ("state", "variable_start", "variables", "context_variables", "current_source", "sources"):
            st[k] = context[k]
        if st["state"] == "param":
            st["param_start"] = st["context_start"]
        if st["state"] == "address":
            st["address_start"] = st["context_start"]
        st["context_start"] = context["context_start"]

    def outside() -> None:
        # text outside any variable, where `\` may start an escape and `$` a variable
        if char == "\\":
            if st["escape_var_start"] is None:
                st["escape_var_start"] = index
            st["state"] = "escapeVar"
        elif char == "$":
            st["variable_start"] = index
            st["state"] = "maybeVariableOpen"
        else:
            st["escape_var_start"] = None

    def open_string(after: str) -> None:
        st["string_context"] = after
        st["state"] = "doubleQuotedString" if char == '"' else "singleQuotedString"

    def open_unquoted(state: str, start: int) -> None:
        # a param or address, which may hold variables of its own
        st["state"] = state
        st["context_variables"] = None
        if char == "$":
            register_context(start)

    def not_a_variable() -> None:
        # `${` not followed by a source type (`${AWS::Region}`, `${Bucket}`): text the framework
        # leaves alone, up to its closing brace
        if char == "}":
            release_context()
        else:
            st["state"] = "foreign"
            if char == "$":
                register_context()

    def in_variable_context() -> bool:
        return bool(st["contexts"]) and any(c["state"] != "foreign" for c in st["contexts"])

    def parse_string(start: int) -> str:
        if value[start] == "'":
            return value[start:index].strip()[1:-1]
        try:
            return json.loads(value[start:index])
        except ValueError as exc:
            raise VariableSyntaxError(f'Invalid string literal at index {start} in "{value}": {exc}') from None

    def error(kind: str, at: int) -> VariableSyntaxError:
        return VariableSyntaxError(f'Invalid variable {kind} at index {at} in "{value}"')

    length = len(value)
    while index < length:
        char = value[index]
        state = st["state"]
        if char == " " and state in _SKIPS_SPACES:
            index += 1
            continue
        if state == "out":
            outside()
        elif state == "escapeVar":
            if char == "$":
                st["state"] = "escapeVarDollar"
            else:
                if char != "\\":
                    st["escape_var_start"] = None
                st["state"] = "out"
        elif state == "escapeVarDollar":
            if char == "{":
                register_var_escape()
                st["state"] = "out"
            else:  # `\$` not followed by `{`: this character is plain text again
                st["escape_var_start"] = None
                st["state"] = "out"
                outside()
        elif state == "maybeVariableOpen":
            if char == "{":
                if st["escape_var_start"] is not None:
                    register_slash_escape()
                st["state"] = "maybeTypeStart"
            else:
                st["escape_var_start"] = None
                if char != "$":
                    release_context()
        elif state == "maybeTypeStart":
            if char in _ALPHA:
                st["source_start"] = index
                st["state"] = "maybeType"
            elif in_variable_context():
                raise error("type", index)
            else:
                not_a_variable()
        elif state == "maybeNextSourceStart":
            st["source_start"] = index
            if char in _ALNUM:
                st["state"] = "typeOrSourceLiteral"
            elif char in "\"'":
                open_string("afterSourceLiteralString")
            else:
                raise error("source", index)
        elif state == "maybeType":
            if char == ":":
                st["current_source"] = {"type": value[st["source_start"]:index]}
                st["state"] = "maybeAddressStart"
            elif char == "(":
                st["current_source"] = {"type": value[st["source_start"]:index], "params": []}
                st["state"] = "paramStart"
            elif char not in _ALNUM:
                if in_variable_context():
                    raise error("type", st["source_start"])
                not_a_variable()
        elif state == "typeOrSourceLiteral":
            if char in ":(":
                kind = value[st["source_start"]:index]
                if not _IS_TYPE.match(kind):
                    raise error("source", st["source_start"])
                if char == ":":
                    st["current_source"] = {"type": kind}
                    st["state"] = "maybeAddressStart"
                else:
                    st["current_source"] = {"type": kind, "params": []}
                    st["state"] = "paramStart"
            elif char == "}":
                st["current_source"] = {"value": _literal(value[st["source_start"]:index].strip(), False,
                                                          value, st["source_start"])}
                finalize_variable()
            elif char not in _ALNUM:
                raise error("source", st["source_start"])
        elif state == "paramStart":
            if char == ")":
                st["state"] = "maybeAddressOpen"
            elif char == ",":
                st["current_source"]["params"].append({"value": None})
            elif char == "}":
                raise error("param", index)
            else:
                st["param_start"] = index
                if char in "\"'":
                    open_string("afterParamString")
                else:
                    open_unquoted("param", st["param_start"])
        elif state == "param":
            if char in "),":
                param_value: Any = value[st["param_start"]:index].strip()
                if char == ")" and not param_value:
                    st["state"] = "maybeAddressOpen"
                else:
                    if not st["context_variables"]:
                        param_value = _literal(param_value, True, value, st["source_start"])
                    st["current_source"]["params"].append(_meta(param_value, st["context_variables"]))
                    st["state"] = "maybeAddressOpen" if char == ")" else "paramStart"
            elif char == "}":
                raise error("param", st["param_start"])
            elif char == "$":
                register_context(st["param_start"])
        elif state == "afterParamString":
            if char in "),":
                st["current_source"]["params"].append({"value": parse_string(st["param_start"])})
                st["state"] = "maybeAddressOpen" if char == ")" else "paramStart"
            else:
                raise error("param", st["param_start"])
        elif state == "maybeAddressOpen":
            if char == ":":
                st["state"] = "maybeAddressStart"
            elif char == "}":
                finalize_variable()
            elif char == ",":
                finalize_source()
            else:
                raise error("address", index)
        elif state == "maybeAddressStart":
            if char == "}":
                finalize_variable()
            elif char == ",":
                finalize_source()
            else:
                st["address_start"] = index
                if char == ":":
                    if "params" not in st["current_source"] and not in_variable_context():
                        st["current_source"] = None
                        st["state"] = "foreign"
                    else:
                        raise error("address", st["address_start"])
                elif char in "\"'":
                    open_string("afterAddressString")
                else:
                    open_unquoted("address", st["address_start"])
        elif state == "address":
            if char in "},":
                st["current_source"]["address"] = _meta(value[st["address_start"]:index].strip(),
                                                        st["context_variables"])
                finalize_variable() if char == "}" else finalize_source()
            elif char == "$":
                register_context(st["address_start"])
        elif state == "afterAddressString":
            if char in "},":
                st["current_source"]["address"] = {"value": parse_string(st["address_start"])}
                finalize_variable() if char == "}" else finalize_source()
            else:
                raise error("address", st["address_start"])
        elif state == "afterSourceLiteralString":
            if char == "}":
                st["current_source"] = {"value": parse_string(st["source_start"])}
                finalize_variable()
            else:
                raise error("source", st["source_start"])
        elif state == "foreign":
            if char == "}":
                release_context()
            elif char == "$":
                register_context()
        elif state == "escapeString":
            st["state"] = "doubleQuotedString"
        elif state == "doubleQuotedString":
            if char == '"':
                st["state"] = st["string_context"]
            elif char == "\\":
                st["state"] = "escapeString"
        elif state == "singleQuotedString":
            if char == "'":
                st["state"] = st["string_context"]
        index += 1
    if st["current_source"] is not None or st["sources"] is not None:
        raise VariableSyntaxError(f"Missing variable closing bracket in {value}")
    if not st["variables"]:
        return None
    return _normalize(value, st["variables"])


def parse_parts(source_values: list[str]) -> list | None:
    """Variables of a string built from parts: each part is parsed alone (resolve.js), so that text
    joined from two values, or an escaped `\\${`, is never read as a new variable."""
    base = 0
    found: list = []
    for part in source_values:
        variables = parse(part)
        for variable in variables or ():
            if variable["end"] is not None:
                variable["start"] += base
                variable["end"] += base
            else:
                variable["start"], variable["end"] = base, base + len(part)
        found.extend(variables or ())
        base += len(part)
    return found or None


def variable_text(raw: str, variable: dict) -> str:
    """The text of one parsed variable in `raw`."""
    if variable["start"] is None:
        return raw
    return raw[variable["start"]:variable["end"]]

