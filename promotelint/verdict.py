"""The promotion verdict: rules over the predicted change set, suppressions, and the exit code."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Sequence

from promotelint.config import Config, check_rule_ids, find_config, load_config
from promotelint.errors import EXIT_BLOCKING, EXIT_OK
from promotelint.model import StackChangeSet, StackReport
from promotelint.rules import RANK, Rule, evaluate, load_rules
from promotelint.suppress import metadata_allows, suppress

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


def judge(changeset: StackChangeSet, rules: Sequence[Rule], config: Config,
          today: datetime.date) -> StackReport:
    findings = evaluate(rules, changeset, config.severities)
    from_templates = metadata_allows(changeset)
    check_rule_ids(Config(allow=from_templates), [r.id for r in rules])
    findings = suppress(findings, tuple(config.allow) + from_templates, today)
    return StackReport(changeset, findings)


def exit_code(reports: Sequence[StackReport], fail_on: str) -> int:
    """1 when an unsuppressed finding is at least as severe as `fail_on`, else 0."""
    if fail_on == "never":
        return EXIT_OK
    limit = RANK[fail_on]
    blocking = any(not f.suppressed and RANK[f.severity] <= limit for r in reports for f in r.findings)
    return EXIT_BLOCKING if blocking else EXIT_OK
