"""The command line: options into a request, promotelint.app runs it, the report is printed, the
exit code returned (0 safe, 1 blocking findings, 2 usage/input/config error, 3 internal error).
The options are declared in cli/options.py; what is written where, in cli/output.py."""

from __future__ import annotations

import sys

import typer

from promotelint.cli import options as o
from promotelint.cli.output import Progress, choose, emit, render
from promotelint.model.errors import EXIT_INPUT, EXIT_INTERNAL, InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Predict the CloudFormation change set of a promotion offline and stop dangerous ones.")

_DEBUG = False


def _version(value: bool) -> None:
    if value:
        from promotelint import __version__

        print(f"promotelint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
          version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    global _DEBUG
    _DEBUG = debug


@app.command()
def changeset(base: o.Base, head: o.Head, format: o.Format = "text", region: o.Region = "us-east-1",
              parameter: o.Parameter = None, base_parameter: o.BaseParameter = None,
              head_parameter: o.HeadParameter = None, stack_name: o.StackName = None, stage: o.Stage = None,
              show_all: o.ShowAll = False, compiler: o.Compiler = "auto", engine: o.Engine = None,
              root: o.Root = None, no_cache: o.NoCache = False) -> None:
    """Print the change set CloudFormation would compute from BASE to HEAD."""
    from promotelint import app as pipeline
    from promotelint.cli.output import color
    from promotelint.model.findings import StackReport

    format = choose(format)
    compile, predict = o.settings(stage=stage, region=region, stack_name=stack_name, parameter=parameter,
                                  base_parameter=base_parameter, head_parameter=head_parameter, compiler=compiler,
                                  engine=engine, root=root, no_cache=no_cache)
    stacks = pipeline.predict_stacks(pipeline.read_source(base, compile), pipeline.read_source(head, compile), predict)
    sys.stdout.write(render([StackReport(cs) for cs in stacks], format, show_all=show_all,
                            color=format == "text" and color(sys.stdout)))


@app.command("rules")
def list_rules(format: o.RulesFormat = "text", config: o.ConfigFile = None) -> None:
    """List the rules with their severities."""
    from promotelint.app import rules_document

    sys.stdout.write(rules_document(format, config))


@app.command()
def explain(rule: o.RuleId, config: o.ConfigFile = None) -> None:
    """Explain one rule: why it matters, when it fires, how to make the change safely."""
    from promotelint.app import explain_rule

    sys.stdout.write(explain_rule(rule, config))


@app.command()
def check(paths: o.Paths = None, base_ref: o.BaseRef = None, head_ref: o.HeadRef = None, staged: o.Staged = False,
          base_template: o.BaseTemplate = None, format: o.CheckFormat = "auto", output: o.Output = None,
          summary: o.Summary = None, region: o.Region = "us-east-1", parameter: o.Parameter = None,
          base_parameter: o.BaseParameter = None, head_parameter: o.HeadParameter = None,
          stack_name: o.StackName = None, stage: o.Stage = None, param: o.Param = None, jobs: o.Jobs = None,
          show_all: o.ShowAll = False, config: o.ConfigFile = None, fail_on: o.FailOn = None,
          compiler: o.Compiler = "auto", engine: o.Engine = None, root: o.Root = None,
          shard: o.Shard = None, no_cache: o.NoCache = False) -> None:
    """Predict each stack's change set from the deployed side to the new one and exit 1 if the rules
    find it dangerous (2 if a service cannot be read)."""
    from promotelint import app as pipeline

    format = choose(format, auto=True)
    compile, predict = o.settings(stage=stage, region=region, stack_name=stack_name, parameter=parameter,
                                  base_parameter=base_parameter, head_parameter=head_parameter, compiler=compiler,
                                  engine=engine, root=root, param=param, no_cache=no_cache)
    progress = Progress(sys.stderr)
    try:
        result = pipeline.check(pipeline.CheckRequest(
            paths=tuple(paths or ()), base_ref=base_ref, head_ref=head_ref, staged=staged,
            base_template=base_template, compile=compile, predict=predict, config=config, fail_on=fail_on,
            jobs=jobs, shard=o.shard(shard)), progress=progress)
    finally:
        progress.close()
    emit(result, format, output, summary, show_all)
    raise typer.Exit(result.exit_code)


@app.command()
def report(files: o.ReportFiles, format: o.CheckFormat = "auto", output: o.Output = None,
           summary: o.Summary = None, show_all: o.ShowAll = False) -> None:
    """Merge JSON reports of `check` (one per --shard) into one report, in any format, and exit with
    the merged verdict (the worst of the shards')."""
    from promotelint.app import merge_reports

    format = choose(format, auto=True)
    result = merge_reports(files)
    emit(result, format, output, summary, show_all)
    raise typer.Exit(result.exit_code if result.exit_code is not None else 0)


@app.command("compile")
def compile_command(path: o.ServicePath, stage: o.CompileStage = None, region: o.CompileRegion = None,
                    param: o.Param = None, env_file: o.EnvFile = None, compiler: o.Compiler = "auto",
                    engine: o.Engine = None, root: o.Root = None, no_cache: o.NoCache = False) -> None:
    """Print the template `serverless package` would write (its unpredicted parts, and the values
    only known in AWS, on stderr)."""
    from promotelint.app import compile_path, placeholders
    from promotelint.model.secrets import map_strings, masker

    template = compile_path(path, stage=stage, region=region, params=o.pairs(param, "--param"), env_file=env_file,
                            compiler=compiler, engine=engine, root=root, cache=not no_cache)
    mask = masker(template.secrets)  # values from the environment and deploy-time sources: ****
    shown = (lambda value: value) if mask is None else (lambda value: map_strings(value, mask))
    sys.stderr.writelines(f"promotelint: warning: {warning}\n" for warning in shown(template.blind_spots))
    sys.stderr.writelines(f"promotelint: warning: {warning}\n" for warning in shown(placeholders(template)))
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

