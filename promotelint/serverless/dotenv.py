"""dotenv + dotenv-expand, as the framework loads `.env` files: text in, variables out."""

from __future__ import annotations

import re
from typing import Mapping

_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$")
_EXPAND = re.compile(r"(\\)?\$(?:\{([\w.-]+)(?::-([^}]*))?\}|([A-Za-z_]\w*))")


def parse_dotenv(text: str, source: str, environment: Mapping[str, str] | None = None, *,
                 expand: bool = True) -> dict[str, str]:
    """dotenv + dotenv-expand, as the framework loads .env files: KEY=VALUE lines, quotes, comments,
    `$VAR` / `${VAR}` / `${VAR:-default}` expansion (the environment wins over the file's own values).
    `expand=False`: dotenv alone (Serverless v4), values as written."""
    values: dict[str, str] = {}
    raw_quoted: set[str] = set()
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        m = _DOTENV_LINE.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if value[:1] in ("'", '"', "`"):
            quote = value[0]
            body = value[1:]
            # A quoted value may span lines until its closing quote.
            while quote not in body and i < len(lines):
                body += "\n" + lines[i]
                i += 1
            body = body[: body.index(quote)] if quote in body else body
            if quote == '"':
                body = body.replace("\\n", "\n").replace("\\r", "\r")
            if quote == "'":
                raw_quoted.add(key)
            value = body
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip() if not value.startswith("#") else ""
        values[key] = value
    if not expand:
        return values
    env = dict(environment or {})

    def expanded(value: str, depth: int = 0) -> str:
        def repl(m: re.Match) -> str:
            if m.group(1):
                return m.group(0)[1:]
            name = m.group(2) or m.group(4)
            if name in env:
                return env[name]
            if name in values and depth < 10:
                return expanded(values[name], depth + 1)
            return m.group(3) or ""
        return _EXPAND.sub(repl, value)

    return {k: (v if k in raw_quoted else expanded(v)) for k, v in values.items()}
