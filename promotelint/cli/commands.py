"""The command line as typer declares it: every command's arguments and options (declared in
cli/options.py) and help. Each command hands its values to the function of the same name in
cli/actions.py and exits with the code it returns."""

from __future__ import annotations

import typer

from promotelint.cli import actions
from promotelint.cli import options as o

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Predict the CloudFormation change set of a promotion offline and stop dangerous ones.")

def _version(value: bool) -> None:
    if value:
        from promotelint import __version__

        print(f"promotelint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
          version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    actions.DEBUG = debug


@app.command()
def changeset(base: o.Base, head: o.Head, format: o.Format = "text", region: o.Region = "us-east-1",
              parameter: o.Parameter = None, base_parameter: o.BaseParameter = None,
              head_parameter: o.HeadParameter = None, stack_name: o.StackName = None, stage: o.Stage = None,
              show_all: o.ShowAll = False, compiler: o.Compiler = "auto", engine: o.Engine = None,
              root: o.Root = None, no_cache: o.NoCache = False) -> None:
    """Print the change set CloudFormation would compute from BASE to HEAD."""
    raise typer.Exit(actions.changeset(**locals()))


@app.command("rules")
def list_rules(format: o.RulesFormat = "text", config: o.ConfigFile = None) -> None:
    """List the rules with their severities."""
    raise typer.Exit(actions.rules(**locals()))


@app.command()
def explain(rule: o.RuleId, config: o.ConfigFile = None) -> None:
    """Explain one rule: why it matters, when it fires, how to make the change safely."""
    raise typer.Exit(actions.explain(**locals()))


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
    raise typer.Exit(actions.check(**locals()))


@app.command()
def report(files: o.ReportFiles, format: o.CheckFormat = "auto", output: o.Output = None,
           summary: o.Summary = None, show_all: o.ShowAll = False) -> None:
    """Merge JSON reports of `check` (one per --shard) into one report, in any format, and exit with
    the merged verdict (the worst of the shards')."""
    raise typer.Exit(actions.report(**locals()))


@app.command("compile")
def compile_command(path: o.ServicePath, stage: o.CompileStage = None, region: o.CompileRegion = None,
                    param: o.Param = None, env_file: o.EnvFile = None, compiler: o.Compiler = "auto",
                    engine: o.Engine = None, root: o.Root = None, no_cache: o.NoCache = False) -> None:
    """Print the template `serverless package` would write (its unpredicted parts, and the values
    only known in AWS, on stderr)."""
    raise typer.Exit(actions.compile(**locals()))
