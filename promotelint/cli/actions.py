"""What each command does once its options are read, without typer: each returns its exit code.

Two front ends call these with the same keyword arguments: the typer commands (cli/commands.py:
help, usage errors, every spelling of an option) and the quick path (cli/quick.py: the plain
invocations of check, changeset and compile, which then start without importing typer)."""

from __future__ import annotations

import sys
from pathlib import Path

from promotelint.model.errors import InputError

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Optional

DEBUG = False  # --debug: tracebacks instead of one-line errors (set by either front end)


def changeset(base: Path, head: Path, format: str = "text", region: str = "us-east-1", parameter=None,
              base_parameter=None, head_parameter=None, stack_name=None, stage=None, show_all: bool = False,
              compiler: str = "auto", engine=None, root=None, no_cache: bool = False) -> int:
    from promotelint import app as pipeline
    from promotelint.cli.output import choose, color, render
    from promotelint.model.findings import StackReport

    format = choose(format)
    compile, predict = settings(stage=stage, region=region, stack_name=stack_name, parameter=parameter,
                                base_parameter=base_parameter, head_parameter=head_parameter, compiler=compiler,
                                engine=engine, root=root, no_cache=no_cache)
    base_t = pipeline.read_source(base, compile)
    stacks = pipeline.predict_stacks(base_t, pipeline.read_source(head, compile, base_t), predict)
    sys.stdout.write(render([StackReport(cs) for cs in stacks], format, show_all=show_all,
                            color=format == "text" and color(sys.stdout)))
    return 0


def rules(format: str = "text", config=None) -> int:
    from promotelint.app import rules_document

    sys.stdout.write(rules_document(format, config))
    return 0


def explain(rule: str, config=None) -> int:
    from promotelint.app import explain_rule

    sys.stdout.write(explain_rule(rule, config))
    return 0


def check(paths=None, base_ref=None, head_ref=None, staged: bool = False, base_template=None, format: str = "auto",
          output=None, summary=None, region: str = "us-east-1", parameter=None, base_parameter=None,
          head_parameter=None, stack_name=None, stage=None, param=None, jobs=None, show_all: bool = False,
          config=None, fail_on=None, compiler: str = "auto", engine=None, root=None, shard=None,
          no_cache: bool = False) -> int:
    from promotelint import app as pipeline
    from promotelint.cli.output import Progress, choose, emit

    format = choose(format, auto=True)
    compile, predict = settings(stage=stage, region=region, stack_name=stack_name, parameter=parameter,
                                base_parameter=base_parameter, head_parameter=head_parameter, compiler=compiler,
                                engine=engine, root=root, param=param, no_cache=no_cache)
    progress = Progress(sys.stderr)
    try:
        result = pipeline.check(pipeline.CheckRequest(
            paths=tuple(paths or ()), base_ref=base_ref, head_ref=head_ref, staged=staged,
            base_template=base_template, compile=compile, predict=predict, config=config, fail_on=fail_on,
            jobs=jobs, shard=shard_of(shard)), progress=progress)
    finally:
        progress.close()
    emit(result, format, output, summary, show_all)
    return result.exit_code


def report(files, format: str = "auto", output=None, summary=None, show_all: bool = False) -> int:
    from promotelint.app import merge_reports
    from promotelint.cli.output import choose, emit

    format = choose(format, auto=True)
    result = merge_reports(files)
    emit(result, format, output, summary, show_all)
    return result.exit_code if result.exit_code is not None else 0


def compile(path: Path, stage=None, region=None, param=None, env_file=None, compiler: str = "auto", engine=None,
            root=None, no_cache: bool = False) -> int:
    from promotelint.app import compile_path, placeholders
    from promotelint.model.secrets import map_strings, masker
    from promotelint.parse.jsontext import dumps_indented

    template = compile_path(path, stage=stage, region=region, params=pairs(param, "--param"), env_file=env_file,
                            compiler=compiler, engine=engine, root=root, cache=not no_cache)
    mask = masker(template.secrets)  # values from the environment and deploy-time sources: ****
    shown = (lambda value: value) if mask is None else (lambda value: map_strings(value, mask))
    sys.stderr.writelines(f"promotelint: warning: {warning}\n" for warning in shown(template.blind_spots))
    sys.stderr.writelines(f"promotelint: warning: {warning}\n" for warning in shown(placeholders(template)))
    sys.stdout.write(dumps_indented(shown(template.data)) + "\n")
    return 0


def pairs(values: Optional[list[str]], option: str) -> dict[str, str]:
    """KEY=VALUE options as a mapping; anything else is a usage error naming the option."""
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise InputError(f"{option} {value!r} is not KEY=VALUE", fix=f"write {option} NAME=VALUE")
        out[key] = val
    return out


def settings(*, stage, region, stack_name, parameter, base_parameter, head_parameter, compiler, engine, root,
             param=None, no_cache=False):
    """How to compile and predict both sides: --parameter applies to both, --base-parameter and
    --head-parameter win on their side."""
    from promotelint.model.settings import CompileSettings, PredictOptions

    both = pairs(parameter, "--parameter")
    return (CompileSettings(stage=stage, region=region, params=pairs(param, "--param"), compiler=compiler,
                            engine=engine, root=root, cache=not no_cache),
            PredictOptions(region=region, stack_name=stack_name,
                           base_parameters={**both, **pairs(base_parameter, "--base-parameter")},
                           head_parameters={**both, **pairs(head_parameter, "--head-parameter")}))


def shard_of(text: str | None) -> tuple[int, int] | None:
    """`--shard I/N` as (I, N), 1 <= I <= N."""
    if text is None:
        return None
    index, sep, count = text.partition("/")
    if sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return int(index), int(count)
    raise InputError(f"--shard {text!r} is not I/N with 1 <= I <= N", fix="write --shard 1/4 ... --shard 4/4")
