"""Compile a serverless.yml into the CloudFormation template `serverless package` would write.

    compile_service(path, stage=, region=, params=, env=, env_file=, reader=) -> Template

Loads the config (js-yaml semantics), resolves its variables, then runs the compile steps
(promotelint.serverless.compiler.compile_config) over a CompileContext. Every file of the service is
read through `reader` (default: the working tree), so a service can also come from a git revision.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from promotelint.model.errors import InputError
from promotelint.model.template import Template
from promotelint.serverless.config import FilesystemReader, Reader, coerce_like_schema, find_config, load_config
from promotelint.serverless.context import CompileContext
from promotelint.serverless.variables import Inputs, Resolver


@dataclass
class ResolvedService:
    """A service config with its variables resolved, and what the framework derives from it."""

    config: dict[str, Any]
    source: str  # the config file's path
    positions: dict
    service_dir: str
    stage: str
    region: str
    stack_name: str
    warnings: list[str]


def compile_service(path: str | os.PathLike, *, stage: str | None = None, region: str | None = None,
                    params: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
                    env_file: str | os.PathLike | None = None, reader: Reader | None = None) -> Template:
    """The template `serverless package --stage S --region R` writes for the service at `path`."""
    service = resolve_service(path, stage=stage, region=region, params=params, env=env, env_file=env_file,
                              reader=reader)
    ctx = CompileContext(config=service.config, stage=service.stage, region=service.region, template={},
                         source=service.source, service_dir=Path(service.service_dir),
                         positions=service.positions, warnings=service.warnings)
    from promotelint.serverless.compiler import compile_config  # the compile steps: heavy, load late

    compile_config(ctx)
    return Template(data=ctx.template, source=service.source, origins=ctx.origins, stack_name=service.stack_name,
                    warnings=tuple(ctx.warnings))


def resolve_service(path: str | os.PathLike, *, stage: str | None = None, region: str | None = None,
                    params: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
                    env_file: str | os.PathLike | None = None, reader: Reader | None = None) -> ResolvedService:
    """Load the config at `path` and resolve its variables as the framework does before compiling.

    `env` replaces the process environment for `${env:}` (None: os.environ); `env_file` (a dotenv
    file, read from the filesystem since it is an input of the run, not of the service) adds to it
    and wins over it. `params` are the `--param k=v` values.
    """
    reader = reader or FilesystemReader()
    config_path = find_config(os.fspath(path), reader)
    doc = load_config(config_path, reader)
    service_dir = os.path.dirname(config_path) or "."
    environment = dict(os.environ if env is None else env)
    if env_file is not None:
        environment.update(parse_dotenv(FilesystemReader().read_text(os.fspath(env_file)), os.fspath(env_file),
                                        environment))
    options: dict[str, Any] = {}
    if stage:
        options["stage"] = stage
    if region:
        options["region"] = region
    warnings: list[str] = []
    inputs = Inputs(options=options, env=environment, params=dict(params or {}), service_dir=service_dir,
                    root=_confinement_root(service_dir, reader), read_text=reader.read_text,
                    exists=reader.exists)
    resolver = Resolver(doc.data, inputs, source=config_path, positions=doc.positions, warnings=warnings)
    _load_dotenv(resolver, service_dir, reader, environment)
    config = coerce_like_schema(resolver.resolve_all())

    name = config.get("service")
    if not isinstance(name, str) or not name:
        raise InputError('"service" must be the service\'s name (a string)', file=config_path,
                         line=doc.line(("service",)) or 1, fix="set `service: <name>`")
    provider = config.get("provider")
    if not isinstance(provider, dict):
        provider = {}
    stage = stage or _text(provider.get("stage")) or "dev"
    region = region or _text(provider.get("region")) or "us-east-1"
    if isinstance(config.get("provider"), dict):
        # What the framework's Service and AWS provider leave in the config the compile steps read:
        # provider.stage defaults to dev (not to --stage), provider.region is the effective region.
        if provider.get("stage") is None:
            provider["stage"] = "dev"
        provider["region"] = region
    stack_name = provider.get("stackName") if isinstance(provider.get("stackName"), str) else f"{name}-{stage}"
    return ResolvedService(config=config, source=config_path, positions=doc.positions, service_dir=service_dir,
                           stage=stage, region=region, stack_name=stack_name, warnings=warnings)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _confinement_root(service_dir: str, reader: Reader) -> str:
    """Where `${file()}` may read. A reader says so with `root` (a git revision reader: the
    repository) or `root_for(service_dir)`; otherwise the service dir's parent."""
    root = getattr(reader, "root", None)
    if root is None and hasattr(reader, "root_for"):
        root = reader.root_for(service_dir)
    if root is None:
        root = os.path.dirname(os.path.normpath(service_dir)) or "."
    return os.path.normpath(os.fspath(root))


def _load_dotenv(resolver: Resolver, service_dir: str, reader: Reader, environment: dict) -> None:
    """`useDotenv: true` (v3): .env.<stage>, else .env, from the service dir; set variables win.
    (v4 loads them without `useDotenv`.)"""
    if "useDotenv" not in resolver.config:
        return
    resolver.resolve_property(("useDotenv",))
    if resolver.config.get("useDotenv") is not True:
        return
    stage = resolver.stage()
    for name in (f".env.{stage}", ".env"):
        file = os.path.join(service_dir, name)
        if reader.exists(file):
            for key, value in parse_dotenv(reader.read_text(file), file, environment).items():
                environment.setdefault(key, value)
            return


_DOTENV_LINE = re.compile(r"^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$")
_EXPAND = re.compile(r"(\\)?\$(?:\{([\w.-]+)(?::-([^}]*))?\}|([A-Za-z_]\w*))")


def parse_dotenv(text: str, source: str, environment: Mapping[str, str] | None = None) -> dict[str, str]:
    """dotenv + dotenv-expand, as the framework loads .env files: KEY=VALUE lines, quotes, comments,
    `$VAR` / `${VAR}` / `${VAR:-default}` expansion (the environment wins over the file's own values)."""
    values: dict[str, str] = {}
    raw_quoted: set[str] = set()
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        m = _DOTENV_LINE.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2)
        if value[:1] in ("'", '"', "`"):
            quote = value[0]
            body = value[1:]
            # A quoted value may span lines until its closing quote.
            while quote not in body and i < len(lines):
                body += "\n" + lines[i]
                i += 1
            body = body[: body.index(quote)] if quote in body else body
            if quote == '"':
                body = body.replace("\\n", "\n").replace("\\r", "\r")
            if quote == "'":
                raw_quoted.add(key)
            value = body
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip() if not value.startswith("#") else ""
        values[key] = value
    env = dict(environment or {})

    def expand(value: str, depth: int = 0) -> str:
        def repl(m: re.Match) -> str:
            if m.group(1):
                return m.group(0)[1:]
            name = m.group(2) or m.group(4)
            if name in env:
                return env[name]
            if name in values and depth < 10:
                return expand(values[name], depth + 1)
            return m.group(3) or ""
        return _EXPAND.sub(repl, value)

    return {k: (v if k in raw_quoted else expand(v)) for k, v in values.items()}
