"""What promotelint knows about resource types, as data: the facts the prediction and the rules need.

`TypeFacts` comes from a type's CloudFormation resource provider schema (read by io.catalog from
cfn-lint's data), corrected by the small cited overlay below; a `Catalog` holds the facts of the
types one check meets, the stateful tiers and the types whose deletion needs them empty. The
catalog is loaded once at the edge and passed in, so prediction and rules never read a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

# Replacement facts the schemas miss, from the CloudFormation resource reference ("Update requires:
# Replacement"). Each entry: type -> {property path: RequiresRecreation}. Keep it small and cited.
REPLACEMENT_OVERLAY: dict[str, dict[str, str]] = {
    # AWS::DynamoDB::Table: KeySchema and LocalSecondaryIndexes "Update requires: Replacement"; the
    # schema lists KeySchema only as conditional and LocalSecondaryIndexes not at all.
    "AWS::DynamoDB::Table": {
        "/properties/KeySchema": "Always",
        "/properties/LocalSecondaryIndexes": "Always",
    },
    # OpenSearch / Elasticsearch: changing the engine version replaces the domain unless the
    # resource's UpdatePolicy sets EnableVersionUpgrade: true (then it is an in-place upgrade).
    # `version_upgrade_exempt` below encodes the exception.
    "AWS::OpenSearchService::Domain": {"/properties/EngineVersion": "Always"},
    "AWS::Elasticsearch::Domain": {"/properties/ElasticsearchVersion": "Always"},
}

VERSION_UPGRADE_PATHS = {
    "AWS::OpenSearchService::Domain": "/properties/EngineVersion",
    "AWS::Elasticsearch::Domain": "/properties/ElasticsearchVersion",
}

# Stateful types beyond cfn-lint's StatefulResources list, and the tier of every stateful type.
# Data tier: losing it loses data. Transient tier: losing it loses in-flight messages or logs.
TRANSIENT_TYPES = frozenset({"AWS::Logs::LogGroup", "AWS::SQS::Queue", "AWS::SNS::Topic"})
EXTRA_DATA_TYPES = frozenset({
    "AWS::Timestream::Database", "AWS::Timestream::Table", "AWS::ECR::Repository",
    "AWS::DocDB::DBCluster", "AWS::Redshift::Cluster", "AWS::FSx::FileSystem",
    "AWS::RDS::GlobalCluster", "AWS::Neptune::DBCluster", "AWS::MemoryDB::Cluster",
    "AWS::OpenSearchServerless::Collection", "AWS::Backup::BackupVault",
})
# Nested stacks are in cfn-lint's list but are not data: what they hold is unknown here.
NOT_STATEFUL = frozenset({"AWS::CloudFormation::Stack"})


@dataclass(frozen=True)
class TypeFacts:
    """What the prediction needs to know about one resource type."""

    type_name: str
    known: bool  # a schema exists for it
    create_only: tuple[str, ...] = ()  # "/properties/X[/Y...]"
    conditional_create_only: tuple[str, ...] = ()
    primary_identifier: tuple[str, ...] = ()
    read_only: frozenset[str] = frozenset()
    tag_property: str | None = None  # "Tags" (top-level property CloudFormation reports as Tags)

    def requires_recreation(self, prop: str, before: object, after: object) -> str:
        """Always / Conditionally / Never for a change of top-level property `prop`.

        A create-only path nested under `prop` (/properties/A/B) counts only when the value at that
        path differs, so editing A/C of a resource whose A/B is create-only is not a replacement.
        """
        overlay = REPLACEMENT_OVERLAY.get(self.type_name, {})
        always = self.create_only + tuple(p for p, v in overlay.items() if v == "Always")
        conditional = self.conditional_create_only + tuple(p for p, v in overlay.items() if v == "Conditionally")
        if _touches(always, prop, before, after):
            return "Always"
        if _touches(conditional, prop, before, after):
            return "Conditionally"
        return "Never"

    @property
    def ref_property(self) -> str | None:
        """The property whose value `Ref` returns, when the user can set it (e.g. BucketName)."""
        if len(self.primary_identifier) != 1:
            return None
        path = self.primary_identifier[0]
        if path in self.read_only or path.count("/") != 2:
            return None
        return path.rsplit("/", 1)[1]


def _touches(paths: tuple[str, ...], prop: str, before: object, after: object) -> bool:
    top = "/properties/" + prop
    for path in paths:
        if path == top:
            return True
        if path.startswith(top + "/"):
            rest = path[len(top) + 1:].split("/")
            if _at(before, rest) != _at(after, rest):
                return True
    return False


_MISSING = object()


def _at(value: object, parts: list[str]) -> object:
    """Value at a schema path below a property; `*` matches every list item."""
    for i, part in enumerate(parts):
        if part == "*" and isinstance(value, list):
            return [_at(item, parts[i + 1:]) for item in value]
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


@dataclass(frozen=True)
class Catalog:
    """The resource-type facts of one check: loaded by io.catalog, read by predict and the rules."""

    types: Mapping[str, TypeFacts] = field(default_factory=dict)
    stateful: Mapping[str, str] = field(default_factory=dict)  # type -> "data" | "transient"
    delete_requires_empty: frozenset[str] = frozenset()  # deleting fails while they hold anything

    def facts(self, type_name: str) -> TypeFacts:
        return self.types.get(type_name) or TypeFacts(type_name, known=False)


def deletion_action(resource: Mapping[str, Any]) -> str:
    """What deleting the resource does: Retain, Snapshot or Delete, with CloudFormation's defaults
    (RDS clusters, and instances outside a cluster, take a snapshot unless told otherwise)."""
    policy = resource.get("DeletionPolicy")
    if policy in ("Retain", "RetainExceptOnCreate"):
        return "Retain"
    if policy in ("Snapshot", "Delete"):
        return str(policy)
    rtype = resource.get("Type")
    props = resource.get("Properties") or {}
    if rtype == "AWS::RDS::DBCluster" or (rtype == "AWS::RDS::DBInstance" and "DBClusterIdentifier" not in props):
        return "Snapshot"
    return "Delete"
