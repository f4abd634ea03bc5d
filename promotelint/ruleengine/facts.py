"""Facts about a predicted change that rules match on but cannot express: computed from before/after.

A pure post-prediction step: `subjects(changeset)` turns every change of a StackChangeSet into a
flat mapping of kebab-case facts (the names rule files use in `facts:` and in message templates).
Volatile changes (Lambda versions, API deployments) are left out here, so no rule can fire on them;
when the stack name changes, only the stack itself is a subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from promotelint.model.changeset import OutputChange, ResourceChange, StackChangeSet, UnseenChange
from promotelint.model.imports import ImportIndex
from promotelint.model.opaque import OPAQUE_KEY
from promotelint.model.record import record
from promotelint.model.resources import (Catalog, declared_deletion_policy, deletion_action, is_read_replica,
                                         replace_action)
from promotelint.model.template import WHOLE_CONFIG, references

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

# Properties CloudFormation refuses to change in place even though the schema does not mark them
# create-only: the update fails whatever UpdateReplacePolicy says (AWS::KMS::Key KeySpec/KeyUsage/
# MultiRegion/Origin: "the update request fails"; Cognito UsernameAttributes/AliasAttributes).
# Each with the value CloudFormation assumes when the property is absent.
IMMUTABLE: dict[str, dict[str, Any]] = {
    "AWS::KMS::Key": {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "MultiRegion": False,
                      "Origin": "AWS_KMS"},
    "AWS::Cognito::UserPool": {"UsernameAttributes": [], "AliasAttributes": []},
}

# Properties CloudFormation cannot change in place, where the update fails unless the resource is
# replaced anyway (then the new resource is simply created with the new value), with the value
# assumed when absent.
# AWS::DynamoDB::Table LocalSecondaryIndexes: the overlay used to call a change a replacement,
# following the pre-2023 reference label ("Update requires: Replacement"). The current reference
# labels the table's LocalSecondaryIndexes "Update requires: No interruption" (the table is not
# replaced) while each LocalSecondaryIndex says "A local secondary index can only be created when
# its parent table is created" and, for IndexName, KeySchema and Projection, "Update requires:
# Updates are not supported" (aws-properties-dynamodb-table-localsecondaryindex.html); DynamoDB
# itself cannot add, change or delete a local secondary index of an existing table. So the update
# fails, and nothing is replaced or deleted: update-will-fail, not stateful-resource-replaced.
IMMUTABLE_UNLESS_REPLACED: dict[str, dict[str, Any]] = {
    "AWS::DynamoDB::Table": {"LocalSecondaryIndexes": []},
}
# Version properties that can go up in place but never down: the update fails. ElastiCache
# (aws-resource-elasticache-cachecluster.html#cfn-elasticache-cachecluster-engineversion and
# aws-resource-elasticache-replicationgroup.html#cfn-elasticache-replicationgroup-engineversion):
# "You can upgrade to a newer engine version ..., but you cannot downgrade to an earlier engine
# version. If you want to use an earlier engine version, you must delete the existing cluster or
# replication group and create it anew with the earlier engine version."
NO_DOWNGRADE: dict[str, str] = {
    "AWS::ElastiCache::CacheCluster": "EngineVersion",
    "AWS::ElastiCache::ReplicationGroup": "EngineVersion",
}

# What a person loses, per type: a noun for the message and what goes with the resource.
LOSSES: dict[str, tuple[str, str]] = {
    "AWS::DynamoDB::Table": ("database", "all its items"),
    "AWS::DynamoDB::GlobalTable": ("database", "all its items in every replica"),
    "AWS::RDS::DBInstance": ("database", "all its data"),
    "AWS::RDS::DBCluster": ("database", "all its data"),
    "AWS::RDS::GlobalCluster": ("database", "all its data"),
    "AWS::DocDB::DBCluster": ("database", "all its documents"),
    "AWS::Neptune::DBCluster": ("database", "all its graph data"),
    "AWS::Redshift::Cluster": ("data warehouse", "all its data"),
    "AWS::Timestream::Database": ("database", "all its tables"),
    "AWS::Timestream::Table": ("database table", "all its records"),
    "AWS::QLDB::Ledger": ("ledger", "its whole journal"),
    "AWS::S3::Bucket": ("bucket", "all its objects"),
    "AWS::Cognito::UserPool": ("user pool", "all its users and their passwords"),
    "AWS::EFS::FileSystem": ("file system", "all its files"),
    "AWS::FSx::FileSystem": ("file system", "all its files"),
    "AWS::Kinesis::Stream": ("stream", "the records it holds"),
    "AWS::KMS::Key": ("encryption key", "every piece of data encrypted with it (unreadable once the key is gone)"),
    "AWS::SecretsManager::Secret": ("secret", "its secret value"),
    "AWS::ElastiCache::CacheCluster": ("cache", "its cached data"),
    "AWS::ElastiCache::ReplicationGroup": ("cache", "its cached data"),
    "AWS::OpenSearchService::Domain": ("search domain", "all its indexes"),
    "AWS::Elasticsearch::Domain": ("search domain", "all its indexes"),
    "AWS::EC2::Volume": ("disk volume", "all its data"),
    "AWS::ECR::Repository": ("image repository", "all its images"),
    "AWS::Backup::BackupVault": ("backup vault", "all its recovery points"),
    "AWS::Logs::LogGroup": ("log group", "all its log events"),
    "AWS::SQS::Queue": ("queue", "the messages waiting in it"),
    "AWS::SNS::Topic": ("topic", "its subscriptions (messages in flight are dropped)"),
}
# The facts each kind of subject has (facts.py computes them); templates and `facts:` may use these.
FACTS: dict[str, dict[str, str]] = {
    "stack": {
        "stack": "the stack name the head deploys to",
        "base-stack-name": "the base side's stack name, when known",
        "head-stack-name": "the head side's stack name, when known",
        "stack-renamed": "both names are known and differ",
    },
    "resource": {
        "stack": "the stack name",
        "action": "Add, Modify or Remove",
        "logical-id": "the logical ID",
        "type": "the resource type (the head's, when it changed)",
        "replacement": "True, Conditional or False (Modify only)",
        "policy-action": "CloudFormation's PolicyAction (Delete, Retain, Snapshot, ReplaceAndDelete, ...)",
        "stateful": "data or transient for stateful types, else absent",
        "before-type": "the base's type, when the type changed under this logical ID",
        "renamed-to": "on a Remove: the added logical ID it most likely became",
        "renamed-from": "on an Add: the removed logical ID it most likely was",
        "unknown-type": "true when there is no resource schema for the type",
        "opaque-create-only": "create-only properties whose new value is only known in AWS",
        "name": "the custom physical name (TableName, BucketName, ...), when set",
        "name-property": "the type's name property (TableName, QueueName, ...)",
        "resource": "`LogicalId (Type name)`, for messages",
        "noun": "what the resource is to a person: database, bucket, queue, ...",
        "loses": "what goes with it: all its items, all its objects, ...",
        "custom-name-kept": "true when a replacement keeps the custom physical name",
        "custom-resource": "true for Custom::* and AWS::CloudFormation::CustomResource",
        "nested-stack": "true for AWS::CloudFormation::Stack",
        "nested-predicted": "true for a nested stack whose template is predicted as a stack of its own (serverless-plugin-split-stacks), else absent",
        "replacing-properties": "the properties (or attributes) that require recreation",
        "changed": "the changed paths (/Properties/X, /DeletionPolicy); match them with `changed`",
        "immutable-changed": "KMS KeySpec/KeyUsage/MultiRegion/Origin or Cognito Username/AliasAttributes changed, or a DynamoDB table's LocalSecondaryIndexes without a replacement",
        "version-downgraded": "an ElastiCache EngineVersion that goes down (`EngineVersion 7.0 -> 6.2`) without a replacement",
        "schema-attributes-changed": "Cognito user pool Schema attributes modified or removed",
        "gsi-added": "DynamoDB global secondary indexes created (or rebuilt)",
        "gsi-removed": "DynamoDB global secondary indexes deleted (or rebuilt)",
        "gsi-add-and-remove": "true when one update both creates and deletes an index",
        "takes-name-of": "on an Add: the removed resource whose custom physical name it takes",
        "name-taken-by": "on a Remove: the added resource that takes its custom physical name (the update fails before anything is removed)",
        "before-deletion-policy": "on a Modify: the base's effective DeletionPolicy (Retain, Snapshot or Delete; RDS defaults to Snapshot; Snapshot on a type without snapshots, or any policy of a read replica, is Delete)",
        "after-deletion-policy": "on a Modify: the head's effective DeletionPolicy",
        "before-replace-policy": "on a Modify: what the base's UpdateReplacePolicy would do (Retain, Snapshot or Delete)",
        "after-replace-policy": "on a Modify: what the head's UpdateReplacePolicy does (Retain, Snapshot or Delete)",
        "snapshot-ignored": "true when the policy that applies says Snapshot (DeletionPolicy on a removal, UpdateReplacePolicy on a replacement) but the type has no snapshots, so CloudFormation deletes it",
        "read-replica": "true for an RDS DB instance with SourceDBInstanceIdentifier: it ignores DeletionPolicy and holds no data of its own",
    },
    "output": {
        "stack": "the stack name",
        "action": "Add, Modify or Remove",
        "output": "the output's key",
        "export": "the export name (the base's, else the head's)",
        "before-export": "the base's export name",
        "after-export": "the head's export name",
        "export-affected": "true when an export is removed or its name or value changes",
        "export-renamed": "true when both sides export it under different names",
        "evaluation": "Dynamic when the new value depends on a replaced resource, else Static",
        "volatile-value": "true when the value follows a Lambda version or a deployment",
        "export-change": "what happens to it, for messages: is removed, is renamed from A to B, changes its value, ...",
        "framework-export": "true when the Serverless Framework made the export (`sls-<service>-<stage>-<key>` of an output it generates)",
        "imported-by": "who in the repository depends on what this change removes or changes (Fn::ImportValue of the export, ${cf:stack.output}), for messages",
        "imports-unread": "files that mention imports but could not be read (what they import is unknown)",
    },
    "unseen": {
        "stack": "the stack name",
        "plugin": "the plugin (npm package) whose part of the service no compiler predicted",
        "section": "the config section it reads: constructs.uploads, custom.alerts; * for the whole config",
        "part": "`plugin:section`, the finding's ID (for allow entries)",
        "where": "the section as a person reads it (`the whole config` for *)",
        "action": "Add, Modify or Remove when the section differs between the sides, else Unchanged "
                  "(Unknown when one side is a template)",
        "section-changed": "true unless the section is Unchanged",
        "outside-cloudformation": "true when the plugin acts outside CloudFormation (deploy hooks, AWS calls)",
    },
}
FACT_NAMES: dict[str, frozenset[str]] = {kind: frozenset(facts) for kind, facts in FACTS.items()}
_TIER_LOSSES = {"data": ("stateful resource", "its data"), "transient": ("resource", "what it holds")}


def name_property(resource_type: str, catalog: Catalog) -> str | None:
    """The property that sets a resource's own physical name (TableName, QueueName, ...), if any."""
    facts = catalog.facts(resource_type)
    if not facts.known:
        return None
    if facts.ref_property:  # a writable primary identifier: what Ref returns is the name itself
        return facts.ref_property
    suffix = resource_type.rsplit("::", 1)[-1]
    for candidate in (f"{suffix}Name", "Name"):
        if f"/properties/{candidate}" in facts.create_only:
            return candidate
    return None


def display(value: Any) -> str | None:
    """A physical name as a person reads it, or None when it is not a plain name."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        key, arg = next(iter(value.items()))
        if key == OPAQUE_KEY:
            return str(arg)
        if key == "Fn::Sub" and isinstance(arg, str):
            return arg
    return None


def _props(resource: Mapping[str, Any] | None) -> Mapping[str, Any]:
    props = (resource or {}).get("Properties")
    return props if isinstance(props, dict) else {}


def _by_name(items: Any, key: str) -> dict[str, Any]:
    if not isinstance(items, list):
        return {}
    return {str(i.get(key)): i for i in items if isinstance(i, dict) and key in i}


def _canonical(value: Any) -> Any:
    """Compare as CloudFormation does: "false" is false, 256 is "256", attribute lists are sets."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        return sorted(items) if all(isinstance(v, str) for v in items) else items
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower()
    return value


def _comparable(value: Any) -> Any:
    """_canonical, with a list of named items (indexes) compared by name, in any order."""
    named = _by_name(value, "IndexName")
    if named and len(named) == len(value):
        return {name: _canonical(item) for name, item in named.items()}
    return _canonical(value)


def _version(value: Any) -> tuple[float, ...] | None:
    """"7.0.7" -> (7, 0, 7); "6.x" -> (6, inf): the latest 6; None when not a version."""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    parts = str(value).split(".")
    if not all(p.isdigit() or p.lower() == "x" for p in parts):
        return None
    return tuple(float("inf") if p.lower() == "x" else float(p) for p in parts)


def _downgrade(rtype: str, before: Mapping, after: Mapping) -> str | None:
    prop = NO_DOWNGRADE.get(rtype)
    if prop is None or before.get("Engine") != after.get("Engine"):
        return None
    old, new = _version(before.get(prop)), _version(after.get(prop))
    if old is None or new is None or new >= old:
        return None
    return f"{prop} {before[prop]} -> {after[prop]}"


def _join(items: list[str] | tuple[str, ...]) -> str:
    return ", ".join(items)


@record
class Subject:
    """What one rule evaluation looks at: the kind, the change itself and its flat facts."""

    kind: str  # resource | output | stack | unseen
    facts: Mapping[str, Any]
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    change: ResourceChange | OutputChange | UnseenChange | None = None


# Which subjects `subjects` gives: all, or the stack's own (all but the outputs, the only ones the
# repository's imports decide: they can be judged as soon as the stack is predicted), or the outputs.
PARTS = ("all", "own", "outputs")


def subjects(changeset: StackChangeSet, imports: ImportIndex = ImportIndex(), part: str = "all"
             ) -> Iterator[Subject]:
    """Every subject rules are evaluated on: the stack, each part no compiler predicted, each
    non-volatile change, each output (`imports`: who in the repository imports which outputs), in
    that order; `part` (PARTS) keeps only the stack's own or only the outputs."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    stack = stack_facts(changeset)
    if part != "outputs":
        yield Subject("stack", stack)
        for unseen in changeset.unseen:
            yield Subject("unseen", unseen_facts(unseen, changeset), change=unseen)
    if stack["stack-renamed"]:
        # The head deploys a new stack beside the old one, which is not updated at all: its
        # resource and output "changes" would describe an update that never happens.
        return
    if part != "outputs":
        removed_names = _custom_names(changeset, "Remove")
        added_names = _custom_names(changeset, "Add")
        for change in changeset.changes:
            if change.volatile:
                continue
            yield Subject("resource", resource_facts(change, changeset, removed_names, added_names),
                          change.before, change.after, change)
    if part == "own":
        return
    volatile = frozenset(c.logical_id for c in changeset.changes if c.volatile)
    for output in changeset.outputs:
        yield Subject("output", output_facts(output, changeset, volatile, imports),
                      {"Value": output.before_value, "Export": output.before_export},
                      {"Value": output.after_value, "Export": output.after_export}, output)


def stack_facts(cs: StackChangeSet) -> dict[str, Any]:
    renamed = bool(cs.base_stack_name and cs.head_stack_name and cs.base_stack_name != cs.head_stack_name)
    return {"stack": cs.name, "base-stack-name": cs.base_stack_name,
            "head-stack-name": cs.head_stack_name, "stack-renamed": renamed}


def unseen_facts(part: UnseenChange, cs: StackChangeSet) -> dict[str, Any]:
    return {"stack": cs.name, "plugin": part.plugin, "section": part.section, "part": part.id,
            "where": "the whole config" if part.section == WHOLE_CONFIG else part.section, "action": part.action,
            "section-changed": part.action != "Unchanged", "outside-cloudformation": part.outside}


def _custom_names(cs: StackChangeSet, action: str) -> dict[tuple[str, str], str]:
    """(type, custom physical name) -> logical ID, for the resources the update removes (or adds)."""
    out = {}
    for change in cs.changes:
        if change.action == action and not change.volatile:
            prop = name_property(change.resource_type, cs.catalog)
            name = display(_props(change.before if action == "Remove" else change.after).get(prop)) if prop else None
            if name:
                out[(change.resource_type, name)] = change.logical_id
    return out


def resource_facts(change: ResourceChange, cs: StackChangeSet,
                   removed_names: Mapping[tuple[str, str], str] = {},
                   added_names: Mapping[tuple[str, str], str] = {}) -> dict[str, Any]:
    before, after = _props(change.before), _props(change.after)
    prop = name_property(change.resource_type, cs.catalog)
    name_before = display(before.get(prop)) if prop else None
    name_after = display(after.get(prop)) if prop else None
    name = name_after if change.action != "Remove" else name_before
    noun, loses = LOSSES.get(change.resource_type) or _TIER_LOSSES.get(change.stateful or "", ("resource", "what it holds"))
    label = f"{change.resource_type} {name}" if name else change.resource_type
    replaced = change.action == "Modify" and change.replacement in ("True", "Conditional")
    kept = replaced and prop is not None and prop in before and before.get(prop) == after.get(prop)

    facts: dict[str, Any] = {
        "stack": cs.name,
        "action": change.action,
        "logical-id": change.logical_id,
        "type": change.resource_type,
        "replacement": change.replacement,
        "policy-action": change.policy_action,
        "stateful": change.stateful,
        "before-type": change.before_type,
        "renamed-to": change.renamed_to,
        "renamed-from": change.renamed_from,
        "unknown-type": change.unknown_type,
        "opaque-create-only": _join(change.opaque_create_only) or None,
        "name": name,
        "name-property": prop,
        "resource": f"{change.logical_id} ({label})",
        "noun": noun,
        "loses": loses,
        "custom-name-kept": bool(kept),
        "custom-resource": change.resource_type.startswith("Custom::")
        or change.resource_type == "AWS::CloudFormation::CustomResource",
        "nested-stack": change.resource_type == "AWS::CloudFormation::Stack",
        "nested-predicted": (change.resource_type == "AWS::CloudFormation::Stack" and change.logical_id in cs.nested)
        or None,
        "replacing-properties": _join(list(dict.fromkeys(
            d.target.name or d.target.attribute for d in change.details
            if d.target.requires_recreation != "Never"))) or None,
        "changed": tuple(dict.fromkeys(d.target.path or f"/{d.target.attribute}" for d in change.details)),
        "snapshot-ignored": _snapshot_ignored(change),
        "read-replica": is_read_replica(change.after or change.before or {}),
    }
    if change.action == "Modify":
        facts["before-deletion-policy"] = deletion_action(change.before or {})
        facts["after-deletion-policy"] = deletion_action(change.after or {})
        facts["before-replace-policy"] = replace_action(change.before or {})
        facts["after-replace-policy"] = replace_action(change.after or {})
        fixed = dict(IMMUTABLE.get(change.resource_type, {}))
        if not replaced:
            fixed.update(IMMUTABLE_UNLESS_REPLACED.get(change.resource_type, {}))
        immutable = [p for p, default in fixed.items()
                     if _comparable(before.get(p, default)) != _comparable(after.get(p, default))]
        facts["immutable-changed"] = _join(immutable) or None
        facts["version-downgraded"] = None if replaced else _downgrade(change.resource_type, before, after)
        facts.update(_schema_facts(change.resource_type, before, after))
        facts.update(_gsi_facts(change.resource_type, before, after))
    if change.action == "Add" and name:
        facts["takes-name-of"] = removed_names.get((change.resource_type, name))
    if change.action == "Remove":
        facts["name-taken-by"] = added_names.get((change.resource_type, name)) if name else None
    return facts


def _snapshot_ignored(change: ResourceChange) -> bool:
    """The policy that applies asks for a snapshot that CloudFormation does not take."""
    if change.action == "Remove":
        return declared_deletion_policy(change.before or {}) == "Snapshot" and change.policy_action == "Delete"
    return change.policy_action == "ReplaceAndDelete" and (change.after or {}).get("UpdateReplacePolicy") == "Snapshot"


def _schema_facts(rtype: str, before: Mapping, after: Mapping) -> dict[str, Any]:
    if rtype != "AWS::Cognito::UserPool":
        return {}
    b, a = _by_name(before.get("Schema"), "Name"), _by_name(after.get("Schema"), "Name")
    changed = [n for n in b if n not in a or _canonical(a[n]) != _canonical(b[n])]
    return {"schema-attributes-changed": _join(changed) or None}


def _gsi_facts(rtype: str, before: Mapping, after: Mapping) -> dict[str, Any]:
    if rtype not in ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"):
        return {}
    b = _by_name(before.get("GlobalSecondaryIndexes"), "IndexName")
    a = _by_name(after.get("GlobalSecondaryIndexes"), "IndexName")
    # An index whose key schema or projection changes is deleted and created again under its name.
    rebuilt = [n for n in a if n in b and any(_canonical(a[n].get(k)) != _canonical(b[n].get(k))
                                              for k in ("KeySchema", "Projection"))]
    added = [n for n in a if n not in b] + rebuilt
    removed = [n for n in b if n not in a] + rebuilt
    return {"gsi-added": _join(added) or None, "gsi-removed": _join(removed) or None,
            "gsi-add-and-remove": bool(added and removed) or len(added) > 1 or len(removed) > 1}


def output_facts(output: OutputChange, cs: StackChangeSet, volatile: frozenset[str] = frozenset(),
                 imports: ImportIndex = ImportIndex()) -> dict[str, Any]:
    refs = {lid for lid, _ in references(output.before_value) | references(output.after_value)}
    export = output.before_export if output.before_export is not None else output.after_export
    renamed = output.before_export is not None and output.after_export is not None \
        and output.before_export != output.after_export
    # who depends on what this change removes or changes: the base's export, the base stack's output
    importers = imports.importers(output.before_export, cs.base_stack_name or cs.name, output.key) \
        if output.action != "Add" else ()
    return {
        "stack": cs.name,
        "action": output.action,
        "output": output.key,
        "export": export,
        "before-export": output.before_export,
        "after-export": output.after_export,
        "export-affected": output.export_affected,
        "export-renamed": renamed,
        "evaluation": output.evaluation,
        # The value follows a Lambda version or a deployment: it changes with every deploy.
        "volatile-value": bool(refs & volatile),
        "export-change": _export_change(output, renamed),
        "framework-export": framework_export(output, cs),
        "imported-by": _join([str(i) for i in importers]) or None,
        "imports-unread": _join(imports.unread) or None,
    }


def _export_change(output: OutputChange, renamed: bool) -> str:
    if output.action == "Remove":
        return "is removed"
    if output.action == "Add":
        return "is added"
    if renamed:
        return f"is renamed from {output.before_export} to {output.after_export}"
    if output.evaluation == "Dynamic":
        return "gets a new value because a resource it refers to is replaced"
    return "changes its value"


# The outputs the Serverless Framework (and the plugins it runs) makes itself, by key. Decided from
# the framework's source (serverless@3.40.0 lib/plugins/aws/): the core template's
# ServerlessDeploymentBucketName (and ServerlessDeploymentBucketAccelerated); compile/functions.js
# `<Fn>LambdaFunctionQualifiedArn` and `<Fn>LambdaFunctionUrl`; compile/layers.js
# `<Layer>LambdaLayerQualifiedArn`, `...Hash`, `...S3Key`; the REST and websocket API deployments'
# ServiceEndpoint and ServiceEndpointWebsocket; compile/events/http-api.js HttpApiId and HttpApiUrl;
# compile/events/cloud-front.js CloudFrontDistribution and CloudFrontDistributionDomainName; and
# serverless-step-functions' `<Name>StepFunctionsStateMachineArn` / `...ActivityArn`.
FRAMEWORK_OUTPUT = re.compile(
    r"ServerlessDeploymentBucketName|ServerlessDeploymentBucketAccelerated|ServiceEndpoint|"
    r"ServiceEndpointWebsocket|HttpApiId|HttpApiUrl|CloudFrontDistribution|CloudFrontDistributionDomainName|"
    r".+Lambda(?:FunctionQualifiedArn|FunctionUrl|LayerQualifiedArn|LayerHash|LayerS3Key)|"
    r".+StepFunctions(?:StateMachine|Activity)Arn")
_STATE_MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::StepFunctions::Activity")


def framework_export(output: OutputChange, cs: StackChangeSet) -> bool:
    """Whether the framework made this export. Its package step (package/lib/add-export-name-for-
    outputs.js, the first event of aws:package:finalize) exports every output present by then as
    `sls-<service>-<stage>-<key>`; the user's `resources.Outputs` are merged after it (the next
    event, mergeCustomProviderResources), so they get no such export unless they write one (the
    corpus has services that write `sls-...` names themselves). So: an `sls-...-<key>` export of a
    key the framework makes; or step-functions' `<Id>Arn` of a state machine named by `id`/`name`,
    whose value is a Ref to that state machine (its type known from the change set)."""
    export = output.before_export if output.before_export is not None else output.after_export
    if not isinstance(export, str) or not export.startswith("sls-") or not export.endswith("-" + output.key):
        return False
    if FRAMEWORK_OUTPUT.fullmatch(output.key):
        return True
    target = output.key[:-3] if output.key.endswith("Arn") else None
    value = output.before_value if output.before_value is not None else output.after_value
    return bool(target) and value == {"Ref": target} and any(
        c.logical_id == target and c.resource_type in _STATE_MACHINE_TYPES for c in cs.changes)
