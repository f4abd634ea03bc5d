"""The predicted change set, in CloudFormation's own shape (describe-change-set), plus the facts
promotelint computed about each change. The findings the rules make are in model.findings."""

from __future__ import annotations

import json
from collections.abc import Mapping

from promotelint.model.record import field, record
from promotelint.model.resources import Catalog
from promotelint.model.template import WHOLE_CONFIG, Origin, Provenance

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


# --- The predicted change set, in CloudFormation's shape -----------------------------------------

# The AfterValue of a property that takes a value from a resource being replaced: CloudFormation
# only knows it once the new resource exists.
KNOWN_AFTER_APPLY = "{{changeSet:KNOWN_AFTER_APPLY}}"


@record
class Target:
    """ResourceTargetDefinition: what a detail changes."""

    attribute: str  # Properties | Metadata | CreationPolicy | UpdatePolicy | DeletionPolicy | UpdateReplacePolicy | Tags
    requires_recreation: str  # Never | Conditionally | Always
    name: str | None = None  # the property name for Attribute Properties
    path: str | None = None  # /Properties/KeyName
    before_value: str | None = None
    after_value: str | None = None
    attribute_change_type: str | None = None  # Add | Remove | Modify

    def to_json(self) -> dict:
        out: dict[str, Any] = {"Attribute": self.attribute}
        if self.name is not None:
            out["Name"] = self.name
        if self.path is not None:
            out["Path"] = self.path
        out["RequiresRecreation"] = self.requires_recreation
        if self.before_value is not None:
            out["BeforeValue"] = self.before_value
        if self.after_value is not None:
            out["AfterValue"] = self.after_value
        if self.attribute_change_type is not None:
            out["AttributeChangeType"] = self.attribute_change_type
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Target:
        return cls(data["Attribute"], data["RequiresRecreation"], data.get("Name"), data.get("Path"),
                   data.get("BeforeValue"), data.get("AfterValue"), data.get("AttributeChangeType"))


@record
class Detail:
    """ResourceChangeDetail."""

    target: Target
    evaluation: str  # Static | Dynamic
    change_source: str  # DirectModification | ParameterReference | ResourceReference | ResourceAttribute | Automatic
    causing_entity: str | None = None

    def to_json(self) -> dict:
        out: dict[str, Any] = {"Target": self.target.to_json(), "Evaluation": self.evaluation,
                               "ChangeSource": self.change_source}
        if self.causing_entity is not None:
            out["CausingEntity"] = self.causing_entity
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Detail:
        return cls(Target.from_json(data["Target"]), data["Evaluation"], data["ChangeSource"],
                   data.get("CausingEntity"))


@record
class ResourceChange:
    """One predicted resource change, plus the facts promotelint computed about it.

    The CloudFormation fields serialise exactly as `describe-change-set --include-property-values`
    names them; promotelint's own facts go beside them under "promotelint".
    """

    action: str  # Add | Modify | Remove
    logical_id: str
    resource_type: str
    replacement: str | None = None  # True | False | Conditional (Modify only)
    scope: tuple[str, ...] = ()
    details: tuple[Detail, ...] = ()
    policy_action: str | None = None  # Delete | Retain | Snapshot | ReplaceAndDelete | ReplaceAndRetain | ReplaceAndSnapshot
    # promotelint's facts
    before: Mapping[str, Any] | None = None  # the base resource, intrinsics evaluated
    after: Mapping[str, Any] | None = None  # the head resource, intrinsics evaluated
    before_type: str | None = None  # set when the type changed under this logical ID
    origin: Origin | None = None  # where in the head (or, for a removal, the base) source it is
    stateful: str | None = None  # "data" | "transient" | None
    volatile: bool = False  # routine churn (Lambda versions, API deployments): never major
    renamed_from: str | None = None  # an Add that looks like the rename of this removed ID
    renamed_to: str | None = None  # a Remove whose resource looks re-added under this ID
    unknown_type: bool = False  # no resource schema: replacement facts unknown
    opaque_create_only: tuple[str, ...] = ()  # create-only properties whose new value is unknown

    @property
    def major(self) -> bool:
        if self.volatile:
            return False
        return (self.action == "Remove" or self.replacement in ("True", "Conditional")
                or self.before_type is not None or self.stateful == "data")

    def resource_change_json(self) -> dict:
        out: dict[str, Any] = {}
        if self.policy_action is not None:
            out["PolicyAction"] = self.policy_action
        out["Action"] = self.action
        out["LogicalResourceId"] = self.logical_id
        out["ResourceType"] = self.resource_type
        if self.replacement is not None:
            out["Replacement"] = self.replacement
        out["Scope"] = list(self.scope)
        out["Details"] = [d.to_json() for d in self.details]
        if self.before is not None:
            out["BeforeContext"] = _context(self.before)
        if self.after is not None:
            out["AfterContext"] = _context(self.after)
        return out

    def to_json(self) -> dict:
        facts: dict[str, Any] = {"major": self.major}
        for key, value in (("origin", origin_json(self.origin)), ("stateful", self.stateful),
                           ("volatile", self.volatile or None), ("beforeType", self.before_type),
                           ("renamedFrom", self.renamed_from), ("renamedTo", self.renamed_to),
                           ("unknownType", self.unknown_type or None),
                           ("opaqueCreateOnly", list(self.opaque_create_only) or None)):
            if value is not None:
                facts[key] = value
        return {"Type": "Resource", "ResourceChange": self.resource_change_json(), "promotelint": facts}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ResourceChange:
        """The change `to_json` wrote (a shard's JSON report, merged by `promotelint report`)."""
        rc, facts = data["ResourceChange"], data["promotelint"]

        def side(key: str, rtype: str) -> dict | None:
            return {"Type": rtype, **json.loads(rc[key])} if key in rc else None
        return cls(action=rc["Action"], logical_id=rc["LogicalResourceId"], resource_type=rc["ResourceType"],
                   replacement=rc.get("Replacement"), scope=tuple(rc.get("Scope", ())),
                   details=tuple(Detail.from_json(d) for d in rc.get("Details", ())),
                   policy_action=rc.get("PolicyAction"),
                   before=side("BeforeContext", facts.get("beforeType") or rc["ResourceType"]),
                   after=side("AfterContext", rc["ResourceType"]), before_type=facts.get("beforeType"),
                   origin=origin_from_json(facts.get("origin")), stateful=facts.get("stateful"),
                   volatile=bool(facts.get("volatile")), renamed_from=facts.get("renamedFrom"),
                   renamed_to=facts.get("renamedTo"), unknown_type=bool(facts.get("unknownType")),
                   opaque_create_only=tuple(facts.get("opaqueCreateOnly", ())))


@record
class OutputChange:
    """A removed, added or changed stack output (exports are what other stacks import)."""

    key: str
    action: str  # Add | Modify | Remove
    before_value: Any = None
    after_value: Any = None
    before_export: Any = None
    after_export: Any = None
    evaluation: str = "Static"  # Dynamic when the new value depends on a replaced resource
    origin: Origin | None = None
    volatile: bool = False  # only a Lambda version / API deployment it points at changed: routine


    @property
    def export_affected(self) -> bool:
        if self.before_export is None or self.volatile:
            return False
        return self.action == "Remove" or self.before_export != self.after_export or (
            self.before_value != self.after_value or self.evaluation == "Dynamic")

    def to_json(self) -> dict:
        out: dict[str, Any] = {"OutputKey": self.key, "Action": self.action}
        for key, value in (("BeforeValue", self.before_value), ("AfterValue", self.after_value),
                           ("BeforeExportName", self.before_export), ("AfterExportName", self.after_export)):
            if value is not None:
                out[key] = value
        out["Evaluation"] = self.evaluation
        if self.origin is not None:
            out["origin"] = origin_json(self.origin)
        if self.volatile:
            out["volatile"] = True
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> OutputChange:
        return cls(data["OutputKey"], data["Action"], data.get("BeforeValue"), data.get("AfterValue"),
                   data.get("BeforeExportName"), data.get("AfterExportName"), data.get("Evaluation", "Static"),
                   origin_from_json(data.get("origin")), bool(data.get("volatile")))


@record
class UnseenChange:
    """A plugin's part of the service that no compiler predicted, compared between the sides by its
    config section: Add, Modify or Remove when the section differs, Unchanged, or Unknown when one
    side is a template (no config to compare with)."""

    plugin: str
    section: str  # dotted config path, or WHOLE_CONFIG
    action: str  # Add | Modify | Remove | Unchanged | Unknown
    outside: bool = False  # the plugin acts outside CloudFormation
    origin: Origin | None = None

    @property
    def id(self) -> str:
        """What findings and allow entries call it: `serverless-lift:constructs.uploads`."""
        return f"{self.plugin}:{self.section}"

    def __str__(self) -> str:
        where = "the whole config (what it reads is unknown)" if self.section == WHOLE_CONFIG else self.section
        state = {"Add": "added", "Modify": "changed", "Remove": "removed", "Unchanged": "unchanged",
                 "Unknown": "not comparable with a template"}[self.action]
        if self.outside:
            return f"plugin {self.plugin} acts outside CloudFormation: {where} ({state}) is not predicted"
        # (a modelled plugin may have parts that are not: serverless-lift's vpc construct)
        return f"what plugin {self.plugin} makes from {where} ({state}) is not modelled, so not predicted"

    def to_json(self) -> dict:
        out: dict[str, Any] = {"plugin": self.plugin, "section": self.section, "action": self.action}
        if self.outside:
            out["outsideCloudFormation"] = True
        if self.origin is not None:
            out["origin"] = origin_json(self.origin)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> UnseenChange:
        return cls(data["plugin"], data["section"], data["action"], bool(data.get("outsideCloudFormation")),
                   origin_from_json(data.get("origin")))


@record
class StackChangeSet:
    """The prediction for one stack: its resource changes (sorted by logical ID) and outputs."""

    name: str | None
    base_source: str
    head_source: str
    changes: tuple[ResourceChange, ...]
    outputs: tuple[OutputChange, ...] = ()
    base_stack_name: str | None = None
    head_stack_name: str | None = None
    warnings: tuple[str, ...] = ()  # what to tell about the stack, blind spots first
    # the warnings that say what the prediction could not see (compile warnings, transforms)
    unpredicted: tuple[str, ...] = ()
    base_provenance: Provenance = Provenance()  # what made each side's template
    head_provenance: Provenance = Provenance()
    unseen: tuple[UnseenChange, ...] = ()  # plugin parts neither side's compiler predicted
    # the nested stacks (logical IDs here) whose templates are predicted as change sets of their own
    # (serverless-plugin-split-stacks' nested stacks: Template.nested)
    nested: tuple[str, ...] = ()
    # The resource-type facts the prediction used; the rules read the same ones.
    catalog: Catalog = field(default_factory=Catalog, compare=False, repr=False)
    # both sides' secrets and NoEcho parameter values: masked before any report (model/secrets.py)
    secrets: frozenset[str] = field(default=frozenset(), compare=False, repr=False)


def blind_spots(cs: StackChangeSet) -> tuple[str, ...]:
    """What the prediction of this stack could not see, one sentence each: the warnings that say so
    (plugins, transforms, unknown values) and the plugin parts no compiler predicted."""
    return tuple(dict.fromkeys(cs.unpredicted + tuple(str(u) for u in cs.unseen)))


def notes(cs: StackChangeSet) -> tuple[str, ...]:
    """Everything a report tells about the stack besides its changes: its warnings and blind spots."""
    return tuple(dict.fromkeys(cs.warnings + blind_spots(cs)))


def origin_json(origin: Origin | None) -> dict | None:
    if origin is None:
        return None
    out: dict[str, Any] = {"file": origin.file}
    if origin.line:
        out["line"] = origin.line
    if origin.revision:
        out["revision"] = origin.revision
    return out


def origin_from_json(data: Mapping[str, Any] | None) -> Origin | None:
    if data is None:
        return None
    return Origin(data["file"], data.get("line"), revision=data.get("revision"))  # columns are not kept


def _context(resource: Mapping[str, Any]) -> str:
    return compact_json({k: v for k, v in resource.items() if k not in ("Type", "Condition", "DependsOn")})


# json.dumps(value, separators=(",", ":"), default=str) with its encoder made once: a report writes
# two of these per change, the predictor one per changed property value, and json.dumps makes a
# new encoder for every call with options. Without its watch for circular references (11% of the
# contexts' instructions): a resource is parsed text, and text holds no cycle (a YAML alias inside
# its own anchor is refused when read: test_bad_input). JSONEncoder.encode would still build C's
# encoder anew for each value (iterencode): the one it builds is made here once and called as
# encode calls it (a third of a 5 MB report's contexts' time).
_encoder = json.JSONEncoder(separators=(",", ":"), default=str, check_circular=False)
if json.encoder.c_make_encoder is not None:
    _c_encode = json.encoder.c_make_encoder(None, _encoder.default, json.encoder.encode_basestring_ascii, None,
                                            _encoder.key_separator, _encoder.item_separator, False, False, True)

    def compact_json(value: Any) -> str:
        return "".join(_c_encode(value, 0))
else:  # (a Python built without _json)
    compact_json = _encoder.encode
