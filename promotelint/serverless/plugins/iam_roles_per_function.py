"""serverless-iam-roles-per-function 3: a role of its own for each function with `iamRoleStatements`.

A port of its dist/lib/index.js (3.2.0), hooked at `before:package:finalize` as the plugin is:
after every function and event is compiled, before the `resources:` section is merged. For each
function (in config order) whose `iamRoleStatements` is set (even to null or []):
- the default execution role (IamRoleLambdaExecution) is copied, its statements replaced by: logs
  for the function's own log group; the stream (DynamoDB, Kinesis) and SQS read permissions its
  events need; `sns:Publish` for its `onError`; the provider's statements when
  `iamRoleStatementsInherit` (or `custom.serverless-iam-roles-per-function.defaultInherit`, unless
  the function says false); then the function's own. Its managed policies are dropped, except the
  VPC access policy when the function or the provider has a `vpc`;
- `iamPermissionsBoundary` (or the custom `iamGlobalPermissionsBoundary`, which the default role
  gets too) becomes its PermissionsBoundary;
- its RoleName is `iamRoleStatementsName`, else the default role's name with the function's name
  put after the stage (`<service>-<stage>-<function>-<region>-lambdaRole`); over 64 characters
  (the region counted as the provider's region) the `lambdaRole` suffix goes, and if still over,
  it is an error. A custom `provider.iam.role.name` makes the plugin fail for such functions;
- it is added as `<Function>IamRoleLambdaExecution`; the function's Role points at it, and its
  DependsOn puts it first instead of the default role; event source mappings of that function
  (SQS, streams, Kafka, MQ) depend on it alone.
Statements are shared with the config (and the default role), not copied, as in the plugin.
The plugin's errors stop the framework: here they are config errors on the function.
"""

from __future__ import annotations

import copy

from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string, js_truthy
from promotelint.serverless.plugins import Plugin
from promotelint.serverless.values import concat, text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-iam-roles-per-function"
_ERROR = f"{NAME}: ERROR: "
_MAX_ROLE_NAME = 64
_REQUIRED = (("Effect",), ("Action", "NotAction"), ("Resource", "NotResource"))  # in a statement


def create_roles_per_function(ctx: CompileContext) -> None:
    """createRolesPerFunction."""
    if not ctx.functions:
        return
    custom = ctx.config.get("custom")
    settings = custom.get(NAME) if isinstance(custom, dict) else None
    # Read by the constructor, before the schema's coercion: "false" is true there.
    default_inherit = settings.get("defaultInherit", False) if isinstance(settings, dict) else False
    boundary = settings.get("iamGlobalPermissionsBoundary") if isinstance(settings, dict) else None
    function_roles: dict[str, str] = {}
    for name in ctx.functions:
        _create_role_for_function(ctx, name, function_roles, js_truthy(default_inherit), boundary)
    _set_event_source_mappings(ctx, function_roles)


def _error(ctx: CompileContext, name: str, message: str, fix: str, key: str = "iamRoleStatements") -> Exception:
    return ctx.error(("functions", name, key), _ERROR + message, fix)


def _create_role_for_function(ctx: CompileContext, name: str, function_roles: dict[str, str],
                              default_inherit: bool, global_boundary: Any) -> None:
    fn = ctx.functions[name]
    if "iamRoleStatements" not in fn:
        return
    if js_truthy(fn.get("role")):
        raise _error(ctx, name, "Define function with both 'role' and 'iamRoleStatements' is not supported. "
                     f"Function name: {name}", "remove `role` or `iamRoleStatements` from the function", "role")
    statements = fn["iamRoleStatements"]
    _validate_statements(ctx, name, statements)
    global_role = ctx.resources.get(naming.ROLE_LOGICAL_ID)
    if not isinstance(global_role, dict):
        # The plugin copies the default role, which the framework does not make when the provider
        # names a role of its own (provider.iam.role) or every function has one: it fails there.
        raise _error(ctx, name, "the service has no default execution role (IamRoleLambdaExecution) to copy "
                     "(Cannot read properties of undefined (reading 'Properties'))",
                     "drop the provider's own role (provider.iam.role) or the function's iamRoleStatements")
    role = copy.deepcopy(global_role)
    props = role["Properties"]
    policy_statements: list[Any] = [{
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents"],
        # naming.getLogGroupName(functionObject.name) is /aws/lambda/<the function's deployed name>
        "Resource": [{"Fn::Sub": concat("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
                                        "/aws/lambda/", fn.get("name"), ":*:*")}],
    }]
    props["Policies"][0]["PolicyDocument"]["Statement"] = policy_statements
    props["ManagedPolicyArns"] = []
    if _lodash_not_empty(fn.get("vpc")) or _lodash_not_empty(ctx.provider.get("vpc")):
        props["ManagedPolicyArns"] = [{"Fn::Join": ["", [
            "arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]]}]
    policy_statements.extend(_stream_statements(ctx, name, fn))
    sqs = _sqs_statement(fn)
    if sqs:
        policy_statements.append(sqs)
    if _lodash_not_empty(fn.get("onError")):
        policy_statements.append({"Effect": "Allow", "Action": ["sns:Publish"], "Resource": fn["onError"]})
    inherit = fn.get("iamRoleStatementsInherit")
    if js_truthy(inherit) or (default_inherit and inherit is not False):
        provider_statements = _provider_statements(ctx.provider)
        if _lodash_not_empty(provider_statements):
            policy_statements.extend(_iterate(provider_statements))
    if isinstance(statements, list) or is_opaque(statements):
        policy_statements.extend(_iterate(statements))
    boundary = fn.get("iamPermissionsBoundary")
    if js_truthy(boundary) or js_truthy(global_boundary):
        props["PermissionsBoundary"] = boundary if js_truthy(boundary) else global_boundary
    if js_truthy(global_boundary):
        global_role["Properties"]["PermissionsBoundary"] = global_boundary
    role_name = fn.get("iamRoleStatementsName")
    props["RoleName"] = role_name if js_truthy(role_name) else _function_role_name(ctx, name)
    role_id = naming.get_normalized_function_name(name) + naming.ROLE_LOGICAL_ID
    ctx.add_resource(role_id, role, ("functions", name, "iamRoleStatements"))
    function_roles[_update_function_resource_role(ctx, name, role_id)] = role_id


def _validate_statements(ctx: CompileContext, name: str, statements: Any) -> None:
    """validateStatements: each statement needs Effect, Action or NotAction, Resource or NotResource."""
    if not _lodash_not_empty(statements) or is_opaque(statements):
        return
    if not isinstance(statements, list):
        violations = "it is not an array"
    else:
        flawed = []
        for i, statement in enumerate(statements):
            statement = statement if isinstance(statement, dict) else {}
            missing = [" / ".join(props) for props in _REQUIRED
                       if all(not js_truthy(statement.get(p)) for p in props)]
            if missing:
                flawed.append(f"statement {i} is missing the following properties: {', '.join(missing)}")
        violations = "; ".join(flawed)
    if violations:
        raise _error(ctx, name, "iamRoleStatements should be an array of objects, where each object has Effect, "
                     f"Action / NotAction, Resource / NotResource fields. Specifically, {violations}",
                     "give every statement Effect, Action and Resource")


def _provider_statements(provider: dict[str, Any]) -> Any:
    """`provider.iam ? provider.iam.role?.statements : provider.iamRoleStatements`."""
    iam = provider.get("iam")
    if js_truthy(iam):
        role = iam.get("role") if isinstance(iam, dict) else None
        return role.get("statements") if isinstance(role, dict) else None
    return provider.get("iamRoleStatements")


def _iterate(value: Any) -> list:
    """`for (const s of value)`: a list's items (a mapping is not iterable; the schema rejects it).
    Statements only known at deploy time stand as one unknown statement."""
    if is_opaque(value):
        return [value]
    return list(value) if isinstance(value, (list, str)) else []


def _stream_statements(ctx: CompileContext, name: str, fn: dict[str, Any]) -> list[dict[str, Any]]:
    """getStreamStatements: read access to the function's DynamoDB and Kinesis streams."""
    resources: dict[str, list] = {"dynamodb": [], "kinesis": []}
    for index, event in enumerate(fn.get("events") or []):
        stream = event.get("stream") if isinstance(event, dict) else None
        if not js_truthy(stream):
            continue
        arn = stream.get("arn") if isinstance(stream, dict) and not is_opaque(stream) else None
        arn = arn if js_truthy(arn) else stream
        kind = stream.get("type") if isinstance(stream, dict) and not is_opaque(stream) else None
        if not js_truthy(kind):
            if not isinstance(arn, str) and not is_opaque(arn):
                raise ctx.error(("functions", name, "events", index, "stream"),
                                f"{_ERROR}the stream's arn is not a string and it has no type "
                                "(streamArn.split is not a function)", "set the stream event's `type`")
            parts = text(arn).split(":")
            kind = parts[2] if len(parts) > 2 else None
        if isinstance(kind, str) and kind in resources:
            resources[kind].append(arn)
        elif is_opaque(arn):
            ctx.warn(f'function "{name}": the type of stream {text(arn)} is not known offline: the '
                     f"permissions {NAME} gives its role for it are not in the prediction")
        else:
            raise ctx.error(("functions", name, "events", index, "stream"),
                            f"{_ERROR}Unsupported stream type: {js_string(kind)} for function: {name}",
                            "use a dynamodb or kinesis stream, or set its `type`")
    statements = []
    for kind, actions in (("dynamodb", ("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
                                        "dynamodb:ListStreams")),
                          ("kinesis", ("kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream",
                                       "kinesis:ListStreams"))):
        if resources[kind]:
            statements.append({"Effect": "Allow", "Action": list(actions), "Resource": resources[kind]})
    return statements


def _sqs_statement(fn: dict[str, Any]) -> dict[str, Any] | None:
    """getSqsStatement: receive and delete on the function's SQS queues."""
    queues = []
    for event in fn.get("events") or []:
        sqs = event.get("sqs") if isinstance(event, dict) else None
        if js_truthy(sqs):
            arn = sqs.get("arn") if isinstance(sqs, dict) and not is_opaque(sqs) else None
            queues.append(arn if js_truthy(arn) else sqs)
    if not queues:
        return None
    return {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": queues}


def _function_role_name(ctx: CompileContext, name: str) -> Any:
    """getFunctionRoleName: the default role's name with the function's name after the stage."""
    role_name = naming.get_role_name(ctx.service_name, ctx.stage, ctx.provider)
    join = role_name.get("Fn::Join") if isinstance(role_name, dict) else None
    if not (isinstance(join, list) and len(join) == 2 and isinstance(join[1], list) and len(join[1]) >= 2):
        raise _error(ctx, name, f"Global Role Name is not in expected format. Got name: {text(role_name)}",
                     "set the function's iamRoleStatementsName (a custom provider.iam.role.name needs one)")
    parts = join[1]
    parts.insert(2, name)
    if _name_length(ctx, parts) > _MAX_ROLE_NAME and parts[-1] == "lambdaRole":
        parts.pop()  # more room for the function's name
    if _name_length(ctx, parts) > _MAX_ROLE_NAME:
        raise _error(ctx, name, f"auto generated role name for function: {name} is too long (over 64 chars).",
                     "set a shorter role name with the function's iamRoleStatementsName")
    return role_name


def _name_length(ctx: CompileContext, parts: list) -> float:
    """getRoleNameLength: the parts' lengths (AWS::Region as the provider's region) plus the dashes."""
    length: float = len(parts) - 1
    for part in parts:
        ref = part.get("Ref") if isinstance(part, dict) else None
        if js_truthy(ref):
            length += _js_length(ctx.region if ref == "AWS::Region" else ref)
        elif isinstance(part, str):
            length += _js_length(part)
        else:
            return float("nan")  # `undefined` added: NaN, which is never over the limit
    return length


def _js_length(value: Any) -> int:
    """A JavaScript string's length (UTF-16 code units)."""
    return len(text(value).encode("utf-16-le")) // 2


def _update_function_resource_role(ctx: CompileContext, name: str, role_id: str) -> str:
    """updateFunctionResourceRole: the function runs with its own role, and depends on it first."""
    function_id = naming.get_lambda_logical_id(name)
    resource = ctx.resources.get(function_id)
    props = resource.get("Properties") if isinstance(resource, dict) else None
    role = props.get("Role") if isinstance(props, dict) else None
    if not (isinstance(role, dict) and isinstance(role.get("Fn::GetAtt"), list)
            and isinstance(resource.get("DependsOn"), list)):
        raise _error(ctx, name, f"Function Resource is not in expected format. For function name: {name}",
                     "check the function's role settings")
    resource["DependsOn"] = [role_id] + [d for d in resource["DependsOn"] if d != naming.ROLE_LOGICAL_ID]
    role["Fn::GetAtt"][0] = role_id
    return function_id


def _set_event_source_mappings(ctx: CompileContext, function_roles: dict[str, str]) -> None:
    """setEventSourceMappings: a mapping of a function with its own role depends on that role."""
    for resource in ctx.resources.values():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lambda::EventSourceMapping":
            continue
        function = (resource.get("Properties") or {}).get("FunctionName")
        get_att = function.get("Fn::GetAtt") if isinstance(function, dict) else None
        if isinstance(get_att, list) and get_att and get_att[0] in function_roles:
            resource["DependsOn"] = function_roles[get_att[0]]


def _lodash_not_empty(value: Any) -> bool:
    """`!_.isEmpty(value)`: a non-empty string, list or mapping (numbers and booleans are empty)."""
    return isinstance(value, (str, list, dict)) and len(value) > 0


# Its schema (defineFunctionProperties, defineCustomProperties), which the framework's validation
# coerces by. (custom...defaultInherit is typed boolean too, but the constructor reads it before.)
_SCHEMA = (
    "functions.*: iamRoleStatementsInherit=bool iamRoleStatementsName=str iamPermissionsBoundary=one "
    "iamRoleStatements=arr",
    "functions.*.iamRoleStatements[]: Action=arr NotAction=arr Resource=resource NotResource=resource Sid=str",
    "functions.*.iamRoleStatements[].NotPrincipal: CanonicalUser=arr Federated=arr Service=arr",
    "functions.*.iamRoleStatements[].Principal: CanonicalUser=arr Federated=arr Service=arr",
    f"custom.{NAME}: iamGlobalPermissionsBoundary=one",
)

PLUGIN = Plugin(NAME, ">=3.2.0 <4", hooks=(("before:package:finalize", create_roles_per_function),),
                schema=_SCHEMA)
