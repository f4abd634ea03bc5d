"""The plain data that flows between stages: templates in, predicted change sets and findings out.

Every stage between the source readers and the CLI is a function over these frozen dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass(frozen=True)
class Origin:
    """Where something came from, for findings: a file and a 1-based line (and column)."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


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
