"""The template around the functions and events: the core template the framework starts from,
and its finalize steps (package/lib/generate-core-template.js, add-export-name-for-outputs.js,
merge-custom-provider-resources.js, strip-null-props-from-template-resources.js)."""

from __future__ import annotations


from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import clone_deep, lodash_merge

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


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
    prov = ctx.provider
    res = ctx.resources
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
        ctx.outputs[naming.DEPLOYMENT_BUCKET_OUTPUT_LOGICAL_ID]["Value"] = bucket_name
        res.pop(naming.DEPLOYMENT_BUCKET_LOGICAL_ID, None)
        res.pop(naming.DEPLOYMENT_BUCKET_POLICY_LOGICAL_ID, None)


def add_export_name_for_outputs(ctx: CompileContext) -> None:
    prefix = f"sls-{ctx.service_name}-{ctx.stage}-"
    for key, data in ctx.outputs.items():
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
            ctx.template[key] = lodash_merge(ctx.template.get(key), clone_deep(value))
        else:
            ctx.template[key] = value
    if not isinstance(extensions, dict):
        return
    res = ctx.resources
    for lid, definition in extensions.items():
        where = ("resources", "extensions", lid)
        for attribute, value in (definition or {}).items():
            if lid not in res:
                raise ctx.error(where, f'cannot extend "{lid}": no such resource in the generated stack',
                                "extend a resource the framework generates")
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
                raise ctx.error(where, f'cannot extend the "{attribute}" attribute of "{lid}"',
                                "use resources.Resources to override it instead")


def _strip_nulls(obj: Any) -> None:
    # (containers only are visited: a template's leaves outnumber them several times; and most
    # mappings have no null, which `None in` finds in C before any list is built)
    if isinstance(obj, dict):
        if None in obj.values():
            for key in [k for k, v in obj.items() if v is None]:
                del obj[key]
        for value in obj.values():
            if isinstance(value, _CONTAINERS):
                _strip_nulls(value)
    elif isinstance(obj, list):
        # The framework deletes null array items with `delete`, leaving holes that JSON writes as null.
        for value in obj:
            if isinstance(value, _CONTAINERS):
                _strip_nulls(value)


_CONTAINERS = (dict, list)


def strip_null_props_from_template_resources(ctx: CompileContext) -> None:
    for resource in ctx.resources.values():
        if not isinstance(resource, dict):
            continue
        props = resource.get("Properties")
        if isinstance(props, (dict, list)) or props:
            _strip_nulls(props)
        else:
            resource.pop("Properties", None)
