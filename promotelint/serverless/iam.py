"""The functions' execution role and log groups (package/lib/merge-iam-templates.js), and what the
other steps ask of that role: its statements, and which role a function runs with."""

from __future__ import annotations


from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import as_list, js_truthy
from promotelint.serverless.values import concat

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def role_statements(ctx: CompileContext) -> list | None:
    """The default execution role's policy statements, when the framework creates that role."""
    role = ctx.resources.get(naming.ROLE_LOGICAL_ID)
    if not role:
        return None
    return role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]


def is_existing_role_provided(role: Any) -> bool:
    return isinstance(role, str) or (isinstance(role, dict) and any("::" in k for k in role))


def custom_execution_role(ctx: CompileContext, function: dict[str, Any]) -> Any:
    if function.get("role"):
        return function["role"]
    prov = ctx.provider
    role = (prov.get("iam") or {}).get("role") if isinstance(prov.get("iam"), dict) else None
    if is_existing_role_provided(role):
        return role
    return prov.get("role")


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


def _log_sub(log_group_name: Any, suffix: str) -> dict[str, Any]:
    return {"Fn::Sub": concat("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:",
                              log_group_name, suffix)}


def merge_iam_templates(ctx: CompileContext) -> None:
    fns = ctx.functions
    if not fns:
        return
    prov = ctx.provider
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
        ctx.add_resource(lid, {"Type": "AWS::Logs::LogGroup", "Properties": props}, ("functions", name),
                         merge=True)

    iam = prov.get("iam") if isinstance(prov.get("iam"), dict) else {}
    iam_role = iam.get("role", {}) if isinstance(iam, dict) else {}
    if is_existing_role_provided(iam_role) or "role" in prov:
        return
    if all("role" in fn for fn in fns.values()):
        return
    if not isinstance(iam_role, dict):
        iam_role = {}
    service, stage = ctx.service_name, ctx.stage
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
    ctx.add_resource(naming.ROLE_LOGICAL_ID, role, ("provider", "iam"), merge=True)

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
        statements.extend(as_list(custom))
    managed = (iam_role.get("managedPolicies") if js_truthy(iam_role.get("managedPolicies"))
               else prov.get("iamManagedPolicies"))
    if managed:
        merge_managed_policies(ctx, as_list(managed))
    if any("vpc" in fn for fn in fns.values()) or prov.get("vpc"):
        merge_managed_policies(ctx, [{"Fn::Join": ["", [
            "arn:", {"Ref": "AWS::Partition"},
            ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]]}])


def merge_managed_policies(ctx: CompileContext, policies: list) -> None:
    if not policies:
        return
    props = ctx.resources[naming.ROLE_LOGICAL_ID]["Properties"]
    if not isinstance(props.get("ManagedPolicyArns"), list):
        props["ManagedPolicyArns"] = []
    props["ManagedPolicyArns"].extend(policies)
