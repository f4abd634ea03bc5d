"""A state machine's `definition` into its `DefinitionString` (compileStateMachines.js,
configureTaskTimeouts.js, and the one change asl-validator makes to what it validates).

The definition becomes JSON text (`JSON.stringify(definition, undefined, 2)`): each intrinsic
function in it (`Fn::GetAtt`, `Ref`, ...) is replaced by `${<md5 of its JSON>}` and given to
`Fn::Sub` as a parameter, except a Ref of one of the service's functions, which becomes the static
ARN built from the function's name; `#{AWS::Region}`-style pseudo parameters become `${AWS::Region}`.
A value only known at deploy time makes the whole text unknown (an opaque token of it)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator

from promotelint.model.digest import md5
from promotelint.model.opaque import OPAQUE_KEY, is_opaque, opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_json
from promotelint.serverless.plugins.step_functions.common import (
    is_intrinsic, md5_hex, resolve_lambda_function_name, translate_local_function_names,
)

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_PSEUDO = re.compile(r"#{([^}]+)}")
_SERVERLESS_DEFAULT_TIMEOUT = 6  # the framework's function timeout when none is set
_LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"


def add_query_language(definition: Any) -> None:
    """asl-validator (run for `stepFunctions.validate: true`) sets `QueryLanguage` on every state of
    every `States` object, at any depth, that has none: the definition's own or JSONPath. (Whether
    the definition is valid is not checked here; an invalid one fails `serverless package`.)"""
    if not isinstance(definition, dict):
        return
    _add_query_language(definition, definition.get("QueryLanguage") or "JSONPath")


def _add_query_language(node: Any, default: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "States" and isinstance(value, (dict, list)):
                for state in (value.values() if isinstance(value, dict) else value):
                    if isinstance(state, dict) and not state.get("QueryLanguage"):
                        state["QueryLanguage"] = default
            _add_query_language(value, default)
    elif isinstance(node, list):
        for value in node:
            _add_query_language(value, default)


def configure_task_timeouts(ctx: CompileContext, definition: Any) -> None:
    """`configureTaskTimeouts: true`: a Task state that invokes one of the service's functions and has
    no TimeoutSeconds(Path) gets the function's timeout (else the provider's, else 6)."""
    if not isinstance(definition, dict) or not definition.get("States"):
        return
    provider_timeout = ctx.provider.get("timeout")
    fallback = provider_timeout if _is_number(provider_timeout) else _SERVERLESS_DEFAULT_TIMEOUT
    by_logical_id = {naming.get_lambda_logical_id(k): k for k in ctx.functions}
    for state in _task_states(definition["States"]):
        resource = state.get("Resource")
        if isinstance(resource, str) and resource.startswith(_LAMBDA_INVOKE):
            parameters = state.get("Parameters")
            key = _function_key(parameters.get("FunctionName") if isinstance(parameters, dict) else None,
                                ctx.functions, by_logical_id)
        else:
            key = _function_key(resource, ctx.functions, by_logical_id)
        if key is None or "TimeoutSeconds" in state or "TimeoutSecondsPath" in state:
            continue
        timeout = ctx.functions[key].get("timeout")
        state["TimeoutSeconds"] = timeout if _is_number(timeout) else fallback


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _task_states(states: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(states, dict):
        return
    for state in states.values():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Task":
            yield state
        elif state.get("Type") == "Parallel" and isinstance(state.get("Branches"), list):
            for branch in state["Branches"]:
                yield from _task_states(branch.get("States") if isinstance(branch, dict) else None)
        elif state.get("Type") == "Map":
            wrapper = state.get("ItemProcessor") or state.get("Iterator")
            if wrapper:
                yield from _task_states(wrapper.get("States") if isinstance(wrapper, dict) else None)


def _function_key(ref: Any, functions: dict[str, Any], by_logical_id: dict[str, str]) -> str | None:
    if not isinstance(ref, dict):
        return None
    if isinstance(ref.get("Ref"), str):
        target = ref["Ref"]
    elif isinstance(ref.get("Fn::GetAtt"), list) and ref["Fn::GetAtt"] and isinstance(ref["Fn::GetAtt"][0], str):
        target = ref["Fn::GetAtt"][0]
    else:
        return None
    return target if target in functions else by_logical_id.get(target)


def _intrinsic_functions(node: Any) -> Iterator[tuple[str, Any, bool]]:
    """`getIntrinsicFunctions`: (parameter name, intrinsic, is a Wait state's Seconds) for each
    intrinsic in the definition, which is replaced in place by `${<parameter name>}`."""
    if isinstance(node, list):
        items = list(enumerate(node))
    elif isinstance(node, dict) and not is_opaque(node):
        items = list(node.items())
    else:
        return
    for key, value in items:
        if isinstance(value, list):
            for index, element in enumerate(value):
                if is_intrinsic(element):
                    name = md5_hex(element)
                    value[index] = f"${{{name}}}"
                    yield name, element, False
                else:
                    yield from _intrinsic_functions(element)
        elif is_intrinsic(value):
            name = md5_hex(value)
            node[key] = f"${{{name}}}"
            yield name, value, isinstance(node, dict) and node.get("Type") == "Wait" and key == "Seconds"
        elif isinstance(value, dict):
            yield from _intrinsic_functions(value)


class _Unknown:
    """Collects whether text was built from a value only known at deploy time."""

    def __init__(self) -> None:
        self.found = False

    def plain(self, value: Any) -> Any:
        """The value with each opaque token replaced by its variable's text."""
        if is_opaque(value):
            self.found = True
            return value[OPAQUE_KEY]
        if isinstance(value, dict):
            return {k: self.plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.plain(v) for v in value]
        return value

    def wrap(self, value: str) -> Any:
        return opaque(value) if self.found else value


def definition_string(ctx: CompileContext, machine: dict[str, Any]) -> Any:
    """The `DefinitionString` of a state machine whose config has a `definition`."""
    unknown = _Unknown()
    definition = machine["definition"]
    if isinstance(definition, str) or is_opaque(definition):
        # A string definition is written as a JSON string (quotes included), its \n and \r escapes dropped.
        return unknown.wrap(re.sub(r"\\n|\\r", "", js_json(unknown.plain(definition))))
    if machine.get("configureTaskTimeouts") is True:
        configure_task_timeouts(ctx, definition)
    mappings = list(_intrinsic_functions(definition))
    body = js_json(unknown.plain(definition))
    replaced = bool(_PSEUDO.search(body))
    if replaced:
        definition = json.loads(_PSEUDO.sub(r"${\1}", body))
    body = js_json(unknown.plain(definition), indent=2)
    if not replaced and not mappings:
        return unknown.wrap(body)
    if not mappings:
        return {"Fn::Sub": unknown.wrap(body)}
    for name, _, wait_seconds in mappings:
        if wait_seconds:
            body = body.replace(f'"${{{name}}}"', f"${{{name}}}")
    params: dict[str, Any] = {}
    for name, value, _ in mappings:
        translated = translate_local_function_names(ctx, value)
        function_name = resolve_lambda_function_name(ctx, translated)
        if function_name is not None:
            # A static ARN: a Ref to the function would resolve to its name, which Step Functions rejects.
            body = body.replace(f"${{{name}}}", "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}"
                                f":function:{unknown.plain(function_name)}")
        else:
            params[name] = translated
    return {"Fn::Sub": unknown.wrap(body) if not params else [unknown.wrap(body), params]}


def use_exact_version(ctx: CompileContext, definition_string: Any) -> None:
    """`useExactVersion: true`: the Fn::Sub parameters that name a function name its current version
    instead; a function with layers gets a copy of its version whose logical ID also hashes the
    layers, so that a layer change alone updates the state machine."""
    if not isinstance(definition_string, dict) or not definition_string.get("Fn::Sub"):
        return
    if not isinstance(definition_string["Fn::Sub"], list):
        definition_string["Fn::Sub"] = [definition_string["Fn::Sub"], {}]
    resources = ctx.resources
    converted = {k: _function_version(resources, v) for k, v in definition_string["Fn::Sub"][1].items()}
    for key, value in converted.items():
        if not isinstance(value, dict) or "Ref" not in value:
            continue
        version = resources.get(value["Ref"])
        if not isinstance(version, dict) or version.get("Type") != "AWS::Lambda::Version":
            continue
        function_id = _get(version, "Properties", "FunctionName", "Ref")
        layers = _get(resources.get(function_id) if function_id else None, "Properties", "Layers") or []
        if not function_id or not layers:
            continue
        refs = sorted(layer if isinstance(layer, str) else js_json(layer) for layer in layers)
        layer_hash = md5(",".join(refs).encode()).hexdigest()[:8]
        layer_aware = f"{value['Ref']}L{layer_hash}"
        if layer_aware not in resources:
            resources[layer_aware] = copy.deepcopy(version)
            ctx.origins.setdefault(layer_aware, ctx.origins.get(value["Ref"]) or ctx.origin(()))
        converted[key] = {"Ref": layer_aware}
    definition_string["Fn::Sub"][1] = converted


def _function_version(resources: dict[str, Any], value: Any) -> Any:
    """`convertToFunctionVersion`: a Ref or GetAtt of a function becomes a Ref of its version."""
    def is_function(logical_id: Any) -> bool:
        return isinstance(resources.get(logical_id), dict) and resources[logical_id].get("Type") == \
            "AWS::Lambda::Function"

    def version_of(logical_id: str) -> str | None:
        return next((k for k, r in resources.items() if isinstance(r, dict) and r.get("Type") ==
                     "AWS::Lambda::Version" and _get(r, "Properties", "FunctionName", "Ref") == logical_id), None)

    if isinstance(value, dict) and "Ref" in value and is_function(value["Ref"]):
        version = version_of(value["Ref"])
        return {"Ref": version} if version else value
    if isinstance(value, dict) and isinstance(value.get("Fn::GetAtt"), list) and value["Fn::GetAtt"] \
            and is_function(value["Fn::GetAtt"][0]):
        version = version_of(value["Fn::GetAtt"][0])
        return {"Ref": version} if version else value
    return value


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value

