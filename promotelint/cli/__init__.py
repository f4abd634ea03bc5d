"""The command line: options into a request, promotelint.app runs it, the report is printed, the
exit code returned (0 safe, 1 blocking findings, 2 usage/input/config error, 3 internal error).
The options are declared in cli/options.py."""

from __future__ import annotations

import os
import sys

import typer

from promotelint.cli.options import (
    Base, BaseParameter, BaseRef, BaseTemplate, CheckFormat, CompileRegion, CompileStage, Compiler, ConfigFile,
    Engine, EnvFile, FailOn, Format, Head, HeadParameter, HeadRef, Jobs, NoCache, Output, Param, Parameter, Paths,
    Region, Root, RuleId, RulesFormat, ServicePath, ShowAll, StackName, Stage, Staged, Summary, pairs, settings,
)
from promotelint.model.errors import EXIT_INPUT, EXIT_INTERNAL, InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Predict the CloudFormation change set of a promotion offline and stop dangerous ones.")

_DEBUG = False


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


@app.command()
def changeset(base: Base, head: Head, format: Format = "text", region: Region = "us-east-1",
              parameter: Parameter = None, base_parameter: BaseParameter = None,
              head_parameter: HeadParameter = None, stack_name: StackName = None, stage: Stage = None,
              show_all: ShowAll = False, compiler: Compiler = "auto", engine: Engine = None, root: Root = None,
              no_cache: NoCache = False) -> None:
    """Print the change set CloudFormation would compute from BASE to HEAD."""
    from promotelint import app as pipeline
    from promotelint.model.findings import StackReport

    format = _format(format)
    compile, predict = settings(stage=stage, region=region, stack_name=stack_name, parameter=parameter,
                                base_parameter=base_parameter, head_parameter=head_parameter, compiler=compiler,
                                engine=engine, root=root, no_cache=no_cache)
    stacks = pipeline.predict_stacks(pipeline.read_source(base, compile), pipeline.read_source(head, compile), predict)
    sys.stdout.write(_render([StackReport(cs) for cs in stacks], format, show_all=show_all, color=_color(sys.stdout)))


@app.command("rules")
def list_rules(format: RulesFormat = "text", config: ConfigFile = None) -> None:
    """List the rules with their severities."""
    from promotelint.app import rules_document

    sys.stdout.write(rules_document(format, config))


@app.command()
def explain(rule: RuleId, config: ConfigFile = None) -> None:
    """Explain one rule: why it matters, when it fires, how to make the change safely."""
    from promotelint.app import explain_rule

    sys.stdout.write(explain_rule(rule, config))


@app.command()
def check(paths: Paths = None, base_ref: BaseRef = None, head_ref: HeadRef = None, staged: Staged = False,
          base_template: BaseTemplate = None, format: CheckFormat = "auto", output: Output = None,
          summary: Summary = None, region: Region = "us-east-1", parameter: Parameter = None,
          base_parameter: BaseParameter = None, head_parameter: HeadParameter = None, stack_name: StackName = None,
          stage: Stage = None, param: Param = None, jobs: Jobs = None, show_all: ShowAll = False,
          config: ConfigFile = None, fail_on: FailOn = None, compiler: Compiler = "auto", engine: Engine = None,
          root: Root = None, no_cache: NoCache = False) -> None:
    """Predict each stack's change set from the deployed side to the new one and exit 1 if the rules
    find it dangerous (2 if a service cannot be read)."""
    from promotelint import app as pipeline
    from promotelint.io.files import write_text

    format = _format(format, auto=True)
    compile, predict = settings(stage=stage, region=region, stack_name=stack_name, parameter=parameter,
                                base_parameter=base_parameter, head_parameter=head_parameter, compiler=compiler,
                                engine=engine, root=root, param=param, no_cache=no_cache)
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
def compile_command(path: ServicePath, stage: CompileStage = None, region: CompileRegion = None, param: Param = None,
                    env_file: EnvFile = None, compiler: Compiler = "auto", engine: Engine = None,
                    root: Root = None, no_cache: NoCache = False) -> None:
    """Print the template `serverless package` would write (its unpredicted parts on stderr)."""
    from promotelint.app import compile_path
    from promotelint.model.secrets import map_strings, masker

    template = compile_path(path, stage=stage, region=region, params=pairs(param, "--param"), env_file=env_file,
                            compiler=compiler, engine=engine, root=root, cache=not no_cache)
    mask = masker(template.secrets)  # values from the environment and deploy-time sources: ****
    shown = (lambda value: value) if mask is None else (lambda value: map_strings(value, mask))
    sys.stderr.writelines(f"promotelint: warning: {warning}\n" for warning in shown(template.blind_spots))
    from promotelint.parse.jsontext import dumps_indented

    sys.stdout.write(dumps_indented(shown(template.data)) + "\n")


def main() -> None:
    for stream in (sys.stdout, sys.stderr):  # a template may hold text no encoding can write
        stream.reconfigure(errors="backslashreplace")
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
