"""serverless-lift: its constructs (`constructs:`) compiled as lift 1.37.7 synthesizes them with
aws-cdk-lib, with their `extensions:`, the IAM statements lift adds to the functions' role, the
functions and events it adds, its outputs and the `${construct:id.property}` variables.

A port of dist/src/plugin.js and providers/AwsProvider.js. What lift does, in order:
- its variable source `construct` (configurationVariablesSources) gives a CDK token for each
  `${construct:id.x}` (a `${Token[TOKEN.n]}` string, which may be part of a longer string): here a
  marker string (TOKEN), replaced later;
- `initialize` (before the `package` lifecycle; here the first hook after the framework's load):
  `loadConstructs` builds each construct in the CDK stack (constructs.py, websites.py; a queue
  adds its worker function and an `sqs` event, a secure webhook its authorizer function) and
  applies its `extensions:` (AwsConstruct.applyExtensions: CfnResource.addOverride of each leaf);
  `appendPermissions` adds the constructs' statements to `provider.iam.role.statements` (when that
  key is there) or `provider.iamRoleStatements`, unless `lift.automaticPermissions: false`;
  `resolveLazyVariables` replaces the tokens in the whole config: a token that is the whole value
  becomes the CloudFormation value (`{"Ref": ...}`), one inside a string becomes its text (an
  intrinsic's is "[object Object]", as CDK's StringConcat writes it);
- `after:package:compileEvents`: the stack's template is merged into `resources`, where the
  framework's mergeCustomProviderResources puts it into the template (after the framework named
  its exports: lift's outputs have no Export).

Constructs that promotelint does not render (`vpc`, `server-side-website`, a construct of another
lift provider, the `providers:` section) stay unseen parts:
their resources are not predicted and a change of their settings is `unpredictable-change`.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterator

from promotelint.model.opaque import opaque
from promotelint.model.template import UnseenPart
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string, lodash_merge
from promotelint.serverless.plugins import Plugin, plugin_errors
from promotelint.serverless.plugins.lift.cdk import Stack
from promotelint.serverless.plugins.lift.constructs import (
    Construct, Lift, LiftError, dynamodb_single_table, queue, storage, webhook,
)
from promotelint.serverless.plugins.lift.websites import single_page_app, static_website
from promotelint.serverless.unmodelled import fingerprint

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-lift"
# AwsProvider.registerConstructs: the types lift 1.37.7 knows, and the builders of those modelled.
BUILDERS: dict[str, Callable[[Lift, str, dict[str, Any]], Construct]] = {
    "storage": storage,
    "queue": queue,
    "webhook": webhook,
    "single-page-app": single_page_app,
    "static-website": static_website,
    "database/dynamodb-single-table": dynamodb_single_table,
}
UNMODELLED_TYPES = frozenset({
    "vpc",  # a VPC with subnets, NAT gateways, security groups; sets provider.vpc for every function
    "server-side-website",  # CloudFront in front of the service's API Gateway, an assets bucket
})
_TOKEN = "\x00lift-token:{}\x00"
_TOKEN_PATTERN = re.compile("\x00lift-token:([^\x00]*)\x00")
DEFAULT_PROVIDER = "defaultAwsProvider"  # the AwsProvider that builds into the service's own stack
_STATE = "promotelint:lift"  # where the synthesized template waits for after:package:compileEvents


def construct_variable(address: Any) -> str:
    """The `construct` variable source: a token for `id.property`, resolved by `initialize`."""
    return _TOKEN.format(js_string(address))


_step = plugin_errors(NAME, LiftError, "see lift's documentation of the construct: `serverless package` fails "
                                      "on this too")


def initialize(ctx: CompileContext) -> None:
    """The `initialize` hook: loadConstructs, appendPermissions, resolveLazyVariables. (A construct
    with `provider:` is built by that lift provider (stripe...), outside the service's stack.)"""
    configs = ctx.config.get("constructs")
    configs = configs if isinstance(configs, dict) else {}
    stack = Stack(naming.get_stack_name(ctx.service_name, ctx.stage, ctx.provider), ctx.region)
    lift = Lift(stack, ctx.functions, naming.get_lambda_logical_id)
    built: dict[str, Construct | None] = {}  # None: not modelled
    providers = ctx.config.get("providers") if isinstance(ctx.config.get("providers"), dict) else {}
    for cid, config in configs.items():
        path = ("constructs", cid)
        if not isinstance(config, dict) or config.get("type") is None:
            raise LiftError(f"The construct '{cid}' has no 'type' defined.", path)
        kind, provider = config["type"], config.get("provider")
        if provider is not None and provider != DEFAULT_PROVIDER:
            if provider not in providers:
                raise LiftError(f"No provider {js_string(provider)} was found for construct {cid}. Available providers "
                                f"are: {', '.join([DEFAULT_PROVIDER, *providers])}", path + ("provider",))
            built[cid] = _unseen(ctx, "constructs", cid, config)
        elif kind in UNMODELLED_TYPES:
            built[cid] = _unseen(ctx, "constructs", cid, config)
        elif kind not in BUILDERS:
            raise LiftError(f"The construct '{cid}' has an unknown type '{js_string(kind)}'", path + ("type",))
        else:
            construct = BUILDERS[kind](lift, cid, config)
            _apply_extensions(stack, cid, construct, config.get("extensions"))
            _append_functions(ctx, cid, construct)
            built[cid] = construct
    for pid, config in providers.items():
        _unseen(ctx, "providers", pid, config)
    _append_permissions(ctx, [s for c in built.values() if c is not None for s in c.permissions])
    resolve = functools.partial(_resolve_tokens, built)
    ctx.config = {key: (value if key == "constructs" else resolve(value)) for key, value in ctx.config.items()}
    template = resolve(stack.template())
    for logical_id, cid in stack.paths.items():  # their lines: the construct that made them
        ctx.origins.setdefault(logical_id, ctx.origin(("constructs", cid)))
    if template:
        ctx.config[_STATE] = template


def _unseen(ctx: CompileContext, section: str, name: str, config: Any) -> None:
    """A construct (or provider) promotelint does not render: an unseen part, which the report
    names among the parts not predicted (as an unmodelled plugin's, unmodelled.py)."""
    ctx.unseen.append(UnseenPart(NAME, f"{section}.{name}", fingerprint(config), ctx.origin((section, name))))


def _leaf_paths(value: Any, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """traverse(extension).paths() as applyExtensions keeps them: each leaf and each array (whose
    items are not walked), depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        path = prefix + (js_string(key),)
        if isinstance(item, dict):  # a mapping is walked (an empty one gives nothing)
            yield from _leaf_paths(item, path)
        else:
            yield path, item


def _apply_extensions(stack: Stack, cid: str, construct: Construct, extensions: Any) -> None:
    if not extensions or not construct.extensions:
        return
    if not isinstance(extensions, dict):
        return
    for name, extension in extensions.items():
        if name not in construct.extensions:
            raise LiftError(f"There is no extension '{name}' available on this construct. Available extensions "
                            f"are: {', '.join(construct.extensions)}.", ("constructs", cid, "extensions", name))
        if not isinstance(extension, (dict, list)):
            continue
        selected: list[str] = []  # applyExtensions skips a path that starts with an array's path (as text)
        for path, value in _leaf_paths(extension):
            dotted = ".".join(path)
            if any(dotted.startswith(earlier) for earlier in selected):
                continue
            if isinstance(value, list):
                selected.append(dotted)
            stack.add_override(construct.extensions[name], dotted, copy.deepcopy(value))


def _append_functions(ctx: CompileContext, cid: str, construct: Construct) -> None:
    """AwsProvider.addFunction / addFunctionEvent: the function merged into `functions` (its
    name set as Service.setFunctionNames does), the event pushed onto its events."""
    functions = ctx.config["functions"]
    where = ctx.positions.get(("constructs", cid))
    for name, config in construct.functions:
        if config is not None:
            lodash_merge(functions, {name: copy.deepcopy(config)})
            if where and ("functions", name) not in ctx.positions:
                ctx.positions[("functions", name)] = where
        function = functions[name]
        if not function.get("name"):
            function["name"] = f"{ctx.service_name}-{ctx.stage}-{name}"
        if not isinstance(function.get("events"), list):
            function["events"] = []
    for name, event in construct.events:
        events = functions[name]["events"]
        if where:
            ctx.positions.setdefault(("functions", name, "events", len(events)), where)
        events.append(event)


def _append_permissions(ctx: CompileContext, statements: list[dict[str, Any]]) -> None:
    settings = ctx.config.get("lift")
    if isinstance(settings, dict) and settings.get("automaticPermissions") is False:
        return
    if not statements:
        return
    iam = ctx.provider.get("iam")
    role = iam.get("role") if isinstance(iam, dict) else None
    if isinstance(role, dict) and "statements" in role:
        if isinstance(role["statements"], list):
            role["statements"].extend(statements)
        return
    existing = ctx.provider.get("iamRoleStatements")
    ctx.provider["iamRoleStatements"] = (existing if isinstance(existing, list) else []) + statements


def _resolve_tokens(built: dict[str, Construct | None], value: Any) -> Any:
    """resolveLazyVariables (CDK's Tokenization.resolve with a StringConcat): a copy of `value`
    with every `${construct:}` token replaced."""
    if isinstance(value, dict):
        return {key: _resolve_tokens(built, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_tokens(built, item) for item in value]
    if not isinstance(value, str) or "\x00lift-token:" not in value:
        return value
    whole = _TOKEN_PATTERN.fullmatch(value)
    if whole:
        return _variable(built, whole.group(1))
    unknown = False

    def text(match: re.Match) -> str:
        nonlocal unknown
        resolved = _variable(built, match.group(1))
        if isinstance(resolved, dict):
            unknown = unknown or "promotelint:opaque" in resolved
            return "[object Object]"
        return js_string(resolved)

    result = _TOKEN_PATTERN.sub(text, value)
    if unknown:
        return opaque(_TOKEN_PATTERN.sub(lambda m: "${construct:" + m.group(1) + "}", value))
    return result


def _variable(built: dict[str, Construct | None], address: str) -> Any:
    """resolveReference's Lazy value: the construct's variables()[property]."""
    cid, _, prop = address.partition(".")
    if cid not in built:
        raise LiftError(f"No construct named '{cid}' was found, the ${{construct:{cid}.{prop}}} variable is invalid.",
                        ("constructs",))
    construct = built[cid]
    if construct is None:  # not modelled: its value is unknown
        return opaque("${construct:" + address + "}")
    if prop not in construct.variables:
        if not construct.variables:
            raise LiftError(f"${{construct:{cid}.{prop}}} does not exist. The construct '{cid}' does not expose any "
                            "property", ("constructs", cid))
        raise LiftError(f"${{construct:{cid}.{prop}}} does not exist. Properties available on ${{construct:{cid}}} "
                        f"are: {', '.join(construct.variables)}", ("constructs", cid))
    return copy.deepcopy(construct.variables[prop])


def append_cloudformation_resources(ctx: CompileContext) -> None:
    """after:package:compileEvents: `_.merge(service, {resources: <the stack's template>})`."""
    template = ctx.config.pop(_STATE, None)
    if template:
        ctx.config["resources"] = lodash_merge(ctx.config.get("resources"), template)


# The typed settings of lift's schema (registerConstructsSchema: each construct class' schema, one of
# them per construct; registerConfigSchema: `lift`), which the framework's validation coerces by
# ("5" from a variable becomes 5) before `initialize` builds the constructs.
_SCHEMA = (
    "constructs.*: allowAcl=bool archive=num batchSize=num delay=num fifo=bool gsiCount=int insecure=bool",
    "constructs.*: localSecondaryIndexes=bool maxBatchingWindow=num maxConcurrency=num maxRetries=num",
    "constructs.*: redirectToMainDomain=bool versionedAssets=bool",
    "constructs.*.security: allowIframe=bool",
    "constructs.*.worker: timeout=num",
    "lift: automaticPermissions=bool",
)

PLUGIN = Plugin(NAME, "1.37.7", schema=_SCHEMA, hooks=(
    ("before:package:cleanup", _step(initialize)),
    ("after:package:compileEvents", append_cloudformation_resources),
), sources=(("construct", construct_variable),))
