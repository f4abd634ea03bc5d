"""The user's settings as data: severities, fail-on, extra stateful types, rule files, allow entries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class AllowEntry:
    """One suppression: findings of `rule` on `resource` (a logical ID or a glob) are accepted."""

    rule: str
    reason: str
    resource: str | None = None  # None: any resource, and stack-level findings
    expires: datetime.date | None = None
    source: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Config:
    source: str | None = None
    fail_on: str | None = None
    severities: Mapping[str, str] = field(default_factory=dict)
    rule_files: tuple[Path, ...] = ()
    stateful: Mapping[str, str] = field(default_factory=dict)  # extra type -> tier
    allow: tuple[AllowEntry, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)  # "rules.<id>" -> line, for errors
