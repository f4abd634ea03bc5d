"""Refuse an invalid template before predicting: a Ref, GetAtt, Sub variable, DependsOn or condition
that names nothing is an error CloudFormation would also refuse (exit 2, naming the line)."""

from __future__ import annotations

from promotelint.model.errors import InputError
from promotelint.model.record import record
from promotelint.model.template import SUB_VARIABLE, Template, getatt_pair, references
from promotelint.predict.intrinsics import PSEUDO_PARAMETERS, TYPED_FUNCTIONS, sub_questions
from promotelint.predict.shape import OUTPUT_KINDS, RESOURCE_KINDS, SECTION_KINDS, check_shape

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

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

    try:
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
    finally:  # `walk` calls itself: a cycle holding the template, cut here (cli/__init__.py)
        walk = fail = None  # type: ignore[assignment]


@record
class Survey:
    """What the walk of a valid pair met on its way (`_valid_pair`)."""

    questions: dict[str, tuple | None]  # of each base resource (intrinsics.questions, or None)
    unchanged: frozenset[str]  # the head resources equal to the base's


def check_template(base: Template, head: Template) -> Survey | None:
    """Refuse either side's bad shapes (check_shape), then bad references (check_references), as
    those would, in that order. Both sides are first walked by `_valid_pair`, which checks the
    same things without paths, lines or messages (4x faster on a template): only when it finds a
    fault do the exact checks run to name it.

    What the walk met on its way is given back (Survey: the questions of each base resource, as
    the predictor asks them of both sides, and the resources equal on both sides), or None when
    the exact checks ran instead."""
    survey = _valid_pair(base, head)
    if survey is not None:
        return survey
    check_shape(base)
    check_shape(head)
    check_references(base, "base")
    check_references(head)
    return None


# The scalar types parsed templates hold: any other type (a mapping or list subclass, a date) makes
# `_valid_pair` leave the verdict to the exact checks, which judge it with isinstance.
_SCALARS = frozenset({str, int, float, bool, type(None)})
_PLAIN = _SCALARS | {dict, list}
_WALKED = ("Properties", "Metadata") + ATTRIBUTES[1:]  # the resource keys check_references walks
_KNOWN_KEYS = RESOURCE_KINDS.keys()


def _outline(data: Any) -> tuple[dict, set, set, dict] | None:
    """The template's resources, the names a Ref may name, its conditions and its outputs, when
    its sections have the shapes check_shape accepts (else None)."""
    if type(data) is not dict:
        return None
    resources = data.get("Resources")
    if type(resources) is not dict:
        return None
    if not _shaped(data, SECTION_KINDS):
        return None
    transform = data.get("Transform")
    if type(transform) is list and any(not isinstance(name, (str, dict)) for name in transform):
        return None
    if any(type(value) is not dict for value in (data.get("Parameters") or {}).values()):
        return None
    outputs = data.get("Outputs") or {}
    if any(type(output) is not dict or not _shaped(output, OUTPUT_KINDS) for output in outputs.values()):
        return None
    names = set(resources) | set(data.get("Parameters") or {}) | PSEUDO_PARAMETERS
    return resources, names, set(data.get("Conditions") or {}), outputs


def _shaped(holder: dict, kinds_of: dict[str, tuple[type, ...]]) -> bool:
    """Whether each key of `holder` that `kinds_of` names holds a plain value of one of its kinds."""
    for key, value in holder.items():
        kinds = kinds_of.get(key)
        if kinds is not None and (type(value) not in _PLAIN or not isinstance(value, kinds)):
            return False
    return True


def _valid_pair(base: Template, head: Template) -> Survey | None:
    """When check_shape and check_references would accept both templates, what the walk met (the
    questions of each base resource, intrinsics.questions, and the head resources equal to the
    base's); None when they might not (then they decide).

    Most of a promotion's resources are the same on both sides: walking a base resource also notes
    whether every name it uses exists on the head side too, and a head resource equal to such a
    one is valid without a walk of its own. The walk of a base resource meets every name its
    evaluation may ask about, and notes them as it goes: the predictor needs them to find the
    resources both sides evaluate alike, and a walk of their own would cost as much again."""
    b, h = _outline(base.data), _outline(head.data)
    if b is None or h is None:
        return None
    # the sides' names, read by the walks below: first the base's (and the head's as `other_*`),
    # then the head's
    resources, names, conditions, _ = b
    other_resources, other_names, other_conditions, _ = h
    shared = True  # whether the values walked so far use only names the other side has too
    asked: dict[tuple, None] | None = None  # the questions of the base resource walked
    askable = True  # whether its questions are all `questions` would give (not None)
    typed = 0  # how many of TYPED_FUNCTIONS the walk is inside: a number there is not askable

    def walk(container: Any) -> bool:
        # the values inside `container` (a dict or list), as check_references' walk visits them
        nonlocal shared, askable, typed
        for value in (container.values() if type(container) is dict else container):
            kind = type(value)
            if kind is str:
                continue
            if kind is dict:
                if len(value) == 1:
                    for key in value:
                        arg = value[key]
                    if key == "Ref":
                        if type(arg) is str:
                            if arg not in names:
                                return False
                            if arg not in other_names:
                                shared = False
                            if asked is not None:
                                asked[("Ref", arg)] = None
                            continue
                        askable = False  # a name that is itself computed
                    elif key == "Fn::GetAtt":
                        target = arg.split(".", 1)[0] if isinstance(arg, str) else (
                            arg[0] if isinstance(arg, list) and arg and isinstance(arg[0], str) else None)
                        if target is not None:
                            if target not in resources:
                                return False
                            if target not in other_resources:
                                shared = False
                        if asked is not None:
                            pair = getatt_pair(arg)
                            if pair is None:
                                askable = False
                            else:
                                asked[("GetAtt", *pair)] = None
                        if type(arg) is str or type(arg) is list and len(arg) == 2 \
                                and type(arg[0]) is str and type(arg[1]) is str:
                            continue  # its usual forms hold only text: nothing in them to walk
                    elif key == "Fn::Sub":
                        if asked is not None:
                            variables = sub_questions(arg)
                            if variables is None:
                                askable = False
                            else:
                                asked.update(dict.fromkeys(variables))
                        typed += 1
                        valid = sub(arg)
                        typed -= 1
                        if not valid:
                            return False
                        continue
                    elif key == "Fn::If":
                        if isinstance(arg, list) and arg and isinstance(arg[0], str):
                            if arg[0] not in conditions:
                                return False
                            if arg[0] not in other_conditions:
                                shared = False
                            if asked is not None:
                                asked[("Condition", arg[0])] = None
                    elif key in TYPED_FUNCTIONS:
                        typed += 1
                        valid = walk(arg if type(arg) is list else [arg])  # (its argument's values)
                        typed -= 1
                        if not valid:
                            return False
                        continue
                    elif asked is not None:
                        if key == "Condition" and type(arg) is str:
                            asked[("Condition", arg)] = None
                            continue
                        if key == "Fn::FindInMap":
                            askable = False
                if not walk(value):
                    return False
            elif kind is list:
                if not walk(value):
                    return False
            elif kind not in _SCALARS:
                return False
            elif typed and value is not None:
                askable = False  # a number or boolean that an intrinsic function reads as text
        return True

    def sub(arg: Any) -> bool:
        nonlocal shared
        text = arg if isinstance(arg, str) else (arg[0] if isinstance(arg, list) and arg else None)
        local = arg[1] if isinstance(arg, list) and len(arg) > 1 and isinstance(arg[1], dict) else {}
        if type(text) is str and "${" in text:
            for var in SUB_VARIABLE.findall(text):
                name = var.partition(".")[0]
                if not var.startswith("!") and name not in local:
                    if name not in names:
                        return False
                    if name not in other_names:
                        shared = False
        elif isinstance(text, str) and type(text) is not str:
            return False
        return walk([arg[1]]) if isinstance(arg, list) and len(arg) > 1 else True

    def valid_resources(these: dict[str, Any], base: dict[str, Any] | None) -> bool:
        # each resource's shape and names, and its values walked, but those of a head resource
        # equal to a base resource in `both` (`base`: the base's resources, when these are the
        # head's); the questions of each base resource in `survey`
        nonlocal shared, asked, askable
        for lid, resource in these.items():
            # (a resource equal on both sides is in `both` when the head is valid: a name it uses
            # that the head lacks fails the head's walk of it; its shape is the base's, checked)
            same = base is not None and lid in both and (base[lid] is resource or base[lid] == resource)
            if not same and (type(resource) is not dict or "Type" not in resource
                             or not _shaped(resource, RESOURCE_KINDS)):
                return False
            depends = resource.get("DependsOn")
            for dep in [depends] if type(depends) is str else (depends or ()):
                if type(dep) is not str or dep not in resources:
                    return False
            condition = resource.get("Condition")
            if condition is not None and condition not in conditions:
                return False
            if same:
                unchanged.append(lid)
                continue
            shared = askable = True
            if base is None:
                asked = {}
            # a resource of only the keys RESOURCE_KINDS knows is walked whole: the others (Type,
            # Condition, DependsOn) hold only text, checked above
            if not walk(resource if resource.keys() <= _KNOWN_KEYS else
                        [value for key, value in resource.items() if key in _WALKED]):
                return False
            if shared:
                both.add(lid)
            if base is None:
                survey[lid] = tuple(asked) if askable else None  # type: ignore[arg-type]
        asked = None
        return True

    both: set[str] = set()  # resources whose values use only names both sides have
    survey: dict[str, tuple | None] = {}
    unchanged: list[str] = []
    try:
        if not (valid_resources(resources, None) and walk(list(b[3].values()))):
            return None
        if head is base:
            return Survey(survey, frozenset(resources))
        base_resources = resources
        resources, names, conditions = other_resources, other_names, other_conditions
        if valid_resources(resources, base_resources) and walk(list(h[3].values())):
            return Survey(survey, frozenset(unchanged))
        return None
    finally:  # the closures call each other: a cycle holding the templates, broken here (cli/__init__.py)
        walk = sub = valid_resources = None  # type: ignore[assignment]
