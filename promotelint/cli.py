"""The command line: parse options, read the sources, call the stages, print, exit. Nothing else.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage/input/config error, 3 internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

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


@app.command()
def changeset(
    base: Path = typer.Argument(..., help="Deployed side: template, .serverless dir or serverless.yml."),
    head: Path = typer.Argument(..., help="Side about to be deployed."),
    format: str = typer.Option("text", "--format", "-f", help="text or json."),
    region: str = typer.Option("us-east-1", "--region", help="AWS region of the stack."),
    parameter: Optional[List[str]] = typer.Option(None, "--parameter", help="KEY=VALUE for both sides."),
    base_parameter: Optional[List[str]] = typer.Option(None, "--base-parameter", help="KEY=VALUE, base only."),
    head_parameter: Optional[List[str]] = typer.Option(None, "--head-parameter", help="KEY=VALUE, head only."),
    stack_name: Optional[str] = typer.Option(None, "--stack-name", help="Stack name (AWS::StackName)."),
    stage: Optional[str] = typer.Option(None, "--stage", help="Stage for serverless.yml sides."),
    show_all: bool = typer.Option(False, "--show-all", help="List minor changes too."),
) -> None:
    """Print the change set CloudFormation would compute from BASE to HEAD."""
    from promotelint.predict import PredictOptions, predict
    from promotelint.report import FORMATS, RenderOptions
    from promotelint.model import StackReport
    from promotelint.sources import CompileSettings, read_source

    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}", fix="use one of: " + ", ".join(FORMATS))
    both = _parse_pairs(parameter, "--parameter")
    settings = CompileSettings(stage=stage, region=region)
    base_t = read_source(base, settings)
    head_t = read_source(head, settings)
    options = PredictOptions(
        region=region, stack_name=stack_name,
        base_parameters={**both, **_parse_pairs(base_parameter, "--base-parameter")},
        head_parameters={**both, **_parse_pairs(head_parameter, "--head-parameter")})
    result = predict(base_t, head_t, options)
    text = FORMATS[format]([StackReport(result)], RenderOptions(show_all=show_all, color=_color(sys.stdout)))
    sys.stdout.write(text)


@app.command("compile")
def compile_command(
    path: Path = typer.Argument(..., help="Service directory or its serverless.yml."),
    stage: Optional[str] = typer.Option(None, "--stage", help="Stage (default: provider.stage, else dev)."),
    region: Optional[str] = typer.Option(None, "--region", help="Region (default: provider.region, else us-east-1)."),
    param: Optional[List[str]] = typer.Option(None, "--param", help="KEY=VALUE for ${param:KEY}."),
    env_file: Optional[Path] = typer.Option(None, "--env-file", help="dotenv file adding to the environment."),
) -> None:
    """Print the template `serverless package` would write, compiled offline."""
    import json

    from promotelint.serverless.compile import compile_service

    template = compile_service(path, stage=stage, region=region, params=_parse_pairs(param, "--param"),
                               env_file=env_file)
    for warning in template.warnings:
        print(f"promotelint: warning: {warning}", file=sys.stderr)
    sys.stdout.write(json.dumps(template.data, indent=2) + "\n")


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
