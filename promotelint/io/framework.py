"""The framework compiler: the service's own Serverless Framework (`serverless package`) with the
plugins it has installed, for what promotelint's offline compiler does not model.

It never runs inside the user's repository. Each side is copied into a temporary directory (a git
revision from git objects; the working tree as its tracked and untracked-but-not-ignored files),
its `node_modules` directories are made reachable there by symbolic links (never copied), and
`serverless package --package <temp dir>` runs in the copy: offline (an empty HOME, no AWS_*
variables nor credentials, CI=1, telemetry and notifications off, framework_preload.js answering
the read-only CloudFormation calls of a first deploy and refusing any other AWS call or network
connection), with a timeout. The template it writes is read back as the side's Template.

The framework is found from the service directory upward, never above the boundary `${file()}`
reads stop at (the repository root): node_modules/.bin/serverless, sls or osls.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from promotelint.io import git
from promotelint.io.files import within
from promotelint.model.errors import InputError
from promotelint.model.record import record, replace
from promotelint.model.template import Origin, Provenance, Template

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

BINARIES = ("serverless", "sls", "osls")
PRELOAD = Path(__file__).with_name("framework_preload.js")
BUILD_TEMPLATE = "cloudformation-template-update-stack.json"
PLAIN = "plain"  # a Snapshot of a directory outside git: the service directory is copied
SKIP_DIRS = frozenset({"node_modules", ".serverless", ".git"})
OFFLINE_MARK = "promotelint-offline:"
# Never handed to the framework: credentials, and where tools find their own (HOME is a new one).
_DROPPED = ("SERVERLESS_ACCESS_KEY", "SERVERLESS_LICENSE_KEY", "NODE_OPTIONS", "USERPROFILE",
            "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "NPM_CONFIG_USERCONFIG")
_DEAD_PROXY = "http://127.0.0.1:9"  # a closed local port: tools that honour proxies fail at once
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# The deployment's time in the artifact directory (serverless/<service>/<stage>/<ms>-<ISO time>/)
# changes on every run; it becomes the offline compiler's token, so two runs compare equal.
_DEPLOYMENT_TIME = re.compile(r"\d{13}-\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@record
class Framework:
    """An installed framework: its executable and the node_modules directories a copy needs."""

    binary: str  # absolute: <dir>/node_modules/.bin/<name>
    node_modules: tuple[str, ...]  # absolute node_modules directories between the service and the boundary
    engine: str | None  # v3 | v4 | osls
    version: str | None


@record
class Snapshot:
    """The files of one side, to copy: a git revision, the index, the working tree, or a plain
    directory (PLAIN: the service directory only)."""

    root: str  # absolute: the repository's work tree (or, PLAIN, the boundary of a directory)
    rev: str | None  # a commit SHA, git.INDEX, git.WORKTREE or PLAIN
    config: str  # the serverless.yml, relative to root, '/'-separated
    extra: frozenset[str] = frozenset()  # root-relative files the offline compile read (ignored .env, ...)


@record
class Packaged:
    """What `serverless package` wrote."""

    template: dict[str, Any]
    state: dict[str, Any]  # serverless-state.json: the service as the framework resolved it
    nested: dict[str, dict[str, Any]]  # file name -> nested template (serverless-plugin-split-stacks)


def find_framework(service_dir: str, boundary: str) -> Framework | None:
    """The framework the service would run, looked up from its directory to `boundary`."""
    here, top = os.path.abspath(service_dir), os.path.abspath(boundary)
    while not os.path.isdir(here) and within(os.path.dirname(here), top):
        here = os.path.dirname(here)  # a service only at the base revision: start where it was
    found: Framework | None = None
    modules: list[str] = []
    while within(here, top):
        nm = os.path.join(here, "node_modules")
        if os.path.isdir(nm):
            modules.append(nm)
            for name in BINARIES if found is None else ():
                binary = os.path.join(nm, ".bin", name)
                if os.path.isfile(binary) and os.access(binary, os.X_OK):
                    found = Framework(binary, (), *_engine(binary))
                    break
        if here == top or os.path.dirname(here) == here:
            break
        here = os.path.dirname(here)
    return replace(found, node_modules=tuple(modules)) if found else None


def _engine(binary: str) -> tuple[str | None, str | None]:
    """(engine, version) from the package.json of the package the executable belongs to."""
    directory = os.path.dirname(os.path.realpath(binary))
    while os.path.basename(directory) != "node_modules" and os.path.dirname(directory) != directory:
        try:
            with open(os.path.join(directory, "package.json"), encoding="utf-8") as f:
                package = json.load(f)
        except (OSError, ValueError):
            directory = os.path.dirname(directory)
            continue
        name, version = package.get("name"), package.get("version")
        major = str(version or "").split(".")[0]
        return ("osls" if name == "osls" else f"v{major}" if major.isdigit() else None), version
    return None, None


def package(framework: Framework, snapshot: Snapshot, *, stage: str | None, region: str | None,
            params: Mapping[str, str], env: Mapping[str, str], timeout: float) -> Packaged:
    """Run `serverless package` on a temporary copy of the snapshot and read back what it wrote."""
    config = snapshot.config
    with tempfile.TemporaryDirectory(prefix="promotelint-framework-") as tmp:
        copy, out, home = (os.path.join(tmp, name) for name in ("repo", "package", "home"))
        os.mkdir(home)
        copy_files(snapshot, copy)
        for nm in framework.node_modules:
            link = os.path.join(copy, os.path.relpath(nm, snapshot.root))
            if not os.path.lexists(link):
                os.makedirs(os.path.dirname(link), exist_ok=True)
                os.symlink(nm, link, target_is_directory=True)
        args = [os.path.join(copy, os.path.relpath(framework.binary, snapshot.root)), "package", "--package", out]
        if posix_name(config) not in ("serverless.yml", "serverless.yaml"):
            args += ["--config", posix_name(config)]
        args += [a for flag, value in (("--stage", stage), ("--region", region)) if value for a in (flag, value)]
        args += [f"--param={key}={value}" for key, value in params.items()]
        _run(args, os.path.join(copy, os.path.dirname(config)), offline_environment(env, home), timeout,
             framework, os.path.join(snapshot.root, config))
        return _read_output(out, os.path.join(snapshot.root, config))


def posix_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def offline_environment(env: Mapping[str, str], home: str) -> dict[str, str]:
    """The user's environment (for `${env:}`) without credentials and proxies, set up offline."""
    out = {k: v for k, v in env.items()
           if not k.upper().startswith("AWS_") and k.upper() not in _DROPPED and "PROXY" not in k.upper()}
    out.update(HOME=home, CI="1", SLS_TELEMETRY_DISABLED="1", SLS_TRACKING_DISABLED="1",
               SLS_NOTIFICATIONS_MODE="off", NODE_OPTIONS=f"--require {PRELOAD}", PIP_NO_INDEX="1",
               npm_config_offline="true", HTTP_PROXY=_DEAD_PROXY, HTTPS_PROXY=_DEAD_PROXY,
               ALL_PROXY=_DEAD_PROXY, http_proxy=_DEAD_PROXY, https_proxy=_DEAD_PROXY)
    return out


def _run(args: list[str], cwd: str, env: dict[str, str], timeout: float, framework: Framework,
         config: str) -> None:
    if _needs_node(framework.binary) and shutil.which("node", path=env.get("PATH")) is None:
        raise InputError("Node.js is not installed (no `node` on PATH), so the service's framework cannot run",
                         file=config, fix="install Node.js, or pass --compiler offline")
    try:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise InputError(f"cannot run {framework.binary}: {exc.strerror or exc}", file=config,
                         fix="reinstall the service's node_modules (npm ci), or pass --compiler offline") from None
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise InputError(f"`serverless package` took longer than {timeout:g} s and was stopped", file=config,
                         fix="raise `framework: {timeout: N}` in .promotelint.yml, or pass --compiler offline"
                         ) from None
    if proc.returncode != 0:
        raise _failure(_ANSI.sub("", output.decode("utf-8", errors="replace")), framework, config)


def _needs_node(binary: str) -> bool:
    try:
        with open(binary, "rb") as f:
            first = f.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"node" in first


def _kill(proc: subprocess.Popen) -> None:
    """Stop the framework and whatever it started (it runs in its own process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


def _failure(output: str, framework: Framework, config: str) -> InputError:
    """One line from what the framework said: the plugin that needed AWS, or its error message."""
    blocked = [line.split(OFFLINE_MARK, 1)[1].strip() for line in output.splitlines() if OFFLINE_MARK in line]
    named = next((b for b in blocked if " from " in b), blocked[0] if blocked else None)
    if named:
        what, _, who = named.partition(" from ")
        culprit = f"{who} needs AWS to package ({what.removeprefix('blocked ')})" if who else \
            f"packaging needs AWS ({what.removeprefix('blocked ')})"
        return InputError(f"{culprit}; promotelint runs the framework offline, without credentials", file=config,
                          fix="compile it offline (--compiler offline; its part is then unpredictable-change), "
                              "or check that change by hand")
    if "credentials" in output and "AWS" in output:
        return InputError("the framework asked for AWS credentials while packaging (a plugin needs AWS); "
                          "promotelint runs it offline, without credentials", file=config,
                          fix="pass --compiler offline (that plugin's part is then unpredictable-change)")
    if framework.engine == "v4" and re.search(r"log ?in|access key|license", output, re.I):
        return InputError("serverless v4 needs a Serverless account login even to package, and promotelint "
                          "runs it offline", file=config, fix="use serverless@3 or osls, or pass --compiler offline")
    return InputError(f"`serverless package` failed: {_message(output)}", file=config,
                      fix="run `serverless package` in the service to see the whole error, or pass --compiler offline")


def _message(output: str) -> str:
    """The framework's error message: the first line after its `Error:` header, else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if re.fullmatch(r"(Serverless )?Error:?\s*-*|✖.*", line) and i + 1 < len(lines):
            return lines[i + 1][:300]
        if line.startswith("Error: ") or line.startswith("✖ "):
            return line[:300]
    return lines[-1][:300] if lines else "no output"


def _read_output(out: str, config: str) -> Packaged:
    def load(name: str) -> dict:
        try:
            with open(os.path.join(out, name), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError) as exc:
            raise InputError(f"`serverless package` wrote no readable {name} ({exc})", file=config,
                             fix="run `serverless package` in the service to see why") from None

    nested = {name: load(name) for name in sorted(os.listdir(out)) if name.startswith("cloudformation-template-")
              and name.endswith(".json") and name not in (BUILD_TEMPLATE, "cloudformation-template-create-stack.json")}
    state = load("serverless-state.json") if os.path.isfile(os.path.join(out, "serverless-state.json")) else {}
    return Packaged(template=load(BUILD_TEMPLATE), state=state, nested=nested)


# --- copying a side ------------------------------------------------------------------------------


def copy_files(snapshot: Snapshot, dest: str) -> None:
    """Write the snapshot's files under `dest`: what git holds at its revision, the working tree's
    tracked and untracked-but-not-ignored files, or (PLAIN) the service directory. A symbolic link
    is kept only when it points inside the copy, so nothing outside the repository is read."""
    os.makedirs(dest, exist_ok=True)
    if snapshot.rev is git.WORKTREE or snapshot.rev == PLAIN:
        for rel in sorted(_working_files(snapshot) | snapshot.extra):
            source = os.path.join(snapshot.root, rel)
            if os.path.islink(source):
                _link(os.readlink(source), rel, dest)
            elif os.path.isfile(source):
                target = os.path.join(dest, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(source, target)
        return
    reader = git.GitReader(snapshot.root, snapshot.rev)
    try:
        for mode, rel in git.tree_entries(snapshot.root, snapshot.rev):
            if mode == "120000":
                _link(reader.read_blob(rel).decode("utf-8", errors="surrogateescape"), rel, dest)
            elif mode.startswith("100"):
                target = os.path.join(dest, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(reader.read_blob(rel))
                if mode == "100755":
                    os.chmod(target, 0o755)
    finally:
        reader.close()


def _working_files(snapshot: Snapshot) -> set[str]:
    if snapshot.rev is git.WORKTREE:
        return set(git.WorktreeReader(snapshot.root).files())
    service = os.path.dirname(os.path.join(snapshot.root, snapshot.config))
    found = set()
    for directory, dirs, files in os.walk(service):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        found.update(os.path.relpath(os.path.join(directory, f), snapshot.root).replace(os.sep, "/") for f in files)
    return found


def _link(target: str, rel: str, dest: str) -> None:
    where = os.path.normpath(os.path.join(os.path.dirname(os.path.join(dest, rel)), target))
    if os.path.isabs(target) or not within(where, os.path.normpath(dest)):
        return
    link = os.path.join(dest, rel)
    os.makedirs(os.path.dirname(link), exist_ok=True)
    os.symlink(target, link)


def framework_template(packaged: Packaged, framework: Framework, source: str, offline: Template | None,
                       neutral: frozenset[str], stage_given: bool = False) -> Template:
    """The side's Template from the framework's output. Where its resources came from in the config is
    taken from the offline compile of the same side when there is one; the parts nobody predicts are
    only those of plugins acting outside CloudFormation (the framework ran every other plugin)."""
    from promotelint.serverless.plugins import listed_plugins
    from promotelint.serverless.unmodelled import OUTSIDE_CLOUDFORMATION, unseen_parts

    service = packaged.state.get("service") or {}
    config = service.get("initialServerlessConfig") or {}
    provider = service.get("provider") or {}
    name, stage = service.get("service"), provider.get("stage")
    stack_name = provider.get("stackName") or (f"{name}-{stage}" if name and stage else None)
    data = _stable(packaged.template)
    names = set(data.get("Resources") or {}) | {f"Outputs.{o}" for o in data.get("Outputs") or {}}
    origins = {k: o for k, o in (offline.origins if offline else {}).items() if k in names}
    where = {(p.plugin, p.section): p.origin for p in (offline.unseen if offline else ())}
    others = frozenset(listed_plugins(config)) - frozenset(OUTSIDE_CLOUDFORMATION) - neutral
    parts = tuple(replace(p, origin=where.get((p.plugin, p.section)) or Origin(source))
                  for p in unseen_parts(config, lambda path: Origin(source), modelled=others))
    if not config and offline is not None:  # a framework that does not write its resolved config
        parts = tuple(p for p in offline.unseen if p.outside)
    stack_name = stack_name or (offline.stack_name if offline else None)
    # where the stage came from: --stage, else what the offline compile of the side found
    stage_from = "--stage" if stage_given else offline.provenance.stage_from if offline else None
    provenance = Provenance("framework", framework.engine, framework.version, stage=stage, stage_from=stage_from)
    # the values the offline compile of this side read from the environment and deploy-time sources
    secrets = offline.secrets if offline is not None else frozenset()
    nested = {lid: replace(t, data=_stable(t.data), secrets=secrets) for lid, t in
              nested_templates(data, packaged.nested, source, stack_name, provenance).items()}
    return Template(data=data, source=source, origins=origins, stack_name=stack_name, unseen=parts,
                    provenance=provenance, nested=nested, secrets=secrets)


def nested_templates(root: dict, files: dict[str, dict], source: str, stack_name: str | None,
                     provenance: Provenance = Provenance()) -> dict[str, Template]:
    """serverless-plugin-split-stacks' nested templates (file name -> template) by the logical ID of
    the root's AWS::CloudFormation::Stack whose TemplateURL names the file."""
    nested = {}
    for lid, resource in (root.get("Resources") or {}).items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::CloudFormation::Stack":
            continue
        url = json.dumps((resource.get("Properties") or {}).get("TemplateURL"))
        for name, template in files.items():
            if f'"{name}"' in url or f"/{name}" in url:
                nested[lid] = Template(data=template, source=f"{source} ({name})",
                                       stack_name=f"{stack_name}/{lid}" if stack_name else None, provenance=provenance)
    return nested


def _stable(value: Any) -> Any:
    from promotelint.serverless.functions import ARTIFACT_DIRECTORY_TOKEN

    if isinstance(value, str):
        return _DEPLOYMENT_TIME.sub(ARTIFACT_DIRECTORY_TOKEN, value)
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value
