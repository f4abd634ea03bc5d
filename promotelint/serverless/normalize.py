"""What the framework does to a service config when it loads it, before any compile step: the
array forms of `functions` and `resources` merged, provider and function defaults set, and the
shapes the compile steps rely on checked (lib/classes/service.js, lib/config-schema.js)."""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.serverless.coerce import coerce_schema_unions
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import clone_deep, lodash_merge
from promotelint.serverless.values import text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def normalize_service(ctx: CompileContext) -> None:
    """What the framework does to the config on load: array forms, function names and events."""
    config = clone_deep(ctx.config)
    for key in ("resources", "functions"):
        if isinstance(config.get(key), list):
            merged: dict[str, Any] = {}
            for value in config[key]:
                if value:
                    if not isinstance(value, dict):
                        raise ctx.error((), f"non-object value in {key} array: {value!r}",
                                        f"make every {key} entry a mapping")
                    lodash_merge(merged, value)
            config[key] = merged
            # Point origins of the merged entries at the list items they came from.
            for path, position in list(ctx.positions.items()):
                if len(path) > 2 and path[0] == key and isinstance(path[1], int):
                    ctx.positions.setdefault((key,) + path[2:], position)
    prov = config.get("provider")
    if not isinstance(prov, dict):
        prov = config["provider"] = {"name": prov}
    prov["stage"] = ctx.stage
    prov["region"] = ctx.region
    bucket = prov.get("deploymentBucket")
    if isinstance(bucket, dict):
        prov["deploymentBucketObject"] = bucket
        prov["deploymentBucket"] = bucket.get("name") or None
    fns = config.get("functions")
    if fns is None:
        fns = config["functions"] = {}
    if not isinstance(fns, dict):
        raise ctx.error((), "functions must be a mapping", "write functions as `name: {handler: ...}` entries")
    for name in list(fns):
        fn = fns[name]
        if fn is None:
            del fns[name]
            continue
        if not isinstance(fn, dict):
            raise ctx.error(("functions", name), f"function {name!r} must be a mapping",
                            "give the function a handler or image")
        if is_opaque(fn.get("events")):
            ctx.warn(f'function "{name}": its events ({text(fn["events"])}) are not known offline: '
                     "their resources are not in the prediction")
            fn["events"] = []
        if not fn.get("events"):
            fn["events"] = []
        if not fn.get("name"):
            fn["name"] = f"{config.get('service')}-{ctx.stage}-{name}"
    if not isinstance(config.get("layers"), dict):
        config["layers"] = {}
    coerce_schema_unions(config)
    _check_shapes(ctx, config)
    _check_runtimes(ctx, config)
    ctx.config = config


def _check_runtimes(ctx: CompileContext, config: dict[str, Any]) -> None:
    """`configValidationMode: error`: the engine refuses a runtime its schema does not list (osls
    3.77 lists only the runtimes AWS still supports; `warn`, the default, only warns)."""
    if config.get("configValidationMode") != "error" or not ctx.engine.runtimes:
        return
    places = [(("provider", "runtime"), config["provider"].get("runtime"))]
    places += [(("functions", name, "runtime"), fn.get("runtime")) for name, fn in config["functions"].items()]
    for name, layer in config["layers"].items():
        runtimes = layer.get("compatibleRuntimes") if isinstance(layer, dict) else None
        places += [(("layers", name, "compatibleRuntimes", i), r) for i, r in enumerate(runtimes or [])]
    for path, runtime in places:
        if isinstance(runtime, str) and runtime not in ctx.engine.runtimes:
            family = [r for r in ctx.engine.runtimes if r.rstrip("0123456789.x") == runtime.rstrip("0123456789.x")]
            raise ctx.error(path, f"{ctx.engine.label} refuses runtime {runtime} (configValidationMode: error)",
                            f"use a runtime it lists{', e.g. ' + family[-1] if family else ''}")


_MAPPING, _LIST = (dict,), (list,)
# Settings the compile steps read as mappings or lists; another shape is a config error (the
# framework's schema rejects it too) and is reported as one instead of failing somewhere inside.
_PROVIDER_SHAPES = {"environment": _MAPPING, "tags": _MAPPING, "vpc": _MAPPING, "iam": _MAPPING, "s3": _MAPPING,
                    "alb": _MAPPING, "layers": _LIST, "ecr": _MAPPING, "deploymentBucketObject": _MAPPING,
                    "kinesis": _MAPPING, "logs": _MAPPING, "tracing": _MAPPING, "eventBridge": _MAPPING}
_FUNCTION_SHAPES = {"environment": _MAPPING, "tags": _MAPPING, "vpc": (dict, bool), "package": _MAPPING,
                    "destinations": _MAPPING, "url": (dict, bool), "layers": _LIST, "events": _LIST,
                    "fileSystemConfig": _MAPPING, "image": (dict, str)}
_EVENT_SHAPES = {"sqs": (dict, str), "stream": (dict, str), "sns": (dict, str), "schedule": (dict, str),
                 "s3": (dict, str), "cloudwatchLog": (dict, str), "alexaSkill": (dict, str),
                 "alexaSmartHome": (dict, str), "alb": _MAPPING, "iot": _MAPPING, "iotFleetProvisioning": _MAPPING,
                 "cloudwatchEvent": _MAPPING, "cognitoUserPool": _MAPPING, "eventBridge": _MAPPING,
                 "kafka": _MAPPING, "msk": _MAPPING, "activemq": _MAPPING, "rabbitmq": _MAPPING}
_EVENT_OPTION_SHAPES = {"rules": _LIST, "filterPatterns": _LIST, "conditions": _MAPPING, "destinations": _MAPPING,
                        "accessConfigurations": _MAPPING, "redrivePolicy": _MAPPING, "inputTransformer": _MAPPING,
                        "retryPolicy": _MAPPING, "healthCheck": (dict, bool), "logGroup": (str,),
                        "filter": (str,)}
_TYPE_NAMES = {dict: "a mapping", list: "a list", bool: "true/false", str: "a string", object: "a value"}


def _check_shape(ctx: CompileContext, holder: Any, key: Any, kinds: tuple, path: tuple) -> None:
    value = holder[key] if isinstance(holder, list) else holder.get(key)
    if value is None or is_opaque(value) or isinstance(value, kinds):
        return
    if kinds == _LIST and isinstance(value, (str, int, float, bool)):
        holder[key] = [value]  # AJV's coerceTypes 'array'
        return
    wanted = " or ".join(_TYPE_NAMES[k] for k in kinds)
    raise ctx.error(path, f"{'.'.join(str(p) for p in path)} must be {wanted}", f"write it as {wanted}")


def _check_shapes(ctx: CompileContext, config: dict[str, Any]) -> None:
    prov = config["provider"]
    tracing = prov.get("tracing")
    if tracing is not None and not isinstance(tracing, dict) and not is_opaque(tracing) \
            and config.get("configValidationMode") != "error":
        # `tracing: true`: the schema wants {lambda, apiGateway}; under the default `warn` mode the
        # framework warns and reads `tracing.lambda` / `tracing.apiGateway` of a boolean: nothing.
        ctx.warn(f"provider.tracing must be a mapping (lambda: true, apiGateway: true); the framework "
                 f"ignores `tracing: {text(tracing)}` (no X-Ray tracing is set)")
        del prov["tracing"]
    # (`key in` first: a missing key passes, and most of the keys checked are missing)
    for key, kinds in _PROVIDER_SHAPES.items():
        if key in prov:
            _check_shape(ctx, prov, key, kinds, ("provider", key))
    _check_shape(ctx, config, "package", _MAPPING, ("package",))
    _check_shape(ctx, config, "resources", _MAPPING, ("resources",))
    for key in ("Resources", "Outputs", "Conditions", "extensions"):
        _check_shape(ctx, config.get("resources") or {}, key, _MAPPING, ("resources", key))
    for name in config["layers"]:
        _check_shape(ctx, config["layers"], name, _MAPPING, ("layers", name))
    for name, fn in config["functions"].items():
        for key, kinds in _FUNCTION_SHAPES.items():
            if key in fn:
                _check_shape(ctx, fn, key, kinds, ("functions", name, key))
        for index in range(len(fn["events"])):
            path = ("functions", name, "events", index)
            _check_shape(ctx, fn["events"], index, (dict, str), path)
            event = fn["events"][index]
            for kind in list(event) if isinstance(event, dict) else ():
                _check_shape(ctx, event, kind, _EVENT_SHAPES.get(kind, (object,)), path + (kind,))
                value = event[kind]
                for option, option_kinds in (_EVENT_OPTION_SHAPES.items() if isinstance(value, dict) else ()):
                    if option in value:
                        _check_shape(ctx, value, option, option_kinds, path + (kind, option))
