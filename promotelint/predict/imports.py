"""What one template imports from other stacks: its `Fn::ImportValue`s and `${cf:stack.output}`s.

An import name is evaluated as CloudFormation would (parameter defaults, pseudo parameters, Fn::Sub,
Fn::Join); what stays unknown offline (a parameter without a default, an `${ssm:}` value, the stack
name of a bare template) becomes a `*` of a glob pattern, so a partly known import still matches the
exports it may name. A `${cf:}` variable reaches the compiled template as an opaque token of its own
text; its nested variables are `*` too.
"""

from __future__ import annotations

from collections.abc import Iterator

from promotelint.model.imports import ImportIndex, Importer
from promotelint.model.opaque import OPAQUE_KEY
from promotelint.model.regex import lazy
from promotelint.model.template import SUB_VARIABLE, Template, may_hold
from promotelint.predict.intrinsics import Evaluator, parameter_values

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

# ${cf:stack.output} and ${cf(region):stack.output}; the stack part may hold nested ${...}
# (a fallback after a comma is ignored: `${cf:stack.output, 'default'}`)
CF_VARIABLE = lazy(r"\$\{cf(?:\([^)]*\))?:((?:[^.{}\s]|\$\{[^}]*\})+)\.((?:[^{}\s,]|\$\{[^}]*\})+)(?:\s*,[^}]*)?\}")
_UNKNOWN = "*"


def imports_of(template: Template, service: str, file: str, region: str = "us-east-1") -> ImportIndex:
    """The index of what `template` (the service `service`, declared in `file`) imports."""
    # (most import nothing: the check of a repository asks this of every service)
    if not may_hold(template.data, "Fn::ImportValue", "${cf"):
        return ImportIndex()
    ev = Evaluator(template.data, parameter_values(template.data, {}), region,
                   template.stack_name or _UNKNOWN)
    exports: dict[str, tuple[Importer, ...]] = {}
    patterns: list[tuple[str, Importer]] = []
    importer = Importer(service, file, "Fn::ImportValue")
    for arg in _import_values(template.data):
        name = _glob(ev.eval(arg))
        if not name.strip(_UNKNOWN):
            continue  # nothing of the name is known: it could be any export
        if _UNKNOWN in name:
            patterns.append((name, importer))
        else:
            exports[name] = (importer,)
    return ImportIndex(exports, tuple(dict.fromkeys(patterns)), cf_references(_texts(template.data), service, file))


def cf_references(texts: Iterator[str] | list[str], service: str, file: str) -> tuple:
    """The (stack, output) glob pairs of the `${cf:}` variables in `texts`, with their importer."""
    importer = Importer(service, file, "${cf:}")
    found = []
    for text in texts:
        for stack, output in CF_VARIABLE.findall(text):
            found.append(((SUB_VARIABLE.sub(_UNKNOWN, stack), SUB_VARIABLE.sub(_UNKNOWN, output)), importer))
    return tuple(dict.fromkeys(found))


def _import_values(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::ImportValue" in value:
            yield value["Fn::ImportValue"]
            return
        for item in value.values():
            yield from _import_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _import_values(item)


def _texts(value: Any) -> Iterator[str]:
    """Every string of the template, opaque tokens' texts included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == OPAQUE_KEY and isinstance(item, str):
                yield item
            else:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _glob(value: Any) -> str:
    """An evaluated import name as a glob: what is still unknown offline is `*`."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) \
                and isinstance(arg[1], list):
            return arg[0].join(_glob(item) for item in arg[1])
        if key == "Fn::Sub":
            text = arg[0] if isinstance(arg, list) and arg else arg
            if isinstance(text, str):
                return SUB_VARIABLE.sub(_UNKNOWN, text)
    return _UNKNOWN
