"""The type coercion the framework's config validation applies to the API Gateway settings.

The framework validates serverless.yml with AJV `coerceTypes: 'array'`, which rewrites the config
in place before any compiler runs: a scalar where the schema wants an array becomes a one-item
array, a one-item array where it wants a scalar becomes that item, numeric strings become numbers,
"true"/"false" become booleans and numbers become strings. Only the parts of the schema that reach
the API Gateway resources are described here (provider.apiGateway, provider.httpApi, http,
websocket and httpApi events).

A schema is "str", "int", "bool", "obj" (any mapping), [item] (an array), a dict of properties
("*" for any other key), ("any", schema, ...) for AJV's anyOf, or a function for a union whose
string patterns decide (the policy statements' Resource: serverless.coerce.policy_resource).
"""

from __future__ import annotations

from functools import partial

from promotelint.model.opaque import OPAQUE_KEY
from promotelint.model.regex import lazy
from promotelint.serverless.coerce import policy_principal_aws, policy_resource
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import any_value, events_of, has_events
from promotelint.serverless.js import js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_NUMBER = lazy(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$")

STR_LIST = ["str"]
_PARAMS = {"*": ("any", "bool", {"required": "bool"})}
_CORS = ("any", "bool", {"allowCredentials": "bool", "cacheControl": "str", "headers": STR_LIST,
                         "maxAge": "int", "methods": STR_LIST, "origin": "str",
                         "origins": STR_LIST})
_STRING_MAP = {"*": "str"}

HTTP_EVENT = ("any", "str", {
    "async": "bool",
    "authorizer": ("any", "str", {
        "claims": STR_LIST, "identitySource": "str", "identityValidationExpression": "str",
        "managedExternally": "bool", "name": "str", "resultTtlInSeconds": "int",
        "scopes": [("any", "str", "obj")], "type": "str",
    }),
    "cors": _CORS,
    "integration": "str",
    "method": "str",
    "operationId": "str",
    "path": "str",
    "private": "bool",
    "request": {
        "method": "str",
        "parameters": {"querystrings": _PARAMS, "headers": _PARAMS, "paths": _PARAMS},
        "template": _STRING_MAP,
        "schemas": {"*": ("any", "obj", "str")},
    },
    "response": {
        "headers": _STRING_MAP,
        "template": "str",
        "statusCodes": {"*": {"headers": _STRING_MAP, "pattern": "str",
                              "template": ("any", "str", _STRING_MAP)}},
    },
})

WEBSOCKET_EVENT = ("any", "str", {
    "route": "str",
    "authorizer": ("any", "str", {"name": "str", "identitySource": STR_LIST}),
})

HTTP_API_EVENT = ("any", "str", {
    "authorizer": ("any", "str", {"name": "str", "scopes": STR_LIST, "type": "str"}),
    "method": "str",
    "path": "str",
})

_USAGE_PLAN = {"quota": {"limit": "int", "offset": "int"},
               "throttle": {"burstLimit": "int", "rateLimit": "int"}}
_POLICY_STATEMENT = {"Action": STR_LIST, "NotAction": STR_LIST,
                     "Resource": partial(policy_resource, api=True), "NotResource": partial(policy_resource, api=True),
                     "Principal": ("any", "str", {"AWS": policy_principal_aws}),
                     "NotPrincipal": ("any", "str", {"AWS": policy_principal_aws})}

PROVIDER = {
    "apiName": "str",
    "endpointType": "str",
    "vpcEndpointIds": STR_LIST,
    "tags": _STRING_MAP,
    "stackTags": _STRING_MAP,
    "apiGateway": {
        "apiKeys": [("any", "str", {"name": "str", "value": "str", "description": "str",
                                    "customerId": "str", "enabled": "bool"},
                     {"*": [("any", "str", {"name": "str", "value": "str", "description": "str",
                                            "customerId": "str", "enabled": "bool"})]})],
        "apiKeySourceType": "str",
        "binaryMediaTypes": STR_LIST,
        "description": "str",
        "disableDefaultEndpoint": "bool",
        "minimumCompressionSize": "int",
        "resourcePolicy": [_POLICY_STATEMENT],
        "shouldStartNameWithService": "bool",
        "stage": "str",
        "usagePlan": ("any", _USAGE_PLAN, [{"*": _USAGE_PLAN}]),
        "restApiResources": ("any", [{"path": "str", "resourceId": "str"}], "obj"),
        "request": {"schemas": {"*": {"name": "str", "description": "str"}}},
    },
    "httpApi": {
        "authorizers": {"*": {"name": "str", "functionName": "str", "managedExternally": "bool",
                              "resultTtlInSeconds": "int", "enableSimpleResponses": "bool",
                              "payloadVersion": "str"}},
        "cors": ("any", "bool", {"allowCredentials": "bool", "allowedHeaders": STR_LIST,
                                 "allowedMethods": STR_LIST, "allowedOrigins": STR_LIST,
                                 "exposedResponseHeaders": STR_LIST, "maxAge": "int"}),
        "name": "str",
        "payload": "str",
        "metrics": "bool",
        "disableDefaultEndpoint": "bool",
        "shouldStartNameWithService": "bool",
    },
    "websocketsApiName": "str",
    "websocketsApiRouteSelectionExpression": "str",
    "websocketsDescription": "str",
}

_FAIL = object()
_KIND = {"str": "a string", "int": "an integer", "bool": "a boolean", "obj": "a mapping"}


def coerce(value: Any, schema: Any, path: tuple = (), problems: list | None = None) -> Any:
    """`value` as AJV leaves it after validating against `schema` (unchanged where it fails).

    Mappings or lists of the wrong shape, which the compilers could not read, are added to
    `problems` as (path, what was expected); scalars of the wrong type are left for the compilers,
    as the framework's `warn` validation mode leaves them.
    """
    result = _coerce(value, schema, path, problems)
    return value if result is _FAIL else result


def _describe(schema: Any) -> str:
    if isinstance(schema, tuple):
        return " or ".join(_describe(b) for b in schema[1:])
    if isinstance(schema, list):
        return "a list"
    if isinstance(schema, dict):
        return "a mapping"
    return _KIND.get(schema, str(schema))


def _coerce(value: Any, schema: Any, path: tuple, problems: list | None) -> Any:
    if isinstance(value, dict) and OPAQUE_KEY in value and len(value) == 1:
        # unknown offline: the framework would have seen a resolved value
        if problems is not None and isinstance(schema, (list, dict)):
            problems.append((path, f"{_describe(schema)} known offline"))
        return value
    if callable(schema):
        return schema(value)
    if isinstance(schema, tuple):
        for branch in schema[1:]:
            result = _coerce(value, branch, path, None)
            if result is not _FAIL:
                return _coerce(value, branch, path, problems) if isinstance(
                    branch, (dict, list)) else result
        if problems is not None and isinstance(value, (dict, list)):
            problems.append((path, _describe(schema)))
        return _FAIL
    if isinstance(schema, list):
        if not isinstance(value, list):
            if isinstance(value, (dict, type(None))):
                if problems is not None and value is not None:
                    problems.append((path, "a list"))
                return _FAIL
            value = [value]
        return [coerce(item, schema[0], path + (i,), problems) for i, item in enumerate(value)]
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            if problems is not None and value is not None:
                problems.append((path, "a mapping"))
            return _FAIL
        for key, item in value.items():
            sub = schema.get(key, schema.get("*"))
            if sub is not None:
                value[key] = coerce(item, sub, path + (key,), problems)
        return value
    if schema == "obj":
        return value if isinstance(value, dict) else _FAIL
    if isinstance(value, list):
        if len(value) != 1 or isinstance(value[0], (dict, list)):
            return _FAIL
        value = value[0]
    return _scalar(value, schema)


def _scalar(value: Any, kind: str) -> Any:
    if value is None:
        # left as is: a null request template removes the default template, as seen in the
        # framework's output
        return _FAIL
    if kind == "str":
        if isinstance(value, str):
            return value
        return js_string(value) if isinstance(value, (bool, int, float)) else _FAIL
    if kind == "int":
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value) if value.is_integer() else _FAIL
        if isinstance(value, str) and _NUMBER.match(value):
            number = float(value)
            return int(number) if number.is_integer() else _FAIL
        return _FAIL
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        return _FAIL
    return value


# the provider settings each compiler reads, beside its own events
_PROVIDER_KEYS = {
    "http": ("apiGateway", "apiName", "endpointType", "vpcEndpointIds", "tags", "stackTags"),
    "websocket": ("apiGateway", "websocketsApiName", "websocketsApiRouteSelectionExpression",
                  "websocketsDescription", "tags"),
    "httpApi": ("httpApi", "tags"),
}
_EVENTS = {"http": HTTP_EVENT, "websocket": WEBSOCKET_EVENT, "httpApi": HTTP_API_EVENT}


def coerce_api_config(ctx: CompileContext, kind: str) -> list[tuple[tuple, str]]:
    """Apply the coercion in place to the `kind` events and the provider settings their compiler
    reads. Returns the (config path, expected shape) of the values it could not read."""
    problems: list[tuple[tuple, str]] = []
    schema = {key: PROVIDER[key] for key in _PROVIDER_KEYS[kind] if key in PROVIDER}
    coerce(ctx.provider, schema, ("provider",), problems)
    for event in events_of(ctx, kind, counts=any_value):
        event.function["events"][event.index][kind] = coerce(event.value, _EVENTS[kind], event.path + (kind,),
                                                             problems)
    return problems


def check_api_config(ctx: CompileContext, kind: str, *, for_plugin: bool = False) -> None:
    """Coerce the config as the framework does for a service with `kind` events (or, `for_plugin`,
    with a plugin's events that reach the same API); a value of an unreadable shape in what that
    compiler reads is an InputError."""
    if not for_plugin and not has_events(ctx, kind):
        return
    problems = coerce_api_config(ctx, kind)
    if problems:
        path, expected = problems[0]
        where = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path)
        raise ctx.error(path, f"{where.replace('.[', '[')} must be {expected}",
                        "see the Serverless Framework documentation")
