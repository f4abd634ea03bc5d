"""The promotion verdict: rules over the predicted change set, suppressions, and the exit code."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from promotelint.config import Config, check_rule_ids, find_config, load_config
from promotelint.model.errors import EXIT_BLOCKING, EXIT_OK
from promotelint.model.changeset import StackChangeSet
from promotelint.model.findings import StackReport
from promotelint.rules import RANK, Rule, evaluate, load_rules
from promotelint.suppress import apply, metadata_allows, notices, suppress

FAIL_ON = ("error", "warning", "never")


def setup(config_file: Path | None, start: Path) -> tuple[Config, tuple[Rule, ...]]:
    """The config (`config_file`, or found from `start` upward) and the rules it selects, checked."""
    path = config_file if config_file is not None else find_config(start)
    config = load_config(path) if path is not None else Config()
    rules = load_rules(config.rule_files)
    check_rule_ids(config, [r.id for r in rules])
    return config, rules


def stateful_types(config: Config) -> dict[str, str]:
    """Resource type -> tier for the prediction: cfn-lint's list, our extras, then the config's."""
    from promotelint.schemas import stateful_tiers

    return {**stateful_tiers(), **config.stateful}


def judge_all(changesets: Sequence[StackChangeSet], rules: Sequence[Rule], config: Config,
              today: datetime.date) -> list[StackReport]:
    """One report per stack. The config's allow entries span all stacks: an entry is unused only if
    no stack used it, and its notices go to the first report, once."""
    known = [r.id for r in rules]
    reports, used = [], set()
    for changeset in changesets:
        findings = evaluate(rules, changeset, config.severities)
        findings, used_here = apply(findings, config.allow, today)
        used |= used_here
        from_template = metadata_allows(changeset)
        check_rule_ids(Config(allow=from_template), known)
        reports.append(StackReport(changeset, suppress(findings, from_template, today)))
    config_notices = notices(config.allow, used, today)
    if reports and config_notices:
        reports[0] = replace(reports[0], findings=reports[0].findings + config_notices)
    return reports


def judge(changeset: StackChangeSet, rules: Sequence[Rule], config: Config,
          today: datetime.date) -> StackReport:
    return judge_all([changeset], rules, config, today)[0]


def exit_code(reports: Sequence[StackReport], fail_on: str) -> int:
    """1 when an unsuppressed finding is at least as severe as `fail_on`, else 0."""
    if fail_on == "never":
        return EXIT_OK
    limit = RANK[fail_on]
    blocking = any(not f.suppressed and RANK[f.severity] <= limit for r in reports for f in r.findings)
    return EXIT_BLOCKING if blocking else EXIT_OK
