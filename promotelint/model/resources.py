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


# The types CloudFormation can snapshot when their DeletionPolicy or UpdateReplacePolicy says
# Snapshot. The DeletionPolicy attribute reference (https://docs.aws.amazon.com/AWSCloudFormation/
# latest/TemplateReference/aws-attribute-deletionpolicy.html), option Snapshot: "For resources that
# support snapshots, CloudFormation creates a snapshot for the resource before deleting it", listing
# AWS::DocDB::DBCluster, AWS::EC2::Volume, AWS::ElastiCache::CacheCluster,
# AWS::ElastiCache::ReplicationGroup, AWS::Neptune::DBCluster, AWS::RDS::DBCluster,
# AWS::RDS::DBInstance and AWS::Redshift::Cluster (cfn-lint's `valid_snapshot_types` is the same
# list; DocDB was added to the page after aws-cloudformation-coverage-roadmap#1397). On any other
# type the policy does nothing and the resource is deleted: the UpdateReplacePolicy page says only
# "For resources that support snapshots, such as AWS::EC2::Volume, specify Snapshot to have
# CloudFormation create a snapshot before deleting the old resource instance", and CloudFormation
# accepts Snapshot elsewhere and ignores it (aws-cdk#20668: "cloudformation ignores the snapshot
# removal policy if it is not supported by the resource").
SNAPSHOT_TYPES = frozenset({
    "AWS::DocDB::DBCluster", "AWS::EC2::Volume", "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ReplicationGroup", "AWS::Neptune::DBCluster", "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance", "AWS::Redshift::Cluster",
})


def is_read_replica(resource: Mapping[str, Any]) -> bool:
    """An RDS read replica: a DB instance created with SourceDBInstanceIdentifier. AWS::RDS::DBInstance
    reference, SourceDBInstanceIdentifier (https://docs.aws.amazon.com/AWSCloudFormation/latest/
    TemplateReference/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-sourcedbinstanceidentifier):
    "Read replicas don't support deletion policies. AWS CloudFormation ignores any deletion policy
    that's associated with a read replica." It holds no data of its own: its source does."""
    props = resource.get("Properties") or {}
    return resource.get("Type") == "AWS::RDS::DBInstance" and isinstance(props, dict) \
        and props.get("SourceDBInstanceIdentifier") not in (None, "")


def declared_deletion_policy(resource: Mapping[str, Any]) -> str:
    """The DeletionPolicy as written, with CloudFormation's defaults (RDS clusters, and instances
    outside a cluster, take a snapshot unless told otherwise), before what the type can do."""
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


def deletion_action(resource: Mapping[str, Any]) -> str:
    """What deleting the resource does: Retain, Snapshot or Delete. A read replica ignores its
    DeletionPolicy and is deleted; Snapshot on a type without snapshots deletes it."""
    if is_read_replica(resource):
        return "Delete"
    return _can_snapshot(resource, declared_deletion_policy(resource))


def replace_action(resource: Mapping[str, Any]) -> str:
    """What CloudFormation does with the old resource of a replacement (the UpdateReplacePolicy of
    the new template): Retain, Snapshot or Delete. A read replica cannot be snapshotted: RDS
    refuses a final snapshot of a replica."""
    policy = resource.get("UpdateReplacePolicy")
    declared = str(policy) if policy in ("Retain", "Snapshot") else "Delete"
    if declared == "Snapshot" and is_read_replica(resource):
        return "Delete"
    return _can_snapshot(resource, declared)


def _can_snapshot(resource: Mapping[str, Any], policy: str) -> str:
    return "Delete" if policy == "Snapshot" and resource.get("Type") not in SNAPSHOT_TYPES else policy
