"""What the plugin's steps share: the `stepFunctions` config as the plugin reads it (lib/yamlParser.js),
its logical IDs and names (lib/naming.js), and the JavaScript idioms its code is built on (lib/utils/)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from promotelint.model.digest import md5
from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_json, js_keys, js_string
from promotelint.serverless.values import name_from

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

SECTION = "stepFunctions"


class PluginError(Exception):
    """What the plugin throws (`serverless.classes.Error`, or a JavaScript error in its code): the
    step turns it into an InputError at the config node it names."""

    def __init__(self, message: str, path: tuple = ()) -> None:
        super().__init__(message)
        self.path = path


def read_config(ctx: CompileContext) -> None:
    """`yamlParse` (package:initialize): the plugin's view of `stepFunctions`, with the coercions the
    framework's schema validation applies to the top-level property the plugin defines (`validate`
    and `noOutput` booleans, `activities` an array)."""
    section = ctx.config.get(SECTION)
    section = section if isinstance(section, dict) else {}
    view = {
        "validate": _coerce_boolean(section.get("validate")),
        "noOutput": _coerce_boolean(section.get("noOutput")),
        "stateMachines": section.get("stateMachines") or {},
        "activities": section.get("activities") or [],
    }
    if not isinstance(view["activities"], (list, dict)):
        view["activities"] = [view["activities"]]  # AJV coerceTypes 'array'
    ctx.config[SECTION] = view


def _coerce_boolean(value: Any) -> Any:
    return {"true": True, "false": False}.get(value, value) if isinstance(value, str) else value


def section(ctx: CompileContext) -> dict[str, Any]:
    if not isinstance(ctx.config.get(SECTION), dict) or "stateMachines" not in ctx.config[SECTION]:
        read_config(ctx)
    return ctx.config[SECTION]


def state_machines(ctx: CompileContext) -> Iterator[tuple[str, Any]]:
    """`getAllStateMachines()` / `getStateMachine(name)`, in config order."""
    machines = section(ctx)["stateMachines"]
    if not isinstance(machines, dict) or is_opaque(machines):
        raise PluginError("stateMachines property is not an object Please check the README for more info.",
                          (SECTION, "stateMachines"))
    yield from ((key, machines[key]) for key in js_keys(machines))


def machine_path(key: str) -> tuple:
    return (SECTION, "stateMachines", key)


# lib/naming.js

def generate_logical_id(name: Any, suffix: str = "") -> str:
    return f"{naming.get_normalized_function_name(js_string(name))}{suffix}"


def state_machine_logical_id(ctx: CompileContext, key: str, machine: Any) -> str:
    """`getStateMachineLogicalId`: from `id`, else `name`, else the config key."""
    custom = (machine.get("id") or machine.get("name")) if isinstance(machine, dict) else None
    if custom:
        return generate_logical_id(name_from(ctx, custom, f"state machine {key}'s logical ID"))
    return generate_logical_id(key, "StepFunctionsStateMachine")


def state_machine_output_logical_id(ctx: CompileContext, key: str, machine: Any) -> str:
    custom = (machine.get("id") or machine.get("name")) if isinstance(machine, dict) else None
    if custom:
        return generate_logical_id(name_from(ctx, custom, f"state machine {key}'s output"), "Arn")
    return generate_logical_id(key, "StepFunctionsStateMachineArn")


def machine_name(key: str, machine: dict[str, Any]) -> Any:
    """`stateMachineObj.name || stateMachineName`, the name alarms, notifications and roles use."""
    return machine.get("name") or key


def policy_name(ctx: CompileContext) -> str:
    """`getStateMachinePolicyName()`."""
    return f"{ctx.stage}-{ctx.service_name}-statemachine"


# lib/utils/aws.js

def is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and any(k.startswith("Fn::") or k == "Ref" for k in value)


def translate_local_function_names(ctx: CompileContext, value: Any) -> Any:
    """`translateLocalFunctionNames`: a Ref or GetAtt of a function's config key (`hello-world`)
    becomes one of its logical ID (`HelloDashworldLambdaFunction`)."""
    def translate(logical_id: Any) -> Any:
        if isinstance(logical_id, str) and logical_id not in ctx.resources and logical_id in ctx.functions:
            return naming.get_lambda_logical_id(logical_id)
        return logical_id

    if isinstance(value, dict) and "Ref" in value:
        return {"Ref": translate(value["Ref"])}
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        parts = value["Fn::GetAtt"]
        parts = list(parts) if isinstance(parts, (list, str)) else []  # JavaScript destructuring
        return {"Fn::GetAtt": [translate(parts[0] if parts else None), parts[1] if len(parts) > 1 else None]}
    return value


def resolve_lambda_function_name(ctx: CompileContext, ref: Any) -> Any:
    """`resolveLambdaFunctionName`: the deployed name of the function a Ref names (by config key or
    logical ID), or None."""
    if not isinstance(ref, dict) or "Ref" not in ref:
        return None
    target = ref["Ref"]
    key = target if isinstance(target, str) and target in ctx.functions else next(
        (k for k in ctx.functions if naming.get_lambda_logical_id(k) == target), None)
    if key is None:
        return None
    name = ctx.functions[key].get("name")
    return name if isinstance(name, str) or is_opaque(name) else None


def trim_alias_from_lambda_arn(resource: Any) -> Any:
    import re

    if isinstance(resource, str) and re.match(r"^arn:aws(-[a-z]+)*:lambda", resource):
        parts = resource.split(":")
        return ":".join(parts[:7]) if len(parts) == 8 else resource
    return resource


# JavaScript idioms

def md5_hex(value: Any) -> str:
    """md5 of `JSON.stringify(value)`, as the plugin names things after their content."""
    return md5(js_json(value).encode()).hexdigest()


def js_replace(text: str, pattern: str, replacement: str) -> str:
    """`text.replace(pattern, replacement)` with a string pattern: the first match, and the
    replacement's `$$`, `$&`, `` $` `` and `$'` patterns."""
    index = text.find(pattern)
    if index < 0:
        return text
    out, i = [], 0
    while i < len(replacement):
        char = replacement[i]
        nxt = replacement[i + 1] if i + 1 < len(replacement) else ""
        if char == "$" and nxt in ("$", "&", "`", "'"):
            out.append({"$": "$", "&": pattern, "`": text[:index], "'": text[index + len(pattern):]}[nxt])
            i += 2
            continue
        out.append(char)
        i += 1
    return text[:index] + "".join(out) + text[index + len(pattern):]


def json_parse(ctx: CompileContext, text: str, path: tuple, what: str) -> Any:
    """`JSON.parse` of template text the plugin builds by interpolation: a value that breaks the
    JSON (a quote in a name, a mapping where text goes) makes the plugin fail, and so this."""
    def no_constants(name: str) -> Any:
        raise ValueError(f"unexpected {name}")

    try:
        return json.loads(text, parse_constant=no_constants)
    except ValueError as exc:
        raise ctx.error(path, f"serverless-step-functions cannot build the {what} from this config: its "
                        f"template is not JSON once the settings are interpolated ({exc})",
                        "check the quotes and the types of the values in this setting") from None
