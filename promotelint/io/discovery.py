"""Which services a `check --base-ref` run compares: the pairs of sides of each stack.

A service is a serverless.yml (compiled with every file it reads taken from the same side) or a
CloudFormation template (its blob). Discovery pairs each service's base and head sides:
- by path; a serverless service whose path changed (a moved directory) is paired by stack name,
  a template by git's rename detection;
- a service only at head is new (base: an empty stack, so everything is an Add); one only at base
  is deleted (head: an empty stack, so its whole stack is removed). A serverless.yml whose stack
  name changed is both: the old stack goes, a new one comes.
With no PATH, only services whose template inputs changed are checked: a serverless.yml when a file
its head side reads changed (itself, `${file()}` fragments anywhere in the repository, .env files),
a template when its blob changed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

from promotelint.io import git
from promotelint.io.sources import SERVERLESS_NAMES, Side, load_side
from promotelint.model.settings import CompileSettings
from promotelint.model.errors import InputError
from promotelint.model.template import Template

TEMPLATE_SUFFIXES = (".json", ".yml", ".yaml", ".template")
SKIP_DIRS = ("node_modules", ".serverless", ".git")


@dataclass(frozen=True)
class Pair:
    """One stack to check. A missing side (None, no template) is an empty stack."""

    base: Side | None
    head: Side | None
    base_template: Template | None = None  # already read: --base-template, or compiled to pair it
    head_template: Template | None = None
    # discovery: check only if the head side reads one of these changed files
    only_if_reads: frozenset[str] | None = None


def _skipped(path: str) -> bool:
    return any(part in SKIP_DIRS for part in path.split("/")[:-1])


def _is_config(path: str) -> bool:
    return path.rsplit("/", 1)[-1] in SERVERLESS_NAMES and not _skipped(path)


def _under(path: str, directory: str) -> bool:
    return directory == "" or path == directory or path.startswith(directory + "/")


def discover(root: str, base: str, head: str | None, paths: Sequence[str], *, cwd: str = ".",
             base_label: str = "base", head_label: str = "head",
             settings: CompileSettings = CompileSettings()) -> list[Pair]:
    """The stacks to check between commit `base` and `head` (a commit, INDEX or WORKTREE).

    `paths` are as the user typed them (relative to `cwd`): files or directories. No paths: every
    service under `cwd` whose files changed."""
    base_reader = git.GitReader(root, base)
    head_reader = git.reader_for(root, head)
    base_files, head_files = base_reader.files(), head_reader.files()
    explicit = bool(paths)
    scopes = []
    for p in paths or [cwd]:
        rel = base_reader.relative(os.path.join(cwd, p))
        if rel is None:
            raise InputError("outside the git repository", file=p, fix="pass a path inside the repository")
        scopes.append("" if rel == "." else rel)

    changed = git.changed_files(root, base, head)
    if not explicit and not changed:
        return []

    configs: set[str] = set()
    templates: set[str] = set()
    for scope in scopes:
        if scope in base_files or scope in head_files:  # a file named on the command line
            (configs if _is_config(scope) else templates).add(scope)
            continue
        inside = [f for f in base_files | head_files if _under(f, scope)]
        if explicit and not inside:
            raise InputError("no such file or directory at either side", file=paths[scopes.index(scope)],
                             fix="check the path")
        configs.update(f for f in inside if _is_config(f))
        candidates = inside if explicit else [f for f in inside if f in changed]
        templates.update(f for f in candidates if f.endswith(TEMPLATE_SUFFIXES) and not _is_config(f)
                         and not _skipped(f) and _looks_like_template(f, base_reader, head_reader))
    # a serverless.yml beside a serverless.yaml: the framework reads the .yml
    configs = {c for c in configs if not (c.endswith(".yaml") and c[:-1] in configs)}

    def side(path: str, at_head: bool) -> Side:
        kind = "serverless" if _is_config(path) else "template"
        return Side(kind, path, head if at_head else base, head_label if at_head else base_label)

    pairs: list[Pair] = []
    only_head = sorted(c for c in configs if c in head_files and c not in base_files)
    only_base = sorted(c for c in configs if c in base_files and c not in head_files)
    injected = _inputs_may_name_files(settings)
    for path in sorted(c for c in configs if c in base_files and c in head_files):
        # Unless named, a service counts as changed when a file its head side reads changed: a
        # handler edit changes no template, a shared fragment edit may change many. Both sides
        # read the same paths unless a file they both read changed, so the head's reads suffice.
        if not explicit and path not in changed and not injected and _reads_only_itself(head_reader, path):
            continue  # unchanged, and it reads no other file: no need to compile it to know
        pairs.append(Pair(side(path, False), side(path, True), only_if_reads=None if explicit else changed))
    pairs.extend(_pair_moved_services(only_base, only_head, side, root, settings))

    moves = git.renamed_files(root, base, head)
    for path in sorted(templates):
        at_base, at_head = path in base_files, path in head_files
        if at_base and at_head:
            pairs.append(Pair(side(path, False), side(path, True)))
        elif at_head and moves.get(path) in base_files:
            pairs.append(Pair(side(moves[path], False), side(path, True)))
        elif at_head:
            pairs.append(Pair(None, side(path, True)))
        elif path not in moves.values() or explicit:
            pairs.append(Pair(side(path, False), None))
    base_reader.close()
    return pairs


def _reads_only_itself(reader, path: str) -> bool:
    """A config that names no `${file()}` and no dotenv reads no other file (compile_service reads
    fragments and .env files only for those)."""
    try:
        text = reader.read_text(os.path.join(reader.root, path))
    except InputError:
        return False
    return "file(" not in text and "useDotenv" not in text


def _inputs_may_name_files(settings: CompileSettings) -> bool:
    # --param values and the environment feed variables; one could hold a ${file()} of its own
    env = os.environ if settings.env is None else settings.env
    return any("file(" in v for v in (*settings.params.values(), *env.values()))


def _looks_like_template(path: str, *readers) -> bool:
    # A changed YAML/JSON file is a template only if it says so: fragments read by a
    # serverless.yml (`resources.yml` holding `Resources:`) must not be checked as stacks.
    for reader in readers:
        if path in reader.files():
            try:
                if "AWSTemplateFormatVersion" in reader.read_text(os.path.join(reader.root, path)):
                    return True
            except InputError:
                pass
    return False


def _pair_moved_services(only_base: list[str], only_head: list[str], side, root: str,
                         settings: CompileSettings) -> list[Pair]:
    """Services whose serverless.yml is only on one side: moved (same stack name), new or deleted."""
    if not only_base or not only_head:
        return ([Pair(side(p, False), None) for p in only_base]
                + [Pair(None, side(p, True)) for p in only_head])
    readers: dict = {}
    base_t = {p: _try_load(side(p, False), root, settings, readers) for p in only_base}
    head_t = {p: _try_load(side(p, True), root, settings, readers) for p in only_head}
    pairs = []
    by_stack = {t.stack_name: p for p, t in base_t.items() if t is not None}
    for p in only_head:
        t = head_t[p]
        match = by_stack.pop(t.stack_name, None) if t is not None else None
        if match is not None:
            pairs.append(Pair(side(match, False), side(p, True), base_template=base_t[match], head_template=t))
        else:
            pairs.append(Pair(None, side(p, True), head_template=t))
    paired = {pair.base.path for pair in pairs if pair.base}
    pairs.extend(Pair(side(p, False), None, base_template=base_t[p]) for p in only_base if p not in paired)
    for reader in readers.values():
        reader.close()
    return pairs


def _try_load(s: Side, root: str, settings: CompileSettings, readers: dict) -> Template | None:
    try:
        return load_side(s, root, settings, readers)[0]
    except InputError:
        return None  # reported when the pair is checked
