"""The framework's package lifecycle outside the function and event compilers.

Ports package/lib/generate-core-template.js, merge-iam-templates.js, add-export-name-for-outputs.js,
merge-custom-provider-resources.js and strip-null-props-from-template-resources.js, plus the config
normalisation the framework does when it loads a service (function names, array forms, deployment
bucket object).
"""

from __future__ import annotations

import copy
from typing import Any

from promotelint.model.errors import InputError
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string, js_truthy, lodash_merge
from promotelint.model.opaque import is_opaque, opaque


# Helpers shared by the steps

def provider(ctx: CompileContext) -> dict[str, Any]:
    return ctx.config.setdefault("provider", {})


def service_name(ctx: CompileContext) -> str:
    return str(ctx.config.get("service"))


def functions(ctx: CompileContext) -> dict[str, dict[str, Any]]:
    return ctx.config.get("functions") or {}


def resources(ctx: CompileContext) -> dict[str, Any]:
    return ctx.template.setdefault("Resources", {})


def outputs(ctx: CompileContext) -> dict[str, Any]:
    return ctx.template.setdefault("Outputs", {})


def role_statements(ctx: CompileContext) -> list | None:
    """The default execution role's policy statements, when the framework creates that role."""
    role = resources(ctx).get(naming.ROLE_LOGICAL_ID)
    if not role:
        return None
    return role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def is_existing_role_provided(role: Any) -> bool:
    return isinstance(role, str) or (isinstance(role, dict) and any("::" in k for k in role))


def custom_execution_role(ctx: CompileContext, function: dict[str, Any]) -> Any:
    if function.get("role"):
        return function["role"]
    prov = provider(ctx)
    role = (prov.get("iam") or {}).get("role") if isinstance(prov.get("iam"), dict) else None
    if is_existing_role_provided(role):
        return role
    return prov.get("role")


def is_mapping(value: Any) -> bool:
    """A config mapping, as opposed to a scalar or a value only known at deploy time (opaque)."""
    return isinstance(value, dict) and not is_opaque(value)


def text(value: Any) -> str:
    """A value as text: an opaque value gives its variable's text (`${ssm:/x}`)."""
    if is_opaque(value):
        return next(iter(value.values()))
    if value is None:
        return "undefined"
    return js_string(value) if isinstance(value, (bool, int, float)) else str(value)


def concat(*parts: Any) -> Any:
    """Join text the framework builds by interpolation; with an unknown part the whole is unknown."""
    joined = "".join(text(p) for p in parts)
    return opaque(joined) if any(is_opaque(p) for p in parts) else joined


def name_from(ctx: CompileContext, value: Any, what: str) -> str:
    """Text a logical ID is derived from; warns when the value is only known at deploy time, since
    the deployed logical ID then derives from the resolved value instead."""
    if is_opaque(value):
        warn(ctx, f"{what} derives from {text(value)}, which is not known offline: "
                  "its logical IDs may differ from the deployed ones")
    return text(value)


def warn(ctx: CompileContext, message: str) -> None:
    if message not in ctx.warnings:
        ctx.warnings.append(message)


# Steps

def normalize_service(ctx: CompileContext) -> None:
    """What the framework does to the config on load: array forms, function names and events."""
    config = copy.deepcopy(ctx.config)
    for key in ("resources", "functions"):
        if isinstance(config.get(key), list):
            merged: dict[str, Any] = {}
            for value in config[key]:
                if value:
                    if not isinstance(value, dict):
                        raise InputError(f"non-object value in {key} array: {value!r}",
                                         file=ctx.source, fix=f"make every {key} entry a mapping")
                    lodash_merge(merged, value)
            config[key] = merged
            # Point origins of the merged entries at the list items they came from.
            for path, position in list(ctx.positions.items()):
                if len(path) > 2 and path[0] == key and isinstance(path[1], int):
                    ctx.positions.setdefault((key,) + path[2:], position)
    prov = config.get("provider")
    if not isinstance(prov, dict):
        prov = config["provider"] = {"name": prov}
    prov["stage"] = ctx.stage
    prov["region"] = ctx.region
    bucket = prov.get("deploymentBucket")
    if isinstance(bucket, dict):
        prov["deploymentBucketObject"] = bucket
        prov["deploymentBucket"] = bucket.get("name") or None
    fns = config.get("functions")
    if fns is None:
        fns = config["functions"] = {}
    if not isinstance(fns, dict):
        raise InputError("functions must be a mapping", file=ctx.source,
                         fix="write functions as `name: {handler: ...}` entries")
    for name in list(fns):
        fn = fns[name]
        if fn is None:
            del fns[name]
            continue
        if not isinstance(fn, dict):
            raise InputError(f"function {name!r} must be a mapping", file=ctx.source,
                             line=ctx.origin(("functions", name)).line,
                             fix="give the function a handler or image")
        if is_opaque(fn.get("events")):
            warn(ctx, f'function "{name}": its events ({text(fn["events"])}) are not known offline: '
                      "their resources are not in the prediction")
            fn["events"] = []
        if not fn.get("events"):
            fn["events"] = []
        if not fn.get("name"):
            fn["name"] = f"{config.get('service')}-{ctx.stage}-{name}"
    if not isinstance(config.get("layers"), dict):
        config["layers"] = {}
    _coerce_like_schema_validation(config)
    _check_shapes(ctx, config)
    ctx.config = config


_MAPPING, _LIST = (dict,), (list,)
# Settings the compile steps read as mappings or lists; another shape is a config error (the
# framework's schema rejects it too) and is reported as one instead of failing somewhere inside.
_PROVIDER_SHAPES = {"environment": _MAPPING, "tags": _MAPPING, "vpc": _MAPPING, "iam": _MAPPING, "s3": _MAPPING,
                    "alb": _MAPPING, "layers": _LIST, "ecr": _MAPPING, "deploymentBucketObject": _MAPPING,
                    "kinesis": _MAPPING, "logs": _MAPPING, "tracing": _MAPPING, "eventBridge": _MAPPING}
_FUNCTION_SHAPES = {"environment": _MAPPING, "tags": _MAPPING, "vpc": (dict, bool), "package": _MAPPING,
                    "destinations": _MAPPING, "url": (dict, bool), "layers": _LIST, "events": _LIST,
                    "fileSystemConfig": _MAPPING, "image": (dict, str)}
_EVENT_SHAPES = {"sqs": (dict, str), "stream": (dict, str), "sns": (dict, str), "schedule": (dict, str),
                 "s3": (dict, str), "cloudwatchLog": (dict, str), "alexaSkill": (dict, str),
                 "alexaSmartHome": (dict, str), "alb": _MAPPING, "iot": _MAPPING, "iotFleetProvisioning": _MAPPING,
                 "cloudwatchEvent": _MAPPING, "cognitoUserPool": _MAPPING, "eventBridge": _MAPPING,
                 "kafka": _MAPPING, "msk": _MAPPING, "activemq": _MAPPING, "rabbitmq": _MAPPING}
_EVENT_OPTION_SHAPES = {"rules": _LIST, "filterPatterns": _LIST, "conditions": _MAPPING, "destinations": _MAPPING,
                        "accessConfigurations": _MAPPING, "redrivePolicy": _MAPPING, "inputTransformer": _MAPPING,
                        "retryPolicy": _MAPPING, "healthCheck": (dict, bool), "logGroup": (str,),
                        "filter": (str,)}
_TYPE_NAMES = {dict: "a mapping", list: "a list", bool: "true/false", str: "a string", object: "a value"}


def _check_shape(ctx: CompileContext, holder: Any, key: Any, kinds: tuple, path: tuple) -> None:
    value = holder[key] if isinstance(holder, list) else holder.get(key)
    if value is None or is_opaque(value) or isinstance(value, kinds):
        return
    if kinds == _LIST and isinstance(value, (str, int, float, bool)):
        holder[key] = [value]  # AJV's coerceTypes 'array'
        return
    wanted = " or ".join(_TYPE_NAMES[k] for k in kinds)
    raise InputError(f"{'.'.join(str(p) for p in path)} must be {wanted}", file=ctx.source,
                     line=ctx.origin(path).line, fix=f"write it as {wanted}")


def _check_shapes(ctx: CompileContext, config: dict[str, Any]) -> None:
    prov = config["provider"]
    for key, kinds in _PROVIDER_SHAPES.items():
        _check_shape(ctx, prov, key, kinds, ("provider", key))
    _check_shape(ctx, config, "package", _MAPPING, ("package",))
    _check_shape(ctx, config, "resources", _MAPPING, ("resources",))
    for key in ("Resources", "Outputs", "Conditions", "extensions"):
        _check_shape(ctx, config.get("resources") or {}, key, _MAPPING, ("resources", key))
    for name in config["layers"]:
        _check_shape(ctx, config["layers"], name, _MAPPING, ("layers", name))
    for name, fn in config["functions"].items():
        for key, kinds in _FUNCTION_SHAPES.items():
            _check_shape(ctx, fn, key, kinds, ("functions", name, key))
        for index in range(len(fn["events"])):
            path = ("functions", name, "events", index)
            _check_shape(ctx, fn["events"], index, (dict, str), path)
            event = fn["events"][index]
            for kind in list(event) if isinstance(event, dict) else ():
                _check_shape(ctx, event, kind, _EVENT_SHAPES.get(kind, (object,)), path + (kind,))
                value = event[kind]
                for option, option_kinds in (_EVENT_OPTION_SHAPES.items() if isinstance(value, dict) else ()):
                    _check_shape(ctx, value, option, option_kinds, path + (kind, option))


def _wrap_string_get_att(value: Any) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("Fn::GetAtt"), str) and len(value) == 1:
            value["Fn::GetAtt"] = [value["Fn::GetAtt"]]
        for item in value.values():
            _wrap_string_get_att(item)
    elif isinstance(value, list):
        for item in value:
            _wrap_string_get_att(item)


def _coerce_like_schema_validation(config: dict[str, Any]) -> None:
    """The framework validates the config with AJV `coerceTypes: 'array'`, which rewrites it in place.
    config.coerce_like_schema (run by compile_service) applies the schema's plain type table; these
    are the rewrites that come through the schema's unions and change the template: resource
    DependsOn strings, `Fn::GetAtt: "A.B"` strings wherever the provider and function schemas accept
    CloudFormation functions, and VPC id scalars."""
    custom = config.get("resources")
    if isinstance(custom, dict):
        for section in ("Resources", "extensions"):
            for resource in (custom.get(section) or {}).values() if isinstance(custom.get(section), dict) else ():
                if isinstance(resource, dict) and isinstance(resource.get("DependsOn"), str):
                    resource["DependsOn"] = [resource["DependsOn"]]
    _wrap_string_get_att(config.get("provider"))
    _wrap_string_get_att(config.get("functions"))
    fns = [fn for fn in (config.get("functions") or {}).values() if isinstance(fn, dict)]
    for vpc in [(config.get("provider") or {}).get("vpc")] + [fn.get("vpc") for fn in fns]:
        for key in ("securityGroupIds", "subnetIds") if isinstance(vpc, dict) else ():
            if isinstance(vpc.get(key), (str, int, float, bool)):
                vpc[key] = [vpc[key]]


def generate_core_template(ctx: CompileContext) -> None:
    ctx.template.clear()
    ctx.template.update({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "The AWS CloudFormation template for this Serverless application",
        "Resources": {
            naming.DEPLOYMENT_BUCKET_LOGICAL_ID: {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}},
            },
            naming.DEPLOYMENT_BUCKET_POLICY_LOGICAL_ID: {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "ServerlessDeploymentBucket"},
                    "PolicyDocument": {"Statement": [{
                        "Action": "s3:*",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Resource": [
                            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::",
                                               {"Ref": "ServerlessDeploymentBucket"}, "/*"]]},
                            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::",
                                               {"Ref": "ServerlessDeploymentBucket"}]]},
                        ],
                        "Condition": {"Bool": {"aws:SecureTransport": False}},
                    }]},
                },
            },
        },
        "Outputs": {naming.DEPLOYMENT_BUCKET_OUTPUT_LOGICAL_ID: {"Value": {"Ref": "ServerlessDeploymentBucket"}}},
    })
    for lid in (naming.DEPLOYMENT_BUCKET_LOGICAL_ID, naming.DEPLOYMENT_BUCKET_POLICY_LOGICAL_ID,
                f"Outputs.{naming.DEPLOYMENT_BUCKET_OUTPUT_LOGICAL_ID}"):
        ctx.origins.setdefault(lid, ctx.origin(("provider", "deploymentBucket")))
    prov = provider(ctx)
    res = resources(ctx)
    bucket_object = prov.get("deploymentBucketObject")
    if isinstance(bucket_object, dict) and bucket_object:
        props = res[naming.DEPLOYMENT_BUCKET_LOGICAL_ID]["Properties"]
        tags = bucket_object.get("tags")
        if isinstance(tags, dict) and tags:
            props["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        if bucket_object.get("blockPublicAccess"):
            props["PublicAccessBlockConfiguration"] = {
                "BlockPublicAcls": True, "BlockPublicPolicy": True,
                "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
            }
        if bucket_object.get("versioning"):
            props["VersioningConfiguration"] = {"Status": "Enabled"}
        if bucket_object.get("skipPolicySetup"):
            del res[naming.DEPLOYMENT_BUCKET_POLICY_LOGICAL_ID]
    bucket_name = prov.get("deploymentBucket")
    if bucket_name:
        outputs(ctx)[naming.DEPLOYMENT_BUCKET_OUTPUT_LOGICAL_ID]["Value"] = bucket_name
        res.pop(naming.DEPLOYMENT_BUCKET_LOGICAL_ID, None)
        res.pop(naming.DEPLOYMENT_BUCKET_POLICY_LOGICAL_ID, None)


def _log_sub(log_group_name: Any, suffix: str) -> dict[str, Any]:
    return {"Fn::Sub": concat("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:",
                              log_group_name, suffix)}


def merge_iam_templates(ctx: CompileContext) -> None:
    fns = functions(ctx)
    if not fns:
        return
    prov = provider(ctx)
    res = resources(ctx)
    for name, fn in fns.items():
        if fn.get("disableLogs"):
            continue
        lid = naming.get_log_group_logical_id(name)
        props: dict[str, Any] = {"LogGroupName": concat("/aws/lambda/", fn["name"])}
        retention = fn.get("logRetentionInDays") or prov.get("logRetentionInDays")
        if retention:
            props["RetentionInDays"] = retention
        protection = fn.get("logDataProtectionPolicy") or prov.get("logDataProtectionPolicy")
        if protection:
            props["DataProtectionPolicy"] = protection
        res[lid] = lodash_merge(res.get(lid), {"Type": "AWS::Logs::LogGroup", "Properties": props})
        ctx.origins.setdefault(lid, ctx.origin(("functions", name)))

    iam = prov.get("iam") if isinstance(prov.get("iam"), dict) else {}
    iam_role = iam.get("role", {}) if isinstance(iam, dict) else {}
    if is_existing_role_provided(iam_role) or "role" in prov:
        return
    if all("role" in fn for fn in fns.values()):
        return
    if not isinstance(iam_role, dict):
        iam_role = {}
    service, stage = service_name(ctx), ctx.stage
    role_props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]},
            "Action": ["sts:AssumeRole"]}]},
        "Policies": [{"PolicyName": naming.get_policy_name(service, stage), "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow",
                 "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"],
                 "Resource": []},
                {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": []},
            ]}}],
        "Path": naming.get_role_path(prov),
        "RoleName": naming.get_role_name(service, stage, prov),
    }
    if isinstance(iam_role.get("tags"), dict):
        role_props["Tags"] = [{"Key": k, "Value": v} for k, v in iam_role["tags"].items()]
    boundary = (iam_role.get("permissionsBoundary") or iam_role.get("permissionBoundary")
                or prov.get("rolePermissionsBoundary"))
    if boundary:
        role_props["PermissionsBoundary"] = boundary
    role = {"Type": "AWS::IAM::Role", "Properties": role_props}
    res[naming.ROLE_LOGICAL_ID] = lodash_merge(res.get(naming.ROLE_LOGICAL_ID), role)
    ctx.origins.setdefault(naming.ROLE_LOGICAL_ID, ctx.origin(("provider", "iam")))

    statements = role_statements(ctx)
    canonical_prefix = f"{service}-{stage}"
    has_canonical = False
    disabled_canonical: list[str] = []
    for fn in fns.values():
        fn_name, logs_disabled = fn.get("name"), fn.get("disableLogs")
        if not fn_name or (isinstance(fn_name, str) and fn_name.startswith(canonical_prefix)):
            if logs_disabled:
                disabled_canonical.append(fn_name)
            else:
                has_canonical = True
            continue
        if not logs_disabled:
            group = concat("/aws/lambda/", fn_name)
            statements[0]["Resource"].append(_log_sub(group, ":*"))
            statements[1]["Resource"].append(_log_sub(group, ":*:*"))
    if has_canonical:
        prefix = naming.get_log_group_name(canonical_prefix)
        statements[0]["Resource"].append(_log_sub(prefix, "*:*"))
        statements[1]["Resource"].append(_log_sub(prefix, "*:*:*"))
        if disabled_canonical:
            statements.append({"Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": [
                _log_sub(concat("/aws/lambda/", n), ":*") for n in disabled_canonical]})

    custom = iam_role.get("statements") if js_truthy(iam_role.get("statements")) else prov.get("iamRoleStatements")
    if custom:
        statements.extend(custom if isinstance(custom, list) else [custom])
    managed = (iam_role.get("managedPolicies") if js_truthy(iam_role.get("managedPolicies"))
               else prov.get("iamManagedPolicies"))
    if managed:
        merge_managed_policies(ctx, managed if isinstance(managed, list) else [managed])
    if any("vpc" in fn for fn in fns.values()) or prov.get("vpc"):
        merge_managed_policies(ctx, [{"Fn::Join": ["", [
            "arn:", {"Ref": "AWS::Partition"},
            ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]]}])


def merge_managed_policies(ctx: CompileContext, policies: list) -> None:
    if not policies:
        return
    props = resources(ctx)[naming.ROLE_LOGICAL_ID]["Properties"]
    if not isinstance(props.get("ManagedPolicyArns"), list):
        props["ManagedPolicyArns"] = []
    props["ManagedPolicyArns"].extend(policies)


def add_export_name_for_outputs(ctx: CompileContext) -> None:
    prefix = f"sls-{service_name(ctx)}-{ctx.stage}-"
    for key, data in outputs(ctx).items():
        if isinstance(data, dict) and not data.get("Export"):
            data["Export"] = {"Name": prefix + key}


_EXTENSION_ASSIGN = ("Condition", "CreationPolicy", "DeletionPolicy", "UpdatePolicy", "UpdateReplacePolicy")


def merge_custom_provider_resources(ctx: CompileContext) -> None:
    custom = ctx.config.get("resources")
    if not isinstance(custom, dict):
        return
    custom = dict(custom)
    custom.setdefault("Resources", {})
    custom.setdefault("Outputs", {})
    if custom["Resources"] is None:
        custom["Resources"] = {}
    if custom["Outputs"] is None:
        custom["Outputs"] = {}
    extensions = custom.pop("extensions", None)
    for key, value in custom.items():
        if key == "Resources" and isinstance(value, dict):
            for lid in value:
                ctx.origins.setdefault(lid, ctx.origin(("resources", "Resources", lid)))
        if key == "Outputs" and isinstance(value, dict):
            for name in value:
                ctx.origins.setdefault(f"Outputs.{name}", ctx.origin(("resources", "Outputs", name)))
        if isinstance(value, (dict, list)):
            ctx.template[key] = lodash_merge(ctx.template.get(key), copy.deepcopy(value))
        else:
            ctx.template[key] = value
    if not isinstance(extensions, dict):
        return
    res = resources(ctx)
    for lid, definition in extensions.items():
        for attribute, value in (definition or {}).items():
            line = ctx.origin(("resources", "extensions", lid)).line
            if lid not in res:
                raise InputError(f'cannot extend "{lid}": no such resource in the generated stack',
                                 file=ctx.source, line=line, fix="extend a resource the framework generates")
            target = res[lid]
            if attribute in _EXTENSION_ASSIGN:
                target[attribute] = value
            elif attribute in ("Properties", "Metadata"):
                target.setdefault(attribute, {}).update(value or {})
            elif attribute == "DependsOn":
                depends = target.get("DependsOn")
                if not depends:
                    depends = []
                elif isinstance(depends, str):
                    depends = [depends]
                target["DependsOn"] = depends + list(value or [])
            else:
                raise InputError(f'cannot extend the "{attribute}" attribute of "{lid}"',
                                 file=ctx.source, line=line,
                                 fix="use resources.Resources to override it instead")


def _strip_nulls(obj: Any) -> None:
    if isinstance(obj, dict):
        for key in [k for k, v in obj.items() if v is None]:
            del obj[key]
        for value in obj.values():
            _strip_nulls(value)
    elif isinstance(obj, list):
        # The framework deletes null array items with `delete`, leaving holes that JSON writes as null.
        for value in obj:
            _strip_nulls(value)


def strip_null_props_from_template_resources(ctx: CompileContext) -> None:
    for resource in resources(ctx).values():
        if not isinstance(resource, dict):
            continue
        props = resource.get("Properties")
        if isinstance(props, (dict, list)) or props:
            _strip_nulls(props)
        else:
            resource.pop("Properties", None)


def has_events(config: dict[str, Any], kind: str) -> bool:
    """Whether any function has a `kind` event (a truthy one, as the framework's `if (event.http)`)."""
    functions = config.get("functions")
    for function in functions.values() if isinstance(functions, dict) else ():
        events = function.get("events") if isinstance(function, dict) else None
        if isinstance(events, list) and any(isinstance(e, dict) and e.get(kind) for e in events):
            return True
    return False


def iter_events(ctx: CompileContext, kind: str):
    """(function name, function, event index, event value) for each `kind` event, in config order."""
    for name, fn in functions(ctx).items():
        for index, event in enumerate(fn.get("events") or []):
            if isinstance(event, dict) and event.get(kind) is not None and event.get(kind) is not False:
                yield name, fn, index, event[kind]


def drop_none(value: Any) -> Any:
    """Drop the keys the framework leaves `undefined`, which JSON output omits."""
    if isinstance(value, dict):
        return {k: drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_none(v) for v in value]
    return value


def put(ctx: CompileContext, logical_id: str, resource: dict[str, Any], config_path: tuple,
        merge: bool = False) -> dict[str, Any]:
    """Add a resource (or `_.merge` it into an existing one) and record where it came from."""
    res = resources(ctx)
    resource = drop_none(resource)
    res[logical_id] = lodash_merge(res.get(logical_id), resource) if merge else resource
    ctx.origins.setdefault(logical_id, ctx.origin(config_path))
    return res[logical_id]


def alias_logical_id(fn: dict[str, Any]) -> str | None:
    return (fn.get("targetAlias") or {}).get("logicalId")


def function_iam_role_resource_name(ctx: CompileContext, function: dict[str, Any]) -> str | None:
    """The logical ID of the role the function runs with, when that role is in this stack."""
    role = custom_execution_role(ctx, function)
    if role:
        if isinstance(role, str):
            return None if ":" in role else role
        if isinstance(role, dict):
            get_att = role.get("Fn::GetAtt")
            if (isinstance(get_att, list) and len(get_att) == 2 and all(isinstance(x, str) for x in get_att)
                    and get_att[1] == "Arn"):
                return get_att[0]
            if role.get("Fn::ImportValue") or role.get("Ref") or role.get("Fn::Sub"):
                return None
    return naming.ROLE_LOGICAL_ID


def add_role_statement(ctx: CompileContext, statement: dict[str, Any]) -> None:
    statements = role_statements(ctx)
    if statements is not None:
        statements.append(statement)
