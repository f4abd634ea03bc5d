"""Lambda layers (package/compile/layers.js).

The framework hashes the layer's zip together with its resource; offline the hash covers the
resource and the artifact name only, so it is stable for identical input. The `DescribeStacks`
comparison with the deployed stack is not done: it only re-uses an already uploaded S3 key.
"""

from __future__ import annotations

import copy
import json

from promotelint.model.digest import sha1
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import artifact_directory_name

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def compile_layers(ctx: CompileContext) -> None:
    for name, layer in (ctx.config.get("layers") or {}).items():
        if isinstance(layer, dict):
            _compile_layer(ctx, name, layer)


def _compile_layer(ctx: CompileContext, name: str, layer: dict[str, Any]) -> None:
    package = layer.get("package") or {}
    artifact = package.get("artifact") or naming.get_layer_artifact_name(name)
    new_layer: dict[str, Any] = {"Type": "AWS::Lambda::LayerVersion", "Properties": {
        "Content": {"S3Bucket": {"Ref": naming.DEPLOYMENT_BUCKET_LOGICAL_ID}, "S3Key": "S3Key"},
        "LayerName": "LayerName",
    }}
    props = new_layer["Properties"]
    if ctx.provider.get("deploymentBucket"):
        props["Content"]["S3Bucket"] = ctx.provider["deploymentBucket"]
    props["Content"]["S3Key"] = f"{artifact_directory_name(ctx)}/{str(artifact).replace(chr(92), '/').split('/')[-1]}"
    props["LayerName"] = layer.get("name") or name
    for key, cfn_key in (("description", "Description"), ("licenseInfo", "LicenseInfo"),
                         ("compatibleRuntimes", "CompatibleRuntimes"),
                         ("compatibleArchitectures", "CompatibleArchitectures")):
        if layer.get(key):
            props[cfn_key] = layer[key]
    hashed = copy.deepcopy(new_layer)
    del hashed["Properties"]["Content"]["S3Key"]
    sha = sha1((json.dumps(hashed, sort_keys=True, default=str) + str(artifact)).encode()).hexdigest()
    lid = naming.get_lambda_layer_logical_id(name)
    if layer.get("retain"):
        lid = f"{lid}{sha}"
        new_layer["DeletionPolicy"] = "Retain"
    where = ("layers", name)
    ctx.add_resource(lid, new_layer, where)
    for account in layer.get("allowedAccounts") or []:
        perm: dict[str, Any] = {"Type": "AWS::Lambda::LayerVersionPermission", "Properties": {
            "Action": "lambda:GetLayerVersion", "LayerVersionArn": {"Ref": lid}, "Principal": account}}
        perm_lid = naming.get_lambda_layer_permission_logical_id(name, str(account))
        if layer.get("retain"):
            perm_lid = f"{perm_lid}{sha}"
            perm["DeletionPolicy"] = "Retain"
        ctx.add_resource(perm_lid, perm, where)
    for output_name, output in (
            (naming.get_lambda_layer_output_logical_id(name),
             {"Description": "Current Lambda layer version", "Value": {"Ref": lid}}),
            (naming.get_lambda_layer_hash_output_logical_id(name),
             {"Description": "Current Lambda layer hash", "Value": sha}),
            (naming.get_lambda_layer_s3_key_output_logical_id(name),
             {"Description": "Current Lambda layer S3Key", "Value": props["Content"]["S3Key"]})):
        ctx.add_output(output_name, output, where, merge=True)
