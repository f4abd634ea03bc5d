"""The command line: options into a request, promotelint.app runs it, the report is printed, the
exit code returned. Nothing else.

Exit codes: 0 no blocking finding, 1 blocking findings, 2 usage/input/config error, 3 internal error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from promotelint.model.errors import EXIT_INPUT, EXIT_INTERNAL, InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Predict the CloudFormation change set of a promotion offline and stop dangerous ones.")

_DEBUG = False


def _pairs(values: Optional[List[str]], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise InputError(f"{option} {value!r} is not KEY=VALUE", fix=f"write {option} NAME=VALUE")
        out[key] = val
    return out


def _color(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _format(name: str, auto: bool = False) -> str:
    from promotelint.report import FORMATS

    if auto and name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if name not in FORMATS:
        raise InputError(f"unknown format {name!r}", fix="use one of: " + ", ".join(("auto",) * auto + tuple(FORMATS)))
    return name


def _render(reports, format: str, **options) -> str:
    from promotelint.report import FORMATS, RenderOptions

    return FORMATS[format](reports, RenderOptions(**options))


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
Param = Annotated[Optional[List[str]], typer.Option("--param", help="KEY=VALUE for ${param:KEY} in serverless.yml.")]
ShowAll = Annotated[bool, typer.Option("--show-all", help="List minor changes too.")]
ConfigFile = Annotated[Optional[Path], typer.Option(
    "--config", help="Config file (.promotelint.yml or pyproject.toml); default: found from HEAD upward.")]


def _predict_options(region, stack_name, parameter, base_parameter, head_parameter):
    from promotelint.predict import PredictOptions

    both = _pairs(parameter, "--parameter")
    return PredictOptions(region=region, stack_name=stack_name,
                          base_parameters={**both, **_pairs(base_parameter, "--base-parameter")},
                          head_parameters={**both, **_pairs(head_parameter, "--head-parameter")})


@app.command()
def changeset(base: Base, head: Head, format: Format = "text", region: Region = "us-east-1",
              parameter: Parameter = None, base_parameter: BaseParameter = None,
              head_parameter: HeadParameter = None, stack_name: StackName = None, stage: Stage = None,
              show_all: ShowAll = False) -> None:
    """Print the change set CloudFormation would compute from BASE to HEAD."""
    from promotelint import app as pipeline
    from promotelint.model.findings import StackReport

    format = _format(format)
    settings = pipeline.CompileSettings(stage=stage, region=region)
    result = pipeline.predict(pipeline.read_source(base, settings), pipeline.read_source(head, settings),
                              _predict_options(region, stack_name, parameter, base_parameter, head_parameter))
    sys.stdout.write(_render([StackReport(result)], format, show_all=show_all, color=_color(sys.stdout)))


@app.command("rules")
def list_rules(format: Annotated[str, typer.Option(
        "--format", "-f", help="text, markdown (docs/rules.md) or json (rules/bundle.json).")] = "text",
               config: ConfigFile = None) -> None:
    """List the rules with their severities."""
    from promotelint.io import packaged
    from promotelint.ruleengine import docs

    if format not in ("text", "markdown", "json"):
        raise InputError(f"unknown format {format!r}", fix="use text, markdown or json")
    if format == "json":
        sys.stdout.write(packaged.rules_bundle())
    elif format == "markdown":  # docs/rules.md documents what ships, whatever the local config says
        sys.stdout.write(docs.rules_markdown(packaged.load_builtin_rules()))
    else:
        from promotelint.app import setup

        cfg, rules = setup(config, Path.cwd())
        sys.stdout.write(docs.rules_table(rules, cfg.severities))


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="Rule id, e.g. stateful-resource-removed.")],
            config: ConfigFile = None) -> None:
    """Explain one rule: why it matters, when it fires, how to make the change safely."""
    from promotelint.app import setup
    from promotelint.ruleengine import docs

    cfg, loaded = setup(config, Path.cwd())
    sys.stdout.write(docs.explain_rule(rule, {r.id: r for r in loaded}, cfg.severities))


@app.command()
def check(
    paths: Annotated[Optional[List[str]], typer.Argument(
        help="BASE HEAD (two files/dirs), or with --base-ref/--base-template the services (serverless.yml, "
             "its directory, a template) to check; none: every service under here whose files changed.",
        show_default=False)] = None,
    base_ref: Annotated[Optional[str], typer.Option(
        "--base-ref", help="Git revision of the deployed side: origin/main, a tag, a SHA, HEAD~1, "
                           "main...HEAD (merge base).")] = None,
    head_ref: Annotated[Optional[str], typer.Option(
        "--head-ref", help="Git revision of the new side (default: the working tree).")] = None,
    staged: Annotated[bool, typer.Option("--staged", help="New side: the staged content (pre-commit).")] = False,
    base_template: Annotated[Optional[Path], typer.Option(
        "--base-template", help="The deployed template (`aws cloudformation get-template` output, JSON or "
                                "YAML) as the base.")] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="auto (github under GitHub Actions, else text), text, json, sarif, github, "
                               "markdown, junit.")] = "auto",
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write the report here; the text summary still goes to the terminal.")] = None,
    summary: Annotated[Optional[Path], typer.Option(
        "--summary", help='Append a markdown summary here (e.g. "$GITHUB_STEP_SUMMARY").')] = None,
    region: Region = "us-east-1", parameter: Parameter = None, base_parameter: BaseParameter = None,
    head_parameter: HeadParameter = None, stack_name: StackName = None, stage: Stage = None, param: Param = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", help="Services checked at once (default: the machine's cores).")] = None,
    show_all: ShowAll = False, config: ConfigFile = None,
    fail_on: Annotated[Optional[str], typer.Option(
        "--fail-on", help="error (default), warning or never: what makes the exit code 1.")] = None,
) -> None:
    """Predict each stack's change set from the deployed side to the new one and exit 1 if the rules
    find it dangerous (2 if a service cannot be read)."""
    from promotelint import app as pipeline
    from promotelint.io.files import write_text
    from promotelint.verdict.judge import FAIL_ON

    if fail_on is not None and fail_on not in FAIL_ON:
        raise InputError(f"unknown --fail-on {fail_on!r}", fix="use one of: " + ", ".join(FAIL_ON))
    format = _format(format, auto=True)
    result = pipeline.check(pipeline.CheckRequest(
        paths=tuple(paths or ()), base_ref=base_ref, head_ref=head_ref, staged=staged, base_template=base_template,
        compile=pipeline.CompileSettings(stage=stage, region=region, params=_pairs(param, "--param")),
        predict=_predict_options(region, stack_name, parameter, base_parameter, head_parameter),
        config=config, fail_on=fail_on, jobs=jobs))
    for error in result.errors:
        print(f"promotelint: error: {error}", file=sys.stderr)
    shared = dict(exit_code=result.exit_code, rules=result.rules)
    terminal = format
    if output is not None:
        write_text(output, _render(result.reports, format, show_all=show_all, **shared))
        terminal = _format("auto", auto=True)
    if summary is not None:
        write_text(summary, _render(result.reports, "markdown", **shared), append=True)
    color = terminal == "text" and _color(sys.stdout)
    sys.stdout.write(_render(result.reports, terminal, show_all=show_all, color=color, **shared))
    raise typer.Exit(result.exit_code)


@app.command("compile")
def compile_command(
    path: Path = typer.Argument(..., help="Service directory or its serverless.yml."),
    stage: Optional[str] = typer.Option(None, "--stage", help="Stage (default: provider.stage, else dev)."),
    region: Optional[str] = typer.Option(None, "--region", help="Region (default: provider.region, else us-east-1)."),
    param: Param = None,
    env_file: Optional[Path] = typer.Option(None, "--env-file", help="dotenv file adding to the environment."),
) -> None:
    """Print the template `serverless package` would write, compiled offline."""
    import json

    from promotelint.app import compile_path

    template = compile_path(path, stage=stage, region=region, params=_pairs(param, "--param"), env_file=env_file)
    for warning in template.warnings:
        print(f"promotelint: warning: {warning}", file=sys.stderr)
    sys.stdout.write(json.dumps(template.data, indent=2) + "\n")


def main() -> None:
    try:
        app()  # standalone mode: click reports usage errors itself (exit 2); anything else reaches us
    except InputError as exc:
        if _DEBUG:
            raise
        print(f"promotelint: error: {exc}", file=sys.stderr)
        sys.exit(EXIT_INPUT)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - any other failure is ours, never a "blocking" 1
        if _DEBUG:
            raise
        print(f"promotelint: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in promotelint; please report it with the command you ran "
              "(rerun with --debug for the traceback).", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
