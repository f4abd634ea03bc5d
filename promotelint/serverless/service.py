"""Compile a serverless.yml into the CloudFormation template `serverless package` would write.

    compile_service(path, reader=, env=, stage=, region=, params=, engine=) -> Template

Loads the config (js-yaml semantics), resolves its variables, then runs the compile steps
(promotelint.serverless.pipeline.compile_config) over a CompileContext. Every file of the service is
read through `reader` (promotelint.io: the working tree or a git revision) and the environment is
given as `env`: this package itself never touches the disk or the process environment. `engine`
(serverless.engines: v3, osls or v4 at a version) is chosen by the caller, promotelint.io.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from promotelint.model.digest import sha256
from promotelint.model.errors import InputError
from promotelint.model.record import record
from promotelint.model.secrets import worth_masking
from promotelint.model.template import Provenance, Template
from promotelint.serverless.coerce import coerce_like_schema
from promotelint.serverless.config_file import find_config, load_config
from promotelint.serverless.context import CompileContext
from promotelint.serverless.dotenv import ExpansionError, dotenv_load, dotenv_parse
from promotelint.serverless.engines import PROVIDER_IAM_KEYS, V3, Engine, refuses_framework_version
from promotelint.serverless.plugins import PluginLoad, load_plugins, service_plugins
from promotelint.serverless.variables.resolve import INSTANCE_ID, Inputs, Resolver, is_within

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

    from promotelint.serverless.config_file import Reader


@record(frozen=False)
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
    secrets: frozenset[str] = frozenset()  # values the reports mask (model/secrets.py)
    plugin_load: PluginLoad | None = None  # what the plugins were constructed with: their file reads
    instance_id: bool = False  # a ${sls:instanceId} was resolved: its placeholder is in the config


def compile_service(path: str | os.PathLike, *, reader: Reader, env: Mapping[str, str],
                    stage: str | None = None, region: str | None = None,
                    params: Mapping[str, str] | None = None, engine: Engine = V3) -> Template:
    """The template `serverless package --stage S --region R` writes for the service at `path`,
    as `engine` packages it."""
    try:
        service = resolve_service(path, reader=reader, env=env, stage=stage, region=region, params=params,
                                  engine=engine)
    except RecursionError:
        # Variables are resolved by recursion: ${self:custom.a} being ${self:custom.b}, being ...,
        # some hundreds deep (no service needs that) is refused as such. (Serverless v3 resolves a
        # chain of 300; at 3,000 its JavaScript stack overflows too.)
        raise _too_deep(path, "variables that refer to one another hundreds deep (${self:custom.a} is "
                              "${self:custom.b}, which is ...)") from None
    ctx = CompileContext(config=service.config, stage=service.stage, region=service.region, template={},
                         source=service.source, positions=service.positions, warnings=service.warnings,
                         engine=engine, plugin_load=service.plugin_load)
    from promotelint.serverless.pipeline import compile_config  # the compile steps: heavy, load late

    try:
        compile_config(ctx)
    except RecursionError:  # (the steps recurse on what nests: an http path's resources, one per segment)
        raise _too_deep(path, "something of the service nests hundreds of levels (an http path of hundreds "
                              "of segments, say)") from None
    if service.instance_id:  # (else nothing holds the placeholder: no walk of the template to find none)
        fill_instance_id(ctx)
    provenance = Provenance(compiler="offline", engine=engine.name, engine_version=engine.version,
                            stage=service.stage, stage_from=service.stage_from)
    nested = {lid: Template(data=data, source=service.source, stack_name=f"{service.stack_name}/{lid}",
                            origins={k: o for k, o in ctx.origins.items() if k in (data.get("Resources") or {})},
                            provenance=provenance, secrets=service.secrets)
              for lid, data in ctx.nested.items()}
    return Template(data=ctx.template, source=service.source, origins=ctx.origins, stack_name=service.stack_name,
                    provenance=provenance, warnings=tuple(ctx.warnings), unseen=tuple(ctx.unseen), nested=nested,
                    secrets=service.secrets)


def _too_deep(path: str | os.PathLike, what: str) -> InputError:
    """The error for a service that ran out of recursion while resolved or compiled."""
    return InputError(f"too deep to compile: {what}", file=os.path.normpath(path),
                      fix="no service needs that depth: shorten it")


def fill_instance_id(ctx: CompileContext) -> None:
    """Give `${sls:instanceId}` its value. The framework uses one clock reading for the variable and
    for its REST API deployment (`ApiGatewayDeployment<instanceId>`), so a `DependsOn:
    ApiGatewayDeployment${sls:instanceId}` names that deployment; the offline deployment ID is a
    hash of the API (deployment.py), and the instance ID is that ID's number. Without a REST API it
    is a hash of the template, so it stays the same while the template does."""
    # (check_circular=False: the same text a sixth faster; a template is a tree, the YAML builder
    # refuses a recursive alias and the resolver a circular reference)
    text = json.dumps(ctx.template, separators=(",", ":"), default=str, check_circular=False)
    nested = json.dumps(ctx.nested, separators=(",", ":"), default=str, check_circular=False) if ctx.nested else ""
    if INSTANCE_ID not in text + nested and not any(INSTANCE_ID in k for k in ctx.origins):
        return
    resources = [*ctx.resources.items(), *(i for t in ctx.nested.values() for i in (t.get("Resources") or {}).items())]
    deployments = [lid[len("ApiGatewayDeployment"):] for lid, r in resources
                   if isinstance(r, dict) and r.get("Type") == "AWS::ApiGateway::Deployment"
                   and lid.startswith("ApiGatewayDeployment") and lid[len("ApiGatewayDeployment"):].isdigit()]
    value = deployments[0] if deployments else str(
        1_500_000_000_000 + int(sha256(text.encode()).hexdigest()[:12], 16) % 10**12)
    ctx.template = json.loads(text.replace(INSTANCE_ID, value))
    if nested:  # serverless-plugin-split-stacks' nested stacks
        ctx.nested = json.loads(nested.replace(INSTANCE_ID, value))
    ctx.origins = {k.replace(INSTANCE_ID, value): o for k, o in ctx.origins.items()}


def resolve_service(path: str | os.PathLike, *, reader: Reader, env: Mapping[str, str],
                    stage: str | None = None, region: str | None = None,
                    params: Mapping[str, str] | None = None, engine: Engine = V3) -> ResolvedService:
    """Load the config at `path` and resolve its variables as the framework does before compiling.

    `env` is the environment `${env:}` reads (the caller's: promotelint.io.files.environment);
    `params` are the `--param k=v` values.
    """
    config_path = find_config(os.fspath(path), reader)
    doc = load_config(config_path, reader)
    service_dir = os.path.dirname(config_path) or "."
    # .copy(): io/cache.py's RecordingEnv stays one (dict() would read every variable)
    environment = env.copy() if isinstance(env, dict) else dict(env)
    options: dict[str, Any] = {}
    if stage:
        options["stage"] = stage
    if region:
        options["region"] = region
    warnings: list[str] = []
    root, boundary = _boundary(service_dir, reader)
    inputs = Inputs(options=options, env=environment, params=dict(params or {}), service_dir=service_dir,
                    root=root, boundary=boundary, read_text=reader.read_text, exists=reader.exists,
                    stage_params=engine.stage_params,
                    sources={name: source for plugin in service_plugins(doc.data) for name, source in plugin.sources})
    warnings.extend(engine.notes)
    if engine.stage_params and "params" in doc.data and "stages" in doc.data:
        raise InputError(f'"params" and "stages" cannot be used together ({engine.label})', file=config_path,
                         line=doc.line(("stages",)), fix="move the params under stages.<stage>.params")
    resolver = Resolver(doc.data, inputs, source=config_path, positions=doc.positions, warnings=warnings)
    if engine.dotenv == "always":
        _load_dotenv_v4(resolver, service_dir, reader, environment)
    else:
        _load_dotenv(resolver, service_dir, reader, environment)
    config = resolver.resolve_all()
    plugin_load = PluginLoad(config=config, options=options, env=environment, service_dir=service_dir,
                             root=inputs.root or service_dir, read_text=reader.read_text, exists=reader.exists,
                             error=resolver.error, warnings=warnings)
    plugins = load_plugins(plugin_load)
    config = coerce_like_schema(config, tuple(line for plugin in plugins for line in plugin.schema))

    declared = config.get("frameworkVersion")
    if isinstance(declared, str) and refuses_framework_version(engine, declared):
        raise InputError(f"{engine.label} does not satisfy frameworkVersion {declared!r}: it refuses the service",
                         file=config_path, line=doc.line(("frameworkVersion",)),
                         fix="compile with the engine the service declares (--engine v4, --engine osls@X.Y.Z) "
                             "or change frameworkVersion")
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
    _check_provider_iam_keys(engine, provider, doc, config_path, warnings)
    stack_name = provider.get("stackName") if isinstance(provider.get("stackName"), str) else f"{name}-{stage}"
    secrets = worth_masking(resolver.secrets | plugin_load.secrets, public=(stage, region, name, stack_name))
    return ResolvedService(config=config, source=config_path, positions=doc.positions, service_dir=service_dir,
                           stage=stage, region=region, stack_name=stack_name, warnings=warnings,
                           stage_from=stage_from, secrets=secrets, plugin_load=plugin_load,
                           instance_id=resolver.instance_id)


def _check_provider_iam_keys(engine: Engine, provider: dict, doc: Any, config_path: str, warnings: list) -> None:
    """The IAM keys directly under `provider`: deprecated in osls 4 (it still compiles them), gone
    from osls 5 (removal put off from 4.0 to 5: oss-serverless/osls#286)."""
    if engine.provider_iam_keys == "supported":
        return
    for key, new in PROVIDER_IAM_KEYS.items():
        if provider.get(key) is None:
            continue
        if engine.provider_iam_keys == "removed":
            raise InputError(f"provider.{key} is not read by {engine.label} (removed in osls 5)", file=config_path,
                             line=doc.line(("provider", key)), fix=f"move it to provider.{new}")
        warnings.append(f"{config_path}:{doc.line(('provider', key))}: provider.{key} is deprecated in {engine.label} "
                        f"(still compiled; osls moved its removal to v5): move it to provider.{new}")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _boundary(service_dir: str, reader: Reader) -> tuple[str, str]:
    """Where `${file()}` may read, and what that limit is. The reader says so: `boundary(service_dir)`
    (the working tree's reader: the git work tree, --root, or the current directory) or `root` (a
    git revision: the repository); otherwise the service dir's parent."""
    if hasattr(reader, "boundary"):
        root, what = reader.boundary(service_dir)
    elif getattr(reader, "root", None) is not None:
        root, what = reader.root, "the git work tree"
    else:
        root, what = os.path.dirname(os.path.normpath(service_dir)) or ".", "the service directory's parent"
    return os.path.normpath(os.fspath(root)), what


def _load_dotenv(resolver: Resolver, service_dir: str, reader: Reader, environment: dict) -> None:
    """`useDotenv: true` (v3, lib/cli/load-dotenv.js): .env.<stage>, else .env, from the service dir,
    with dotenv and dotenv-expand; set variables win. (v4 loads them without `useDotenv`.)"""
    if "useDotenv" not in resolver.config:
        return
    resolver.resolve_property(("useDotenv",))
    if resolver.config.get("useDotenv") is not True:
        return
    stage = resolver.stage()
    for name in (f".env.{stage}", ".env"):
        file = os.path.join(service_dir, name)
        if reader.exists(file):
            try:
                dotenv_load(reader.read_text(file), environment)
            except ExpansionError as exc:  # the framework fails too (a stack overflow in dotenv-expand)
                raise InputError(f"{exc} (dotenv-expand overflows on it)", file=file,
                                 fix="remove the reference of the variable to itself") from None
            return


def _load_dotenv_v4(resolver: Resolver, service_dir: str, reader: Reader, environment: dict) -> None:
    """v4 (sf-core resolvers/env.js loadEnvFiles): .env.<stage> then .env from the service dir,
    then `useDotenv: <path or paths>` (a file, or a directory's .env.<stage> and .env), each
    variable from the first file that has it, the process environment first; `useDotenv: false`
    loads none. dotenv without dotenv-expand: values are not expanded."""
    use = resolver.config.get("useDotenv")
    if use is not None:
        resolver.resolve_property(("useDotenv",))
        use = resolver.config.get("useDotenv")
    if use is False:
        return
    stage = resolver.stage()
    files = [os.path.join(service_dir, f".env.{stage}"), os.path.join(service_dir, ".env")]
    for extra in [use] if isinstance(use, str) else use if isinstance(use, list) else []:
        if isinstance(extra, str):
            base = os.path.normpath(os.path.join(service_dir, extra))
            if resolver.inputs.root is not None and not is_within(base, resolver.inputs.root):
                raise resolver.error(("useDotenv",), f"useDotenv reads {extra}, outside {resolver.inputs.boundary} "
                                                     f"({resolver.inputs.root})", "keep .env files inside it")
            files += [base, os.path.join(base, f".env.{stage}"), os.path.join(base, ".env")]
    for file in files:
        if reader.exists(file):
            for key, value in dotenv_parse(reader.read_text(file)).items():
                environment.setdefault(key, value)
