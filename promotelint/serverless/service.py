"""Compile a serverless.yml into the CloudFormation template `serverless package` would write.

    compile_service(path, reader=, env=, stage=, region=, params=) -> Template

Loads the config (js-yaml semantics), resolves its variables, then runs the compile steps
(promotelint.serverless.pipeline.compile_config) over a CompileContext. Every file of the service is
read through `reader` (promotelint.io: the working tree or a git revision) and the environment is
given as `env`: this package itself never touches the disk or the process environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Mapping

from promotelint.model.errors import InputError
from promotelint.model.template import Provenance, Template
from promotelint.serverless.coerce import coerce_like_schema
from promotelint.serverless.config_file import Reader, find_config, load_config
from promotelint.serverless.context import CompileContext
from promotelint.serverless.dotenv import parse_dotenv
from promotelint.serverless.variables.resolve import Inputs, Resolver


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
    stage_from: str = "--stage"  # or provider.stage / default: where `stage` came from


def compile_service(path: str | os.PathLike, *, reader: Reader, env: Mapping[str, str],
                    stage: str | None = None, region: str | None = None,
                    params: Mapping[str, str] | None = None) -> Template:
    """The template `serverless package --stage S --region R` writes for the service at `path`."""
    service = resolve_service(path, reader=reader, env=env, stage=stage, region=region, params=params)
    ctx = CompileContext(config=service.config, stage=service.stage, region=service.region, template={},
                         source=service.source, positions=service.positions, warnings=service.warnings)
    from promotelint.serverless.pipeline import compile_config  # the compile steps: heavy, load late

    compile_config(ctx)
    return Template(data=ctx.template, source=service.source, origins=ctx.origins, stack_name=service.stack_name,
                    provenance=Provenance(compiler="offline", stage=service.stage, stage_from=service.stage_from),
                    warnings=tuple(ctx.warnings), unseen=tuple(ctx.unseen))


def resolve_service(path: str | os.PathLike, *, reader: Reader, env: Mapping[str, str],
                    stage: str | None = None, region: str | None = None,
                    params: Mapping[str, str] | None = None) -> ResolvedService:
    """Load the config at `path` and resolve its variables as the framework does before compiling.

    `env` is the environment `${env:}` reads (the caller's: promotelint.io.files.environment);
    `params` are the `--param k=v` values.
    """
    config_path = find_config(os.fspath(path), reader)
    doc = load_config(config_path, reader)
    service_dir = os.path.dirname(config_path) or "."
    environment = dict(env)
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
    stage_from = "--stage" if stage else "provider.stage" if _text(provider.get("stage")) else "default"
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
                           stage=stage, region=region, stack_name=stack_name, warnings=warnings,
                           stage_from=stage_from)


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
