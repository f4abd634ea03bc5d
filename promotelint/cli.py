"""The command line: parse options, read the sources, call the stages, print, exit. Nothing else.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage/input/config error, 3 internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from promotelint.errors import EXIT_INPUT, EXIT_INTERNAL, InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Predict the CloudFormation change set of a promotion offline and stop dangerous ones.")

_DEBUG = False


def _parse_pairs(values: Optional[List[str]], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise InputError(f"{option} {value!r} is not KEY=VALUE", fix=f"write {option} NAME=VALUE")
        out[key] = val
    return out


def _color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors.")) -> None:
    global _DEBUG
    _DEBUG = debug


# Options shared by `changeset` and `check` (one definition, so the two never drift apart).
Base = Annotated[Path, typer.Argument(help="Deployed side: template, .serverless dir or serverless.yml.")]
Head = Annotated[Path, typer.Argument(help="Side about to be deployed.")]
Format = Annotated[str, typer.Option("--format", "-f", help="text or json.")]
Region = Annotated[str, typer.Option("--region", help="AWS region of the stack.")]
Parameter = Annotated[Optional[List[str]], typer.Option("--parameter", help="KEY=VALUE for both sides.")]
BaseParameter = Annotated[Optional[List[str]], typer.Option("--base-parameter", help="KEY=VALUE, base only.")]
HeadParameter = Annotated[Optional[List[str]], typer.Option("--head-parameter", help="KEY=VALUE, head only.")]
StackName = Annotated[Optional[str], typer.Option("--stack-name", help="Stack name (AWS::StackName).")]
Stage = Annotated[Optional[str], typer.Option("--stage", help="Stage for serverless.yml sides.")]
ShowAll = Annotated[bool, typer.Option("--show-all", help="List minor changes too.")]
ConfigFile = Annotated[Optional[Path], typer.Option(
    "--config", help="Config file (.promotelint.yml or pyproject.toml); default: found from HEAD upward.")]


def _predict(base: Path, head: Path, format: str, region: str, parameter, base_parameter, head_parameter,
             stack_name: Optional[str], stage: Optional[str], stateful: Optional[dict] = None):
    from promotelint.predict import PredictOptions, predict
    from promotelint.report import FORMATS
    from promotelint.sources import CompileSettings, read_source

    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}", fix="use one of: " + ", ".join(FORMATS))
    both = _parse_pairs(parameter, "--parameter")
    options = PredictOptions(
        region=region, stack_name=stack_name,
        base_parameters={**both, **_parse_pairs(base_parameter, "--base-parameter")},
        head_parameters={**both, **_parse_pairs(head_parameter, "--head-parameter")}, stateful=stateful)
    settings = CompileSettings(stage=stage, region=region)
    return predict(read_source(base, settings), read_source(head, settings), options)


def _print(reports, format: str, show_all: bool, exit_code: Optional[int] = None) -> None:
    from promotelint.report import FORMATS, RenderOptions

    options = RenderOptions(show_all=show_all, color=_color(sys.stdout), exit_code=exit_code)
    sys.stdout.write(FORMATS[format](reports, options))


@app.command()
def changeset(base: Base, head: Head, format: Format = "text", region: Region = "us-east-1",
              parameter: Parameter = None, base_parameter: BaseParameter = None,
              head_parameter: HeadParameter = None, stack_name: StackName = None, stage: Stage = None,
              show_all: ShowAll = False) -> None:
    """Print the change set CloudFormation would compute from BASE to HEAD."""
    from promotelint.model import StackReport

    result = _predict(base, head, format, region, parameter, base_parameter, head_parameter, stack_name, stage)
    _print([StackReport(result)], format, show_all)


@app.command()
def check(base: Base, head: Head, format: Format = "text", region: Region = "us-east-1",
          parameter: Parameter = None, base_parameter: BaseParameter = None,
          head_parameter: HeadParameter = None, stack_name: StackName = None, stage: Stage = None,
          show_all: ShowAll = False, config: ConfigFile = None,
          fail_on: Annotated[Optional[str], typer.Option(
              "--fail-on", help="error (default), warning or never: what makes the exit code 1.")] = None,
          ) -> None:
    """Predict the change set from BASE to HEAD and exit 1 if the rules find it dangerous."""
    import datetime

    from promotelint.verdict import FAIL_ON, exit_code, judge, setup, stateful_types

    if fail_on is not None and fail_on not in FAIL_ON:
        raise InputError(f"unknown --fail-on {fail_on!r}", fix="use one of: " + ", ".join(FAIL_ON))
    cfg, rules = setup(config, head)
    result = _predict(base, head, format, region, parameter, base_parameter, head_parameter, stack_name,
                      stage, stateful_types(cfg))
    reports = [judge(result, rules, cfg, datetime.date.today())]
    code = exit_code(reports, fail_on or cfg.fail_on or "error")
    _print(reports, format, show_all, code)
    raise typer.Exit(code)


@app.command("rules")
def list_rules(format: Annotated[str, typer.Option(
        "--format", "-f", help="text, markdown (docs/rules.md) or json (rules/bundle.json).")] = "text",
               config: ConfigFile = None) -> None:
    """List the rules with their severities."""
    from promotelint import ruledoc

    if format not in ("text", "markdown", "json"):
        raise InputError(f"unknown format {format!r}", fix="use text, markdown or json")
    if format == "json":
        from promotelint.rules import rules_bundle

        sys.stdout.write(rules_bundle())
        return
    if format == "markdown":
        from promotelint.rules import load_builtin_rules

        # docs/rules.md documents what ships, whatever the local config says.
        sys.stdout.write(ruledoc.rules_markdown(load_builtin_rules()))
        return
    from promotelint.verdict import setup

    cfg, rules = setup(config, Path.cwd())
    sys.stdout.write(ruledoc.rules_table(rules, cfg.severities))


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="Rule id, e.g. stateful-resource-removed.")],
            config: ConfigFile = None) -> None:
    """Explain one rule: why it matters, when it fires, how to make the change safely."""
    import difflib

    from promotelint import ruledoc
    from promotelint.verdict import setup

    cfg, loaded = setup(config, Path.cwd())
    rules = {r.id: r for r in loaded}
    if rule not in rules:
        close = difflib.get_close_matches(rule, list(rules), n=1)
        raise InputError(f"no rule {rule!r}", fix=f"did you mean {close[0]}?" if close else
                         "run `promotelint rules` for the list")
    sys.stdout.write(ruledoc.explain(rules[rule], cfg.severities.get(rule)))


def main() -> None:
    try:
        # Standalone mode: click reports usage errors itself (exit 2); anything else reaches us.
        app()
    except InputError as exc:
        if _DEBUG:
            raise
        print(f"promotelint: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_INPUT)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - any other failure is ours, never a "blocking" 1
        if _DEBUG:
            raise
        print(f"promotelint: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in promotelint; please report it with the command you ran "
              "(rerun with --debug for the traceback).", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
