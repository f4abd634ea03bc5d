"""`cloudFront` events (package/compile/events/cloud-front.js): Lambda@Edge associations on a
CloudFront distribution the service creates, with its cache policies, origins and behaviours."""

from __future__ import annotations

from urllib.parse import urlparse

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import (
    Event, compiles, event_error, events_of, non_empty, per_function,
)
from promotelint.serverless.values import is_mapping

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "cloudFront"

_ORIGIN_LIMITS = {"maxTimeout": 30, "maxMemorySize": 10240}
_VIEWER_LIMITS = {"maxTimeout": 5, "maxMemorySize": 128}
_EDGE_LIMITS = {"origin-request": _ORIGIN_LIMITS, "origin-response": _ORIGIN_LIMITS,
                "viewer-request": _VIEWER_LIMITS, "viewer-response": _VIEWER_LIMITS, "default": _VIEWER_LIMITS}
_MANAGED_CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"


def _settings(event: Event) -> dict[str, Any]:
    return event.value if is_mapping(event.value) else {}


def prepare_cloudfront_functions(ctx: CompileContext) -> None:
    """package:initialize validation and before:package:compileFunctions defaults: Lambda@Edge
    functions are versioned and get Lambda@Edge's memory and timeout limits by default."""
    for events in per_function(events_of(ctx, KIND, counts=non_empty)):
        name, fn = events[0].function_name, events[0].function
        for event in events:
            event_type = _settings(event).get("eventType") or "default"
            limits = _EDGE_LIMITS.get(event_type, _VIEWER_LIMITS)
            for key, limit in (("memorySize", limits["maxMemorySize"]), ("timeout", limits["maxTimeout"])):
                if isinstance(fn.get(key), (int, float)) and fn[key] > limit:
                    raise event_error(ctx, ("functions", name, key), KIND,
                                      f'"{name}" {key} is greater than {limit}, which '
                                      f'Lambda@Edge functions of type "{event_type}" do not support')
        fn["versionFunction"] = True
        fn["memorySize"] = fn.get("memorySize") or 128
        fn["timeout"] = fn.get("timeout") or 5


def _create_origin(origin: Any) -> dict[str, Any]:
    if isinstance(origin, str):
        parsed = urlparse(origin)
        created: dict[str, Any] = {"DomainName": parsed.hostname}
        if parsed.path and len(parsed.path) > 1:
            created["OriginPath"] = parsed.path
        if parsed.scheme == "s3":
            created["S3OriginConfig"] = {}
        else:
            created["CustomOriginConfig"] = {"OriginProtocolPolicy": "match-viewer"}
    else:
        created = dict(origin or {})
    created["Id"] = naming.get_cloudfront_origin_id(created)
    return created


def _extend_deep(target: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    """lodash assignWith as the framework uses it: existing values win, lists are united, objects
    are extended, missing keys are added."""
    for key, value in source.items():
        if key not in target or target[key] is None:
            target[key] = value
        elif isinstance(target[key], list):
            united = list(target[key])
            for item in value if isinstance(value, list) else [value]:
                if item not in united:
                    united.append(item)
            target[key] = united
        elif isinstance(target[key], dict) and isinstance(value, dict):
            _extend_deep(target[key], value)
    return target


@compiles(KIND)
def compile_cloudfront(ctx: CompileContext) -> None:
    res = ctx.resources
    cache_policies: list[str] = []
    config = ctx.provider.get("cloudFront") or {}
    for policy_name, policy in (config.get("cachePolicies") or {}).items():
        cache_policies.append(policy_name)
        lid = naming.get_cloudfront_cache_policy_logical_id(policy_name)
        full_name = naming.get_cloudfront_cache_policy_name(ctx.service_name, ctx.stage, policy_name)
        ctx.add_resource(lid, {"Type": "AWS::CloudFront::CachePolicy",
                               "Properties": {"CachePolicyConfig": {**(policy or {}), "Name": full_name}}},
                         ("provider", "cloudFront", "cachePolicies", policy_name))
    edge_functions: list[tuple[str, str, tuple]] = []
    origins: list[dict[str, Any]] = []
    behaviors: list[dict[str, Any]] = []
    default_origin = None
    first_path: tuple = ()
    for event in events_of(ctx, KIND, counts=non_empty):
        name, fn, path, settings = event.function_name, event.function, event.path, _settings(event)
        first_path = first_path or path
        function_lid = next((lid for lid, r in res.items() if r.get("Type") == "AWS::Lambda::Function"
                             and (r.get("Properties") or {}).get("FunctionName") == fn["name"]), None)
        if function_lid is None:
            raise event_error(ctx, path, KIND, f'no Lambda function named "{fn["name"]}" in the template')
        function = res[function_lid]
        function["Properties"].pop("VpcConfig", None)
        function["Properties"].pop("Environment", None)
        function["DeletionPolicy"] = "Retain"
        version_lid = next((lid for lid, r in res.items() if r.get("Type") == "AWS::Lambda::Version"
                            and ((r.get("Properties") or {}).get("FunctionName") or {}).get("Ref") == function_lid),
                           None)
        path_pattern = settings.get("pathPattern") if isinstance(settings.get("pathPattern"), str) else None
        origin = _create_origin(settings.get("origin"))
        existing = next((o for o in origins if o["Id"] == origin["Id"]), None)
        if existing is None:
            origins.append(origin)
        else:
            origin = _extend_deep(existing, origin)
        if settings.get("isDefaultOrigin"):
            if default_origin is not None and default_origin is not origin:
                raise event_error(ctx, path, KIND, 'more than one cloudFront event has "isDefaultOrigin"')
            default_origin = origin
        behavior: dict[str, Any] = {"ViewerProtocolPolicy": "allow-all"}
        assign_default_cache_policy = True
        configured = settings.get("behavior") if is_mapping(settings.get("behavior")) else None
        if configured:
            behavior.update(configured)
            if configured.get("CachePolicyId"):
                assign_default_cache_policy = False
            if configured.get("ForwardedValues") or any(
                    configured.get(k) is not None for k in ("MaxTTL", "MinTTL", "DefaultTTL")):
                assign_default_cache_policy = False
        if is_mapping(settings.get("cachePolicy")):
            policy_id, policy_name = settings["cachePolicy"].get("id"), settings["cachePolicy"].get("name")
            if policy_name and policy_name not in cache_policies:
                raise event_error(ctx, path, KIND,
                                  f"the event references the unknown cache policy '{policy_name}'")
            behavior["CachePolicyId"] = policy_id or {
                "Ref": naming.get_cloudfront_cache_policy_logical_id(policy_name)}
            assign_default_cache_policy = False
        if assign_default_cache_policy:
            behavior["CachePolicyId"] = _MANAGED_CACHING_OPTIMIZED
        association: dict[str, Any] = {"EventType": settings.get("eventType"),
                                       "LambdaFunctionARN": {"Ref": version_lid}}
        if settings.get("includeBody") is not None:
            association["IncludeBody"] = settings["includeBody"]
        behavior["TargetOriginId"] = origin["Id"]
        behavior["LambdaFunctionAssociations"] = [association]
        if path_pattern:
            behavior["PathPattern"] = path_pattern
        same = next((b for b in behaviors if b.get("PathPattern") == behavior.get("PathPattern")
                     and b.get("TargetOriginId") == behavior["TargetOriginId"]), None)
        if same is None:
            behaviors.append(behavior)
        else:
            _extend_deep(same, behavior)
        edge_functions.append((name, version_lid, path))
    if not edge_functions:
        return
    behaviors.sort(key=lambda b: 1 if b.get("PathPattern") else 0)
    if ctx.region != "us-east-1":
        raise event_error(ctx, first_path, KIND,
                          "functions with cloudFront events have to be deployed to us-east-1")
    patterns = [b.get("PathPattern") for b in behaviors]
    if len(patterns) != len(set(patterns)):
        raise event_error(ctx, first_path, KIND, "more than one behavior has the same pathPattern")
    for b in behaviors:
        types = [a.get("EventType") for a in b["LambdaFunctionAssociations"]]
        if len(types) != len(set(types)):
            raise event_error(ctx, first_path, KIND,
                              "the event type of a function association must be unique in a behavior")
    if behaviors[0].get("PathPattern"):
        origin = default_origin
        if origin is None:
            if len(origins) > 1:
                raise event_error(ctx, first_path, KIND,
                                  'several origins but no cloudFront event has "isDefaultOrigin"')
            origin = origins[0]
        default = {k: v for k, v in behaviors[0].items() if k not in ("PathPattern", "LambdaFunctionAssociations")}
        default["TargetOriginId"] = origin["Id"]
        behaviors.insert(0, default)
    distribution_lid = naming.CLOUDFRONT_DISTRIBUTION_LOGICAL_ID
    for name, version_lid, path in edge_functions:
        lid = naming.get_lambda_at_edge_invoke_permission_logical_id(name)
        ctx.add_resource(lid, {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": version_lid}, "Action": "lambda:InvokeFunction",
            "Principal": "edgelambda.amazonaws.com",
            "SourceArn": {"Fn::Join": ["", ["", "arn:", {"Ref": "AWS::Partition"}, ":cloudfront::",
                                            {"Ref": "AWS::AccountId"}, ":distribution/", {"Ref": distribution_lid}]]}}},
            path)
    role = res.get(naming.ROLE_LOGICAL_ID)
    if role:
        for statement in role["Properties"]["AssumeRolePolicyDocument"]["Statement"]:
            if "lambda.amazonaws.com" in statement["Principal"]["Service"]:
                statement["Principal"]["Service"].append("edgelambda.amazonaws.com")
                break
        # Lambda@Edge writes its logs in the regions closest to where it runs.
        role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].append({
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"],
            "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:logs:*:*:*"}]})
    distribution_config: dict[str, Any] = {"Comment": f"{ctx.service_name} {ctx.stage}", "Enabled": True,
                                           "DefaultCacheBehavior": behaviors[0], "Origins": origins}
    if behaviors[1:]:
        distribution_config["CacheBehaviors"] = behaviors[1:]
    ctx.add_resource(distribution_lid, {"Type": "AWS::CloudFront::Distribution",
                                        "Properties": {"DistributionConfig": distribution_config}}, first_path)
    ctx.add_output(distribution_lid, {"Description": "CloudFront Distribution Id", "Value": {"Ref": distribution_lid}},
                   first_path, merge=True)
    ctx.add_output(naming.CLOUDFRONT_DISTRIBUTION_DOMAIN_NAME_LOGICAL_ID, {
        "Description": "CloudFront Distribution Domain Name",
        "Value": {"Fn::GetAtt": [distribution_lid, "DomainName"]}}, first_path, merge=True)
