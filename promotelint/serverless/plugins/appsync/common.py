"""What both ports of serverless-appsync-plugin share: its errors, names, file reads and the
mapping templates' `${var}` substitutions."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from promotelint.model.opaque import opaque

from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_truthy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-appsync-plugin"

# The default statements' actions of a data source's role (the same in both majors).
DYNAMODB_ACTIONS = ("dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan",
                    "dynamodb:UpdateItem", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
                    "dynamodb:ConditionCheckItem")
RDS_ACTIONS = ("rds-data:DeleteItems", "rds-data:ExecuteSql", "rds-data:ExecuteStatement", "rds-data:GetItems",
               "rds-data:InsertItems", "rds-data:UpdateItems")
ES_ACTIONS = ("es:ESHttpDelete", "es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost", "es:ESHttpPut", "es:ESHttpPatch")

# JavaScript's `undefined`, as the plugins' objects hold it: a key whose value is UNDEFINED is left
# out of the object (JSON.stringify drops it), while a YAML null stays (the framework strips nulls
# from Properties later).
UNDEFINED = object()


def props(**values: Any) -> dict:
    """An object literal: the keys whose value is UNDEFINED left out."""
    return {k: v for k, v in values.items() if v is not UNDEFINED}


def key_of(obj: Any, key: str) -> Any:
    """`obj.key`, UNDEFINED when absent; reading a key of null/undefined throws, as in JavaScript."""
    if obj is None or obj is UNDEFINED:
        raise PluginError(f"Cannot read properties of {'null' if obj is None else 'undefined'} (reading '{key}')")
    return obj.get(key, UNDEFINED) if isinstance(obj, dict) else UNDEFINED


def truthy(value: Any) -> bool:
    return value is not UNDEFINED and js_truthy(value)


def either(*values: Any) -> Any:
    """`a || b || ...`."""
    for value in values[:-1]:
        if truthy(value):
            return value
    return values[-1]


class PluginError(ValueError):
    """What the plugin throws for this config (`serverless package` fails on it too)."""

    def __init__(self, message: str, path: tuple = ()) -> None:
        super().__init__(message)
        self.path = path


def key_expiry(name: Any, after: Any, at: Any, naive_is_utc: bool) -> Any:
    """An API key's `Expires`. A duration counts from the hour of the deploy (the plugin reads the
    clock), so it is an opaque value of the duration, which changes only when the config does. A
    date is exact: 1.x reads it as UTC (moment.utc), 2.x in the machine's zone unless it has one
    (luxon DateTime.fromISO), which is opaque offline."""
    if truthy(after):
        return opaque(f"{NAME}: the deploy hour + {after} (api key {name} expiresAfter)")
    if truthy(at):
        try:
            moment = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and (moment.tzinfo is not None or naive_is_utc):
            return round((moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp())
        return opaque(f"{NAME}: api key {name} expiresAt {at}")
    return opaque(f"{NAME}: the deploy hour + 365 days (api key {name})")


def cfn_name(name: Any) -> str:
    """getCfnName: only the letters and digits of the name (`name.replace(/[^a-zA-Z0-9]/g, '')`)."""
    if not isinstance(name, str):  # what `name.replace(...)` throws in JavaScript
        missing = name is None or type(name) is object  # null, or v1's undefined
        raise PluginError("Cannot read properties of undefined (reading 'replace')" if missing
                          else f"{name!r}.replace is not a function")
    return re.sub(r"[^a-zA-Z0-9]", "", name)


def appsync_role() -> dict:
    """The assume-role policy of every role the plugin makes."""
    return {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": ["appsync.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}]}


def read_service_file(ctx: CompileContext, name: str, setting: tuple, missing_ok: bool = False) -> str | None:
    """A file the plugin reads, relative to the service directory (its cwd), inside the repository."""
    load = ctx.plugin_load
    if load is None:
        raise PluginError(f"{name}: the service's files are not readable here", setting)
    path = load.service_file(name, setting)
    if not load.exists(path):
        if missing_ok:
            return None
        raise PluginError(f"ENOENT: no such file or directory, open '{name}'", setting)
    return load.read_text(path)


def to_cfn_keys(value: Any) -> Any:
    """utils.js toCfnKeys: every string key upper-first, recursively (lodash transform: null -> {})."""
    if isinstance(value, list):
        return [to_cfn_keys(v) if isinstance(v, (dict, list)) or v is None else v for v in value]
    if value is None:
        return {}
    return {(k[:1].upper() + k[1:]): (to_cfn_keys(v) if isinstance(v, (dict, list)) or v is None else v)
            for k, v in value.items()}


def substituted(template: str, substitutions: dict, *, drop_empty: bool = False, marker: str = "$") -> Any:
    """processTemplate / substituteGlobalTemplateVariables (1.x index.js, 2.x MappingTemplate.js and,
    with `#name#` markers, JsResolver.js): a template that uses `${name}`s given in `substitutions`
    becomes an Fn::Join of its text around one Fn::Sub per use. 2.x drops the empty pieces."""
    used = re.compile(r"\$\{([\w-]+)\}" if marker == "$" else r"#([\w-]+)#", re.ASCII).findall(template)
    subs = {k: v for k, v in substitutions.items() if k in used}
    if not subs:
        return template
    names = "|".join(subs)
    pattern = re.compile(r"\$\{(" + names + r")\}" if marker == "$" else "#(" + names + ")#")
    parts: list[Any] = pattern.sub(r"|||\1|||", template).split("|||")
    if drop_empty:
        parts = [p for p in parts if p != ""]
    for i, part in enumerate(parts):
        if isinstance(part, str) and part in subs:
            parts[i] = {"Fn::Sub": [f"${{{part}}}", {part: subs[part]}]}
    return {"Fn::Join": ["", parts]}
