"""The command line's options, declared once for typer (so the commands that share one never drift
apart); cli/quick.py restates the flags of the hot commands, held to these by a test."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, List, Optional

import typer



def _opt(flags: str, help: str, kind: object = Optional[str]) -> object:
    return Annotated[kind, typer.Option(*flags.split(), help=help)]


# Shared by `changeset` and `check` (and `compile` where it applies).
Base = Annotated[Path, typer.Argument(help="Deployed side: template, .serverless dir or serverless.yml.")]
Head = Annotated[Path, typer.Argument(help="Side about to be deployed.")]
Format = _opt("--format -f", "text, json, sarif, github, markdown or junit (predictions only, no verdict).", str)
Region = _opt("--region", "AWS region of the stack.", str)
Parameter = _opt("--parameter", "KEY=VALUE for both sides.", Optional[List[str]])
BaseParameter = _opt("--base-parameter", "KEY=VALUE, base only.", Optional[List[str]])
HeadParameter = _opt("--head-parameter", "KEY=VALUE, head only.", Optional[List[str]])
StackName = _opt("--stack-name", "Stack name (AWS::StackName).")
Stage = _opt("--stage", "Stage for serverless.yml sides (default: provider.stage, else dev; the report says "
             "which it assumed).")
Param = _opt("--param", "KEY=VALUE for ${param:KEY} in serverless.yml.", Optional[List[str]])
ShowAll = _opt("--show-all", "List minor changes too, each with its changed properties.", bool)
Compiler = _opt("--compiler", "auto, offline or framework (the service's installed one, with its plugins).", str)
Engine = _opt("--engine", "v3, osls, v4[@VERSION] or auto (the installed framework, else frameworkVersion, else v3).")
Root = _opt("--root", "Outside git, the directory ${file()} may read (default: the current one).", Optional[Path])
NoCache = _opt("--no-cache", "Compile every serverless.yml side again (no reuse of an unchanged earlier compile).",
               bool)
ConfigFile = _opt("--config", "Config file (.promotelint.yml or pyproject.toml); default: found from HEAD upward.",
                  Optional[Path])

# `check` (and, for its output, `report`).
Paths = Annotated[Optional[List[str]], typer.Argument(
    help="BASE HEAD (two files/dirs), or with --base-ref/--base-template the services (serverless.yml, its "
         "directory, a template) to check; none: every service under here whose files changed.", show_default=False)]
BaseRef = _opt("--base-ref", "Git revision of the deployed side: origin/main, a tag, a SHA, HEAD~1, main...HEAD "
               "(merge base).")
HeadRef = _opt("--head-ref", "Git revision of the new side (default: the working tree).")
Staged = _opt("--staged", "New side: the staged content (pre-commit).", bool)
BaseTemplate = _opt("--base-template", "The deployed template (`aws cloudformation get-template` output, JSON or "
                    "YAML) as the base.", Optional[Path])
CheckFormat = _opt("--format -f", "auto (github under GitHub Actions, else text), text, json, sarif, github, "
                   "markdown, junit.", str)
Output = _opt("--output -o", "Write the report here; the text summary still goes to the terminal.", Optional[Path])
Summary = _opt("--summary", 'Append a markdown summary here (e.g. "$GITHUB_STEP_SUMMARY").', Optional[Path])
Jobs = _opt("--jobs -j", "Services checked at once (default: the machine's cores).", Optional[int])
FailOn = _opt("--fail-on", "error (default), warning or never: what makes the exit code 1.")
Shard = _opt("--shard", "I/N: check only the I-th of N shares of the services (a CI matrix; merge the shards' "
             "--format json reports with `promotelint report FILE...`).")
ReportFiles = Annotated[List[Path], typer.Argument(help="JSON reports (`check --format json`), e.g. one per shard.")]

# `rules`, `explain` and `compile`.
RulesFormat = _opt("--format -f", "text, markdown (docs/rules.md) or json (rules/bundle.json).", str)
RuleId = Annotated[str, typer.Argument(help="Rule id, e.g. stateful-resource-removed.")]
ServicePath = Annotated[Path, typer.Argument(help="Service directory or its serverless.yml.")]
CompileStage = _opt("--stage", "Stage (default: provider.stage, else dev).")
CompileRegion = _opt("--region", "Region (default: provider.region, else us-east-1).")
EnvFile = _opt("--env-file", "dotenv file adding to the environment, read as the framework reads a .env (its values "
              "win).", Optional[Path])
