"""What promotelint knows about resource types, as data: the facts the prediction and the rules need.

`TypeFacts` comes from a type's CloudFormation resource provider schema (read by io.catalog from
cfn-lint's data), corrected by the small cited overlay below; a `Catalog` holds the facts of the
types one check meets, the stateful tiers and the types whose deletion needs them empty. The
catalog is loaded once at the edge and passed in, so prediction and rules never read a file.
"""

from __future__ import annotations

from collections.abc import Mapping

from promotelint.model.record import field, record

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

# Replacement facts the schemas get wrong, from the current CloudFormation resource reference
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/, one page per type:
# "Update requires: Replacement"). Each entry: type -> {property path: RequiresRecreation}. Keep it
# small, and cite the sentence.
REPLACEMENT_OVERLAY: dict[str, dict[str, str]] = {
    # aws-resource-dynamodb-table.html#cfn-dynamodb-table-keyschema: "Update requires: Replacement";
    # the schema lists KeySchema only as conditionally create-only. (LocalSecondaryIndexes is no
    # longer here: see IMMUTABLE_UNLESS_REPLACED in ruleengine/facts.py.)
    "AWS::DynamoDB::Table": {"/properties/KeySchema": "Always"},
    # aws-resource-events-rule.html#cfn-events-rule-eventbusname: "EventBusName ... Update requires:
    # Replacement"; the schema has it as conditionally create-only.
    "AWS::Events::Rule": {"/properties/EventBusName": "Always"},
    # aws-resource-elasticache-replicationgroup.html#cfn-elasticache-replicationgroup-numnodegroups:
    # "When UseOnlineResharding is set to false, or is not specified, updating NumNodeGroups results
    # in replacement"; aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-useonlineresharding:
    # "When UseOnlineResharding is set to false, or not specified, updating the NumNodeGroups and
    # NodeGroupConfiguration properties results in CloudFormation replacing the entire
    # AWS::ElastiCache::ReplicationGroup resource." UPDATE_POLICY_EXEMPTIONS has the exception.
    "AWS::ElastiCache::ReplicationGroup": {"/properties/NumNodeGroups": "Always",
                                           "/properties/NodeGroupConfiguration": "Always"},
    # OpenSearch / Elasticsearch: changing the engine version replaces the domain unless the
    # resource's UpdatePolicy sets EnableVersionUpgrade: true (then it is an in-place upgrade).
    "AWS::OpenSearchService::Domain": {"/properties/EngineVersion": "Always"},
    "AWS::Elasticsearch::Domain": {"/properties/ElasticsearchVersion": "Always"},
}

# UpdatePolicy attributes that turn those replacements into in-place updates: type -> (attribute
# that must be true, the property paths it covers). aws-attribute-updatepolicy.html: "If
# UseOnlineResharding is set to true, you can update the NumNodeGroups and NodeGroupConfiguration
# properties ... without interruption"; EnableVersionUpgrade: "CloudFormation can upgrade an
# OpenSearch Service domain to a new version ... without replacing the entire resource".
UPDATE_POLICY_EXEMPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "AWS::OpenSearchService::Domain": ("EnableVersionUpgrade", ("/properties/EngineVersion",)),
    "AWS::Elasticsearch::Domain": ("EnableVersionUpgrade", ("/properties/ElasticsearchVersion",)),
    "AWS::ElastiCache::ReplicationGroup": ("UseOnlineResharding", ("/properties/NumNodeGroups",
                                                                   "/properties/NodeGroupConfiguration")),
}

# List properties whose existing items may be added to in place but not edited: type -> {property
# path: the key that names an item}. aws-resource-dynamodb-table.html#cfn-dynamodb-table-
# attributedefinitions: "Update requires: Some interruptions. Replacement if you edit an existing
# AttributeDefinition." (An attribute definition only exists for a key of the table or of an
# index, so this is a key attribute whose type changes.)
REPLACED_WHEN_ITEM_EDITED: dict[str, dict[str, str]] = {
    "AWS::DynamoDB::Table": {"/properties/AttributeDefinitions": "AttributeName"},
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


@record
class TypeFacts:
    """What the prediction needs to know about one resource type."""

    type_name: str
    known: bool  # a schema exists for it
    create_only: tuple[str, ...] = ()  # "/properties/X[/Y...]"
    conditional_create_only: tuple[str, ...] = ()
    primary_identifier: tuple[str, ...] = ()
    read_only: frozenset[str] = frozenset()
    tag_property: str | None = None  # "Tags" (top-level property CloudFormation reports as Tags)

    def requires_recreation(self, prop: str, before: object, after: object,
                            update_policy: object = None) -> str:
        """Always / Conditionally / Never for a change of top-level property `prop`, given the new
        resource's UpdatePolicy attribute.

        A create-only path nested under `prop` (/properties/A/B) counts only when the value at that
        path differs, so editing A/C of a resource whose A/B is create-only is not a replacement.
        """
        overlay = REPLACEMENT_OVERLAY.get(self.type_name, {})
        always = self.create_only + tuple(p for p, v in overlay.items() if v == "Always")
        conditional = self.conditional_create_only + tuple(p for p, v in overlay.items() if v == "Conditionally")
        if _touches(always, prop, before, after) or self._item_edited(prop, before, after):
            return "Never" if self._exempt(prop, update_policy) else "Always"
        if _touches(conditional, prop, before, after):
            return "Conditionally"
        return "Never"

    def _item_edited(self, prop: str, before: object, after: object) -> bool:
        key = REPLACED_WHEN_ITEM_EDITED.get(self.type_name, {}).get("/properties/" + prop)
        if key is None or not isinstance(before, list) or not isinstance(after, list):
            return False
        new = {str(i.get(key)): i for i in after if isinstance(i, dict)}
        return any(isinstance(i, dict) and str(i.get(key)) in new and new[str(i.get(key))] != i for i in before)

    def _exempt(self, prop: str, update_policy: object) -> bool:
        attribute, paths = UPDATE_POLICY_EXEMPTIONS.get(self.type_name, ("", ()))
        return "/properties/" + prop in paths and isinstance(update_policy, dict) \
            and str(update_policy.get(attribute, "")).lower() == "true"

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


@record
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
# support snapshots, CloudFormation creates a snapshot for the resource before deleting it ...
# Resources that support snapshots include: AWS::EC2::Volume, AWS::ElastiCache::CacheCluster,
# AWS::ElastiCache::ReplicationGroup, AWS::Neptune::DBCluster, AWS::RDS::DBCluster,
# AWS::RDS::DBInstance, AWS::Redshift::Cluster" (the page as of 2023), and AWS::DocDB::DBCluster
# ("This functionality is supported and we will update the documentation":
# aws-cloudformation-coverage-roadmap#1397; cfn-lint's `valid_snapshot_types` holds these eight).
# On any other type the policy does nothing and the resource is deleted: the UpdateReplacePolicy
# page says only "For resources that support snapshots, such as AWS::EC2::Volume, specify Snapshot
# to have CloudFormation create a snapshot before deleting the old resource instance", and
# CloudFormation accepts Snapshot elsewhere and ignores it (aws-cdk#20668: "cloudformation ignores
# the snapshot removal policy if it is not supported by the resource").
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
