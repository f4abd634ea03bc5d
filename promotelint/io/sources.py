"""Source readers: turn what the user points at into a Template.

Accepted: a CloudFormation template (JSON or YAML), a Serverless build directory (`.serverless/`,
or a service directory holding one when it has no serverless.yml), the output of
`aws cloudformation get-template` (with its TemplateBody wrapper), and a serverless.yml (or the
directory holding it), which is compiled. A side of a git range (a Side) is read the same way from
its revision.

The compiler of a serverless.yml (CompileSettings.compiler): `offline` is promotelint's own;
`framework` is the service's installed Serverless Framework with its plugins (io/framework.py);
`auto` compiles offline, then uses the framework when a plugin the service lists makes resources
nobody models and the framework is installed. Without it those plugin parts stay in the
template's `unseen` parts, for the rule unpredictable-change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

from promotelint.io import git
from promotelint.io.files import FilesystemReader, environment, read_text
from promotelint.model.errors import InputError
from promotelint.model.record import record, replace
from promotelint.model.settings import COMPILERS, CompileSettings
from promotelint.model.template import Origin, Template
from promotelint.parse.template import template_from_text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from promotelint.io.framework import Snapshot

BUILD_TEMPLATE = "cloudformation-template-update-stack.json"
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml")
TEMPLATE_TEXT = "a JSON or YAML template"


@record
class Side:
    """One side of a stack in a git range: a serverless.yml or a template at a revision."""

    kind: str  # serverless | template
    path: str  # repo-relative, '/'-separated: the serverless.yml or the template
    rev: str | None  # commit SHA, git.INDEX, or git.WORKTREE
    label: str  # how the user named this side, for sources: "origin/main", "HEAD"


def resolve_input(path: Path) -> tuple[str, Path]:
    """Classify a path: ("serverless", config path) or ("template", template path)."""
    if path.is_dir():
        for name in SERVERLESS_NAMES:
            if (path / name).is_file():
                return "serverless", path / name
        for candidate in (path / BUILD_TEMPLATE, path / ".serverless" / BUILD_TEMPLATE):
            if candidate.is_file():
                return "template", candidate
        raise InputError("no serverless.yml, template or .serverless build here", file=str(path),
                         fix="point at a template, a serverless.yml or a .serverless directory")
    if path.name in SERVERLESS_NAMES:
        return "serverless", path
    return "template", path


def read_source(path: Path, settings: CompileSettings = CompileSettings(), like: Template | None = None) -> Template:
    """The template of a path in the working tree: read, or compiled from its serverless.yml.
    `like`: the other side of the pair, read already (template_from_text)."""
    kind, target = resolve_input(path)
    if kind == "serverless":
        return read_service(target, settings)
    return read_template(target, like)


def read_service(path: str | os.PathLike, settings: CompileSettings = CompileSettings()) -> Template:
    """The template `serverless package` writes for the service at `path` in the working tree."""
    reader = FilesystemReader(settings.root)
    config = os.path.abspath(path)
    if os.path.isdir(config):
        config = next((os.path.join(config, n) for n in SERVERLESS_NAMES if os.path.isfile(os.path.join(config, n))),
                      os.path.join(config, SERVERLESS_NAMES[0]))
    root, _ = reader.boundary(os.path.dirname(config))

    def snapshot() -> Snapshot:  # io.framework is imported only when the framework runs
        from promotelint.io.framework import PLAIN, Snapshot

        rev = git.WORKTREE if os.path.exists(os.path.join(root, ".git")) else PLAIN
        return Snapshot(root, rev, os.path.relpath(config, root).replace(os.sep, "/"))
    return _compiled(lambda: _compile(path, reader, settings), snapshot, settings, display_path(config))


def read_template(path: Path, like: Template | None = None) -> Template:
    template = template_from_text(read_text(path, expect=TEMPLATE_TEXT), str(path), like)
    if path.name != BUILD_TEMPLATE:
        return template
    # a build directory: the nested templates serverless-plugin-split-stacks wrote beside it
    from promotelint.io.framework import nested_templates

    files = {p.name: template_from_text(read_text(p, expect=TEMPLATE_TEXT), str(p)).data
             for p in sorted(path.parent.glob("cloudformation-template-*nested-stack*.json"))}
    if not files:
        return template
    return replace(template, nested=nested_templates(dict(template.data), files, str(path), template.stack_name))


def _compile(path: str | os.PathLike, reader, settings: CompileSettings) -> Template:
    from promotelint.io.engines import choose_engine
    from promotelint.serverless.config_file import find_config

    config = find_config(os.fspath(path), reader)
    service_dir = os.path.dirname(config) or "."
    limit = reader.boundary(service_dir)[0] if hasattr(reader, "boundary") else reader.root
    engine = choose_engine(settings.engine, config, reader.read_text(config), limit)

    def run(reader, env) -> Template:
        from promotelint.serverless.service import compile_service  # the compiler: loaded when needed (not on a hit)

        return compile_service(config, reader=reader, env=env, stage=settings.stage, region=settings.region,
                               params=dict(settings.params), engine=engine)

    env = environment(settings.env, settings.env_file)
    if not settings.cache:
        return run(reader, env)
    from promotelint.io.cache import compiled

    request = (os.path.abspath(config), config, os.getcwd(), type(reader).__name__, getattr(reader, "root", None),
               getattr(reader, "root_option", None), str(getattr(reader, "rev", None)), settings.stage,
               settings.region, sorted(settings.params.items()), repr(engine))
    return compiled(request, reader, env, limit, run)


def load_side(s: Side, root: str, settings: CompileSettings, readers: dict,
              only_if_reads: frozenset[str] | None = None, like: Template | None = None) -> tuple[Template, frozenset[str]]:
    """The side's template, and the repo-relative files reading it touched. `readers` keeps one
    reader per (repository, revision) across calls. With `only_if_reads`, a service that reads none
    of those files is only compiled offline (its caller skips it: no framework run for nothing).
    `like`: the pair's other side, read already (template_from_text)."""
    key = (root, s.rev)
    reader = readers.get(key)
    if reader is None:
        reader = readers[key] = git.reader_for(root, s.rev)
    reader.fresh()
    absolute = os.path.join(reader.root, s.path)
    display = display_path(absolute)
    if s.kind == "template":
        return template_from_text(reader.read_text(absolute), display, like), frozenset(reader.touched)

    def offline() -> Template:
        template = _compile(absolute, reader, settings)
        unseen = tuple(replace(p, origin=p.origin and replace(p.origin, file=display_path(p.origin.file)))
                       for p in template.unseen)
        nested = {lid: replace(t, source=display, origins=_displayed(t.origins)) for lid, t in template.nested.items()}
        return replace(template, source=display, origins=_displayed(template.origins), unseen=unseen, nested=nested)

    def snapshot() -> Snapshot:
        from promotelint.io.framework import Snapshot

        # The working tree's copy also gets what the offline compile read, ignored or not (a .env file).
        return Snapshot(reader.root, s.rev, s.path, frozenset(reader.touched) if s.rev is git.WORKTREE else frozenset())

    def unaffected() -> bool:
        return only_if_reads is not None and not (reader.touched & only_if_reads)

    return _compiled(offline, snapshot, settings, display, unaffected), frozenset(reader.touched)


def _compiled(offline: Callable[[], Template], snapshot: Callable[[], Snapshot], settings: CompileSettings,
              source: str, unaffected: Callable[[], bool] = lambda: False) -> Template:
    """A serverless.yml side compiled as settings.compiler says (see the module's docstring)."""
    mode = settings.compiler
    if mode not in COMPILERS:
        raise InputError(f"unknown compiler {mode!r}", fix="use --compiler " + ", ".join(COMPILERS))
    try:
        template: Template | None = _without_neutral(offline(), settings.neutral_plugins)
    except InputError:
        if mode != "framework" or unaffected():
            raise
        template = None  # the framework may well compile what promotelint's compiler rejects
    if template is not None and (mode == "offline" or unaffected()
                                 or mode == "auto" and all(p.outside for p in template.unseen)):
        return template
    from promotelint.io import framework as fw

    side = snapshot()
    found = fw.find_framework(os.path.dirname(os.path.join(side.root, side.config)), side.root)
    try:
        if found is None:
            raise InputError("no Serverless Framework installed for this service (node_modules/.bin/serverless, sls "
                             f"or osls, from its directory up to {display_path(side.root)})", file=source,
                             fix="install the service's packages (npm ci), or pass --compiler offline")
        packaged = fw.package(found, side, stage=settings.stage, region=settings.region,
                              params=settings.params, env=environment(settings.env, settings.env_file),
                              timeout=settings.framework_timeout)
    except InputError as exc:
        if mode == "framework" or template is None:
            raise
        if found is None:
            return template  # auto without the framework: its plugin parts are unpredictable-change
        return replace(template, warnings=template.warnings + (
            f"the service's framework could not compile it, so its plugins' parts are not predicted: {exc}",))
    return fw.framework_template(packaged, found, source, template, settings.neutral_plugins, bool(settings.stage))


def _displayed(origins: Mapping[str, Origin]) -> dict[str, Origin]:
    shown: dict[str, str] = {}  # a service's thousands of origins name a few files
    # and are fewer objects: the resources one config node makes share one (CompileContext.origin),
    # which is displayed once (by identity: hashing a record runs Python; all are alive meanwhile)
    done: dict[int, Origin] = {}
    out = {}
    for key, origin in origins.items():
        displayed = done.get(id(origin))
        if displayed is None:
            file = shown.get(origin.file)
            if file is None:
                file = shown[origin.file] = display_path(origin.file)
            displayed = done[id(origin)] = origin if file == origin.file else replace(origin, file=file)
        out[key] = displayed
    return out


def _without_neutral(template: Template, neutral: frozenset[str]) -> Template:
    """The template without what plugins the config declares template-neutral would have been."""
    if not neutral:
        return template
    from promotelint.serverless.unmodelled import plugin_warning

    dropped = {plugin_warning(p) for p in neutral}
    return replace(template, unseen=tuple(p for p in template.unseen if p.plugin not in neutral),
                   warnings=tuple(w for w in template.warnings if w not in dropped))


def display_path(path: str) -> str:
    """Paths in reports are relative to where promotelint runs, as the user typed them."""
    if not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") and rel.count("..") > 3 else rel
