"""Refuse an invalid template before predicting: a Ref, GetAtt, Sub variable, DependsOn or condition
that names nothing is an error CloudFormation would also refuse (exit 2, naming the line)."""

from __future__ import annotations

from typing import Any

from promotelint.model.errors import InputError
from promotelint.model.template import Template, references
from promotelint.predict.intrinsics import PSEUDO_PARAMETERS

INVALID_BASE = "invalid base template"  # how an error about the base side begins
ATTRIBUTES = ("Metadata", "CreationPolicy", "UpdatePolicy", "DeletionPolicy", "UpdateReplacePolicy")


def check_references(template: Template, side: str = "head") -> None:
    """Refuse a template whose Ref / GetAtt / Sub / DependsOn name nothing (an invalid template).
    Both sides are checked (`side`: "base" names the deployed side in the message): a prediction
    from an invalid base would compare against a stack that cannot exist."""
    data = template.data
    resources = data.get("Resources")
    invalid = INVALID_BASE if side == "base" else "invalid template"
    if not isinstance(resources, dict):
        which = " (base side)" if side == "base" else ""
        raise InputError(f"not a CloudFormation template{which}: no Resources section",
                         file=template.source, fix="pass a template or a serverless.yml")
    names = set(resources) | set(data.get("Parameters") or {}) | PSEUDO_PARAMETERS
    conditions = set(data.get("Conditions") or {})

    def fail(what: str, path: tuple) -> None:
        origin = template.origins.get(path[1]) if len(path) > 1 and path[0] == "Resources" else None
        line = template.line_of(path) or (origin.line if origin else None)
        raise InputError(f"{invalid}: {what}", file=(origin.file if origin and not
                                                            template.positions else template.source),
                         line=line, fix="define it or fix the name")

    def walk(value: Any, path: tuple, local: frozenset = frozenset()) -> None:
        if isinstance(value, dict):
            if len(value) == 1:
                key, arg = next(iter(value.items()))
                if key == "Ref" and isinstance(arg, str) and arg not in names:
                    fail(f"Ref to {arg!r}, which is not a resource or parameter", path)
                if key == "Fn::GetAtt":
                    target = arg.split(".", 1)[0] if isinstance(arg, str) else (
                        arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else None)
                    if target is not None and target not in resources:
                        fail(f"Fn::GetAtt of {target!r}, which is not a resource", path)
                if key == "Fn::Sub":
                    text = arg if isinstance(arg, str) else (arg[0] if isinstance(arg, list) and arg else None)
                    variables = frozenset(arg[1]) if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) else frozenset()
                    if isinstance(text, str):
                        for name, _attr in references({"Fn::Sub": text}):
                            if name not in names and name not in variables and name not in local:
                                fail(f"Fn::Sub variable ${{{name}}} names no resource or parameter", path)
                    if isinstance(arg, list) and len(arg) > 1:
                        walk(arg[1], path + (1,), local)
                    return
                if key == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str) \
                        and arg[0] not in conditions:
                    fail(f"Fn::If on condition {arg[0]!r}, which is not defined", path)
            for k, v in value.items():
                walk(v, path + (k,), local)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, path + (i,), local)

    for lid, resource in resources.items():
        if not isinstance(resource, dict) or "Type" not in resource:
            fail(f"resource {lid!r} has no Type", ("Resources", lid))
        for key in ("Properties", "Metadata") + ATTRIBUTES[1:]:
            if key in resource:
                walk(resource[key], ("Resources", lid, key))
        depends = resource.get("DependsOn")
        for dep in [depends] if isinstance(depends, str) else (depends or []):
            if dep not in resources:
                fail(f"DependsOn {dep!r}, which is not a resource", ("Resources", lid, "DependsOn"))
        cond = resource.get("Condition")
        if isinstance(cond, str) and cond not in conditions:
            fail(f"Condition {cond!r} is not defined", ("Resources", lid, "Condition"))
    for key, decl in (data.get("Outputs") or {}).items():
        walk(decl, ("Outputs", key))
