"""Which services a `check --base-ref` run compares: the pairs of sides of each stack.

A service is a serverless.yml (compiled with every file it reads taken from the same side) or a
CloudFormation template (its blob). Discovery pairs each service's base and head sides:
- by path; a serverless service whose path changed (a moved directory) is paired by git's rename
  detection, else by stack name, even when the user named only one of its paths; a template by
  git's rename detection;
- a service only at head is new (base: an empty stack, so everything is an Add); one only at base
  is deleted (head: an empty stack, so its whole stack is removed). A serverless.yml whose stack
  name changed is both: the old stack goes, a new one comes.
With no PATH, only services whose template inputs changed are checked: a serverless.yml when a file
its head side reads changed (itself, `${file()}` fragments anywhere in the repository, .env files),
a template when its blob changed.

`repository_imports` reads, once per run, who in the repository imports which stack outputs.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Mapping, Sequence

from promotelint.io import git
from promotelint.io.sources import SERVERLESS_NAMES, Side, display_path, load_side
from promotelint.model.errors import InputError
from promotelint.model.imports import ImportIndex
from promotelint.model.record import record
from promotelint.model.settings import CompileSettings
from promotelint.model.template import Template

TEMPLATE_SUFFIXES = (".json", ".yml", ".yaml", ".template")
SKIP_DIRS = ("node_modules", ".serverless", ".git")


@record
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
             settings: CompileSettings = CompileSettings(), found: Callable[[], None] = lambda: None) -> list[Pair]:
    """The stacks to check between commit `base` and `head` (a commit, INDEX or WORKTREE).

    `paths` are as the user typed them (relative to `cwd`): files or directories. No paths: every
    service under `cwd` whose files changed. `found()` is called once there may be some: paths
    were named, or files changed."""
    base_reader = git.GitReader(root, base)
    head_reader = git.reader_for(root, head)
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
    found()
    base_files, head_files = base_reader.files(), head_reader.files()

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
    configs = _preferred(configs)

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
    moves = git.renamed_files(root, base, head)
    # A service moved into (or out of) the named paths has its other side outside them: every
    # serverless.yml of the repository that is only on one side is a candidate partner.
    elsewhere_base = sorted(c for c in _preferred({f for f in base_files if _is_config(f)})
                            if c not in head_files and c not in configs)
    elsewhere_head = sorted(c for c in _preferred({f for f in head_files if _is_config(f)})
                            if c not in base_files and c not in configs)
    pairs.extend(_pair_moved_services(only_base, only_head, side, root, settings, moves,
                                      elsewhere_base, elsewhere_head))

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


# Plugins that read files of the service without the config naming them: serverless-dotenv-plugin
# its `.env*` files, serverless-plugin-split-stacks its stacks map (`stacks-map.js` by default).
_READING_PLUGINS = ("serverless-dotenv-plugin", "serverless-plugin-split-stacks")


def _reads_only_itself(reader, path: str) -> bool:
    """A config that names no `${file()}`, no dotenv and no plugin that reads files by itself reads
    no other file (compile_service reads fragments, .env files and stacks maps only for those)."""
    try:
        text = reader.read_text(os.path.join(reader.root, path))
    except InputError:
        return False
    return "file(" not in text and "useDotenv" not in text and not any(p in text for p in _READING_PLUGINS)


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


def _preferred(configs: set[str]) -> set[str]:
    return {c for c in configs if not (c.endswith(".yaml") and c[:-1] in configs)}


def _pair_moved_services(only_base: list[str], only_head: list[str], side, root: str,
                         settings: CompileSettings, moves: dict[str, str] = {},
                         elsewhere_base: list[str] = (), elsewhere_head: list[str] = ()) -> list[Pair]:
    """Services whose serverless.yml is only on one side: moved, new or deleted.

    A moved service is paired with its other side by git's rename detection (`moves`: head path ->
    base path), else by stack name; the partner may lie outside the paths the user named
    (`elsewhere_*`: the repository's other one-sided serverless.yml files), so that `check
    services/orders` after `git mv svc services/orders` compares with `svc` at base. What is left
    of `only_head` is new, of `only_base` deleted; what is left elsewhere was not asked about."""
    pairs: list[Pair] = []
    paired: dict[str, str] = {}  # base path -> head path
    for h in only_head:  # git's rename detection first
        b = moves.get(h)
        if b is not None and b not in paired and (b in only_base or b in elsewhere_base):
            paired[b] = h
    for h, b in moves.items():
        if b in only_base and b not in paired and h in elsewhere_head:
            paired[b] = h
    heads_paired = set(paired.values())
    loose_head = [h for h in only_head if h not in heads_paired]
    loose_base = [b for b in only_base if b not in paired]
    # then the stack name, compiling only what may still pair (elsewhere only when needed)
    base_candidates = loose_base + ([b for b in elsewhere_base if b not in paired] if loose_head else [])
    head_candidates = loose_head + ([h for h in elsewhere_head if h not in heads_paired] if loose_base else [])
    templates: dict[tuple[str, bool], Template | None] = {}
    if base_candidates and head_candidates:
        readers: dict = {}
        templates = {(p, False): _try_load(side(p, False), root, settings, readers) for p in base_candidates}
        templates.update({(p, True): _try_load(side(p, True), root, settings, readers) for p in head_candidates})
        by_stack = {templates[(b, False)].stack_name: b for b in base_candidates if templates[(b, False)] is not None}
        for h in head_candidates:
            t = templates[(h, True)]
            b = by_stack.pop(t.stack_name, None) if t is not None else None
            if b is not None and (h in loose_head or b in loose_base):
                paired[b] = h
        for reader in readers.values():
            reader.close()
    base_of = {h: b for b, h in paired.items()}
    for h in only_head + sorted(h for h in base_of if h not in only_head):
        b = base_of.get(h)
        pairs.append(Pair(side(b, False) if b else None, side(h, True), head_template=templates.get((h, True)),
                          base_template=templates.get((b, False)) if b else None))
    pairs.extend(Pair(side(b, False), None, base_template=templates.get((b, False)))
                 for b in only_base if b not in paired)
    return pairs


def _try_load(s: Side, root: str, settings: CompileSettings, readers: dict) -> Template | None:
    try:
        return load_side(s, root, settings, readers)[0]
    except InputError:
        return None  # reported when the pair is checked


# --- the repository's imports, for the export rule ------------------------------------------------

IMPORT_MARKERS = ("ImportValue", "cf:", "cf(")  # Fn::ImportValue / !ImportValue, ${cf:..}, ${cf(region):..}
IMPORT_PATHSPECS = ("*.yml", "*.yaml", "*.json", "*.template")


def repository_imports(root: str, rev: str | None, settings: CompileSettings = CompileSettings(),
                       known: Mapping[str, ImportIndex] = {}) -> ImportIndex:
    """Who in the repository, as it is at `rev`, depends on which stack outputs (`Fn::ImportValue`,
    `${cf:stack.output}`). Only files that mention one are read (one `git grep`): such a template as
    it is; a serverless.yml compiled (its import names may come from variables), and so is a
    service that reads such a fragment (one under its directory or named in its config). `known`:
    the imports of services already compiled at `rev` (by path), not compiled again. A service
    that cannot be compiled is listed as unread: its imports are unknown."""
    marked = {p for p in git.grep_files(root, rev, IMPORT_MARKERS, IMPORT_PATHSPECS) if not _skipped(p)}
    if not marked:
        return ImportIndex()
    reader = git.reader_for(root, rev)
    configs = _preferred({f for f in reader.files() if _is_config(f)})
    fragments = sorted(p for p in marked if not _is_config(p))
    region = settings.region or "us-east-1"
    index = ImportIndex()
    readers: dict = {}
    for path in sorted(configs):
        if path in known:
            index |= known[path]
        elif path in marked or _may_read(reader, path, fragments):
            index |= _service_imports(Side("serverless", path, rev, "head"), root, settings, readers, region)
    for path in fragments:
        if _looks_like_template(path, reader):
            index |= _service_imports(Side("template", path, rev, "head"), root, settings, readers, region)
    for r in (reader, *readers.values()):
        r.close()
    return index


def _may_read(reader, config: str, fragments: list[str]) -> bool:
    """Whether the service may read one of the fragments: one lies under its directory, or its
    config names the fragment's file."""
    directory = posixpath.dirname(config)
    if any(_under(f, directory) for f in fragments):
        return True
    try:
        text = reader.read_text(os.path.join(reader.root, config))
    except InputError:
        return False
    return "file(" in text and any(posixpath.basename(f) in text for f in fragments)


def _service_imports(s: Side, root: str, settings: CompileSettings, readers: dict, region: str) -> ImportIndex:
    try:
        template, _ = load_side(s, root, settings, readers)
        return side_imports(template, s, root, readers, region)
    except InputError:
        return ImportIndex(unread=(display_path(os.path.join(root, s.path)),))


def side_imports(template: Template, s: Side, root: str, readers: dict, region: str) -> ImportIndex:
    """What a side's template imports; for a serverless.yml also the `${cf:}` of its text (read with
    `readers`, as load_side keeps them), which may feed config the template does not keep (custom:,
    a plugin's)."""
    from promotelint.predict.imports import cf_references, imports_of

    service = template.stack_name or template.source
    index = imports_of(template, service, template.source, region)
    if s.kind != "serverless":
        return index
    reader = readers.get((root, s.rev)) or readers.setdefault((root, s.rev), git.reader_for(root, s.rev))
    text = reader.read_text(os.path.join(reader.root, s.path))
    return index | ImportIndex(outputs=cf_references([text], service, template.source))
