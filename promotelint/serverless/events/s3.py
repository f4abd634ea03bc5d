"""`s3` events (package/compile/events/s3): new buckets with notifications, or existing buckets
configured through the framework's custom resource."""

from __future__ import annotations

import functools
import json
import re

from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.custom_resources import add_custom_resource_to_service, chain_custom_resources
from promotelint.serverless.events.base import compiles, events_of, per_function, present
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.js import js_truthy
from promotelint.serverless.values import concat, drop_none, is_mapping, name_from

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "s3"


@functools.cache
def _bucket_name() -> re.Pattern:
    """awsS3BucketName pattern of the framework's config schema (compiled when first needed: 5 ms
    of every start otherwise)."""
    return re.compile(r"(?!^(\d{1,3}\.){3}\d{1,3}$)(^(([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*"
                      r"([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$)")


@compiles(KIND)
def compile_s3(ctx: CompileContext) -> None:
    _new_buckets(ctx)
    _existing_buckets(ctx)


def _new_buckets(ctx: CompileContext) -> None:
    configurations: dict[str, list] = {}
    meta: dict[str, dict[str, str]] = {}
    enabled: list[tuple[str, str, tuple]] = []
    values: dict[str, Any] = {}  # bucket name text -> the configured value (opaque when not known offline)
    provider_s3 = ctx.provider.get("s3") or {}
    for s3_event in events_of(ctx, KIND, counts=present):
        name, fn, path, event = s3_event.function_name, s3_event.function, s3_event.path, s3_event.value
        if _on_existing_bucket(event):
            continue
        notification = "s3:ObjectCreated:*"
        filter_: dict[str, Any] = {}
        if is_mapping(event):
            if isinstance(event.get("bucket"), (dict, list)) and not is_opaque(event.get("bucket")):
                raise ctx.error(path, 's3 event: a bucket given as an intrinsic function needs "existing: true"',
                                "add existing: true")
            bucket_ref = event.get("bucket")
            if event.get("event"):
                notification = event["event"]
            if js_truthy(event.get("rules")):
                rules = [{"Name": next(iter(rule)), "Value": next(iter(rule.values()))} for rule in event["rules"]]
                filter_ = {"Filter": {"S3Key": {"Rules": rules}}}
        else:
            bucket_ref = event
        bucket_value = bucket_ref
        bucket_ref = name_from(ctx, bucket_ref, f"the s3 event of function {name}")
        if is_mapping(provider_s3.get(bucket_ref)):
            bucket_value = provider_s3[bucket_ref].get("name") or bucket_ref
            bucket_name = name_from(ctx, bucket_value, f"provider.s3.{bucket_ref}")
            meta[bucket_name] = {"logicalId": naming.get_bucket_logical_id(bucket_ref), "bucketRef": bucket_ref}
        else:
            bucket_name = bucket_ref
        values[bucket_name] = bucket_value
        if not is_opaque(bucket_value) and not _bucket_name().search(bucket_name):
            raise ctx.error(path, f"{bucket_name} - bucket name must be a valid S3 bucket name",
                            f"check provider.s3.{bucket_ref} and the s3 events of function {name}")
        configurations.setdefault(bucket_name, []).append(
            {"Event": notification, "Function": resolve_lambda_target(name, fn), **filter_})
        enabled.append((name, bucket_name, path))

    def permission_id(fn_name: str, bucket_name: str) -> str:
        return naming.get_lambda_s3_permission_logical_id(
            fn_name, meta.get(bucket_name, {}).get("bucketRef") or bucket_name)

    for bucket_name, lambda_configurations in configurations.items():
        bucket_conf: dict[str, Any] | None = None
        if bucket_name in meta:
            bucket_conf = {naming.upper_first(key): value
                           for key, value in provider_s3[meta[bucket_name]["bucketRef"]].items() if key != "name"}
        provided_notification: dict[str, Any] = {}
        if bucket_conf:
            provided_notification = bucket_conf.pop("NotificationConfiguration", None) or {}
        props = {"BucketName": values[bucket_name],
                 "NotificationConfiguration": {"LambdaConfigurations": lambda_configurations,
                                               **provided_notification},
                 **(bucket_conf or {})}
        depends: list[str] = []
        first_path: tuple = ()
        for fn_name, b_name, path in enabled:
            if b_name != bucket_name:
                continue
            first_path = first_path or path
            depends.append(permission_id(fn_name, b_name))
            alias = alias_logical_id(ctx.functions[fn_name])
            if alias:
                depends.append(alias)
        lid = meta.get(bucket_name, {}).get("logicalId") or naming.get_bucket_logical_id(bucket_name)
        ctx.add_resource(lid, drop_none({"Type": "AWS::S3::Bucket", "Properties": props, "DependsOn": depends}),
                         first_path, merge=True)
    for fn_name, bucket_name, path in enabled:
        fn = ctx.functions[fn_name]
        ctx.add_resource(permission_id(fn_name, bucket_name), drop_none({
            "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": {
                "FunctionName": resolve_lambda_target(fn_name, fn), "Action": "lambda:InvokeFunction",
                "Principal": "s3.amazonaws.com",
                "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"},
                                                concat(":s3:::", values[bucket_name])]]},
                "SourceAccount": {"Ref": "AWS::AccountId"}}}), path, merge=True)


def _on_existing_bucket(s3: Any) -> bool:
    """An event on a bucket the stack does not create: the framework's custom resource sets it up."""
    return isinstance(s3, dict) and bool(s3.get("existing"))


def _existing_buckets(ctx: CompileContext) -> None:
    statements: list[dict[str, Any]] = []
    bucket_resources: dict[str, list[str]] = {}
    existing = list(events_of(ctx, KIND, counts=_on_existing_bucket))
    for events in per_function(existing):
        current = None
        for event in events:
            name, fn, s3 = event.function_name, event.function, event.value
            bucket = s3.get("bucket")
            key = json.dumps(bucket, separators=(",", ":")) if isinstance(bucket, (dict, list)) else str(bucket)
            notification = s3.get("event") or "s3:ObjectCreated:*"
            current = current or key
            if key != current:
                raise ctx.error(event.path, f'function "{fn["name"]}" configures two existing S3 buckets, '
                                            f"{current} and {key}", "configure only one existing bucket per function")
            rules = [{naming.start_case(next(iter(rule))): next(iter(rule.values()))}
                     for rule in s3.get("rules") or []]
            handler_lid = naming.get_custom_resource_handler_function_logical_id(
                naming.CUSTOM_RESOURCE_S3_HANDLER_FUNCTION_NAME)
            custom_lid = naming.get_custom_resource_s3_resource_logical_id(name)
            ids = bucket_resources.setdefault(key, [])
            if custom_lid not in ids:
                ids.append(custom_lid)
            if event.number == 1:
                props: dict[str, Any] = {
                    "ServiceToken": {"Fn::GetAtt": [handler_lid, "Arn"]}, "FunctionName": fn["name"],
                    "BucketName": bucket, "BucketConfigs": [{"Event": notification, "Rules": rules}]}
                if s3.get("forceDeploy"):
                    # The framework puts Date.now() here to force an update on every deploy.
                    props["ForceDeploy"] = "promotelint:changes-on-every-deploy"
                ctx.add_resource(custom_lid, drop_none({
                    "Type": "Custom::S3", "Version": 1, "DependsOn": [naming.get_lambda_logical_id(name), handler_lid],
                    "Properties": props}), event.path, merge=True)
                statements.append({"Effect": "Allow", "Resource": {"Fn::Join": [":", [
                    "arn", {"Ref": "AWS::Partition"}, "s3", "", "", bucket]]},
                    "Action": ["s3:PutBucketNotification", "s3:GetBucketNotification"]})
            else:
                ctx.resources[custom_lid]["Properties"]["BucketConfigs"].append(
                    {"Event": notification, "Rules": rules})
    if existing:
        statements.append({"Effect": "Allow", "Resource": {"Fn::Join": [":", [
            "arn", {"Ref": "AWS::Partition"}, "lambda", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"},
            "function", "*"]]}, "Action": ["lambda:AddPermission", "lambda:RemovePermission"]})
    chain_custom_resources(ctx, bucket_resources)
    if statements:
        add_custom_resource_to_service(ctx, KIND, statements, existing[0].path)
