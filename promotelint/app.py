"""The one pipeline, and the library API: sources -> compile -> predict -> judge -> reports.

    compile_path(path, stage=...)               -> Template    (serverless.yml, compiled offline)
    read_source(path, CompileSettings, like)    -> Template    (a template, build dir or service)
    predict(base, head, PredictOptions)         -> StackChangeSet
    setup(config_file, start)                   -> (Config, rules)
    judge(changesets, rules, config, today)     -> [StackReport]
    check(CheckRequest)                         -> CheckResult (reports, errors, exit code)
    merge_reports([report.json, ...])           -> CheckResult (the shards' JSON reports as one)

io/ reads what the user points at (files, git revisions, config, cfn-lint's data); every stage in
between is a pure function of what it is given; the caller renders `CheckResult.reports` with
promotelint.report.FORMATS.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from promotelint.model.errors import EXIT_INPUT, InputError
from promotelint.model.record import field, record, replace
from promotelint.model.settings import CompileSettings, Config, PredictOptions
from promotelint.model.template import Template

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from promotelint.io.discovery import Pair
    from promotelint.model.changeset import StackChangeSet
    from promotelint.model.imports import ImportIndex
    from promotelint.model.findings import Finding, StackReport
    from promotelint.ruleengine.language import Rule

# The stages are imported where they are used: `compile` needs no rules and no git, `changeset` no
# config, and each import is paid on every start of a command-line tool.

__all__ = ["CheckRequest", "CheckResult", "CompileSettings", "PredictOptions", "check", "compile_path",
           "judge", "merge_reports", "placeholders", "predict", "predict_stacks", "read_source", "rule_metadata",
           "setup"]


def compile_path(path: str | os.PathLike, *, stage: str | None = None, region: str | None = None,
                 params: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
                 env_file: str | os.PathLike | None = None, compiler: str = "auto", engine: str | None = None,
                 root: str | os.PathLike | None = None, cache: bool = True) -> Template:
    """The template `serverless package` writes for the service at `path` in the working tree.
    `env` replaces this process's environment for `${env:}`; `env_file` (dotenv) adds to it;
    `compiler` is offline, framework (the service's own, with its plugins) or auto; `engine` (v3,
    osls, v4; default: detected), `root` and `cache` as in CompileSettings."""
    from promotelint.io.sources import read_service

    return read_service(path, CompileSettings(stage=stage, region=region, params=params or {}, env=env,
                                              env_file=env_file, compiler=compiler, engine=engine, root=root,
                                              cache=cache))


def placeholders(template: Template, limit: int = 10) -> list[str]:
    """One warning per value of the template only known in AWS (`${ssm:}`, a CodeSha256, ...),
    which the template holds as a {"promotelint:opaque": ...} placeholder; at most `limit`."""
    from promotelint.model.opaque import OPAQUE_KEY, opaque_paths

    found = list(opaque_paths(template.data))
    out = [f"{path} is only known in AWS ({text}): written as a {{\"{OPAQUE_KEY}\": ...}} placeholder"
           for path, text in found[:limit]]
    if len(found) > limit:
        out.append(f"and {len(found) - limit} more values only known in AWS, written as placeholders")
    return out


def read_source(path: str | os.PathLike, settings: CompileSettings = CompileSettings(),
                like: Template | None = None) -> Template:
    """The template of a path in the working tree: a template, a `.serverless` build directory, or
    a serverless.yml (or its directory) compiled offline. `like`: the other side of the pair, read
    already: a template then shares the values of the resources written alike in both."""
    from promotelint.io.sources import read_source as read

    return read(Path(path), settings, like)


def predict(base: Template, head: Template, options: PredictOptions = PredictOptions(),
            stateful: Mapping[str, str] | None = None) -> StackChangeSet:
    """The change set from `base` to `head`, with the facts of their resource types loaded;
    `stateful` adds types to the stateful tiers (the config's `stateful:`)."""
    from promotelint.io.catalog import load_catalog, template_types
    from promotelint.predict.diff import predict as predict_templates

    catalog = load_catalog(template_types(base, head), options.region, stateful)
    return predict_templates(base, head, catalog, options)


def predict_stacks(base: Template, head: Template, options: PredictOptions = PredictOptions(),
                   stateful: Mapping[str, str] | None = None) -> list[StackChangeSet]:
    """The stack's change set, then one per nested stack either side's framework wrote
    (serverless-plugin-split-stacks): a resource moved between stacks is removed from one."""
    nested = tuple(dict.fromkeys([*base.nested, *head.nested]))
    out = [replace(predict(base, head, options, stateful), nested=nested)]
    for lid in nested:
        b = base.nested.get(lid) or _empty(head.nested[lid], "(new)")
        h = head.nested.get(lid) or _empty(base.nested[lid], "(deleted)")
        # a nested stack holds what the root's config resolved: the root's secrets are its own
        b, h = replace(b, secrets=b.secrets | base.secrets), replace(h, secrets=h.secrets | head.secrets)
        # `<stack>/<NestedLogicalId>`, the root's name also when it is only known from its templates
        out.append(predict(b, h, replace(options, stack_name=f"{options.stack_name or out[0].name}/{lid}"), stateful))
    return out


def setup(config_file: Path | None, start: Path) -> tuple[Config, tuple[Rule, ...]]:
    """The config (`config_file`, or found from `start` upward) and the rules it selects, checked."""
    from promotelint.io.packaged import load_rules
    from promotelint.io.settings import find_config, load_config
    from promotelint.verdict.judge import check_rule_ids

    path = config_file if config_file is not None else find_config(start)
    config = load_config(path) if path is not None else Config()
    rules = load_rules(config.rule_files)
    check_rule_ids(config, [r.id for r in rules])
    return config, rules


def rules_document(format: str, config_file: Path | None = None) -> str:
    """`promotelint rules`: the rules with their configured severities (text), docs/rules.md
    (markdown: what ships, whatever the local config says) or rules/bundle.json (json)."""
    from promotelint.io import packaged
    from promotelint.ruleengine import docs

    if format == "json":
        return packaged.rules_bundle()
    if format == "markdown":
        return docs.rules_markdown(packaged.load_builtin_rules())
    if format != "text":
        raise InputError(f"unknown format {format!r}", fix="use text, markdown or json")
    config, rules = setup(config_file, Path.cwd())
    return docs.rules_table(rules, config.severities)


def explain_rule(rule_id: str, config_file: Path | None = None) -> str:
    """`promotelint explain RULE`: why the rule matters, when it fires, its definition."""
    from promotelint.ruleengine import docs

    config, rules = setup(config_file, Path.cwd())
    return docs.explain_rule(rule_id, {r.id: r for r in rules}, config.severities)


def judge(changesets: Sequence[StackChangeSet], rules: Sequence[Rule], config: Config,
          today: datetime.date, imports: ImportIndex | None = None,
          own: Sequence[tuple[Finding, ...] | None] = ()) -> list[StackReport]:
    """One report per stack: the rules' findings, with the config's and the resources' allow entries.
    `imports`: who in the repository imports which outputs (io.discovery.repository_imports).
    `own`: for each change set, the findings on its own subjects when already known (`own_findings`,
    run where it was predicted), or None."""
    from promotelint.model.imports import ImportIndex
    from promotelint.ruleengine.evaluate import evaluate, ordered
    from promotelint.verdict.judge import judge_all

    imports = imports or ImportIndex()
    known = list(own) + [None] * (len(changesets) - len(own))
    findings = [evaluate(rules, cs, config.severities, imports) if found is None else
                ordered(found + evaluate(rules, cs, config.severities, imports, "outputs"))
                for cs, found in zip(changesets, known)]
    return judge_all(changesets, findings, config, [r.id for r in rules], today)


def own_findings(rules: Sequence[Rule], config: Config) -> Callable[[StackChangeSet], tuple[Finding, ...]]:
    """The findings on a change set's own subjects (all but its outputs), for `judge`'s `own`."""
    from functools import partial

    from promotelint.ruleengine.evaluate import evaluate

    return partial(evaluate, tuple(rules), severities=config.severities, part="own")


def rule_metadata(rules: Sequence[Rule], config: Config) -> dict[str, dict[str, str]]:
    """What the SARIF and markdown reports say about each rule, with the configured severity."""
    return {r.id: {"summary": r.summary, "description": r.description.strip(), "fix": r.fix or "",
                   "severity": config.severities.get(r.id, r.severity)} for r in rules}


@record
class CheckRequest:
    """What `check` compares: two paths (BASE HEAD), or services of a git range, or one service
    against the deployed template (`base_template`)."""

    paths: tuple[str, ...] = ()
    base_ref: str | None = None
    head_ref: str | None = None
    staged: bool = False
    base_template: Path | None = None
    compile: CompileSettings = CompileSettings()
    predict: PredictOptions = PredictOptions()
    config: Path | None = None
    fail_on: str | None = None
    jobs: int | None = None
    today: datetime.date = field(default_factory=datetime.date.today)
    shard: tuple[int, int] | None = None  # (I, N): only the I-th of N shares of the git range's services

    @property
    def git_mode(self) -> bool:
        return bool(self.base_ref or self.base_template)


@record
class CheckResult:
    """What a check gives: each stack's report, the services that could not be read, the verdict."""

    reports: list[StackReport]
    errors: tuple[str, ...]  # services that could not be read (exit 2; the others still reported)
    exit_code: int | None  # None: predictions only (merged `changeset` reports)
    rules: dict[str, dict[str, str]]  # rule_metadata, for the reports
    fail_on: str = "error"  # what blocks a stack (the reports show the blocked stacks first)


def check(request: CheckRequest, progress: Callable[[int, int], None] | None = None) -> CheckResult:
    """Predict each stack's change set, apply the rules and the allow lists, and decide the exit code.
    `progress(done, total)` hears of each service checked in a git range."""
    from promotelint.verdict.judge import FAIL_ON, exit_code

    if request.fail_on is not None and request.fail_on not in FAIL_ON:
        raise InputError(f"unknown --fail-on {request.fail_on!r}", fix="use one of: " + ", ".join(FAIL_ON))
    if not request.git_mode and len(request.paths) != 2:
        raise InputError("nothing to compare", fix="pass BASE HEAD, or --base-ref REV (e.g. origin/main), "
                         "or --base-template FILE (the deployed template)")
    if not request.git_mode and (request.head_ref or request.staged):
        raise InputError("--head-ref/--staged need --base-ref", fix="add --base-ref REV")
    if request.shard and not request.base_ref:
        raise InputError("--shard splits the services of a git range", fix="add --base-ref REV")
    config, rules = setup(request.config, Path(request.paths[1]) if not request.git_mode else Path.cwd())
    # The config's plugin and framework settings are how both sides compile.
    request = replace(request, compile=replace(
        request.compile, neutral_plugins=request.compile.neutral_plugins | config.neutral_plugins,
        framework_timeout=config.framework_timeout or request.compile.framework_timeout))
    settings = PairSettings(root=os.getcwd(), compile=request.compile, predict=request.predict,
                            stateful=config.stateful)
    own: list = []  # the findings on each stack's own subjects, when judged in a worker
    if request.git_mode:
        changesets, errors, (root, repo, head_rev, sides, known), own = _git_changesets(
            request, settings, progress, own_findings(rules, config))
    else:
        base = read_source(Path(request.paths[0]), request.compile)
        head = read_source(Path(request.paths[1]), request.compile, base)
        changesets, errors = predict_stacks(base, head, request.predict, config.stateful), []
        root, repo, head_rev, sides, known = os.path.dirname(os.path.abspath(request.paths[1])), None, None, \
            (base, head), {}
    imports = _imports(changesets, root, repo, head_rev, sides, request.compile, known)
    reports = judge(changesets, rules, config, request.today, imports, own)
    fail_on = request.fail_on or config.fail_on or "error"
    code = EXIT_INPUT if errors else exit_code(reports, fail_on)
    return CheckResult(reports, tuple(errors), code, rule_metadata(rules, config), fail_on)


def merge_reports(paths: Sequence[str | os.PathLike]) -> CheckResult:
    """The JSON reports of several runs (`check --shard I/N --format json`) as one result: every
    stack, every error, the rules, and the worst exit code."""
    from promotelint.io.packaged import load_report

    parts = [load_report(Path(p)) for p in paths]
    if len({p.exit_code is None for p in parts}) > 1:
        raise InputError("cannot merge `changeset` reports with `check` reports", file=str(paths[0]),
                         fix="merge the JSON reports of one command")
    codes = [p.exit_code for p in parts if p.exit_code is not None]
    return CheckResult(reports=[r for p in parts for r in p.reports],
                       errors=tuple(e for p in parts for e in p.errors),
                       exit_code=max(codes) if codes else None,
                       rules={k: v for p in parts for k, v in p.rules.items()},
                       fail_on=next((p.fail_on for p in parts if p.fail_on), "error"))


def _imports(changesets: Sequence[StackChangeSet], where: str, repo: str | None, head: str | None,
             sides: Sequence[Template], compile: CompileSettings, known: Mapping[str, ImportIndex]) -> ImportIndex:
    """Who imports which outputs: the repository holding `where` read at `head` (once; `known`: the
    services already compiled there; `repo`: its root, when git already said), or, outside a
    repository, the given sides. Read only when an output is removed or changed."""
    from promotelint.model.imports import ImportIndex

    if not any(o.action != "Add" for cs in changesets for o in cs.outputs):
        return ImportIndex()
    from promotelint.io import files
    from promotelint.predict.imports import imports_of

    # (git_work_tree: no git process to learn it is not a repository)
    if repo is not None or files.git_work_tree(os.path.abspath(where)) is not None:
        from promotelint.io import git  # only now: git and the compiler cost a start nothing otherwise
        from promotelint.io.discovery import repository_imports

        try:
            return repository_imports(repo or str(git.repo_root(where)), head, compile, known)
        except InputError:
            pass  # git does not take it as a repository after all
    index = ImportIndex()  # outside a repository only the two sides can tell
    for side in sides:
        index |= imports_of(side, side.stack_name or side.source, side.source, compile.region or "us-east-1")
    return index


def _git_changesets(request: CheckRequest, settings: PairSettings, progress: Callable[[int, int], None] | None = None,
                    judge_own: Callable[[StackChangeSet], tuple[Finding, ...]] | None = None
                    ) -> tuple[list[StackChangeSet], list[str], tuple, list[tuple[Finding, ...] | None]]:
    """The change sets of every stack in the git range (of its shard), the errors of those that
    could not be read, where the head side's imports are read (the work tree, the repository's root
    when git gave it, the head revision, its templates already read, the imports of its services
    already compiled), and the findings on each stack's own subjects where the workers judged them
    (`judge_own`; see check_pairs)."""
    from promotelint.io import git
    from promotelint.io.discovery import Pair, discover
    from promotelint.io.sources import read_template

    paths = list(request.paths)
    if request.base_ref and request.base_template:
        raise InputError("--base-ref and --base-template both name the base", fix="pass one of them")
    if request.head_ref and request.staged:
        raise InputError("--head-ref and --staged both name the head", fix="pass one of them")
    needs_git = request.base_ref or request.head_ref or request.staged

    def discovered(found: Callable[[], None]) -> tuple[str, str | None, PairSettings, list[Pair]]:
        root = str(git.repo_root(".")) if needs_git else os.getcwd()
        head = git.WORKTREE
        if request.head_ref:
            head = git.resolve_rev(root, request.head_ref, "--head-ref")
        elif request.staged:
            head = git.INDEX
        head_label = request.head_ref or ("index" if request.staged else "working tree")
        if request.base_template is not None:
            if len(paths) > 1:
                raise InputError("--base-template is the base of one service; several PATHs given",
                                 fix="run once per service")
            base_t = read_template(request.base_template)
            target = paths[0] if paths else "."
            if needs_git:
                base_sha = git.resolve_rev(root, "HEAD")  # only to locate the path; its content is unused
                services = [p for p in discover(root, base_sha, head, [target], base_label="HEAD",
                                                head_label=head_label, settings=request.compile) if p.head]
                if len(services) != 1:
                    raise InputError(f"--base-template needs exactly one service at {target}, found {len(services)}",
                                     file=target, fix="name the serverless.yml or template")
                pairs = [Pair(None, services[0].head, base_template=base_t)]
            else:
                pairs = [Pair(None, None, base_template=base_t,
                              head_template=read_source(Path(target), request.compile))]
        else:
            base_sha = git.resolve_rev(root, request.base_ref)
            pairs = discover(root, base_sha, head, paths, base_label=request.base_ref, head_label=head_label,
                             settings=request.compile, found=found)
        if request.shard:
            pairs = shard_of(pairs, *request.shard)
        return root, head, replace(settings, root=root), pairs

    # Git's answers are mostly waits on its processes: once it is known that services may be found,
    # this process loads meanwhile what checking them takes (here, or in the workers forked from
    # here), unless they are found to be none first.
    root, head, settings, pairs = _meanwhile(discovered, _preloads(), lambda found: bool(found[3]))
    # an index reader is a snapshot of the index (its file list, its cat-file process): one kept by
    # an earlier check in this process would not see what was staged since
    stale = _READERS.pop((root, git.INDEX), None)
    if stale is not None:
        stale.close()
    outcomes = check_pairs(pairs, settings, request.jobs, progress, judge_own)
    sides = [p.head_template for p in pairs if p.head_template is not None]
    known = dict(o.imports for o in outcomes if o.imports)
    own = [found for o in outcomes for found in (o.findings or (None,) * len(o.changesets))]
    return [cs for o in outcomes for cs in o.changesets], [o.error for o in outcomes if o.error], \
        (root, root if needs_git else None, head, sides, known), own


def _meanwhile(work: Callable[[Callable[[], None]], Any], steps: Sequence[Callable[[], object]],
               wanted: Callable[[Any], bool]) -> Any:
    """work(go), run in a thread, for work that mostly waits on processes (git): once it calls go(),
    the steps run here meanwhile, unless it is done and its result does not want them."""
    import sys
    import threading

    done: list = []
    go = threading.Event()

    def run() -> None:
        try:
            done.append((True, work(go.set)))
        except BaseException as exc:  # (raised to the caller, as work() would have raised it)
            done.append((False, exc))
        finally:
            go.set()

    thread = threading.Thread(target=run, name="promotelint-git")
    # The thread holds the interpreter only between its waits, briefly: it should not wait the
    # default 5 ms for the steps here to let go each time one of its processes answers.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    try:
        thread.start()
        go.wait()
        for step in steps:
            if done and not (done[0][0] and wanted(done[0][1])):
                break
            step()
    finally:
        thread.join()
        sys.setswitchinterval(interval)
    ok, value = done[0]
    if not ok:
        raise value
    return value


def _preloads() -> tuple[Callable[[], object], ...]:
    """What checking a service takes, loaded step by step: the predictor, the compiler (YAML,
    engines, the compile steps), and the resource catalog."""
    import importlib

    def load(name: str) -> Callable[[], object]:
        return lambda: importlib.import_module(name)

    def catalog() -> None:
        from promotelint.io.catalog import delete_requires_empty, stateful_tiers

        stateful_tiers()
        delete_requires_empty()

    return (*map(load, ("promotelint.predict.diff", "promotelint.serverless.service", "promotelint.parse.cyaml",
                        "promotelint.io.engines", "promotelint.serverless.pipeline", "promotelint.predict.imports")),
            catalog)


def shard_of(pairs: Sequence[Pair], index: int, count: int) -> list[Pair]:
    """The `index`-th (1-based) of `count` shares of the pairs: sorted by path and dealt round
    robin, so every shard of a CI matrix, discovering the same services, takes its own and each
    service is checked by exactly one."""
    def path(pair: Pair) -> str:
        side = pair.head or pair.base
        return side.path if side is not None else ""
    ordered = sorted(pairs, key=path)
    return [p for i, p in enumerate(ordered) if i % count == index - 1]


# --- one pair of sides, and many in parallel ----------------------------------------------------


@record
class PairSettings:
    """How every pair of a run is compiled and predicted (the same for all: sent to each worker)."""

    root: str  # the git work tree, absolute
    compile: CompileSettings = CompileSettings()
    predict: PredictOptions = PredictOptions()
    stateful: Mapping[str, str] = field(default_factory=dict)  # the config's extra stateful types


@record
class Outcome:
    """What checking one pair gave: its stacks' change sets (two for a renamed service), and when
    the worker judged them, the findings on each one's own subjects (the outputs are judged with
    the repository's imports, once every service is read)."""

    changesets: tuple[StackChangeSet, ...] = ()
    findings: tuple[tuple[Finding, ...], ...] | None = None  # one per change set
    error: str | None = None  # an InputError for this service: exit 2, the others still reported
    reads: frozenset[str] = frozenset()  # repo-relative files the head side read
    # what the head serverless.yml imports (its path, the index), so the repository's imports
    # need not compile it again
    imports: tuple[str, ImportIndex] | None = None


_READERS: dict = {}  # per process: one cat-file per (repo, revision), reused across services


def check_pair(pair: Pair, settings: PairSettings) -> Outcome:
    from promotelint.io import git
    from promotelint.io.discovery import side_imports
    from promotelint.io.sources import display_path, load_side
    from promotelint.predict.validate import INVALID_BASE

    try:
        head_t, reads = pair.head_template, frozenset()
        if pair.head is not None and head_t is None:
            try:
                head_t, reads = load_side(pair.head, settings.root, settings.compile, _READERS, pair.only_if_reads)
            except InputError:
                # A service that cannot be compiled but read nothing that changed is not part of
                # this promotion: its error must not fail every run in the repository.
                touched = _READERS[(settings.root, pair.head.rev)].touched
                if pair.only_if_reads is not None and not (touched & pair.only_if_reads):
                    return Outcome(reads=frozenset(touched))
                raise
        imports = None
        if head_t is not None and pair.head is not None and pair.head.kind == "serverless":
            try:
                imports = (pair.head.path, side_imports(head_t, pair.head, settings.root, _READERS,
                                                        settings.compile.region or "us-east-1"))
            except InputError:
                pass  # then the repository's imports compile it themselves

        if pair.only_if_reads is not None and not (reads & pair.only_if_reads):
            return Outcome(reads=reads, imports=imports)
        base_t = pair.base_template
        if pair.base is not None and base_t is None:
            base_t, _ = load_side(pair.base, settings.root, settings.compile, _READERS, like=head_t)
        stacks: list[StackChangeSet] = []
        if base_t is not None and head_t is not None and base_t.stack_name and head_t.stack_name \
                and base_t.stack_name != head_t.stack_name:
            # a renamed service deploys a new stack; the old one is no longer defined here
            stacks += _deleted(base_t, settings, f"stack {base_t.stack_name} is no longer defined "
                               f"(the service is now {head_t.stack_name}): removing it deletes all of it")
            stacks += _predict_pair(_empty(head_t, "(new)"), head_t, settings)
        elif head_t is None:
            stacks += _deleted(base_t, settings, f"service {pair.base.path} is deleted at "
                               f"{pair.head.label if pair.head else 'head'}: removing its stack deletes all of it")
        elif base_t is None:
            stacks += _predict_pair(_empty(head_t, "(new)"), head_t, settings)
        else:
            stacks += _predict_pair(base_t, head_t, settings)
        return Outcome(changesets=tuple(_labelled(cs, pair, settings.root) for cs in stacks), reads=reads,
                       imports=imports)
    except InputError as exc:
        if exc.file:  # the compiler names files by the absolute paths it was given
            exc.file = display_path(exc.file)
            if pair.base is not None and pair.base.rev is not git.WORKTREE and exc.message.startswith(
                    INVALID_BASE):  # the invalid file is the base revision's copy
                exc.file = f"{pair.base.label}:{exc.file}"
        return Outcome(error=str(exc))


def _predict_pair(base: Template, head: Template, settings: PairSettings) -> list[StackChangeSet]:
    return predict_stacks(base, head, settings.predict, settings.stateful)


def _empty(other: Template, source: str) -> Template:
    return Template(data={"Resources": {}}, source=source, stack_name=other.stack_name)


def _deleted(base_t: Template, settings: PairSettings, warning: str) -> list[StackChangeSet]:
    cs, *nested = _predict_pair(base_t, _empty(base_t, "(deleted)"), settings)
    return [replace(cs, name=base_t.stack_name or cs.name, head_stack_name=None,
                    warnings=(warning,) + cs.warnings), *nested]


def _labelled(cs: StackChangeSet, pair: Pair, root: str) -> StackChangeSet:
    """Sources name the revision a side was read from (`origin/main:svc/serverless.yml`); the
    working tree's are plain paths. Origins stay plain paths, for file:line locations."""
    from promotelint.io import git
    from promotelint.io.sources import display_path

    out = {}
    for key, s in (("base_source", pair.base), ("head_source", pair.head)):
        if s is not None and s.rev is not git.WORKTREE and getattr(cs, key) == display_path(
                os.path.join(root, s.path)):
            out[key] = f"{s.label}:{s.path}"
    base = pair.base
    if base is not None and base.rev is not git.WORKTREE:
        # What only the base has (removed resources and outputs) points at the base revision's lines;
        # when the service moved, annotations go to its serverless.yml at head, which exists there.
        moved = pair.head is not None and pair.head.path != base.path
        at_head = display_path(os.path.join(root, pair.head.path)) if moved else None

        def based(origin):
            return replace(origin, revision=base.label, head_file=at_head)
        out["changes"] = tuple(replace(c, origin=based(c.origin))
                               if c.action == "Remove" and c.origin else c for c in cs.changes)
        out["outputs"] = tuple(replace(o, origin=based(o.origin))
                               if o.action == "Remove" and o.origin else o for o in cs.outputs)
        out["unseen"] = tuple(replace(u, origin=replace(u.origin, revision=base.label))
                              if u.action == "Remove" and u.origin else u for u in cs.unseen)
    return replace(cs, **out)


def check_pairs(pairs: Sequence[Pair], settings: PairSettings, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                judge_own: Callable[[StackChangeSet], tuple[Finding, ...]] | None = None) -> list[Outcome]:
    """Check every pair, in parallel across cores when there are several; results in pair order.
    `progress(done, total)` is called as each pair is done. `judge_own` (own_findings) judges each
    stack's own subjects in the worker that predicted it, where workers are forked (it cannot be
    sent to them: rules hold functions). Judged after the workers, every stack's rules would run
    in one process while the other cores idle."""
    import sys

    tell = progress or (lambda done, total: None)
    workers = min(len(pairs), workers or _cores())
    if workers <= 1:
        out = []
        for pair in pairs:
            out.append(check_pair(pair, settings))
            tell(len(out), len(pairs))
        return out
    # Loaded before the workers fork, so that they start with them instead of importing each
    # (already loaded when git was asked first: _git_changesets).
    for step in _preloads():
        step()
    if sys.platform == "linux":  # forked workers, sent only each pair's number (io/workers.py)
        from promotelint.io.workers import forked_map

        return forked_map(lambda pair: _check_judged(pair, settings), pairs, workers,
                          start=lambda: _start_worker(judge_own), done=tell)
    # elsewhere fork is unsafe or missing: the platform's start method, which imports anew
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker, initargs=(None,)) as pool:
        futures = [pool.submit(_check_judged, pair, settings) for pair in pairs]
        for done, _ in enumerate(as_completed(futures), 1):
            tell(done, len(pairs))
        return [f.result() for f in futures]


_JUDGE_OWN: list = []  # per worker: check_pairs' judge_own, when it was forked with it


def _start_worker(judge_own: Callable[[StackChangeSet], tuple[Finding, ...]] | None) -> None:
    _READERS.clear()  # pipes of the parent's readers are not ours to use
    _JUDGE_OWN[:] = [judge_own] if judge_own is not None else []


def _check_judged(pair: Pair, settings: PairSettings) -> Outcome:
    outcome = check_pair(pair, settings)
    if not _JUDGE_OWN or not outcome.changesets:
        return outcome
    return replace(outcome, findings=tuple(_JUDGE_OWN[0](cs) for cs in outcome.changesets))


def _cores() -> int:
    # the CPUs this process may run on (a CI container often gets fewer than the machine has)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1
