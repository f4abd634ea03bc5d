"""Refuse a template whose sections and resources have shapes CloudFormation rejects ("Template
format error"), on either side, before anything reads them: a `Properties` that is a string, an
`Outputs` list, a `DependsOn: 5`. One line names the file, the line and what the shape must be."""

from __future__ import annotations


from promotelint.model.errors import InputError
from promotelint.model.template import Template

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_MAPPING, _TEXT = (dict,), (str,)
# Top-level sections and what each must be (Transform: a macro name, a list of them, or a mapping
# {Name, Parameters}).
SECTION_KINDS: dict[str, tuple[type, ...]] = {
    "Resources": _MAPPING, "Outputs": _MAPPING, "Parameters": _MAPPING, "Conditions": _MAPPING,
    "Mappings": _MAPPING, "Metadata": _MAPPING, "Rules": _MAPPING, "Transform": (str, list, dict),
}
# A resource's attributes. DeletionPolicy and UpdateReplacePolicy may also be an intrinsic (a
# mapping) under the AWS::LanguageExtensions transform; Properties may be null (no properties).
RESOURCE_KINDS: dict[str, tuple[type, ...]] = {
    "Type": _TEXT, "Properties": (dict, type(None)), "Metadata": _MAPPING, "Condition": _TEXT,
    "DependsOn": (str, list), "DeletionPolicy": (str, dict), "UpdateReplacePolicy": (str, dict),
    "CreationPolicy": _MAPPING, "UpdatePolicy": _MAPPING,
}
OUTPUT_KINDS: dict[str, tuple[type, ...]] = {"Export": _MAPPING, "Condition": _TEXT}
_NAMES = {dict: "a mapping", list: "a list", str: "a string", type(None): "empty", bool: "true/false",
          int: "a number", float: "a number"}


def check_shape(template: Template) -> None:
    data = template.data
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise InputError("not a CloudFormation template: no Resources mapping", file=template.source,
                         line=1, fix="pass a template with a Resources section, or a serverless.yml")
    for section, kinds in SECTION_KINDS.items():
        _expect(template, data, section, kinds, (section,))
    transform = data.get("Transform")
    for i, name in enumerate(transform if isinstance(transform, list) else ()):
        _expect(template, transform, i, (str, dict), ("Transform", i))
    for kind, entries in (("parameter", "Parameters"), ("output", "Outputs")):
        for name, value in (data.get(entries) or {}).items():
            _expect(template, data[entries], name, _MAPPING, (entries, name), what=f"{kind} {name!r}")
    for name, output in (data.get("Outputs") or {}).items():
        for key, kinds in OUTPUT_KINDS.items():
            _expect(template, output, key, kinds, ("Outputs", name, key))
    for lid, resource in data["Resources"].items():
        path = ("Resources", lid)
        _expect(template, data["Resources"], lid, _MAPPING, path, what=f"resource {lid!r}")
        if "Type" not in resource:
            _fail(template, f"resource {lid!r} has no Type", path, "give it a Type such as AWS::S3::Bucket")
        for key, kinds in RESOURCE_KINDS.items():
            _expect(template, resource, key, kinds, path + (key,))
        depends = resource.get("DependsOn")
        for i, name in enumerate(depends if isinstance(depends, list) else ()):
            _expect(template, depends, i, _TEXT, path + ("DependsOn", i))


def _expect(template: Template, holder: Any, key: Any, kinds: tuple[type, ...], path: tuple,
            what: str | None = None) -> None:
    if isinstance(holder, list):
        value = holder[key]
    elif key in holder:
        value = holder[key]
    else:
        return
    if not isinstance(value, kinds):
        wanted = " or ".join(_NAMES[k] for k in kinds if k is not type(None))
        label = what or "/".join(str(p) for p in path)
        _fail(template, f"{label} must be {wanted}, not {_NAMES.get(type(value), type(value).__name__)}",
              path, f"write it as {wanted}")


def _fail(template: Template, message: str, path: tuple, fix: str) -> None:
    origin = template.origins.get(path[1]) if len(path) > 1 and path[0] == "Resources" else None
    line = template.line_of(path) or (origin.line if origin else None)
    raise InputError(f"invalid template: {message}", line=line, fix=fix,
                     file=origin.file if origin and not template.positions else template.source)
