"""cfn-lint's bundled data, read into a Catalog: the one module that reaches into cfn-lint.

cfn-lint ships the CloudFormation resource provider schemas (createOnlyProperties,
conditionalCreateOnlyProperties, primaryIdentifier, readOnlyProperties, tagging) and a list of
stateful resource types. Importing the `cfnlint` package costs most of a second, so its data files
are located with `importlib.util.find_spec` (which does not run the package) and read directly, one
schema per resource type present in the templates, each once per process.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from promotelint.model.resources import (EXTRA_DATA_TYPES, NOT_STATEFUL, TRANSIENT_TYPES, Catalog,
                                         TypeFacts)


def load_catalog(type_names: Iterable[str], region: str = "us-east-1",
                 extra_stateful: Mapping[str, str] | None = None) -> Catalog:
    """The facts of `type_names` in `region`, the stateful tiers (the config's `stateful:` types
    added), and the types whose deletion needs them empty."""
    types = {name: type_facts(name, region) for name in set(type_names) if isinstance(name, str)}
    return Catalog(types=types, stateful={**stateful_tiers(), **(extra_stateful or {})},
                   delete_requires_empty=delete_requires_empty())


def template_types(*templates) -> set[str]:
    """Every resource type the templates (Template objects) declare."""
    out: set[str] = set()
    for template in templates:
        resources = template.data.get("Resources") if template is not None else None
        if isinstance(resources, dict):
            out.update({kind for resource in resources.values() if isinstance(resource, dict)
                        and isinstance(kind := resource.get("Type"), str)})
    return out


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
def _stateful_resources() -> dict:
    path = _data_dir() / "AdditionalSpecs" / "StatefulResources.json"
    return json.loads(path.read_text()).get("ResourceTypes", {})


@lru_cache(maxsize=1)
def stateful_tiers() -> dict[str, str]:
    """Resource type -> "data" or "transient", from cfn-lint's StatefulResources plus our extras."""
    tiers = {t: "data" for t in _stateful_resources() if t not in NOT_STATEFUL}
    tiers.update({t: "data" for t in EXTRA_DATA_TYPES})
    tiers.update({t: "transient" for t in TRANSIENT_TYPES})
    return tiers


@lru_cache(maxsize=1)
def delete_requires_empty() -> frozenset[str]:
    """Types whose deletion fails while they hold anything (S3 buckets), per cfn-lint's data."""
    return frozenset(t for t, facts in _stateful_resources().items() if facts.get("DeleteRequiresEmptyResource"))
