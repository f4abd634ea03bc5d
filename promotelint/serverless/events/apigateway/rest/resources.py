"""The REST API and its path resources: port of api-gateway/lib/rest-api.js and resources.js."""

from __future__ import annotations

import re

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.apigateway.rest.state import (
    RestApi, api_gateway_config, rest_api_id, root_resource_id,
)
from promotelint.serverless.js import js_string
from promotelint.serverless.values import template_literal

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def api_name(ctx: CompileContext) -> str:
    """`naming.getApiGatewayName()`."""
    prov = ctx.provider
    if prov.get("apiName"):
        return template_literal(prov["apiName"])
    api_gateway = prov.get("apiGateway") if isinstance(prov.get("apiGateway"), dict) else {}
    if api_gateway.get("shouldStartNameWithService"):
        return f"{ctx.service_name}-{ctx.stage}"
    return f"{ctx.stage}-{ctx.service_name}"


def compile_rest_api(ctx: CompileContext, api: RestApi) -> None:
    api_gateway = api_gateway_config(ctx)
    if api_gateway.get("restApiId"):
        return
    prov = ctx.provider
    where = ("provider", "apiGateway") if api_gateway else api.events[0].path
    endpoint_type = "EDGE"
    vpc_endpoint_ids = None
    if prov.get("endpointType"):
        endpoint_type = js_string(prov["endpointType"]).upper()
        if prov.get("vpcEndpointIds"):
            vpc_endpoint_ids = prov["vpcEndpointIds"]
            if endpoint_type != "PRIVATE":
                raise ctx.error(("provider", "vpcEndpointIds"),
                                "VPC endpoint IDs are only available for private APIs")
    endpoint_configuration: dict[str, Any] = {"Types": [endpoint_type]}
    if vpc_endpoint_ids:
        endpoint_configuration["VpcEndpointIds"] = vpc_endpoint_ids
    properties: dict[str, Any] = {"Name": api_name(ctx)}
    if api_gateway.get("binaryMediaTypes"):
        properties["BinaryMediaTypes"] = api_gateway["binaryMediaTypes"]
    if api_gateway.get("disableDefaultEndpoint") is not None:
        properties["DisableExecuteApiEndpoint"] = api_gateway["disableDefaultEndpoint"]
    properties["EndpointConfiguration"] = endpoint_configuration
    policy = api_gateway.get("resourcePolicy")
    if policy and len(policy):
        properties["Policy"] = {"Version": "2012-10-17", "Statement": policy}
    else:
        # the framework always sets a policy, empty when none is configured
        properties["Policy"] = ""
    if api_gateway.get("apiKeySourceType"):
        properties["ApiKeySourceType"] = js_string(api_gateway["apiKeySourceType"]).upper()
    if api_gateway.get("minimumCompressionSize") is not None:
        properties["MinimumCompressionSize"] = api_gateway["minimumCompressionSize"]
    if api_gateway.get("description"):
        properties["Description"] = api_gateway["description"]
    ctx.add_resource(naming.REST_API_LOGICAL_ID, {"Type": "AWS::ApiGateway::RestApi", "Properties": properties},
                     where, merge=True)


def _predefined_resources(ctx: CompileContext) -> list[dict[str, Any]]:
    resources = api_gateway_config(ctx).get("restApiResources")
    if not resources:
        return []
    if isinstance(resources, list):
        return [dict(r) for r in resources if isinstance(r, dict)]
    return [{"path": key, "resourceId": value} for key, value in resources.items()]


def _resource_paths(ctx: CompileContext, api: RestApi) -> dict[str, dict[str, Any]]:
    """Port of `getResourcePaths`: the resources the API needs, keyed by path, parents first."""
    trees: list[dict] = []
    predefined_nodes: list[dict] = []
    method_nodes: list[dict] = []
    # The paths of method_nodes and the roots in trees by path: the port's scans of those lists
    # (a node's path never changes) made this quadratic in the API's paths.
    method_paths: set[str] = set()
    roots: dict[str, dict] = {}
    predefined = _predefined_resources(ctx)

    def apply_resource(resource: dict[str, Any], is_method: bool) -> None:
        resource_path = re.sub(r"/$", "", re.sub(r"^/", "", js_string(resource.get("path"))))
        parts = resource_path.split("/")
        root = parent = None
        current = None

        def apply_node(node: dict, index: int) -> None:
            nonlocal parent
            if index == len(parts) - 1:
                node["name"] = resource.get("name")
                if resource.get("resourceId"):
                    node["resourceId"] = resource["resourceId"]
                    if all(n["path"] != node["path"] for n in predefined_nodes):
                        predefined_nodes.append(node)
                if is_method and not node.get("hasMethod"):
                    node["hasMethod"] = True
                    if node["path"] not in method_paths:
                        method_paths.add(node["path"])
                        method_nodes.append(node)
            parent = node

        for index, part in enumerate(parts):
            current = f"{current}/{part}" if current else part
            root = root or roots.get(current)
            parent = parent or root
            if parent is not None:
                if parent["path"] == current:
                    apply_node(parent, index)
                    continue
                child = next((n for n in parent["children"] if n["path"] == current), None)
                if child is not None:
                    apply_node(child, index)
                    continue
            node = {"path": current, "pathPart": part, "parent": parent, "level": index,
                    "children": []}
            if parent is not None:
                parent["children"].append(node)
            if root is None:
                root = node
                trees.append(root)
                roots.setdefault(current, root)
            apply_node(node, index)

    for resource in predefined:
        apply_resource(resource, False)
    for event in api.events:
        if event.http.get("path"):
            apply_resource(event.http, True)

    def combine(node_trees: list[dict]) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        for tree in node_trees:
            _visit(tree, result)
        return result

    if not predefined_nodes:
        return combine(trees)

    if all(any(n["path"] == e.http["path"] for n in predefined_nodes) for e in api.events):
        result = {}
        for resource in predefined:
            result[resource["path"]] = resource
            if not resource.get("name"):
                resource["name"] = naming.normalize_path(resource["path"])
        return result

    def cut_branch(node: dict) -> None:
        if not node.get("parent"):
            return
        parent = node["parent"]
        if len(parent["children"]) <= 1:
            parent["children"] = []
        else:
            parent["children"] = [c for c in parent["children"] if c["path"] != node["path"]]
            parent["isCut"] = True
        node["parent"] = None

    where = ("provider", "apiGateway", "restApiResources")
    validated: list[dict] = []
    for node in reversed(sorted(predefined_nodes, key=lambda n: n["level"])):
        current = node
        while current and current.get("parent"):
            up = current["parent"]
            if up.get("hasMethod") and not up.get("resourceId"):
                raise ctx.error(where, f"Resource ID for path {up['path']} is required")
            if up.get("resourceId") or len(up["children"]) > 1:
                cut_branch(current)
                break
            current = up
    for node in method_nodes:
        current = node
        while current:
            if current.get("resourceId"):
                cut_branch(current)
                if all(t["path"] != node["path"] for t in validated):
                    validated.append(current)
                break
            if current.get("isCut") or (not current.get("parent") and current["level"] > 0):
                raise ctx.error(where, f"Resource ID for path {current['path']} is required")
            if not current.get("parent"):
                validated.append(current)
                break
            current = current["parent"]
    return combine(validated)


def _visit(node: dict, result: dict[str, dict[str, Any]]) -> None:
    result[node["path"]] = node
    if not node.get("name"):
        node["name"] = naming.normalize_path(node["path"])
    for child in node["children"]:
        _visit(child, result)


def compile_resources(ctx: CompileContext, api: RestApi) -> None:
    api.resources = _resource_paths(ctx, api)
    first_use = {}
    for event in api.events:
        parts = event.http["path"].split("/")
        for i in range(len(parts)):
            first_use.setdefault("/".join(parts[: i + 1]), event.path)
    for resource_path, resource in api.resources.items():
        if resource.get("resourceId"):
            continue
        logical_id = naming.get_resource_logical_id(resource_path)
        resource["resourceLogicalId"] = logical_id
        resource["resourceId"] = {"Ref": logical_id}
        parent = resource.get("parent")
        parent_ref = parent["resourceId"] if parent else root_resource_id(ctx)
        ctx.add_resource(logical_id, {
            "Type": "AWS::ApiGateway::Resource",
            "Properties": {"ParentId": parent_ref, "PathPart": resource.get("pathPart"),
                           "RestApiId": rest_api_id(ctx)},
        }, first_use.get(resource_path, ("provider", "apiGateway")), merge=True)


def resource_id_of(ctx: CompileContext, api: RestApi, resource_path: str, where: tuple) -> Any:
    if not resource_path:
        return root_resource_id(ctx)
    resource = api.resources.get(resource_path)
    if resource is None:
        raise ctx.error(where, f"Can not find API Gateway resource from path {resource_path}")
    if not resource.get("resourceId") and resource.get("resourceLogicalId"):
        resource["resourceId"] = {"Ref": resource["resourceLogicalId"]}
    return resource.get("resourceId")


def resource_name_of(api: RestApi, resource_path: str) -> str:
    if resource_path == "" or not api.resources:
        return ""
    return api.resources[resource_path]["name"]
