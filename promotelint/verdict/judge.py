"""The promotion verdict: findings and allow entries into one report per stack, and the exit code."""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Sequence

from promotelint.model.changeset import StackChangeSet
from promotelint.model.errors import EXIT_BLOCKING, EXIT_OK, InputError
from promotelint.model.findings import Finding, StackReport, blocks
from promotelint.model.record import replace
from promotelint.model.settings import Config
from promotelint.verdict.suppress import apply, metadata_allows, notices, suppress

FAIL_ON = ("error", "warning", "never")


def judge_all(changesets: Sequence[StackChangeSet], findings: Sequence[Sequence[Finding]], config: Config,
              rule_ids: Sequence[str], today: datetime.date) -> list[StackReport]:
    """One report per stack from its change set and the rules' findings on it. The config's allow
    entries span all stacks: an entry is unused only if no stack used it, and its notices go to the
    first report, once."""
    reports, used = [], set()
    for changeset, found in zip(changesets, findings):
        found, used_here = apply(found, config.allow, today)
        used |= used_here
        from_template = metadata_allows(changeset)
        check_rule_ids(Config(allow=from_template), rule_ids)
        reports.append(StackReport(changeset, suppress(found, from_template, today)))
    config_notices = notices(config.allow, used, today)
    if reports and config_notices:
        reports[0] = replace(reports[0], findings=reports[0].findings + config_notices)
    return reports


def exit_code(reports: Sequence[StackReport], fail_on: str) -> int:
    """1 when an unsuppressed finding is at least as severe as `fail_on`, else 0."""
    return EXIT_BLOCKING if any(blocks(r, fail_on) for r in reports) else EXIT_OK


def check_rule_ids(config: Config, known: Sequence[str]) -> None:
    """Refuse severities and allow entries that name no rule (a typo would silently do nothing)."""

    def hint(rid: str) -> str:
        import difflib  # (only for a mistake: its import is a hundredth of a cold check)

        close = difflib.get_close_matches(rid, known, n=1)
        return f"did you mean {close[0]}?" if close else "run `promotelint rules` for the ids"

    for rid in config.severities:
        if rid not in known:
            raise InputError(f"unknown rule {rid!r} in rules", file=config.source,
                             line=config.lines.get(f"rules.{rid}"), fix=hint(rid))
    for entry in config.allow:
        if not any(fnmatch.fnmatchcase(rid, entry.rule) for rid in known):
            raise InputError(f"allow entry names unknown rule {entry.rule!r}", file=entry.source,
                             line=entry.line, fix=hint(entry.rule))
