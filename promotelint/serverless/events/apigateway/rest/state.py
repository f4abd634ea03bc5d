"""The REST API being compiled: its validated `http` events and what the steps share, as the
framework's plugin shares `this`."""

from __future__ import annotations


from promotelint.model.record import field, record
from promotelint.model.regex import lazy
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


KIND = "http"
COGNITO_IDP_ARN = lazy(r"^arn:[a-zA-Z-]*:cognito-idp")


@record(frozen=False)
class HttpEvent:
    """One `http` event of a function, with the config path it came from."""

    function_name: str
    http: dict[str, Any]
    path: tuple  # config path of the event, for origins and errors


@record(frozen=False)
class RestApi:
    """The REST API the `http` events build, shared by its compile steps."""

    events: list[HttpEvent]
    cors_preflight: dict[str, dict[str, Any]]
    cors_paths: dict[str, tuple]
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    method_logical_ids: list[str] = field(default_factory=list)
    permissions: list[HttpEvent] = field(default_factory=list)
    deployment_logical_id: str | None = None
    usage_plan_names: list[str] = field(default_factory=list)
    validator_logical_id: str | None = None
    # resource-level and Properties-level key order of each authorizer, as the framework merges
    authorizer_key_orders: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)


def api_gateway_config(ctx: CompileContext) -> dict[str, Any]:
    value = ctx.provider.get("apiGateway")
    return value if isinstance(value, dict) else {}


def rest_api_id(ctx: CompileContext) -> Any:
    return api_gateway_config(ctx).get("restApiId") or {"Ref": naming.REST_API_LOGICAL_ID}


def root_resource_id(ctx: CompileContext) -> Any:
    return (api_gateway_config(ctx).get("restApiRootResourceId")
            or {"Fn::GetAtt": [naming.REST_API_LOGICAL_ID, "RootResourceId"]})


def is_cognito(authorizer: dict[str, Any]) -> bool:
    return (js_string(authorizer.get("type") or "").upper() == "COGNITO_USER_POOLS"
            or (isinstance(authorizer.get("arn"), str)
                and bool(COGNITO_IDP_ARN.match(authorizer["arn"]))))
