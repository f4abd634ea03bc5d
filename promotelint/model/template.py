"""The plain data the source readers produce: templates and where their parts came from.

The predicted change set and the findings are in promotelint.model.changeset; the compile path needs
only this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


def nearest_position(positions: Mapping[tuple, tuple[int, int]], path: tuple) -> tuple[int, int] | None:
    """(line, column) of the node at `path`, or of its nearest ancestor that has one."""
    path = tuple(path)
    while path:
        pos = positions.get(path)
        if pos:
            return pos
        path = path[:-1]
    return None


@dataclass(frozen=True)
class Origin:
    """Where something came from, for findings: a file and a 1-based line (and column)."""

    file: str
    line: int | None = None
    column: int | None = None
    # The git revision the line is in, when it is not the working tree's: a removed resource's
    # line is in the base revision's copy of the file (`origin/main:svc/serverless.yml:65`).
    revision: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{self.revision}:{where}" if self.revision else where


@dataclass(frozen=True)
class Template:
    """One side of the comparison: a CloudFormation template and where its parts came from.

    `origins` maps a resource logical ID (or `Outputs.<Name>`) to the place in the source that made
    it: the template's own line, or for a compiled serverless.yml the function, event or `resources:`
    entry. `stack_name` is known for serverless services (service-stage or provider.stackName).
    """

    data: Mapping[str, Any]
    source: str
    origins: Mapping[str, Origin] = field(default_factory=dict)
    stack_name: str | None = None
    warnings: tuple[str, ...] = ()
    # (path into `data`) -> (line, column) in `source`, when the template was read from a file
    positions: Mapping[tuple, tuple[int, int]] = field(default_factory=dict)

    def line_of(self, path: tuple) -> int | None:
        pos = nearest_position(self.positions, path)
        return pos[0] if pos else None
