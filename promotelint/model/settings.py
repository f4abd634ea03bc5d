"""Settings as data: how to compile a service, how to predict, and the user's configuration
(severities, fail-on, extra stateful types, rule files, allow entries)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path

from promotelint.model.record import field, record


@record
class AllowEntry:
    """One suppression: findings of `rule` on `resource` (a logical ID or a glob) are accepted."""

    rule: str
    reason: str
    resource: str | None = None  # None: any resource, and stack-level findings
    expires: datetime.date | None = None
    source: str = ""
    line: int | None = None


@record
class Config:
    """The user's configuration (.promotelint.yml or [tool.promotelint]), as read and validated."""

    source: str | None = None
    fail_on: str | None = None
    severities: Mapping[str, str] = field(default_factory=dict)
    rule_files: tuple[Path, ...] = ()
    stateful: Mapping[str, str] = field(default_factory=dict)  # extra type -> tier
    allow: tuple[AllowEntry, ...] = ()
    neutral_plugins: frozenset[str] = frozenset()  # plugins declared template-neutral (`plugins.neutral`)
    framework_timeout: float | None = None  # `framework.timeout`, seconds
    lines: Mapping[str, int] = field(default_factory=dict)  # "rules.<id>" -> line, for errors


COMPILERS = ("auto", "offline", "framework")
FRAMEWORK_TIMEOUT = 300.0  # seconds one `serverless package` may take


@record
class CompileSettings:
    """How to compile a serverless.yml side (stage, region, --param, env, --engine, --root), and with
    what: promotelint's offline compiler, the service's own framework (with its plugins), or `auto`
    (the framework only for plugins no one models, when it is installed)."""

    stage: str | None = None
    region: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] | None = None  # None: this process's environment
    env_file: Path | None = None
    compiler: str = "auto"  # auto | offline | framework
    neutral_plugins: frozenset[str] = frozenset()  # the config's `plugins.neutral`
    framework_timeout: float = FRAMEWORK_TIMEOUT
    engine: str | None = None  # v3 | osls | v4; None or auto: the installed one, else frameworkVersion, else v3
    root: Path | None = None  # outside git: the directory ${file()} may read (default: the current one)
    cache: bool = True  # reuse a compile whose every input is unchanged (io/cache.py); --no-cache: False


@record
class PredictOptions:
    """What a prediction needs beyond the two templates: region, stack name, parameter values."""

    region: str = "us-east-1"
    stack_name: str | None = None
    base_parameters: Mapping[str, str] = None  # type: ignore[assignment]
    head_parameters: Mapping[str, str] = None  # type: ignore[assignment]
