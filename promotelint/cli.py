"""The command line: parse options, read the sources, call the stages, print, exit. Nothing else.

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
             stack_name: Optional[str], stage: Optional[str]):
    from promotelint.predict import PredictOptions, predict
    from promotelint.report import FORMATS
    from promotelint.sources import CompileSettings, read_source

    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}", fix="use one of: " + ", ".join(FORMATS))
    both = _parse_pairs(parameter, "--parameter")
    options = PredictOptions(
        region=region, stack_name=stack_name,
        base_parameters={**both, **_parse_pairs(base_parameter, "--base-parameter")},
        head_parameters={**both, **_parse_pairs(head_parameter, "--head-parameter")})
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
    from promotelint.model.findings import StackReport

    result = _predict(base, head, format, region, parameter, base_parameter, head_parameter, stack_name, stage)
    _print([StackReport(result)], format, show_all)


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
    if rule in ruledoc.ALLOW_NOTICES:
        sys.stdout.write(ruledoc.ALLOW_NOTICES[rule])
        return
    if rule not in rules:
        close = difflib.get_close_matches(rule, list(rules) + list(ruledoc.ALLOW_NOTICES), n=1)
        raise InputError(f"no rule {rule!r}", fix=f"did you mean {close[0]}?" if close else
                         "run `promotelint rules` for the list")
    sys.stdout.write(ruledoc.explain(rules[rule], cfg.severities.get(rule)))


def _choose_format(format: str) -> str:
    from promotelint.report import FORMATS

    if format == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}", fix="use one of: auto, " + ", ".join(FORMATS))
    return format


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
    head_parameter: HeadParameter = None, stack_name: StackName = None, stage: Stage = None,
    param: Annotated[Optional[List[str]], typer.Option(
        "--param", help="KEY=VALUE for ${param:KEY} in serverless.yml.")] = None,
    jobs: Annotated[Optional[int], typer.Option(
        "--jobs", "-j", help="Services checked at once (default: the machine's cores).")] = None,
    show_all: ShowAll = False, config: ConfigFile = None,
    fail_on: Annotated[Optional[str], typer.Option(
        "--fail-on", help="error (default), warning or never: what makes the exit code 1.")] = None,
) -> None:
    """Predict each stack's change set from the deployed side to the new one and exit 1 if the rules
    find it dangerous (2 if a service cannot be read)."""
    import datetime

    from promotelint.predict import PredictOptions
    from promotelint.report import FORMATS, RenderOptions
    from promotelint.sources import CompileSettings
    from promotelint.verdict import FAIL_ON, exit_code, judge_all, setup, stateful_types

    if fail_on is not None and fail_on not in FAIL_ON:
        raise InputError(f"unknown --fail-on {fail_on!r}", fix="use one of: " + ", ".join(FAIL_ON))
    format = _choose_format(format)
    paths = paths or []
    git_mode = bool(base_ref or base_template)
    if not git_mode and len(paths) != 2:
        raise InputError("nothing to compare", fix="pass BASE HEAD, or --base-ref REV (e.g. origin/main), "
                         "or --base-template FILE (the deployed template)")
    if not git_mode and (head_ref or staged):
        raise InputError("--head-ref/--staged need --base-ref", fix="add --base-ref REV")
    cfg, rules = setup(config, Path(paths[1]) if not git_mode else Path.cwd())
    both = _parse_pairs(parameter, "--parameter")
    options = PredictOptions(
        region=region, stack_name=stack_name, stateful=stateful_types(cfg),
        base_parameters={**both, **_parse_pairs(base_parameter, "--base-parameter")},
        head_parameters={**both, **_parse_pairs(head_parameter, "--head-parameter")})
    settings = CompileSettings(stage=stage, region=region, params=_parse_pairs(param, "--param"))
    if git_mode:
        changesets, errors = _check_changesets(paths, base_ref, head_ref, staged, base_template, settings,
                                               options, jobs)
    else:
        from promotelint.predict import predict
        from promotelint.sources import read_source

        changesets = [predict(read_source(Path(paths[0]), settings), read_source(Path(paths[1]), settings),
                              options)]
        errors = []
    today = datetime.date.today()
    reports = judge_all(changesets, rules, cfg, today)
    for error in errors:
        print(f"promotelint: error: {error}", file=sys.stderr)
    code = EXIT_INPUT if errors else exit_code(reports, fail_on or cfg.fail_on or "error")
    meta = {r.id: {"summary": r.summary, "description": r.description.strip(), "fix": r.fix or "",
                   "severity": cfg.severities.get(r.id, r.severity)} for r in rules}
    if output is not None:
        _write(output, FORMATS[format](reports, RenderOptions(show_all=show_all, exit_code=code, rules=meta)))
        terminal = _choose_format("auto")
    else:
        terminal = format
    if summary is not None:
        _write(summary, FORMATS["markdown"](reports, RenderOptions(exit_code=code, rules=meta)), append=True)
    color = terminal == "text" and _color(sys.stdout)
    sys.stdout.write(FORMATS[terminal](reports, RenderOptions(show_all=show_all, color=color, exit_code=code,
                                                              rules=meta)))
    raise typer.Exit(code)


def _write(path: Path, text: str, append: bool = False) -> None:
    try:
        with open(path, "a" if append else "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror or exc}", file=str(path),
                         fix="check the directory exists and is writable") from None


def _check_changesets(paths, base_ref, head_ref, staged, base_template, settings, options, jobs):
    """The change sets of every stack to check, and the errors of those that could not be read."""
    from promotelint import git
    from promotelint.services import CheckSettings, Pair, check_pairs, discover
    from promotelint.sources import read_source, read_text, template_from_text

    if base_ref and base_template:
        raise InputError("--base-ref and --base-template both name the base", fix="pass one of them")
    if head_ref and staged:
        raise InputError("--head-ref and --staged both name the head", fix="pass one of them")
    needs_git = base_ref or head_ref or staged
    root = str(git.repo_root(".")) if needs_git else os.getcwd()
    head = git.WORKTREE
    if head_ref:
        head = git.resolve_rev(root, head_ref, "--head-ref")
    elif staged:
        head = git.INDEX
    head_label = head_ref or ("index" if staged else "working tree")
    check_settings = CheckSettings(root=root, compile=settings, predict=options)
    if base_template is not None:
        if len(paths) > 1:
            raise InputError("--base-template is the base of one service; several PATHs given",
                             fix="run once per service")
        base_t = template_from_text(read_text(base_template), str(base_template))
        target = paths[0] if paths else "."
        if needs_git:
            base_sha = git.resolve_rev(root, "HEAD")  # only to locate the path; its content is unused
            found = [p for p in discover(root, base_sha, head, [target], base_label="HEAD",
                                         head_label=head_label, settings=settings) if p.head]
            if len(found) != 1:
                raise InputError(f"--base-template needs exactly one service at {target}, found {len(found)}",
                                 file=target, fix="name the serverless.yml or template")
            pairs = [Pair(None, found[0].head, base_template=base_t)]
        else:
            pairs = [Pair(None, None, base_template=base_t, head_template=read_source(Path(target), settings))]
    else:
        base_sha = git.resolve_rev(root, base_ref)
        pairs = discover(root, base_sha, head, paths, base_label=base_ref, head_label=head_label,
                         settings=settings)
    outcomes = check_pairs(pairs, check_settings, jobs)
    changesets = [cs for o in outcomes for cs in o.changesets]
    return changesets, [o.error for o in outcomes if o.error]


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

    from promotelint.app import compile_path

    template = compile_path(path, stage=stage, region=region, params=_parse_pairs(param, "--param"),
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
