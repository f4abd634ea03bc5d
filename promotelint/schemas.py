"""Resource facts from cfn-lint's bundled data: the one module that reaches into cfn-lint.

cfn-lint ships the CloudFormation resource provider schemas (createOnlyProperties,
conditionalCreateOnlyProperties, primaryIdentifier, readOnlyProperties, tagging) and a list of
stateful resource types. Importing the `cfnlint` package costs most of a second, so its data files
are located with `importlib.util.find_spec` (which does not run the package) and read directly, one
schema per resource type present in the templates.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=1)
def _data_dir() -> Path:
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cfn-lint is not installed (pip install cfn-lint)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


@lru_cache(maxsize=8)
def _type_index(region: str) -> dict[str, str]:
    """Type name -> schema file stem, from cfn-lint's per-region provider index.

    cfn-lint keeps it as providers/<region>.json (recent releases) or as a Python module
    providers/<region_with_underscores>.py (earlier 1.x), read here as text, never imported.
    """
    providers = _data_dir() / "schemas" / "providers"
    for name in (region, "us-east-1"):
        as_json = providers / f"{name}.json"
        if as_json.exists():
            return json.loads(as_json.read_text())
        as_module = providers / (name.replace("-", "_") + ".py")
        if as_module.exists():
            return dict(re.findall(r'"([^"]+)": "([0-9a-f]{16})"', as_module.read_text()))
    raise RuntimeError(f"cfn-lint's resource schema index is not where expected under {providers}")


@lru_cache(maxsize=None)
def type_facts(type_name: str, region: str = "us-east-1") -> TypeFacts:
    stem = _type_index(region).get(type_name)
    if stem is None:
        return TypeFacts(type_name, known=False)
    schema = json.loads((_data_dir() / "schemas" / "resources" / f"{stem}.json").read_text())
    tagging = schema.get("tagging") or {}
    tag_path = tagging.get("tagProperty") or ("/properties/Tags" if "Tags" in schema.get("properties", {}) else None)
    tag_property = tag_path.rsplit("/", 1)[1] if tag_path and tag_path.count("/") == 2 else None
    return TypeFacts(
        type_name=type_name,
        known=True,
        create_only=tuple(schema.get("createOnlyProperties", ())),
        conditional_create_only=tuple(schema.get("conditionalCreateOnlyProperties", ())),
        primary_identifier=tuple(schema.get("primaryIdentifier", ())),
        read_only=frozenset(schema.get("readOnlyProperties", ())),
        tag_property=tag_property,
    )


@lru_cache(maxsize=1)
def stateful_tiers() -> dict[str, str]:
    """Resource type -> "data" or "transient", from cfn-lint's StatefulResources plus our extras."""
    path = _data_dir() / "AdditionalSpecs" / "StatefulResources.json"
    listed = json.loads(path.read_text()).get("ResourceTypes", {})
    tiers = {t: "data" for t in listed if t not in NOT_STATEFUL}
    tiers.update({t: "data" for t in EXTRA_DATA_TYPES})
    tiers.update({t: "transient" for t in TRANSIENT_TYPES})
    return tiers


@lru_cache(maxsize=1)
def delete_requires_empty() -> frozenset[str]:
    """Types whose deletion fails while they hold anything (S3 buckets), per cfn-lint's data."""
    path = _data_dir() / "AdditionalSpecs" / "StatefulResources.json"
    listed = json.loads(path.read_text()).get("ResourceTypes", {})
    return frozenset(t for t, facts in listed.items() if facts.get("DeleteRequiresEmptyResource"))
