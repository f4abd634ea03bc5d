"""serverless-plugin-warmup 8: a warmer function that invokes the service's functions on a schedule.

A port of its src/ (8.4.1), hooked at `after:package:initialize` as the plugin is (it spawns
`warmup:addWarmers` there): for each warmer of `custom.warmup.<name>` (config.js getConfigsByWarmer)
the functions it warms are those whose `warmup.<name>.enabled` (else the warmer's `enabled`,
default false) is true, "true", the stage or a list holding the stage. A warmer with functions:
- without its own `role`, gets the role `WarmUpPlugin<Name>Role` (warmer.js
  addWarmUpFunctionRoleToResources), added to the `resources:` section (merged after the service's
  own): logs for its log group, `lambda:InvokeFunction` on each warmed function, the VPC actions;
- becomes the function `warmUpPlugin<Name>` of the service (addWarmUpFunctionToService): named
  `<service>-<stage>-warmup-plugin-<name>`, handler `.warmup/<name>/index.warmUp`, nodejs24.x, its
  `events` (default a 5-minute schedule), memory, timeout, VPC, tags, tracing, log retention,
  packaged individually; the core then compiles it as any function: its log group, version,
  schedule rule and permission.
The handler file (`.warmup/<name>/index.mjs`) is written at package time and zipped into the
warmer's own artifact (`warmUpPlugin<Name>.zip`): what it holds (the warmed functions, their
payload, concurrency, alias, client context, `verbose`) is the artifact's content, masked like the
core's artifacts (its CodeSha256 and version name the artifact, not its bytes). `prewarm` invokes
the warmer after deploy, outside CloudFormation.
"""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_truthy
from promotelint.serverless.plugins import Plugin

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-plugin-warmup"
RUNTIME = "nodejs24.x"  # warmer.js addWarmUpFunctionToService
_UNSET = object()  # `role` left undefined: the plugin makes one


def _capitalize(name: str) -> str:
    """utils.js capitalize: the first character upper-cased, the rest kept."""
    return name[:1].upper() + name[1:]


def add_warmers(ctx: CompileContext) -> None:
    """warmup:addWarmers (configPlugin, then initializeWarmers)."""
    custom = ctx.config.get("custom")
    warmers = custom.get("warmup") if isinstance(custom, dict) else None
    if not isinstance(warmers, dict) or is_opaque(warmers):
        return
    configs = {name: _warmer_config(ctx, name, config if isinstance(config, dict) else {})
               for name, config in warmers.items()}
    warmed = _functions_by_warmer(ctx, configs)
    # configureWarmer runs for all warmers at once (Promise.all) and adds each once its handler
    # file is written: a warmer with `tracing` first runs `npm install` in its folder, so those
    # finish last. The others finish in the order the file system answers, usually the config's
    # (only the order of the template's keys depends on it, never a resource).
    for name, config in sorted(configs.items(), key=lambda item: js_truthy(item[1]["tracing"])):
        functions = warmed.get(name, [])
        if not functions:
            continue  # "WarmUp: Skipping warmer ... No functions to warm up."
        if config["role"] is _UNSET:
            config["role"] = _add_role(ctx, name, config, functions)
        _add_function(ctx, name, config)


def _warmer_config(ctx: CompileContext, name: str, config: dict[str, Any]) -> dict[str, Any]:
    """getWarmerConfig over the warmer defaults (a setting absent or undefined takes the default)."""
    folder = config["folderName"] if isinstance(config.get("folderName"), str) else f".warmup/{name}"
    environment = config.get("environment")
    if environment is None:
        # each provider variable set to undefined: the warmer gets none of them
        provider_env = ctx.provider.get("environment")
        environment = {key: None for key in (provider_env if isinstance(provider_env, dict) else {})}
    package = config.get("package")
    if isinstance(package, dict):
        patterns = package.get("patterns")
        own = f"{folder}/**"
        package = {"individually": package["individually"] if package.get("individually") is not None else True,
                   "patterns": ["!**", *(patterns if own in patterns else [*patterns, own])]
                   if isinstance(patterns, list) else ["!**", own]}
    else:
        package = {"individually": True, "patterns": ["!**", f"{folder}/**"]}
    vpc = config.get("vpc")
    return {
        "pathHandler": f"{folder}/index.warmUp",
        "name": _or(config, "name", f"{ctx.service_name}-{ctx.stage}-warmup-plugin-{name}"),
        "roleName": config.get("roleName"), "role": config.get("role", _UNSET), "tags": config.get("tags"),
        "vpc": {"securityGroupIds": [], "subnetIds": []} if vpc is False else vpc,
        "events": config["events"] if isinstance(config.get("events"), list) else [{"schedule": "rate(5 minutes)"}],
        "architecture": config.get("architecture"), "package": package,
        "memorySize": _or(config, "memorySize", 128), "timeout": _or(config, "timeout", 10),
        "environment": environment, "tracing": config.get("tracing"),
        "logRetentionInDays": config.get("logRetentionInDays"),
        "enabled": _or(config, "enabled", False),
    }


def _or(config: dict[str, Any], key: str, default: Any) -> Any:
    """`config.key !== undefined ? config.key : default` (a YAML null is taken as given)."""
    return config[key] if key in config else default


def _functions_by_warmer(ctx: CompileContext, configs: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """getFunctionsByWarmer: the deployed names of the functions each warmer warms, in order."""
    warmed: dict[str, list[str]] = {}
    for name, fn in ctx.functions.items():
        own = fn.get("warmup")
        if own is not None:
            unknown = [w for w in (own if isinstance(own, dict) else {}) if w not in configs]
            if unknown:
                raise ctx.error(("functions", name, "warmup"),
                                f"WarmUp: Invalid function-level warmup configuration ({', '.join(unknown)}) in "
                                f"function {fn.get('name')}. Every warmer should be declared in the custom section.",
                                "declare the warmer under custom.warmup")
        for warmer, config in configs.items():
            settings = own.get(warmer) if isinstance(own, dict) else None
            enabled = _or(settings, "enabled", config["enabled"]) if isinstance(settings, dict) else config["enabled"]
            if enabled is True or enabled == "true" or enabled == ctx.stage \
                    or (isinstance(enabled, list) and ctx.stage in enabled):
                warmed.setdefault(warmer, []).append(fn.get("name"))
    return warmed


def _add_role(ctx: CompileContext, name: str, config: dict[str, Any], functions: list[str]) -> str:
    """addWarmUpFunctionRoleToResources: the warmer's role, in the `resources:` section."""
    role = f"WarmUpPlugin{_capitalize(name)}Role"
    resources = ctx.config.get("resources")
    if not isinstance(resources, dict):
        resources = ctx.config["resources"] = {}
    if not isinstance(resources.get("Resources"), dict):
        resources["Resources"] = {}
    service, warmer_name, lower = ctx.service_name, config["name"], name.lower()
    logs = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/"
    resources["Resources"][role] = {"Type": "AWS::IAM::Role", "Properties": {
        "Path": "/",
        "RoleName": config["roleName"] if js_truthy(config["roleName"]) else {
            "Fn::Join": ["-", [service, ctx.stage, {"Ref": "AWS::Region"}, lower, "role"]]},
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}]},
        "Policies": [{
            "PolicyName": {"Fn::Join": ["-", [service, ctx.stage, "warmer", lower, "policy"]]},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream"],
                 "Resource": [{"Fn::Sub": f"{logs}{warmer_name}:*"}]},
                {"Effect": "Allow", "Action": ["logs:PutLogEvents"],
                 "Resource": [{"Fn::Sub": f"{logs}{warmer_name}:*:*"}]},
                {"Effect": "Allow", "Action": ["lambda:InvokeFunction"],
                 "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"
                                          f"{fn}*"} for fn in functions]},
                {"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces",
                                               "ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface"],
                 "Resource": "*"}]}}]}}
    _place(ctx, ("resources", "Resources", role), ("custom", "warmup", name))
    return role


def _add_function(ctx: CompileContext, name: str, config: dict[str, Any]) -> None:
    """addWarmUpFunctionToService, as the core then finds it (a function config)."""
    fn: dict[str, Any] = {"description": f'Serverless WarmUp Plugin (warmer "{name}")', "events": config["events"],
                          "handler": config["pathHandler"], "memorySize": config["memorySize"], "name": config["name"]}
    if js_truthy(config["architecture"]):
        fn["architecture"] = config["architecture"]
    fn.update(runtime=RUNTIME, package=config["package"], timeout=config["timeout"])
    if config["environment"]:
        fn["environment"] = config["environment"]
    for key in ("tracing", "logRetentionInDays"):
        if config[key] is not None:
            fn[key] = config[key]
    for key in ("roleName", "role", "tags", "vpc"):
        if config[key] is not _UNSET and js_truthy(config[key]):
            fn[key] = config[key]
    fn["layers"] = []
    function_name = f"warmUpPlugin{_capitalize(name)}"
    ctx.functions[function_name] = fn
    _place(ctx, ("functions", function_name), ("custom", "warmup", name))


def _place(ctx: CompileContext, path: tuple, source: tuple) -> None:
    """What the plugin adds comes from the warmer's config: its origin is the warmer's line."""
    position = ctx.positions.get(source)
    if position is not None:
        ctx.positions.setdefault(path, position)


_SCHEMA = (
    "custom.warmup.*: cleanFolder=bool memorySize=int timeout=int verbose=bool prewarm=bool payloadRaw=bool "
    "concurrency=int",
    "functions.*.warmup.*: payloadRaw=bool concurrency=int",
)

PLUGIN = Plugin(NAME, ">=8.0.0 <9", hooks=(("after:package:initialize", add_warmers),), schema=_SCHEMA)
