"""Source readers: turn what the user points at into a Template.

Accepted: a CloudFormation template (JSON or YAML), a Serverless build directory (`.serverless/`,
or a service directory holding one when it has no serverless.yml), the output of
`aws cloudformation get-template` (with its TemplateBody wrapper), and a serverless.yml (or the
directory holding it), which is compiled offline. A side of a git range (a Side) is read the same
way from its revision.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from promotelint.io import git
from promotelint.io.files import FilesystemReader, environment, read_text
from promotelint.model.errors import InputError
from promotelint.model.settings import CompileSettings
from promotelint.model.template import Template
from promotelint.parse.template import template_from_text

BUILD_TEMPLATE = "cloudformation-template-update-stack.json"
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml")
TEMPLATE_TEXT = "a JSON or YAML template"


@dataclass(frozen=True)
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


def read_source(path: Path, settings: CompileSettings = CompileSettings()) -> Template:
    """The template of a path in the working tree: read, or compiled from its serverless.yml."""
    kind, target = resolve_input(path)
    if kind == "serverless":
        return read_service(target, settings)
    return read_template(target)


def read_service(path: str | os.PathLike, settings: CompileSettings = CompileSettings()) -> Template:
    """The template `serverless package` writes for the service at `path` in the working tree."""
    return _compile(path, FilesystemReader(settings.root), settings)


def read_template(path: Path) -> Template:
    return template_from_text(read_text(path, expect=TEMPLATE_TEXT), str(path))


def _compile(path: str | os.PathLike, reader, settings: CompileSettings) -> Template:
    from promotelint.io.engines import choose_engine
    from promotelint.serverless.config_file import find_config
    from promotelint.serverless.service import compile_service  # the compiler: loaded when needed

    config = find_config(os.fspath(path), reader)
    service_dir = os.path.dirname(config) or "."
    limit = reader.boundary(service_dir)[0] if hasattr(reader, "boundary") else reader.root
    engine = choose_engine(settings.engine, config, reader.read_text(config), limit)
    return compile_service(config, reader=reader, env=environment(settings.env, settings.env_file),
                           stage=settings.stage, region=settings.region, params=dict(settings.params),
                           engine=engine)


def load_side(s: Side, root: str, settings: CompileSettings, readers: dict) -> tuple[Template, frozenset[str]]:
    """The side's template, and the repo-relative files reading it touched. `readers` keeps one
    reader per (repository, revision) across calls."""
    key = (root, s.rev)
    reader = readers.get(key)
    if reader is None:
        reader = readers[key] = git.reader_for(root, s.rev)
    reader.touched = set()
    absolute = os.path.join(reader.root, s.path)
    display = display_path(absolute)
    if s.kind == "template":
        return template_from_text(reader.read_text(absolute), display), frozenset(reader.touched)
    template = _compile(absolute, reader, settings)
    origins = {k: replace(o, file=display_path(o.file)) for k, o in template.origins.items()}
    return replace(template, source=display, origins=origins), frozenset(reader.touched)


def display_path(path: str) -> str:
    """Paths in reports are relative to where promotelint runs, as the user typed them."""
    if not os.path.isabs(path):
        return path
    rel = os.path.relpath(path)
    return path if rel.startswith("..") and rel.count("..") > 3 else rel
