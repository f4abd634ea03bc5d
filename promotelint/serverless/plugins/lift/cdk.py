"""What serverless-lift's constructs get from aws-cdk-lib (2.276.0, the version lift 1.37.7 installs):
the logical IDs CDK gives the resources of a construct tree, the template a stack synthesizes, and
`addOverride`, which lift's `extensions:` are made of.

A construct's CloudFormation elements are named by their path below the stack (`uploads/Bucket/
Resource`): `makeUniqueId` (core/lib/private/uniqueid.js) is the path's components without
`Default`, the human part (duplicates folded, `Resource` left out, non-alphanumerics removed, at
most 240 characters) followed by the first 8 hex digits of the md5 of the path, in capitals. A
one-component path is the component itself. `Names.uniqueId` (an EventBus' default name, an
origin's ID) is the same function over a construct's own path.
"""

from __future__ import annotations

import re

from promotelint.model.digest import md5
from promotelint.model.record import field, record

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_HIDDEN_ID = "Default"
_HIDDEN_FROM_HUMAN_ID = "Resource"
_NON_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")
_SEPARATORS = re.compile("[/\n]")


def make_unique_id(components: tuple[str, ...] | list[str]) -> str:
    """CDK's makeUniqueId: the logical ID of the element at this path below the stack."""
    # A construct's ID has its path separators ("/", and "\n" of addresses) written as "--"
    # (constructs' sanitizeId); the components here are the IDs given, sanitized the same.
    components = [_SEPARATORS.sub("--", c) for c in components if c != _HIDDEN_ID]
    if not components:
        raise ValueError("Unable to calculate a unique id for an empty set of components")
    if len(components) == 1:
        candidate = _NON_ALPHANUMERIC.sub("", components[0])
        if len(candidate) <= 255:
            return candidate
    digest = md5("/".join(components).encode()).hexdigest()[:8].upper()
    human = "".join(_NON_ALPHANUMERIC.sub("", c) for c in _remove_dupes(components) if c != _HIDDEN_FROM_HUMAN_ID)
    return human[:240] + digest


def _remove_dupes(path: list[str]) -> list[str]:
    """A component that ends the previous one is left out (`jobsQueue` / `Queue`)."""
    kept: list[str] = []
    for component in path:
        if not kept or not kept[-1].endswith(component):
            kept.append(component)
    return kept


def ref(logical_id: str) -> dict[str, Any]:
    return {"Ref": logical_id}


def get_att(logical_id: str, attribute: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, attribute]}


@record(frozen=False)
class Stack:
    """The CDK stack lift builds its constructs in (AwsProvider.stack), as the template it
    synthesizes: resources and outputs in the order the construct tree holds them (the order
    the constructs create them)."""

    name: str  # the service's stack name (lift's provider.stackName)
    region: str
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # logical ID (or Outputs.<name>) -> construct id

    def resource(self, path: tuple[str, ...], kind: str, properties: dict[str, Any] | None = None, *,
                 policy: str | None = None, depends_on: list[str] | None = None) -> str:
        """Add a CfnResource at `path` (ending in `Resource` for an L2's default child); `policy`
        is the RemovalPolicy's UpdateReplacePolicy and DeletionPolicy (Retain, Delete)."""
        logical_id = make_unique_id(path)
        resource: dict[str, Any] = {"Type": kind}
        if properties:
            resource["Properties"] = properties
        if depends_on:
            resource["DependsOn"] = depends_on
        if policy:
            resource["UpdateReplacePolicy"] = policy
            resource["DeletionPolicy"] = policy
        self.resources[logical_id] = resource
        self.paths[logical_id] = path[0]
        return logical_id

    def output(self, path: tuple[str, ...], value: Any, description: str | None = None) -> str:
        """A CfnOutput (no Export: lift adds its outputs after the framework named the exports)."""
        name = make_unique_id(path)
        self.outputs[name] = {"Description": description, "Value": value} if description else {"Value": value}
        self.paths[f"Outputs.{name}"] = path[0]
        return name

    def add_override(self, logical_id: str, path: str, value: Any) -> None:
        """CfnResource.addOverride: the dotted path (`Properties.BucketName`, `DeletionPolicy`) set to
        `value` in the resource as synthesized; a non-mapping on the way becomes a mapping
        (cfn-resource.js deepMerge)."""
        parts = _split_path(path)
        node = self.resources[logical_id]
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[parts[-1]] = value

    def template(self) -> dict[str, Any]:
        """The synthesized template. A resource's properties come out in the order of CDK's
        generated renderers, which is the names' order (those `extensions:` override too)."""
        template: dict[str, Any] = {}
        for resource in self.resources.values():
            if isinstance(resource.get("Properties"), dict):
                resource["Properties"] = dict(sorted(resource["Properties"].items()))
        if self.resources:
            template["Resources"] = self.resources
        if self.outputs:
            template["Outputs"] = self.outputs
        return template


def _split_path(path: str) -> list[str]:
    r"""addOverride's path: split on dots, `\.` being a dot inside a key."""
    parts, current, escaped = [], "", False
    for char in path:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ".":
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def join(delimiter: str, values: list[Any]) -> Any:
    """Fn.join as CDK writes it: adjacent literal strings folded into one (a single literal is
    the string itself)."""
    folded: list[Any] = []
    for value in values:
        if isinstance(value, str) and folded and isinstance(folded[-1], str):
            folded[-1] = f"{folded[-1]}{delimiter}{value}"
        else:
            folded.append(value)
    if len(folded) == 1 and isinstance(folded[0], str):
        return folded[0]
    return {"Fn::Join": [delimiter, folded]}


def ensure_name_max_length(name: str, max_length: int) -> str:
    """lift's utils/naming.js ensureNameMaxLength: a long name cut, with 6 hex digits of its md5."""
    if len(name) <= max_length:
        return name
    suffix = md5(name.encode()).hexdigest()[:6]
    return name[:max_length - len(suffix) - 1] + "-" + suffix
