"""dotenv + dotenv-expand, as the framework loads `.env` files: text in, variables out."""

from __future__ import annotations

import functools
import re

from promotelint.model.regex import lazy

# Exact ports, for the .env files the framework (`useDotenv`) and serverless-dotenv-plugin load (and
# --env-file): dotenv 16 (`parse`, `config`) and dotenv-expand 10 (`expand`), which both use.
# JavaScript's regex classes are spelled out where Python's differ: `\s` (JS counts U+FEFF, not
# U+001C-U+001F or U+0085), `\w` (ASCII only), and `^` / `$` / `.` under the `m` flag (any line
# terminator).
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_JS_SPACE_CHARS = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
                  "\u2028\u2029\u202f\u205f\u3000\ufeff"
_S = f"[{_JS_SPACE}]"
_TERMINATORS = "\n\r\u2028\u2029"
_BOL = f"(?:(?<=[{_TERMINATORS}])|\\A)"
_EOL = f"(?=[{_TERMINATORS}]|\\Z)"


@functools.cache
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """dotenv 16's LINE, and its surrounding quotes (compiled when a .env file is read: their
    Unicode classes cost 5 ms of every start otherwise)."""
    line = re.compile(
        f"{_BOL}{_S}*(?:export{_S}+)?([A-Za-z0-9_.-]+)(?:{_S}*={_S}*?|:{_S}+?)"
        f"({_S}*'(?:\\\\'|[^'])*'|{_S}*\"(?:\\\\\"|[^\"])*\"|{_S}*`(?:\\\\`|[^`])*`|[^#\\r\\n]+)?"
        f"{_S}*(?:#[^{_TERMINATORS}]*)?{_EOL}")
    return line, re.compile(f"{_BOL}(['\"`])([\\s\\S]*)\\1{_EOL}")


# dotenv-expand 10: the variable group an unescaped `$` starts.
_VARIABLE_GROUP = lazy(r"((?<!\\)\${?([A-Za-z0-9_]+)(?::-([^}\\]*))?}?)")
# JavaScript's recursion overflows the stack (or the longest string) on a value that expands into itself.
_MAX_EXPANSIONS, _MAX_LENGTH = 2_000, 1 << 16


class ExpansionError(ValueError):
    """A value that expands forever (`A=$A-x`): dotenv-expand overflows the stack on it."""


def dotenv_parse(text: str) -> dict[str, str]:
    """dotenv 16's `parse`: KEY=VALUE (or `KEY: VALUE`) lines, quotes, comments, multi-line quotes."""
    values: dict[str, str] = {}
    line, surrounding_quotes = _patterns()
    for match in line.finditer(re.sub(r"\r\n?", "\n", text)):
        value = (match.group(2) or "").strip(_JS_SPACE_CHARS)
        quote = value[:1]
        value = surrounding_quotes.sub(r"\2", value)
        if quote == '"':
            value = value.replace("\\n", "\n").replace("\\r", "\r")
        values[match.group(1)] = value
    return values


def dotenv_populate(environment: dict[str, str], parsed: dict[str, str]) -> None:
    """dotenv's `populate` without `override`: a variable already set keeps its value."""
    for key, value in parsed.items():
        environment.setdefault(key, value)


def dotenv_expand(parsed: dict[str, str], environment: dict[str, str]) -> dict[str, str]:
    """dotenv-expand 10's `expand({parsed})` over `environment` (process.env): a variable already
    in the environment wins over the file's value, `$X` / `${X}` / `${X:-default}` are replaced
    (the environment first, then the default, then the file), `\\$` is a literal `$`; then the
    expanded values are written to the environment. Raises ExpansionError on endless expansion."""
    expanded = dict(parsed)
    for key in expanded:
        value = environment[key] if key in environment else expanded[key]
        try:
            expanded[key] = _interpolate(value, environment, expanded).replace("\\$", "$")
        except ExpansionError:
            raise ExpansionError(f"the value of {key} expands into itself without end") from None
    environment.update(expanded)
    return expanded


def _interpolate(value: str, environment: dict[str, str], parsed: dict[str, str]) -> str:
    for _ in range(_MAX_EXPANSIONS):
        last = value.rfind("$")
        while last > 0 and value[last - 1] == "\\":
            last = value.rfind("$", 0, last)
        if last < 0:
            return value
        match = _VARIABLE_GROUP.match(value, last)
        if match is None:
            return value  # the right-most `$` starts no variable: the value is left as it is
        group, name, default = match.groups()
        # `environment[name] || default || parsed[name] || ''`, put in with String.replace: the first
        # occurrence of the group's text, and `$` patterns in the replacement interpreted.
        value = js_replace_first(value, group, environment.get(name) or default or parsed.get(name) or "")
        if len(value) > _MAX_LENGTH:
            break
    raise ExpansionError()


def js_replace_first(text: str, pattern: str, replacement: str) -> str:
    """JavaScript `text.replace(pattern, replacement)` with a string pattern: the first occurrence
    only, and `$$`, `$&`, `` $` ``, `$'` in the replacement mean `$`, the match, before and after."""
    at = text.find(pattern)
    if at < 0:
        return text
    before, after = text[:at], text[at + len(pattern):]
    special = {"$": "$", "&": pattern, "`": before, "'": after}
    out, i = [], 0
    while i < len(replacement):
        char = replacement[i]
        if char == "$" and i + 1 < len(replacement) and replacement[i + 1] in special:
            out.append(special[replacement[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return before + "".join(out) + after


def dotenv_load(text: str, environment: dict[str, str], expand: bool = True) -> dict[str, str]:
    """`dotenv.config({path})` (the environment keeps what it has) then, with `expand`,
    `dotenvExpand.expand(...)`: the file's values as the loader returns them."""
    parsed = dotenv_parse(text)
    dotenv_populate(environment, parsed)
    return dotenv_expand(parsed, environment) if expand else parsed
