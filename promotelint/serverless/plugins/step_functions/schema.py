"""The plugin's Joi schemas (compileStateMachines.schema.js, compileAlarms.schema.js,
compileNotifications.schema.js), as a few combinators with Joi's defaults: unknown keys are refused,
strings must not be empty, booleans and numbers convert from their text, defaults fill the
validated copy. A value only known at deploy time passes where a scalar is wanted."""

from __future__ import annotations

import re
from typing import Any, Callable

from promotelint.model.opaque import is_opaque
from promotelint.serverless.js import js_number

Schema = Callable[[Any, str], Any]  # (value, label) -> the validated (converted) value
_MISSING = object()


class Invalid(Exception):
    """The first error, as Joi words it (`"loggingConfig.level" must be one of [...]`)."""


def _label(label: str) -> str:
    return f'"{label or "value"}"'


def string(pattern: str | None = None, name: str = "") -> Schema:
    def check(value: Any, label: str) -> Any:
        if is_opaque(value):
            return value
        if not isinstance(value, str):
            raise Invalid(f"{_label(label)} must be a string")
        if value == "":
            raise Invalid(f"{_label(label)} is not allowed to be empty")
        if pattern and not re.search(pattern, value):
            raise Invalid(f'{_label(label)} with value "{value}" fails to match the {name} pattern')
        return value
    return check


def valid(*values: str) -> Schema:
    def check(value: Any, label: str) -> Any:
        if value not in values and not is_opaque(value):
            raise Invalid(f"{_label(label)} must be one of [{', '.join(values)}]")
        return value
    return check


def boolean(value: Any, label: str) -> Any:
    if isinstance(value, bool) or is_opaque(value):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise Invalid(f"{_label(label)} must be a boolean")


def number(integer: bool = False, minimum: float | None = None) -> Schema:
    def check(value: Any, label: str) -> Any:
        if is_opaque(value):
            return value
        if isinstance(value, str) and value.strip():
            value = js_number(value) if js_number(value) is not None else value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise Invalid(f"{_label(label)} must be a number")
        if integer and value != int(value):
            raise Invalid(f"{_label(label)} must be an integer")
        if minimum is not None and value < minimum:
            raise Invalid(f"{_label(label)} must be greater than or equal to {minimum:g}")
        return value
    return check


def anything(value: Any, label: str) -> Any:
    return value


def mapping(value: Any, label: str) -> Any:
    if not isinstance(value, dict) or is_opaque(value):
        raise Invalid(f"{_label(label)} must be of type object")
    return value


def array(item: Schema = anything, minimum: int = 0) -> Schema:
    def check(value: Any, label: str) -> Any:
        if not isinstance(value, list):
            raise Invalid(f"{_label(label)} must be an array")
        if len(value) < minimum:
            raise Invalid(f"{_label(label)} must contain at least {minimum} items")
        return [item(v, f"{label}[{i}]") for i, v in enumerate(value)]
    return check


def keys(fields: dict[str, Schema], *, required: tuple[str, ...] = (),
         defaults: dict[str, Any] | None = None, one_of: tuple[str, ...] = (),
         exclusive: tuple[str, ...] = ()) -> Schema:
    """`Joi.object().keys({...})`: the listed keys only, `.required()` ones, `.default()`s filled,
    `.or(...)` (at least one of `one_of`) and `.oxor(...)` (at most one of `exclusive`)."""
    def check(value: Any, label: str) -> Any:
        mapping(value, label)
        out: dict[str, Any] = {}
        for key, item in value.items():
            path = f"{label}.{key}" if label else key
            if key not in fields:
                raise Invalid(f"{_label(path)} is not allowed")
            out[key] = item if item is None and key not in required else fields[key](item, path)
        for key in required:
            if value.get(key) is None:
                raise Invalid(f"{_label(f'{label}.{key}' if label else key)} is required")
        for key, default in (defaults or {}).items():
            out.setdefault(key, default)
        if one_of and not any(value.get(k) is not None for k in one_of):
            raise Invalid(f"{_label(label)} must contain at least one of [{', '.join(one_of)}]")
        if exclusive and sum(value.get(k) is not None for k in exclusive) > 1:
            raise Invalid(f"{_label(label)} contains a conflict between optional exclusive peers "
                          f"[{', '.join(exclusive)}]")
        return out
    return check


def alternatives(*schemas: Schema) -> Schema:
    def check(value: Any, label: str) -> Any:
        for schema in schemas:
            try:
                return schema(value, label)
            except Invalid:
                continue
        raise Invalid(f"{_label(label)} does not match any of the allowed types")
    return check


def _arn_forms(plain: Schema, *, sub: bool = False, import_value: bool = True) -> Schema:
    forms = [plain, keys({"Ref": string()}), keys({"Fn::GetAtt": array(string())})]
    if import_value:
        forms.append(keys({"Fn::ImportValue": alternatives(string(), mapping)}))
    forms.append(keys({"Fn::Join": array(alternatives(string(), array(alternatives(
        string(), keys({"Ref": string()})))))}))
    if sub:
        forms.append(keys({"Fn::Sub": alternatives(string(), array(alternatives(string(), mapping)))}))
    return alternatives(*forms)


# compileStateMachines.schema.js
_ARN = _arn_forms(string(r"^arn:aws", "ARN"))
STATE_MACHINE = keys({
    "id": string(), "events": array(), "name": string(), "role": _ARN,
    "useExactVersion": boolean, "configureTaskTimeouts": boolean,
    "definition": alternatives(string(), mapping), "dependsOn": alternatives(string(), array(string())),
    "tags": mapping, "alarms": mapping, "notifications": mapping,
    "type": valid("STANDARD", "EXPRESS"), "retain": boolean,
    "loggingConfig": keys({"level": valid("ALL", "ERROR", "FATAL", "OFF"), "includeExecutionData": boolean,
                           "destinations": array(_ARN)},
                          defaults={"level": "OFF", "includeExecutionData": False}),
    "tracingConfig": keys({"enabled": boolean}, defaults={"enabled": False}),
    "encryptionConfig": keys({"KmsDataKeyReusePeriodSeconds": number(), "KmsKeyId": string(), "Type": string()},
                             defaults={"KmsDataKeyReusePeriodSeconds": 900, "KmsKeyId": "",
                                       "Type": "AWS_OWNED_KEY"}),
    "inheritGlobalTags": boolean,
    "iamRoleStatements": array(keys({"Effect": valid("Allow", "Deny"),
                                     "Action": alternatives(string(), array(string())),
                                     "Resource": alternatives(string(), array())})),
    "kmsKeyArns": array(_ARN),
}, required=("definition",), exclusive=("role", "iamRoleStatements"))

# compileAlarms.schema.js
_ALARM_ARN = _arn_forms(string(), sub=True)
_PERIOD = number(integer=True, minimum=1)
ALARMS = keys({
    "topics": keys({"ok": _ALARM_ARN, "alarm": _ALARM_ARN, "insufficientData": _ALARM_ARN},
                   one_of=("ok", "alarm", "insufficientData")),
    "metrics": array(alternatives(string(), keys({"metric": string(), "logicalId": string(),
                                                  "alarmName": string(), "treatMissingData": string(),
                                                  "period": _PERIOD}, required=("metric",))), minimum=1),
    "nameTemplate": string(), "treatMissingData": string(), "period": _PERIOD,
}, required=("topics", "metrics"))

# compileNotifications.schema.js
_TARGET_ARN = _arn_forms(string(), import_value=False)
_TARGET = keys({
    "sns": _TARGET_ARN,
    "sqs": alternatives(keys({"arn": _TARGET_ARN, "messageGroupId": string()}, required=("arn", "messageGroupId")),
                        _TARGET_ARN),
    "kinesis": alternatives(keys({"arn": _TARGET_ARN, "partitionKeyPath": string()}, required=("arn",)), _TARGET_ARN),
    "firehose": _TARGET_ARN, "lambda": _TARGET_ARN, "stepFunctions": _TARGET_ARN,
    "inputPath": string(),
    "inputTransformer": keys({"inputPathsMap": mapping, "inputTemplate": string()}, required=("inputTemplate",)),
})
NOTIFICATIONS = keys({status: array(_TARGET) for status in ("ABORTED", "FAILED", "RUNNING", "SUCCEEDED",
                                                            "TIMED_OUT")})


def validate(schema: Schema, value: Any) -> tuple[Any, str | None]:
    """(the validated copy, None) or (None, Joi's error text)."""
    try:
        return schema(value, ""), None
    except Invalid as exc:
        return None, f"ValidationError: {exc}"
