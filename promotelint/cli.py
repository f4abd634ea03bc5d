"""The command line: options into a request, promotelint.app runs it, the report is printed, the
exit code returned (0 safe, 1 blocking findings, 2 usage/input/config error, 3 internal error)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from promotelint.model.errors import EXIT_INPUT, EXIT_INTERNAL, InputError
from promotelint.model.settings import CompileSettings, PredictOptions

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


def _opt(flags: str, help: str, kind: object = Optional[str]) -> object:
    return Annotated[kind, typer.Option(*flags.split(), help=help)]


# Options shared by `changeset` and `check` (one definition, so the two never drift apart).
Base = Annotated[Path, typer.Argument(help="Deployed side: template, .serverless dir or serverless.yml.")]
Head = Annotated[Path, typer.Argument(help="Side about to be deployed.")]
Format = _opt("--format -f", "text or json.", str)
Region = _opt("--region", "AWS region of the stack.", str)
Parameter = _opt("--parameter", "KEY=VALUE for both sides.", Optional[List[str]])
BaseParameter = _opt("--base-parameter", "KEY=VALUE, base only.", Optional[List[str]])
HeadParameter = _opt("--head-parameter", "KEY=VALUE, head only.", Optional[List[str]])
StackName = _opt("--stack-name", "Stack name (AWS::StackName).")
Eng, Root = _opt("--engine", "v3, osls, v4[@VERSION] or auto (installed, else frameworkVersion)."), _opt(
    "--root", "Outside git, the directory ${file()} may read (default: the current one).", Optional[Path])
Stage = _opt("--stage", "Stage for serverless.yml sides.")
Param = _opt("--param", "KEY=VALUE for ${param:KEY} in serverless.yml.", Optional[List[str]])
ShowAll = _opt("--show-all", "List minor changes too.", bool)
ConfigFile = _opt("--config", "Config (.promotelint.yml, pyproject.toml); default: found from HEAD up.", Optional[Path])
# Options of `check` alone.
Paths = Annotated[Optional[List[str]], typer.Argument(
    help="BASE HEAD (two files/dirs), or with --base-ref/--base-template the services (serverless.yml, its "
         "directory, a template) to check; none: every service under here whose files changed.", show_default=False)]
BaseRef = _opt("--base-ref", "Git revision of the deployed side: origin/main, a tag, a SHA, HEAD~1, main...HEAD.")
HeadRef = _opt("--head-ref", "Git revision of the new side (default: the working tree).")
Staged = _opt("--staged", "New side: the staged content (pre-commit).", bool)
BaseTemplate = _opt("--base-template", "The deployed template (get-template output, JSON, YAML) as base.", Optional[Path])
CheckFormat = _opt("--format -f", "auto (github in Actions, else text), text, json, sarif, github, markdown, junit", str)
Output = _opt("--output -o", "Write the report here; the text summary still goes to the terminal.", Optional[Path])
Summary = _opt("--summary", 'Append a markdown summary here (e.g. "$GITHUB_STEP_SUMMARY").', Optional[Path])
Jobs = _opt("--jobs -j", "Services checked at once (default: the machine's cores).", Optional[int])
FailOn = _opt("--fail-on", "error (default), warning or never: what makes the exit code 1.")


def _settings(stage, region, stack_name, parameter, base_parameter, head_parameter, engine, root, param=None):
    """How to compile and predict both sides: --parameter applies to both, --base-parameter and
    --head-parameter win on their side."""
    both = _pairs(parameter, "--parameter")
    return (CompileSettings(stage=stage, region=region, params=_pairs(param, "--param"), engine=engine, root=root),
            PredictOptions(region=region, stack_name=stack_name,
                           base_parameters={**both, **_pairs(base_parameter, "--base-parameter")},
                           head_parameters={**both, **_pairs(head_parameter, "--head-parameter")}))


@app.command()
def changeset(base: Base, head: Head, format: Format = "text", region: Region = "us-east-1",
              parameter: Parameter = None, base_parameter: BaseParameter = None,
              head_parameter: HeadParameter = None, stack_name: StackName = None, stage: Stage = None,
              show_all: ShowAll = False, engine: Eng = None, root: Root = None) -> None:
    """Print the change set CloudFormation would compute from BASE to HEAD."""
    from promotelint import app as pipeline
    from promotelint.model.findings import StackReport

    format = _format(format)
    compile, predict = _settings(stage, region, stack_name, parameter, base_parameter, head_parameter, engine, root)
    result = pipeline.predict(pipeline.read_source(base, compile), pipeline.read_source(head, compile), predict)
    sys.stdout.write(_render([StackReport(result)], format, show_all=show_all, color=_color(sys.stdout)))


@app.command("rules")
def list_rules(format: _opt("--format -f", "text, markdown (docs/rules.md) or json (rules/bundle.json).", str) = "text",
               config: ConfigFile = None) -> None:
    """List the rules with their severities."""
    from promotelint.app import rules_document

    sys.stdout.write(rules_document(format, config))


@app.command()
def explain(rule: Annotated[str, typer.Argument(help="Rule id, e.g. stateful-resource-removed.")],
            config: ConfigFile = None) -> None:
    """Explain one rule: why it matters, when it fires, how to make the change safely."""
    from promotelint.app import explain_rule

    sys.stdout.write(explain_rule(rule, config))


@app.command()
def check(paths: Paths = None, base_ref: BaseRef = None, head_ref: HeadRef = None, staged: Staged = False,
          base_template: BaseTemplate = None, format: CheckFormat = "auto", output: Output = None,
          summary: Summary = None, region: Region = "us-east-1", parameter: Parameter = None,
          base_parameter: BaseParameter = None, head_parameter: HeadParameter = None, stack_name: StackName = None,
          stage: Stage = None, param: Param = None, jobs: Jobs = None, show_all: ShowAll = False,
          config: ConfigFile = None, fail_on: FailOn = None, engine: Eng = None, root: Root = None) -> None:
    """Predict each stack's change set from the deployed side to the new one and exit 1 if the rules
    find it dangerous (2 if a service cannot be read)."""
    from promotelint import app as pipeline
    from promotelint.io.files import write_text

    format = _format(format, auto=True)
    compile, predict = _settings(stage, region, stack_name, parameter, base_parameter, head_parameter, engine, root,
                                 param)
    result = pipeline.check(pipeline.CheckRequest(
        paths=tuple(paths or ()), base_ref=base_ref, head_ref=head_ref, staged=staged, base_template=base_template,
        compile=compile, predict=predict, config=config, fail_on=fail_on, jobs=jobs))
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
def compile_command(path: Annotated[Path, typer.Argument(help="Service directory or its serverless.yml.")],
                    stage: _opt("--stage", "Stage (default: provider.stage, else dev).") = None,
                    region: _opt("--region", "Region (default: provider.region, else us-east-1).") = None,
                    param: Param = None,
                    env_file: _opt("--env-file", "dotenv file adding to the environment.", Optional[Path]) = None,
                    engine: Eng = None, root: Root = None) -> None:
    """Print the template `serverless package` would write, compiled offline."""
    import json

    from promotelint.app import compile_path

    template = compile_path(path, stage=stage, region=region, params=_pairs(param, "--param"), env_file=env_file,
                            engine=engine, root=root)
    for warning in template.warnings:
        print(f"promotelint: warning: {warning}", file=sys.stderr)
    sys.stdout.write(json.dumps(template.data, indent=2) + "\n")


def main() -> None:
    try:
        app()  # standalone mode: click reports usage errors itself (exit 2); anything else reaches us
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - any failure but bad input is ours, never a "blocking" 1
        if _DEBUG:
            raise
        if isinstance(exc, InputError):
            print(f"promotelint: error: {exc}", file=sys.stderr)
            sys.exit(EXIT_INPUT)
        print(f"promotelint: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in promotelint; please report it with the command you ran "
              "(rerun with --debug for the traceback).", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
