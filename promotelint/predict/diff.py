"""Predict the change set CloudFormation would compute between a deployed template and a new one.

The prediction follows CloudFormation's own model (the "Example change sets" page of the User
Guide and the ResourceChange / ResourceChangeDetail API reference):
- one detail per changed top-level property or resource attribute; a property whose value changes
  because a parameter changed gets a Dynamic DirectModification detail and a Static
  ParameterReference detail naming the parameter;
- RequiresRecreation from the resource schema (create-only -> Always, conditional -> Conditionally);
- Replacement: Always+Static -> True, Always+Dynamic or Conditionally -> Conditional, worst wins;
- a property that refers to a resource that is (or may be) replaced changes too, found by iterating
  to a fixed point so that chains of replacements are followed.
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping

from promotelint.model.changeset import (
    KNOWN_AFTER_APPLY, Detail, OutputChange, ResourceChange, StackChangeSet, Target, compact_json,
)
from promotelint.model.errors import InputError
from promotelint.model.opaque import contains_opaque
from promotelint.model.record import field, record
from promotelint.model.resources import Catalog, deletion_action, replace_action
from promotelint.model.secrets import worth_masking
from promotelint.model.settings import PredictOptions
from promotelint.model.template import Origin, Template, references
from promotelint.predict.intrinsics import (
    NO_VALUE, Evaluator, as_text, is_symbolic, parameter_values, questions,
)
from promotelint.predict.renames import pair_renames
from promotelint.predict.unseen import compare_unseen
from promotelint.predict.validate import ATTRIBUTES, INVALID_BASE, Survey, check_template

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any
VOLATILE_TYPES = frozenset({"AWS::Lambda::Version", "AWS::ApiGateway::Deployment",
                            "AWS::ApiGatewayV2::Deployment"})
_RECREATION_RANK = {"Never": 0, "Conditionally": 1, "Always": 2}
_MISSING = object()
_UNNAMED = "stack"  # AWS::StackName where neither side names its stack (the same on both sides)


def predict(base: Template, head: Template, catalog: Catalog,
            options: PredictOptions = PredictOptions()) -> StackChangeSet:
    """The change set CloudFormation would compute to update the stack from `base` to `head`;
    `catalog` holds the facts of every resource type the two templates use."""
    try:
        return _predict(base, head, catalog, options)
    except RecursionError:
        # Values are evaluated by recursion: a condition made of a condition made of ..., or a
        # property that is a GetAtt of a property that is a GetAtt of ..., some hundreds deep (no
        # template needs that) is refused as such.
        raise _chained_too_deep(base, head, catalog) from None


def _chained_too_deep(base: Template, head: Template, catalog: Catalog) -> InputError:
    """The error for a prediction that ran out of recursion, naming the side whose evaluation does
    (each evaluated as predict begins: the resources' conditions first)."""
    for side in (base, head):
        evaluator = Evaluator(side.data, parameter_values(side.data, {}), catalog=catalog)
        resources = side.data.get("Resources") or {}
        try:
            for lid, resource in resources.items():
                if "Condition" in resource:
                    evaluator.present(lid)
            for resource in resources.values():
                _evaluate_resource(evaluator, resource)
            for name in side.data.get("Conditions") or {}:
                evaluator.condition(name)
        except RecursionError:
            what, where = INVALID_BASE if side is base else "invalid template", side.source
            break
    else:
        what, where = f"invalid template ({base.source} or {head.source})", None
    return InputError(f"{what}: conditions or values that refer to one another hundreds deep (Condition of "
                      "Condition ..., or Fn::GetAtt of a property that is an Fn::GetAtt of ...)", file=where,
                      fix="no template needs references chained that deep: shorten the chain")


def _predict(base: Template, head: Template, catalog: Catalog, options: PredictOptions) -> StackChangeSet:
    survey = check_template(base, head)
    region = options.region
    head_stack = options.stack_name or head.stack_name or base.stack_name or _UNNAMED
    base_stack = options.stack_name or base.stack_name or head_stack
    b_params = parameter_values(base.data, options.base_parameters or {})
    h_params = parameter_values(head.data, options.head_parameters or {})
    b_ev = Evaluator(base.data, b_params, region, base_stack, catalog)
    h_ev = Evaluator(head.data, h_params, region, head_stack, catalog)
    # (a resource without a Condition is present: asked only of those with one)
    b_res = {lid: r for lid, r in b_ev.resources.items() if "Condition" not in r or b_ev.present(lid)}
    h_res = {lid: r for lid, r in h_ev.resources.items() if "Condition" not in r or h_ev.present(lid)}
    common = [lid for lid in h_res if lid in b_res]
    same = _alike(b_ev, h_ev, common, survey)
    # the others evaluated now; those alike only if a replacement they refer to asks (_DiffContext)
    b_eval = {lid: _evaluate_resource(b_ev, r) for lid, r in b_res.items() if lid not in same}
    h_eval = {lid: _evaluate_resource(h_ev, r) for lid, r in h_res.items() if lid not in same}
    ctx = _DiffContext(b_ev, h_ev, b_params, h_params, b_res, h_res, b_eval, h_eval, same, catalog, head)
    replaced: set[str] = set()
    modified: dict[str, ResourceChange] = {}
    todo = common
    while todo:  # fixed point: each new replacement can change the properties that refer to it
        for lid in todo:
            change = ctx.modify_change(lid, replaced)
            if change is None:
                modified.pop(lid, None)
            else:
                modified[lid] = change
        # (a change outside this wave is as the last wave left it: its replacement is in `replaced`)
        new = {lid for lid in todo if lid in modified and modified[lid].replacement in ("True", "Conditional")}
        new -= replaced
        replaced |= new
        todo = ctx.referring(common, new) if new else []

    changes: list[ResourceChange] = []
    changes.extend(modified.values())
    for lid in h_res:
        if lid not in b_res:
            rtype = str(h_res[lid].get("Type"))
            changes.append(_change(catalog, head, action="Add", logical_id=lid, resource_type=rtype,
                                   after=h_eval[lid], volatile=rtype in VOLATILE_TYPES))
    for lid in b_res:
        if lid not in h_res:
            rtype = str(b_res[lid].get("Type"))
            changes.append(_change(catalog, base, action="Remove", logical_id=lid, resource_type=rtype,
                                   before=b_eval[lid], policy_action=deletion_action(b_eval[lid]),
                                   volatile=rtype in VOLATILE_TYPES))
    changes = pair_renames(changes)
    changes.sort(key=lambda c: c.logical_id)
    outputs = _output_changes(base, head, b_ev, h_ev, replaced)
    warnings = tuple(dict.fromkeys(base.warnings + head.warnings + _transform_warnings(head)
                                   + _engine_warnings(base, head)))
    return StackChangeSet(
        # a template that names no stack is called by its file (a run of several is then readable)
        name=head_stack if head_stack != _UNNAMED else head.source or _UNNAMED, base_source=base.source,
        head_source=head.source, changes=tuple(changes),
        outputs=tuple(outputs), base_stack_name=options.stack_name or base.stack_name,
        head_stack_name=options.stack_name or head.stack_name,
        warnings=warnings, unpredicted=warnings,
        base_provenance=base.provenance, head_provenance=head.provenance,
        unseen=compare_unseen(base, head), catalog=catalog,
        secrets=base.secrets | head.secrets | _no_echo(base, options.base_parameters)
        | _no_echo(head, options.head_parameters))


def _no_echo(template: Template, given: Mapping[str, str] | None) -> frozenset[str]:
    """The values of the template's NoEcho parameters (given, else their defaults): CloudFormation
    shows them as ****, and so must every report."""
    parameters = template.data.get("Parameters")
    values = []
    for name, spec in (parameters.items() if isinstance(parameters, dict) else ()):
        if isinstance(spec, dict) and str(spec.get("NoEcho")).lower() == "true":
            values.append((given or {}).get(name, spec.get("Default")))
    return worth_masking(values)


def _engine_warnings(base: Template, head: Template) -> tuple[str, ...]:
    """Two sides compiled by different engines (v3, osls, v4, or versions of one): the engine alone
    can change the template (default runtimes, permissions it adds), so part of the change set may
    be nobody's edit, and a real deploy runs one engine for both."""
    b, h = base.provenance, head.provenance
    if not (b.engine and h.engine) or (b.engine, b.engine_version) == (h.engine, h.engine_version):
        return ()
    label = lambda p: " ".join(x for x in (p.engine, p.engine_version) if x)  # noqa: E731
    return (f"base compiled for {label(b)}, head for {label(h)}: the engine itself changes the template, "
            "so some of these changes may be the engine's, not the service's",)


def _transform_warnings(template: Template) -> tuple[str, ...]:
    """Macros rewrite the template on CloudFormation's side, so what they add is not predicted here."""
    transform = template.data.get("Transform")
    names = [transform] if isinstance(transform, (str, dict)) else list(transform or [])
    return tuple(f"{template.source}: Transform {name if isinstance(name, str) else name.get('Name', name)} "
                 "is expanded by CloudFormation: the resources it generates are not in the prediction"
                 for name in names)


def _alike(b_ev: Evaluator, h_ev: Evaluator, common: list[str], survey: Survey | None = None) -> dict[str, tuple]:
    """Of the resources on both sides, those that evaluate alike, found without evaluating them:
    equal on both sides, and all they may ask of the rest of their template answered alike
    (intrinsics.questions), with those questions. Most of a promotion is unchanged: this spares
    evaluating it twice. `survey`: what check_template met (which are equal, their questions)."""
    known: dict = {}  # question -> answered alike (resources share many)
    same = {}
    b_res, h_res = b_ev.resources, h_ev.resources
    for lid in common:
        if survey is not None:
            if lid not in survey.unchanged:
                continue
            asked = survey.questions[lid]
        else:
            before, after = b_res[lid], h_res[lid]
            if before is not after and before != after:
                continue
            asked = questions(before)
        if asked is not None and b_ev.answers_alike(h_ev, asked, known):
            same[lid] = asked
    return same


def _evaluate_resource(ev: Evaluator, resource: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Type": resource.get("Type")}
    for key in ("Properties",) + ATTRIBUTES:
        if key in resource:
            value = ev.eval(resource[key])
            if value is not NO_VALUE:
                out[key] = value
    return out


@record(frozen=False)
class _DiffContext:
    b_ev: Evaluator
    h_ev: Evaluator
    b_params: dict
    h_params: dict
    b_res: dict
    h_res: dict
    b_eval: dict  # evaluated resources; those in `same` once asked for (`before`, `after`)
    h_eval: dict
    same: dict[str, tuple]  # resources that evaluate alike on both sides, and their questions (_alike)
    catalog: Catalog
    head: Template | None = None  # where a change's origin is
    _referenced: dict[str, set[str]] = field(default_factory=dict)
    _waves: int = 0  # calls of `referring`: one per wave of new replacements
    _index: tuple = ()  # (lids, name -> positions in lids of those that may refer to it): `_candidates`

    def referenced(self, lid: str) -> set[str]:
        """Logical IDs the head resource still refers to symbolically (cached)."""
        if lid not in self._referenced:
            self._referenced[lid] = {name for name, _ in references(self.after(lid).get("Properties"))}
        return self._referenced[lid]

    def before(self, lid: str) -> dict[str, Any]:
        """The base's resource evaluated."""
        value = self.b_eval.get(lid)
        if value is None:
            value = self.b_eval[lid] = _evaluate_resource(self.b_ev, self.b_res[lid])
        return value

    def after(self, lid: str) -> dict[str, Any]:
        """The head's resource evaluated."""
        value = self.h_eval.get(lid)
        if value is None:
            value = self.h_eval[lid] = _evaluate_resource(self.h_ev, self.h_res[lid])
        return value

    def referring(self, lids: list[str], names: set[str]) -> list[str]:
        """Of `lids`, the head resources that still refer to one of `names` symbolically.

        A name a value refers to is text inside one of its strings (a Ref's, a GetAtt's, in a Sub),
        and marshal writes each string as its UTF-8 bytes: a resource whose marshalled properties
        hold none of the names' bytes refers to none of them, found without walking it (marshal is
        five times faster than the walk, and most resources refer to no replaced resource). A
        resource alike on both sides and not evaluated yet refers only to what one of its
        questions names and the head does not answer with text (intrinsics.questions).

        A chain of replacements (each resource's create-only property naming the one before) is a
        wave each: from the second wave on, and for many names, only the resources an index names
        are looked at (`_candidates`), or every wave would look at every resource (4,000 chained
        queues: 7-15 s, under 1 s with the index: bench/bench_hostile.py)."""
        self._waves += 1
        # (the index also when the names are many: the look for each name's bytes in each resource
        # is their product, 1,000 replaced queues named in 1,000 others: 1.6 s)
        indexed = self._waves > 1 or len(names) > 16
        if indexed:
            lids = self._candidates(lids, names)
        wanted = [] if indexed else [name.encode("utf-8", "surrogatepass") for name in names]
        out = []
        for lid in lids:
            if lid not in self._referenced:
                if lid in self.same and lid not in self.h_eval:
                    if not any(q[1] in names and q[0] != "Condition" and not as_text(self.h_ev.answer(q))
                               for q in self.same[lid]):
                        continue
                elif not indexed:  # (an evaluated resource the index names is in `_referenced`)
                    try:
                        text = marshal.dumps(self.h_eval[lid].get("Properties"), 0)
                    except ValueError:  # a value marshal does not write (NO_VALUE in an Fn::If): walk it
                        text = None
                    if text is not None and not any(name in text for name in wanted):
                        continue
            if self.referenced(lid) & names:
                out.append(lid)
        return out

    def _candidates(self, lids: list[str], names: set[str]) -> list[str]:
        """Of `lids`, in their order, those that may refer to one of `names`: by an index of the
        names each may refer to, made once for `lids` (an evaluated resource: those it refers to;
        one not evaluated yet: those its questions name, of which the names it will be found to
        refer to are some, as `referring` relies on)."""
        if not self._index or self._index[0] is not lids:
            mentions: dict[str, list[int]] = {}
            for position, lid in enumerate(lids):
                if lid in self._referenced or lid not in self.same or lid in self.h_eval:
                    named: Any = self.referenced(lid)
                else:
                    named = {q[1] for q in self.same[lid] if q[0] != "Condition"}
                for name in named:
                    mentions.setdefault(name, []).append(position)
            self._index = (lids, mentions)
        mentions = self._index[1]
        return [lids[p] for p in sorted({p for name in names for p in mentions.get(name, ())})]

    def modify_change(self, lid: str, replaced: set[str]) -> ResourceChange | None:
        if lid in self.same and not (replaced and self.referenced(lid) & replaced):
            return None
        before, after = self.before(lid), self.after(lid)
        if (before is after or before == after) and not (replaced and self.referenced(lid) & replaced):
            return None
        rtype, btype = str(after.get("Type")), str(before.get("Type"))
        facts = self.catalog.facts(rtype)
        details: list[Detail] = []
        if rtype != btype:
            # Same logical ID, another type: CloudFormation would have to replace it (and in fact
            # refuses the update; the update-will-fail rule says so).
            details.append(Detail(Target("Properties", "Always", attribute_change_type="Modify"),
                                  "Static", "DirectModification"))
        raw_b = (self.b_res[lid].get("Properties") or {})
        raw_h = (self.h_res[lid].get("Properties") or {})
        props_b = before.get("Properties") or {}
        props_h = after.get("Properties") or {}
        opaque_create_only: list[str] = []
        for prop in _ordered_keys(props_b, props_h, raw_b, raw_h):
            b = props_b.get(prop, _MISSING)
            h = props_h.get(prop, _MISSING)
            if b == h and not (self.referenced(lid) & replaced):
                continue
            if rtype != btype:
                recreation = "Always"
            else:
                recreation = facts.requires_recreation(prop, _plain(b), _plain(h), after.get("UpdatePolicy"))
            attribute = "Tags" if prop == (facts.tag_property or "Tags") else "Properties"
            new = self._property_details(prop, attribute, recreation, b, h,
                                         raw_b.get(prop, _MISSING), raw_h.get(prop, _MISSING), replaced)
            if new and recreation != "Never" and h is not _MISSING and contains_opaque(h):
                opaque_create_only.append(prop)
            details.extend(new)
        for attr in ATTRIBUTES:
            b = before.get(attr, _MISSING)
            h = after.get(attr, _MISSING)
            if b != h:
                details.append(Detail(Target(attr, "Never", path=f"/{attr}", before_value=_render(b),
                                             after_value=_render(h),
                                             attribute_change_type=_change_type(b, h)),
                                      "Static", "DirectModification"))
        if not details:
            return None
        # CloudFormation lists direct modifications first, then the references that cause changes.
        details.sort(key=lambda d: d.change_source != "DirectModification")
        replacement = _replacement(details)
        scope = tuple(dict.fromkeys(d.target.attribute for d in details))
        policy = None
        if replacement in ("True", "Conditional"):
            policy = "ReplaceAnd" + replace_action(after)
        return _change(
            self.catalog, self.head,
            action="Modify", logical_id=lid, resource_type=rtype, replacement=replacement, scope=scope,
            details=tuple(details), policy_action=policy, before=before, after=after,
            before_type=btype if btype != rtype else None, unknown_type=not facts.known,
            opaque_create_only=tuple(opaque_create_only))

    def _property_details(self, prop: str, attribute: str, recreation: str, b: Any, h: Any,
                          raw_b: Any, raw_h: Any, replaced: set[str]) -> list[Detail]:
        name = prop if attribute == "Properties" else None
        path = f"/Properties/{prop}"
        # References in the new value to resources that are (or may be) replaced: the value the
        # resource gets is only known once the replacement exists.
        cascades = sorted(((lid, attr) for lid, attr in references(h if h is not _MISSING else None)
                           if lid in replaced), key=lambda r: (r[0], r[1] or ""))
        if b == h and not cascades:
            return []
        change_type = _change_type(b, h)
        before_value, after_value = _render(b), _render(h)

        def target(after: str | None = after_value) -> Target:
            return Target(attribute, recreation, name, path, before_value, after, change_type)
        details: list[Detail] = []
        if b != h:
            raws = [r for r in (raw_h, raw_b) if r is not _MISSING]
            refs = set().union(*(references(r) for r in raws))
            names = {n for n, _ in refs} | {n for r in raws for n in _condition_inputs(self.h_ev.template, r)}
            params = sorted(p for p in names if p in self.h_params or p in self.b_params
                            if self.h_params.get(p, _MISSING) != self.b_params.get(p, _MISSING))
            resource_causes = self._known_reference_changes(refs)
            if raw_b != raw_h:
                details.append(Detail(target(), "Dynamic" if is_symbolic(h) else "Static",
                                      "DirectModification"))
            elif params or resource_causes:
                if params:
                    details.append(Detail(target(), "Dynamic", "DirectModification"))
                for p in params:
                    details.append(Detail(target(), "Static", "ParameterReference", p))
                for lid, attr in resource_causes:
                    details.append(Detail(target(), "Static", _reference_source(attr),
                                          lid if attr is None else f"{lid}.{attr}"))
            else:  # a pseudo parameter or a condition changed the value
                details.append(Detail(target(), "Dynamic" if is_symbolic(h) else "Static",
                                      "DirectModification"))
        for lid, attr in cascades:
            details.append(Detail(target(KNOWN_AFTER_APPLY), "Dynamic", _reference_source(attr),
                                  lid if attr is None else f"{lid}.{attr}"))
        return details

    def _known_reference_changes(self, refs: set[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        """Of the property's references, the resources whose statically known Ref/GetAtt value changed."""
        out = []
        for lid, attr in sorted(refs, key=lambda r: (r[0], r[1] or "")):
            if lid not in self.h_res or lid not in self.b_res:
                continue
            if attr is None:
                b, h = self.b_ev.ref(lid), self.h_ev.ref(lid)
            else:
                b, h = self.b_ev.get_att(lid, attr), self.h_ev.get_att(lid, attr)
            if b != h:
                out.append((lid, attr))
        return out


def _condition_inputs(template: Mapping[str, Any], value: Any) -> set[str]:
    """Names referred to by the conditions that the value's Fn::If branches on, transitively."""
    conditions = template.get("Conditions") or {}
    todo = _if_conditions(value)
    seen: set[str] = set()
    names: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in conditions:
            continue
        seen.add(name)
        names |= {n for n, _ in references(conditions[name])}
        todo |= _if_conditions(conditions[name])
    return names


def _if_conditions(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, arg in value.items():
            if key == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
                found.add(arg[0])
            elif key == "Condition" and isinstance(arg, str):
                found.add(arg)
            found |= _if_conditions(arg)
    elif isinstance(value, list):
        for item in value:
            found |= _if_conditions(item)
    return found


def _ordered_keys(*dicts: Mapping) -> list[str]:
    keys: dict[str, None] = {}
    for d in dicts:
        if isinstance(d, dict):
            keys.update(dict.fromkeys(d))
    return list(keys)


def _plain(value: Any) -> Any:
    return None if value is _MISSING else value


def _change_type(b: Any, h: Any) -> str:
    if b is _MISSING:
        return "Add"
    if h is _MISSING:
        return "Remove"
    return "Modify"


def _render(value: Any) -> str | None:
    """CloudFormation gives property values as strings: text as is, anything else as JSON."""
    if value is _MISSING:
        return None
    if isinstance(value, str):
        return value
    return compact_json(value)


def _reference_source(attr: str | None) -> str:
    return "ResourceReference" if attr is None else "ResourceAttribute"


def _replacement(details: list[Detail]) -> str:
    worst = "False"
    for d in details:
        rr = d.target.requires_recreation
        if rr == "Always" and d.evaluation == "Static":
            return "True"
        if rr in ("Always", "Conditionally"):
            worst = "Conditional"
    return worst


def _change(catalog: Catalog, side: Template, **fields: Any) -> ResourceChange:
    """The change of these fields with the facts promotelint adds: where it is in `side`, its
    stateful tier, whether its type is unknown (made once: a frozen record copied with
    replace costs as much again)."""
    lid, rtype, before_type = fields["logical_id"], fields["resource_type"], fields.get("before_type")
    origin = side.origins.get(lid)
    if origin is None:
        line = side.line_of(("Resources", lid))
        origin = Origin(side.source, line)
    tiers = catalog.stateful
    tier = tiers.get(rtype) or (tiers.get(before_type) if before_type else None)
    if rtype == "AWS::SNS::Topic" and tier == "transient":
        props = (fields.get("after") or fields.get("before") or {}).get("Properties") or {}
        if not props.get("Subscription"):
            tier = None  # a topic without subscriptions holds nothing in flight worth warning about
    fields["unknown_type"] = fields.get("unknown_type", False) or not catalog.facts(rtype).known
    return ResourceChange(origin=origin, stateful=tier, **fields)


def _output_changes(base: Template, head: Template, b_ev: Evaluator, h_ev: Evaluator,
                    replaced: set[str]) -> list[OutputChange]:
    def outputs(template: Template, ev: Evaluator) -> dict[str, tuple[Any, Any]]:
        out = {}
        for key, decl in (template.data.get("Outputs") or {}).items():
            if not isinstance(decl, dict):
                continue
            cond = decl.get("Condition")
            if cond is not None and ev.condition(cond) is False:
                continue
            export = decl.get("Export")
            export_name = ev.eval(export.get("Name")) if isinstance(export, dict) else None
            out[key] = (ev.eval(decl.get("Value")), export_name)
        return out

    b_out, h_out = outputs(base, b_ev), outputs(head, h_ev)
    changes = []
    for key in _ordered_keys(b_out, h_out):
        origin_side = head if key in h_out else base
        origin = origin_side.origins.get(f"Outputs.{key}") or Origin(
            origin_side.source, origin_side.line_of(("Outputs", key)))
        if key not in h_out:
            bv, be = b_out[key]
            changes.append(OutputChange(key, "Remove", before_value=bv, before_export=be, origin=origin))
        elif key not in b_out:
            hv, he = h_out[key]
            changes.append(OutputChange(key, "Add", after_value=hv, after_export=he, origin=origin))
        else:
            (bv, be), (hv, he) = b_out[key], h_out[key]
            dynamic = any(lid in replaced for lid, _ in references(hv))
            if bv != hv or be != he or dynamic:
                volatile = be == he and not dynamic and (
                    _mask_volatile(bv, b_ev, base.nested) == _mask_volatile(hv, h_ev, head.nested))
                changes.append(OutputChange(key, "Modify", bv, hv, be, he,
                                            "Dynamic" if dynamic else "Static", origin, volatile))
    return changes


def _volatile_target(value: Any, template: Template) -> str | None:
    """The type of the volatile resource a `Ref` / `Fn::GetAtt` value names in `template`, if it is one."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    key, arg = next(iter(value.items()))
    target = arg if key == "Ref" else (arg[0] if key == "Fn::GetAtt" and isinstance(arg, list) and arg else None)
    resource = (template.data.get("Resources") or {}).get(target) if isinstance(target, str) else None
    rtype = resource.get("Type") if isinstance(resource, dict) else None
    return rtype if rtype in VOLATILE_TYPES else None


def _mask_volatile(value: Any, ev: Evaluator, nested: Mapping[str, Template] | None = None) -> Any:
    """The value with references to volatile resources (new on every deploy) made anonymous; also
    through a nested stack's output (`Fn::GetAtt [Nested, Outputs.X]`, serverless-plugin-split-stacks
    moving the function versions into a nested stack) whose value in the nested template is such a
    reference."""
    if isinstance(value, dict):
        if len(value) == 1:
            key, arg = next(iter(value.items()))
            target = arg if key == "Ref" else (arg[0] if key == "Fn::GetAtt" and isinstance(arg, list) and arg else None)
            if isinstance(target, str):
                rtype = (ev.resources.get(target) or {}).get("Type")
                if rtype in VOLATILE_TYPES:
                    return {key: rtype}
                child = (nested or {}).get(target)
                if child is not None and len(arg) == 2 and isinstance(arg[1], str) and arg[1].startswith("Outputs."):
                    output = (child.data.get("Outputs") or {}).get(arg[1][len("Outputs."):])
                    inner = _volatile_target(output.get("Value") if isinstance(output, dict) else None, child)
                    if inner is not None:
                        return {key: [target, inner]}
        return {k: _mask_volatile(v, ev, nested) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_volatile(v, ev, nested) for v in value]
    return value
