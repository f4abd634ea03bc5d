"""Regular expressions compiled when first used.

re's compiler is written in Python: 0.1 to 1 ms a pattern, and the modules a cold `check` imports
declare some 55 patterns, of which it uses fewer than half (a check of a serverless service never
reads a JSON template's key positions, an ALB listener ARN or an ECR image URI). A pattern a
module declares with `lazy` is compiled the first time one of its attributes is read, and each
attribute is then kept on the object, so later reads cost what a compiled pattern's do.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


class LazyPattern:
    """re.compile(pattern, flags), compiled when an attribute (search, match, sub, pattern...) is
    first read."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # read only for what the object does not hold yet: the pattern's own attributes
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        value = getattr(re.compile(*self._source), name)
        setattr(self, name, value)
        return value

    def __repr__(self) -> str:
        return f"lazy({self._source[0]!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """A pattern compiled on first use (see the module's text)."""
    return LazyPattern(pattern, flags)
