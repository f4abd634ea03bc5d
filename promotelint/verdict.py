"""The promotion verdict: rules over the predicted change set, suppressions, and the exit code."""

from __future__ import annotations

import datetime
from typing import Sequence

from promotelint.config import Config
from promotelint.errors import EXIT_BLOCKING, EXIT_OK
from promotelint.model import StackChangeSet, StackReport
from promotelint.rules import RANK, Rule, evaluate
from promotelint.suppress import metadata_allows, suppress

FAIL_ON = ("error", "warning", "never")


def judge(changeset: StackChangeSet, rules: Sequence[Rule], config: Config,
          today: datetime.date) -> StackReport:
    findings = evaluate(rules, changeset, config.severities)
    findings = suppress(findings, tuple(config.allow) + metadata_allows(changeset), today)
    return StackReport(changeset, findings)


def exit_code(reports: Sequence[StackReport], fail_on: str) -> int:
    """1 when an unsuppressed finding is at least as severe as `fail_on`, else 0."""
    if fail_on == "never":
        return EXIT_OK
    limit = RANK[fail_on]
    blocking = any(not f.suppressed and RANK[f.severity] <= limit for r in reports for f in r.findings)
    return EXIT_BLOCKING if blocking else EXIT_OK
