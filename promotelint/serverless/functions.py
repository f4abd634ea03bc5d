"""Lambda functions, versions, aliases, URLs and event invoke configs (package/compile/functions.js).

There is no code zip offline, so the volatile parts are made deterministic: the S3 key uses a fixed
directory token instead of a timestamp, CodeSha256 is an opaque token naming the artifact, and the
version logical ID hashes the function's compiled configuration (plus the artifact name), so that a
configuration change still yields a new version ID as it does in the framework.
"""

from __future__ import annotations

import base64
import copy
import json

from promotelint.model.digest import sha256
from promotelint.model.opaque import is_opaque, opaque
from promotelint.model.regex import lazy
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.iam import custom_execution_role, role_statements
from promotelint.serverless.js import js_truthy, uniq
from promotelint.serverless.values import concat, text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

ARTIFACT_DIRECTORY_TOKEN = "0000000000000-offline"
_RUNTIME_MANAGEMENT = {"auto": "Auto", "onFunctionUpdate": "FunctionUpdate", "manual": "Manual"}
_DEFAULT_CORS = {
    "allowedOrigins": ["*"],
    "allowedHeaders": ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key",
                       "X-Amz-Security-Token", "X-Amzn-Trace-Id"],
    "allowedMethods": ["*"],
}
_LAMBDA_ARN = lazy(r"^arn:[^:]+:lambda:")


def artifact_directory_name(ctx: CompileContext) -> str:
    prefix = ctx.provider.get("deploymentPrefix")
    prefix = "serverless" if prefix is None else str(prefix)
    return f"{prefix}/{ctx.service_name}/{ctx.stage}/{ARTIFACT_DIRECTORY_TOKEN}"


def deployment_bucket_ref(ctx: CompileContext) -> Any:
    return ctx.provider.get("deploymentBucket") or {"Ref": naming.DEPLOYMENT_BUCKET_LOGICAL_ID}


def code_sha256(artifact: str) -> dict[str, str]:
    return opaque(f"CodeSha256 of {artifact}")


def alias_logical_id(fn: dict[str, Any]) -> str | None:
    """The alias events depend on, when provisioned concurrency or SnapStart made one."""
    return (fn.get("targetAlias") or {}).get("logicalId")


def resolve_lambda_target(function_name: str, function: dict[str, Any]) -> Any:
    """The function's ARN, or its alias ARN when provisioned concurrency / SnapStart made one."""
    getter = {"Fn::GetAtt": [naming.get_lambda_logical_id(function_name), "Arn"]}
    alias = function.get("targetAlias")
    if not alias:
        return getter
    return {"Fn::Join": [":", [getter, alias["name"]]]}


def resolve_function_arn(ctx: CompileContext, address: str) -> Any:
    if _LAMBDA_ARN.match(address):
        return address
    fn = ctx.functions.get(address)
    if fn is None:
        raise ctx.error((), f"unrecognized function address {address}",
                        "name a function of this service or give a Lambda ARN")
    return resolve_lambda_target(address, fn)


_ECR_URI = lazy(r"^\d+\.dkr\.ecr\.[a-z0-9-]+..amazonaws.com/([^@]+)|([^@:]+@sha256:[a-f0-9]{64})$")


def _resolve_image(ctx: CompileContext, name: str, image: Any) -> tuple[Any, Any]:
    """ImageUri and CodeSha256 of an image function (provider.js resolveImageUriAndSha).

    A URI pinned by digest is resolved as the framework does; a tag or a locally built image
    needs ECR or Docker, so its URI and digest stay opaque."""
    where = ("functions", name, "image")
    if isinstance(image, dict):
        if bool(image.get("uri")) == bool(image.get("name")):
            raise ctx.error(where, f'function "{name}": image needs exactly one of "uri" and "name"',
                            "set image.uri or image.name")
        uri, image_name = image.get("uri"), image.get("name")
    elif isinstance(image, str) and _ECR_URI.match(image):
        uri, image_name = image, None
    else:
        uri, image_name = None, image
    if image_name is not None:
        images = ((ctx.provider.get("ecr") or {}).get("images") or {})
        defined = images.get(image_name)
        if not defined:
            raise ctx.error(where, f'function "{name}": image "{image_name}" is not defined in provider.ecr.images',
                            "define it under provider.ecr.images")
        uri = defined if isinstance(defined, str) else defined.get("uri")
    if isinstance(uri, str) and "@sha256:" in uri:
        return uri, uri.split("@")[1][len("sha256:"):]
    label = uri or f"image {image_name} built from provider.ecr.images"
    ctx.warn(f'function "{name}": the container image digest of {label} is not known offline')
    return opaque(f"ImageUri of {label}"), opaque(f"CodeSha256 of {label}")


def _artifact_name(ctx: CompileContext, name: str, fn: dict[str, Any]) -> str:
    package = fn.get("package") or {}
    service_package = ctx.config.get("package") or {}
    artifact = package.get("artifact") or service_package.get("artifact")
    if artifact:
        return text(artifact).replace("\\", "/").split("/")[-1]
    if service_package.get("individually") or package.get("individually"):
        return naming.get_function_artifact_name(name)
    return naming.get_service_artifact_name(ctx.service_name)


def _compile_role(resource: dict[str, Any], role: Any) -> None:
    props = resource["Properties"]
    if isinstance(role, str):
        if role.startswith("arn:"):
            props["Role"] = role
            return
        props["Role"] = {"Fn::GetAtt": [role, "Arn"]}
        if role != naming.ROLE_LOGICAL_ID:
            resource["DependsOn"] = list(resource.get("DependsOn") or []) + [role]
    elif isinstance(role, dict) and "Fn::GetAtt" in role:
        props["Role"] = role
        resource["DependsOn"] = list(resource.get("DependsOn") or []) + [role["Fn::GetAtt"][0]]
    else:
        props["Role"] = role


def _compile_function(ctx: CompileContext, name: str, fn: dict[str, Any]) -> tuple[dict, str | None, Any]:
    prov = ctx.provider
    path = ("functions", name)
    resource: dict[str, Any] = {"Type": "AWS::Lambda::Function", "Properties": {"Code": {}}}
    props = resource["Properties"]
    if not fn.get("handler") and not fn.get("image"):
        raise ctx.error(path, f'function "{name}" needs a "handler" or an "image"', "add a handler")
    if fn.get("handler") and fn.get("image"):
        raise ctx.error(path, f'function "{name}" has both "handler" and "image"', "keep only one of them")
    image = fn.get("image")
    if image and isinstance(image, dict):
        image_config = {}
        for key, cfn_key in (("command", "Command"), ("entryPoint", "EntryPoint"),
                             ("workingDirectory", "WorkingDirectory")):
            if image.get(key):
                image_config[cfn_key] = image[key]
        if image_config:
            props["ImageConfig"] = image_config

    memory = fn.get("memorySize") or prov.get("memorySize") or 1024
    timeout = fn.get("timeout") or prov.get("timeout") or 6
    artifact = None
    code_sha: Any = None
    if fn.get("handler"):
        artifact = _artifact_name(ctx, name, fn)
        code_sha = code_sha256(artifact)
        management = {"mode": "auto"}
        for value in (prov.get("runtimeManagement"), fn.get("runtimeManagement")):
            if isinstance(value, str):
                management.update(mode=value)
            elif isinstance(value, dict):
                management.update(value)
        if management["mode"] != "auto":
            props["RuntimeManagementConfig"] = {"UpdateRuntimeOn": _RUNTIME_MANAGEMENT.get(management["mode"])}
            if management["mode"] == "manual":
                props["RuntimeManagementConfig"]["RuntimeVersionArn"] = management.get("arn")
        runtime = fn.get("runtime") or prov.get("runtime") or ctx.engine.default_runtime
        props["Handler"] = fn["handler"]
        props["Code"]["S3Bucket"] = deployment_bucket_ref(ctx)
        props["Code"]["S3Key"] = f"{artifact_directory_name(ctx)}/{artifact}"
        props["Runtime"] = runtime
    else:
        uri, sha = _resolve_image(ctx, name, image)
        props["Code"]["ImageUri"] = uri
        props["PackageType"] = "Image"
        code_sha = sha
    props["FunctionName"] = fn["name"]
    props["MemorySize"] = memory
    props["Timeout"] = timeout
    architecture = fn.get("architecture") or prov.get("architecture")
    if architecture:
        props["Architectures"] = [architecture]
    if fn.get("description"):
        props["Description"] = fn["description"]
    if fn.get("condition"):
        resource["Condition"] = fn["condition"]
    if fn.get("dependsOn"):
        depends = fn["dependsOn"]
        resource["DependsOn"] = list(resource.get("DependsOn") or []) + (
            depends if isinstance(depends, list) else [depends])
    if js_truthy(fn.get("tags")) or js_truthy(prov.get("tags")):
        tags = {**(prov.get("tags") or {}), **(fn.get("tags") or {})}
        props["Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
    if fn.get("ephemeralStorageSize"):
        props["EphemeralStorage"] = {"Size": fn["ephemeralStorageSize"]}

    statements = role_statements(ctx)
    on_error = fn.get("onError")
    if on_error:
        props["DeadLetterConfig"] = {"TargetArn": on_error}
        if isinstance(on_error, str) and statements is not None:
            statements.append({"Effect": "Allow", "Action": ["sns:Publish"], "Resource": [on_error]})
    kms = fn.get("kmsKeyArn") or prov.get("kmsKeyArn")
    if kms:
        props["KmsKeyArn"] = kms
        if isinstance(kms, str) and statements is not None:
            _replace_statements(ctx, uniq(
                [*statements, {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [kms]}]))
    prov_tracing = prov.get("tracing")
    tracing = fn.get("tracing") or (prov_tracing.get("lambda") if isinstance(prov_tracing, dict) else None)
    if tracing:
        props["TracingConfig"] = {"Mode": "Active" if isinstance(tracing, bool) else tracing}
        statements = role_statements(ctx)
        if statements is not None:
            _replace_statements(ctx, uniq([*statements, {
                "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                "Resource": ["*"]}]))
    if js_truthy(fn.get("environment")) or js_truthy(prov.get("environment")):
        props["Environment"] = {"Variables": {**(prov.get("environment") or {}),
                                              **(fn.get("environment") or {})}}
    _compile_role(resource, custom_execution_role(ctx, fn) or naming.ROLE_LOGICAL_ID)

    if "vpc" not in fn or (fn["vpc"] is not None and fn["vpc"] is not False):
        fn_vpc = fn.get("vpc") or {}
        prov_vpc = prov.get("vpc") or {}
        groups = fn_vpc.get("securityGroupIds") or prov_vpc.get("securityGroupIds")
        subnets = fn_vpc.get("subnetIds") or prov_vpc.get("subnetIds")
        if groups and subnets:
            props["VpcConfig"] = {"SecurityGroupIds": groups, "SubnetIds": subnets}
    fs_config = fn.get("fileSystemConfig")
    if js_truthy(fs_config):
        if "VpcConfig" not in props:
            raise ctx.error(path + ("fileSystemConfig",),
                            f'function "{name}": fileSystemConfig needs a vpc on the function or provider',
                            "configure vpc")
        statements = role_statements(ctx)
        if statements is not None:
            statements.append({"Effect": "Allow",
                               "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                               "Resource": [fs_config.get("arn")]})
        props["FileSystemConfigs"] = [{"Arn": fs_config.get("arn"),
                                       "LocalMountPath": fs_config.get("localMountPath")}]
    reserved = fn.get("reservedConcurrency")
    if reserved or (reserved == 0 and not isinstance(reserved, bool)):
        props["ReservedConcurrentExecutions"] = reserved
    if not fn.get("disableLogs"):
        resource["DependsOn"] = [naming.get_log_group_logical_id(name)] + list(resource.get("DependsOn") or [])
    if js_truthy(fn.get("layers")):
        props["Layers"] = fn["layers"]
    elif js_truthy(prov.get("layers")):
        props["Layers"] = prov["layers"] if is_opaque(prov["layers"]) else list(prov["layers"])
    ctx.add_resource(naming.get_lambda_logical_id(name), resource, path)
    return resource, artifact, code_sha


def _replace_statements(ctx: CompileContext, statements: list) -> None:
    role = ctx.resources[naming.ROLE_LOGICAL_ID]
    role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"] = statements


def _layer_configurations(ctx: CompileContext, props: dict[str, Any]) -> list[dict[str, Any]]:
    names = {naming.get_lambda_layer_logical_id(n): n for n in ctx.config.get("layers") or {}}
    configs = []
    for layer in props.get("Layers") or []:
        if isinstance(layer, dict) and isinstance(layer.get("Ref"), str):
            resource = ctx.resources.get(layer["Ref"])
            if not isinstance(resource, dict) or layer["Ref"] not in names:
                continue
            layer_props = copy.deepcopy(resource.get("Properties") or {})
            layer_props.get("Content", {}).pop("S3Key", None)
            configs.append({"name": names[layer["Ref"]], "ref": layer["Ref"], "properties": layer_props})
    return configs


def _compile_version(ctx: CompileContext, name: str, fn: dict[str, Any], resource: dict[str, Any],
                     artifact: str | None, code_sha: Any) -> None:
    if not _is_versioned(ctx, fn):
        return
    lid = naming.get_lambda_logical_id(name)
    version: dict[str, Any] = {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain",
                               "Properties": {"FunctionName": {"Ref": lid},
                                              "CodeSha256": code_sha}}
    hashed = dict(resource["Properties"])  # (only its top level changes)
    if not fn.get("image"):
        hashed.pop("Code", None)
    hashed.pop("ReservedConcurrentExecutions", None)
    hashed.pop("Tags", None)
    hashed["layerConfigurations"] = _layer_configurations(ctx, resource["Properties"])
    hashed["artifact"] = artifact
    digest = base64.b64encode(sha256(
        # (the framework's deepSortObjectByKey, then JSON.stringify: C's sort_keys, keys being unique)
        json.dumps(hashed, separators=(",", ":"), sort_keys=True, default=str).encode()).digest()).decode()
    if fn.get("description"):
        version["Properties"]["Description"] = fn["description"]
    version_lid = naming.get_lambda_version_logical_id(name, digest)
    fn["versionLogicalId"] = version_lid
    ctx.add_resource(version_lid, version, ("functions", name))
    ctx.add_output(naming.get_lambda_version_output_logical_id(name), {
        "Description": "Current Lambda function version", "Value": {"Ref": version_lid}}, ("functions", name))
    if fn.get("provisionedConcurrency") and fn.get("snapStart"):
        raise ctx.error(("functions", name), f'function "{name}": SnapStart does not support provisioned concurrency',
                        "remove provisionedConcurrency or snapStart")
    if (fn.get("provisionedConcurrency") or fn.get("snapStart")) and not _version_setting(ctx, fn):
        # a version published only for the alias is not one the user asked to keep
        del version["DeletionPolicy"]
    if fn.get("provisionedConcurrency"):
        _add_alias(ctx, name, fn, version_lid, "provisionedConcurrency", naming.PROVISIONED_CONCURRENCY_ALIAS_NAME,
                   naming.get_lambda_provisioned_concurrency_alias_logical_id(name),
                   ProvisionedConcurrencyConfig={"ProvisionedConcurrentExecutions": fn["provisionedConcurrency"]})
    if fn.get("snapStart"):
        resource["Properties"]["SnapStart"] = {"ApplyOn": "PublishedVersions"}
        _add_alias(ctx, name, fn, version_lid, "snapStart", naming.SNAP_START_ALIAS_NAME,
                   naming.get_lambda_snap_start_alias_logical_id(name))


def _add_alias(ctx: CompileContext, name: str, fn: dict[str, Any], version_lid: str, setting: str, alias_name: str,
               alias_lid: str, **properties: Any) -> None:
    """The alias that provisioned concurrency or SnapStart needs; the function's events target it."""
    lid = naming.get_lambda_logical_id(name)
    fn["targetAlias"] = {"name": alias_name, "logicalId": alias_lid}
    ctx.add_resource(alias_lid, {"Type": "AWS::Lambda::Alias", "Properties": {
        "FunctionName": {"Ref": lid}, "FunctionVersion": {"Fn::GetAtt": [version_lid, "Version"]},
        "Name": alias_name, **properties,
    }, "DependsOn": lid}, ("functions", name, setting))


def _compile_function_url(ctx: CompileContext, name: str, fn: dict[str, Any]) -> None:
    url = fn.get("url")
    if not js_truthy(url):
        return
    url = url if isinstance(url, dict) else {}
    auth = "AWS_IAM" if url.get("authorizer") == "aws_iam" else "NONE"
    cors = None
    if js_truthy(url.get("cors")):
        cors = dict(_DEFAULT_CORS)
        url_cors = url["cors"] if isinstance(url["cors"], dict) else {}
        for key in ("allowedOrigins", "allowedHeaders", "allowedMethods"):
            if url_cors.get(key):
                cors[key] = uniq(url_cors[key])
            elif key in url_cors and url_cors[key] is None:
                del cors[key]
        if url_cors.get("allowCredentials"):
            cors["allowCredentials"] = True
        if url_cors.get("exposedResponseHeaders"):
            cors["exposedResponseHeaders"] = uniq(url_cors["exposedResponseHeaders"])
        cors["maxAge"] = url_cors.get("maxAge")
    target = resolve_lambda_target(name, fn)
    alias_lid = alias_logical_id(fn)
    resource: dict[str, Any] = {"Type": "AWS::Lambda::Url",
                                "Properties": {"AuthType": auth, "TargetFunctionArn": target}}
    if alias_lid:
        resource["DependsOn"] = alias_lid
    if cors:
        resource["Properties"]["Cors"] = {k: v for k, v in {
            "AllowCredentials": cors.get("allowCredentials"),
            "AllowHeaders": cors.get("allowedHeaders"),
            "AllowMethods": cors.get("allowedMethods"),
            "AllowOrigins": cors.get("allowedOrigins"),
            "ExposeHeaders": cors.get("exposedResponseHeaders"),
            "MaxAge": cors.get("maxAge"),
        }.items() if v is not None}
    if url.get("invokeMode") == "RESPONSE_STREAM":
        resource["Properties"]["InvokeMode"] = "RESPONSE_STREAM"
    lid = naming.get_lambda_function_url_logical_id(name)
    where = ("functions", name, "url")
    ctx.add_resource(lid, resource, where)
    ctx.add_output(naming.get_lambda_function_url_output_logical_id(name), {
        "Description": "Lambda Function URL", "Value": {"Fn::GetAtt": [lid, "FunctionUrl"]}}, where)
    if auth == "NONE":
        perm_lid = naming.get_lambda_fn_url_permission_logical_id(name)
        perm: dict[str, Any] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": target, "Action": "lambda:InvokeFunctionUrl", "Principal": "*",
            "FunctionUrlAuthType": auth}}
        if alias_lid:
            perm["DependsOn"] = alias_lid
        ctx.add_resource(perm_lid, perm, where)
        suffix = ctx.engine.url_invoke_permission
        if suffix:  # osls >= 3.59 and v4: the lambda:InvokeFunction half of AWS's 2025 URL permissions
            invoke: dict[str, Any] = {"Type": "AWS::Lambda::Permission", "Properties": {
                "FunctionName": target, "Action": "lambda:InvokeFunction", "Principal": "*",
                "InvokedViaFunctionUrl": True}}
            if alias_lid:
                invoke["DependsOn"] = alias_lid
            ctx.add_resource(naming.get_normalized_function_name(name) + suffix, invoke, where)


def _destination_arn(ctx: CompileContext, destination: Any) -> Any:
    if is_opaque(destination):
        return destination
    if isinstance(destination, dict):
        return destination.get("arn")
    return destination if str(destination).startswith("arn:") else resolve_function_arn(ctx, destination)


def _ensure_target_permission(ctx: CompileContext, destination: Any, granted: list) -> None:
    # The framework memoizes this by argument: a repeated ARN or function name is granted once,
    # but each object destination is a new key and is granted again.
    if isinstance(destination, str):
        if destination in granted:
            return
        granted.append(destination)
    action: Any = None
    if is_opaque(destination):
        # Whether it names a function, a queue, a topic or a bus is only known at deploy time.
        ctx.warn(f"destination {text(destination)} is not known offline: the permission it needs is unknown")
        action = opaque(f"action for destination {text(destination)}")
    elif isinstance(destination, dict):
        action = {"function": "lambda:InvokeFunction", "sqs": "sqs:SendMessage", "sns": "sns:Publish",
                  "eventBus": "events:PutEvents"}.get(destination.get("type"))
    elif isinstance(destination, str):
        if not destination.startswith("arn:") or ":function:" in destination:
            action = "lambda:InvokeFunction"
        elif ":sqs:" in destination:
            action = "sqs:SendMessage"
        elif ":sns:" in destination:
            action = "sns:Publish"
        elif ":event-bus/" in destination:
            action = "events:PutEvents"
    if action is None:
        raise ctx.error((), f"unsupported destination target {destination}",
                        "use a function name or a Lambda, SQS, SNS or EventBridge ARN")
    if is_opaque(destination):
        arn = destination
    elif isinstance(destination, dict):
        arn = destination.get("arn")
    elif destination.startswith("arn:"):
        arn = destination
    else:
        target = ctx.functions.get(destination) or {}
        arn = {"Fn::Sub": concat("arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:",
                                 target.get("name"))}
    statements = role_statements(ctx)
    if statements is not None:
        statements.append({"Effect": "Allow", "Action": action, "Resource": arn})


def _compile_event_invoke_config(ctx: CompileContext, name: str, fn: dict[str, Any], granted: list) -> None:
    destinations = fn.get("destinations")
    max_age = fn.get("maximumEventAge")
    retries = fn.get("maximumRetryAttempts")
    if not js_truthy(destinations) and not max_age and retries is None:
        return
    config: dict[str, Any] = {}
    if js_truthy(destinations):
        external = bool(custom_execution_role(ctx, fn))
        for key, cfn_key in (("onSuccess", "OnSuccess"), ("onFailure", "OnFailure")):
            if destinations.get(key):
                config[cfn_key] = {"Destination": _destination_arn(ctx, destinations[key])}
                if not external:
                    _ensure_target_permission(ctx, destinations[key], granted)
    alias = fn.get("targetAlias")
    resource: dict[str, Any] = {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": {
        "FunctionName": {"Ref": naming.get_lambda_logical_id(name)},
        "DestinationConfig": config,
        "Qualifier": alias["name"] if alias else "$LATEST",
    }}
    if alias:
        resource["DependsOn"] = alias["logicalId"]
    if max_age:
        resource["Properties"]["MaximumEventAgeInSeconds"] = max_age
    if retries is not None:
        resource["Properties"]["MaximumRetryAttempts"] = retries
    ctx.add_resource(naming.get_lambda_event_config_logical_id(name), resource, ("functions", name))


def _version_setting(ctx: CompileContext, fn: dict[str, Any]) -> Any:
    """`versionFunction`, else the provider's `versionFunctions` (true by default)."""
    version = fn.get("versionFunction")
    if version is None:
        version = ctx.provider.get("versionFunctions", True)
    return True if version is None else version


def _is_versioned(ctx: CompileContext, fn: dict[str, Any]) -> bool:
    return bool(_version_setting(ctx, fn) or fn.get("provisionedConcurrency") or fn.get("snapStart"))


def compile_functions(ctx: CompileContext) -> None:
    # The framework compiles all functions concurrently, so the template order follows its awaits:
    # a handler function that is versioned awaits its artifact hash after adding its resource, so
    # its version, alias, URL and invoke config come after the other resources; an unversioned one
    # finishes at once. An image function first awaits its image digest and then finishes, before
    # any artifact hash (file I/O) is ready. Each local layer adds a hashed artifact before the
    # version, so functions without layers finish first; artifact hashes are shared per file and
    # tend to finish in the order the files were first asked for.
    granted: list = []
    deferred = []
    for name, fn in ctx.functions.items():
        if fn.get("image"):
            continue
        resource, artifact, code_sha = _compile_function(ctx, name, fn)
        if _is_versioned(ctx, fn):
            deferred.append((name, fn, resource, artifact, code_sha))
            continue
        _compile_function_url(ctx, name, fn)
        _compile_event_invoke_config(ctx, name, fn, granted)
    for name, fn in ctx.functions.items():
        if fn.get("image"):
            resource, artifact, code_sha = _compile_function(ctx, name, fn)
            _compile_version(ctx, name, fn, resource, artifact, code_sha)
            _compile_function_url(ctx, name, fn)
            _compile_event_invoke_config(ctx, name, fn, granted)
    first_use: dict[Any, int] = {}
    for position, item in enumerate(deferred):
        first_use.setdefault(item[3], position)
    deferred.sort(key=lambda item: (len(_layer_configurations(ctx, item[2]["Properties"])), first_use[item[3]]))
    for name, fn, resource, artifact, code_sha in deferred:
        _compile_version(ctx, name, fn, resource, artifact, code_sha)
        _compile_function_url(ctx, name, fn)
        _compile_event_invoke_config(ctx, name, fn, granted)
