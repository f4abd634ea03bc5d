"""What changes inside a resource, property by property, for people: `MemorySize: 512 → 1024`,
nested paths (`KeySchema[0].AttributeName: id → noteId`), list items added and removed, IAM
statements as sentences, tags by key, and the property that forces a replacement marked (as cdk
diff does).

Built from the change's details (one per changed property, CloudFormation's BeforeValue and
AfterValue) and the evaluated resources beside them (for the nested paths). Where the two disagree
the detail wins: it is what CloudFormation shows, and what the reports are given (masked values
included).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence

from promotelint.model.changeset import KNOWN_AFTER_APPLY, Detail, ResourceChange
from promotelint.model.opaque import OPAQUE_KEY
from promotelint.model.record import record
from promotelint.model.secrets import MASK

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

VALUE_WIDTH = 60  # characters of one value shown; a longer one is cut in the middle, its path kept
_MISSING = object()
_RANK = {"Never": 0, "Conditionally": 1, "Always": 2}


@record
class PropertyChange:
    """One changed value: `~` modified, `+` added, `-` removed."""

    path: str  # KeySchema[0].AttributeName, Tags.env, DeletionPolicy
    action: str
    before: str | None = None  # shown as is: shortened, intrinsics readable
    after: str | None = None
    recreation: str = "Never"  # of the top-level property: Never | Conditionally | Always
    cause: str | None = None  # a replaced resource the new value comes from (NotesTable.Arn)

    def __str__(self) -> str:
        if self.cause is not None:
            text = f"{self.path}: known after apply ({self.cause.split('.')[0]} is replaced)"
        elif self.action == "~":
            text = f"{self.path}: {self.before} → {self.after}"
        else:
            text = f"{self.path}: {self.after if self.action == '+' else self.before}"
        marker = {"Always": " (requires replacement)", "Conditionally": " (may require replacement)"}
        return f"{self.action} {text}{marker.get(self.recreation, '')}"


def property_changes(change: ResourceChange, width: int = VALUE_WIDTH) -> list[PropertyChange]:
    """The changed values of a modified resource, property by property in the details' order."""
    if change.action != "Modify":
        return []
    groups: dict[str, list[Detail]] = {}
    for d in change.details:
        if d.target.name is None and d.target.path is None:
            continue  # the type changed: `why` says so
        groups.setdefault(d.target.path or d.target.attribute, []).append(d)
    out: list[PropertyChange] = []
    for details in groups.values():
        target = details[0].target
        recreation = max((d.target.requires_recreation for d in details), key=lambda r: _RANK.get(r, 0))
        label = target.name or (target.path or target.attribute).rsplit("/", 1)[-1]
        direct = [d for d in details if d.target.after_value != KNOWN_AFTER_APPLY]
        if direct:
            section = "Properties" if target.attribute in ("Properties", "Tags") else None
            before = _value(change.before, section, label, direct[0].target.before_value)
            after = _value(change.after, section, label, direct[0].target.after_value)
            found = list(_diff(label, before, after, recreation, width))
            if not found and MASK in _cf_text(before) + _cf_text(after):
                # the values differ where they are masked (issue 13): the change is said, not shown
                found = [PropertyChange(label, "~", MASK, MASK, recreation)]
            out.extend(found)
        causes = dict.fromkeys(d.causing_entity for d in details if d not in direct and d.causing_entity)
        out.extend(PropertyChange(label, "~", recreation=recreation, cause=c) for c in causes)
    return out


def _value(resource: Mapping[str, Any] | None, section: str | None, name: str, shown: str | None) -> Any:
    """The property's value from the evaluated resource, unless the detail says otherwise."""
    holder = (resource or {}).get(section) if section else resource
    value = holder.get(name, _MISSING) if isinstance(holder, dict) else _MISSING
    if shown is None or (value is not _MISSING and _cf_text(value) == shown):
        return value
    try:
        return json.loads(shown) if shown[:1] in "[{" else shown
    except ValueError:
        return shown


def _cf_text(value: Any) -> str:
    """A value as a detail's BeforeValue/AfterValue holds it: text as is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), default=str)


def _diff(path: str, b: Any, h: Any, recreation: str, width: int) -> Iterator[PropertyChange]:
    if b == h:
        return
    if b is _MISSING or h is _MISSING:
        action, value = ("+", h) if b is _MISSING else ("-", b)
        shown = show(value, width)
        yield PropertyChange(path, action, shown if action == "-" else None, shown if action == "+" else None,
                             recreation)
        return
    if isinstance(b, str) and isinstance(h, str) and b[:1] in "[{" and h[:1] in "[{":
        b, h = _json_or(b), _json_or(h)  # a JSON document in a string (a state machine's definition)
    if _is_tags(b) and _is_tags(h):
        b, h = ({t["Key"]: t["Value"] for t in v} for v in (b, h))
    if _is_mapping(b) and _is_mapping(h):
        for key in dict.fromkeys([*b, *h]):
            yield from _diff(_join(path, key), b.get(key, _MISSING), h.get(key, _MISSING), recreation, width)
    elif isinstance(b, list) and isinstance(h, list):
        yield from _list_diff(path, b, h, recreation, width)
    else:
        yield PropertyChange(path, "~", show(b, width), show(h, width), recreation)


def _list_diff(path: str, b: list, h: list, recreation: str, width: int) -> Iterator[PropertyChange]:
    """Items added and removed; an item changed in place is diffed inside. IAM statements read as
    sentences."""
    import difflib  # (only when a list changed: its import is a hundredth of a cold check)

    statements = path.rsplit(".", 1)[-1] == "Statement"
    key = [json.dumps(v, sort_keys=True, default=str) for v in b], [json.dumps(v, sort_keys=True, default=str) for v in h]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *key, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2)):
                yield from _diff(f"{path}[{j}]", b[i], h[j], recreation, width)
            continue
        for i in range(i1, i2):
            shown = statement(b[i], width) if statements else show(b[i], width)
            yield PropertyChange(f"{path}[{i}]", "-", before=shown, recreation=recreation)
        for j in range(j1, j2):
            shown = statement(h[j], width) if statements else show(h[j], width)
            yield PropertyChange(f"{path}[{j}]", "+", after=shown, recreation=recreation)


def statement(value: Any, width: int = VALUE_WIDTH) -> str:
    """An IAM policy statement as a sentence: `Allow s3:GetObject, s3:PutObject on arn:...`."""
    if not isinstance(value, dict) or "Effect" not in value:
        return show(value, width)
    parts = [str(value.get("Effect"))]
    for key, prefix in (("Action", ""), ("NotAction", "all but "), ("Principal", "by "),
                        ("NotPrincipal", "by all but "), ("Resource", "on "), ("NotResource", "on all but "),
                        ("Condition", "if ")):
        if key in value:
            parts.append(prefix + _items(value[key]))
    text = " ".join(p for p in parts if p)
    if "Action" not in value and "NotAction" not in value:
        text += " (no action)"
    return _shorten(text, width * 2)


def _items(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(v) for v in value)
    if isinstance(value, dict) and not _is_leaf(value):  # a principal: {Service: [...]}
        return ", ".join(f"{k} {_items(v)}" for k, v in value.items())
    return _scalar(value)


def show(value: Any, width: int = VALUE_WIDTH) -> str:
    """A value for people: scalars as they read, intrinsics as !Ref / !GetAtt, unknown values named,
    the rest as compact JSON; cut in the middle past `width` characters."""
    return _shorten(_scalar(value), width)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value.strip() == value and value else json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == OPAQUE_KEY:
            return f"(known in AWS: {arg})"
        if key == "Ref" and isinstance(arg, str):
            return f"!Ref {arg}"
        if key == "Fn::GetAtt":
            return "!GetAtt " + (".".join(map(str, arg)) if isinstance(arg, list) else str(arg))
        if key.startswith("Fn::"):  # the YAML short form: !Sub ..., !Join [...]
            return f"!{key[4:]} " + (arg if isinstance(arg, str) else _scalar([arg])[1:-1])
    return json.dumps(value, separators=(", ", ": "), default=str, ensure_ascii=False)


def _shorten(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    head = (width - 1) * 2 // 3
    return f"{text[:head]}…{text[len(text) - (width - 1 - head):]}"


def _join(path: str, key: Any) -> str:
    key = str(key)
    return f"{path}.{key}" if key and all(c.isalnum() or c in "_-:@/$" for c in key) else f"{path}[{json.dumps(key)}]"


def _is_leaf(value: Any) -> bool:
    """An intrinsic or an unknown value: compared and shown whole."""
    return isinstance(value, dict) and len(value) == 1 and (
        next(iter(value)) in ("Ref", OPAQUE_KEY) or next(iter(value)).startswith("Fn::"))


def _is_mapping(value: Any) -> bool:
    return isinstance(value, dict) and not _is_leaf(value)


def _is_tags(value: Any) -> bool:
    """[{Key, Value}, ...] with distinct keys: compared by key."""
    return isinstance(value, list) and all(isinstance(t, dict) and set(t) == {"Key", "Value"}
                                           and isinstance(t["Key"], str) for t in value) \
        and len({t["Key"] for t in value}) == len(value)


def _json_or(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def limited(changes: Sequence[PropertyChange], limit: int) -> list[str]:
    """The lines of at most `limit` changes, and how many more there are."""
    lines = [str(c) for c in changes[:limit]]
    if len(changes) > limit:
        lines.append(f"… and {len(changes) - limit} more changed values (--format json has them all)")
    return lines


def cascades(changes: Sequence[ResourceChange]) -> list[tuple[str, str, str]]:
    """(replaced resource, property, resource whose property takes its new value): how one
    replacement spreads to the resources that refer to it, and on when those are replaced too."""
    replaced = {c.logical_id for c in changes if c.action == "Modify" and c.replacement in ("True", "Conditional")}
    edges: dict[tuple[str, str, str], None] = {}
    for change in changes:
        for d in change.details:
            cause = (d.causing_entity or "").split(".")[0]
            if d.change_source in ("ResourceReference", "ResourceAttribute") and cause in replaced:
                edges[(cause, d.target.name or d.target.attribute, change.logical_id)] = None
    return list(edges)
