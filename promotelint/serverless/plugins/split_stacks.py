"""serverless-plugin-split-stacks 1.15: the template's resources moved into nested stacks.

A port of split-stacks.js and its lib/ (1.15.0), hooked at
`after:aws:package:finalize:mergeCustomProviderResources` as the plugin is (so the core's
stripNullPropsFromTemplateResources then strips only what stayed in the root). `split()` runs:

- migrate-existing-resources: the plugin asks CloudFormation (ListStackResources) where a deployed
  stack keeps each resource, to leave it there. Offline nothing is deployed, so it gets what AWS
  answers before a first deploy ("Stack with id X does not exist"): no existing resource, and
  every resource goes where the strategies put it (as the plugin does on a first deploy). So a
  change of strategy or map moves a resource here (a removal and an addition, which `force: true`
  does on a deployed stack too), while on a deployed stack the plugin leaves a resource that is
  already there where it is: the prediction can only err towards an alarm, never towards "safe".
- migrate-new-resources: each resource of the root, in order, to the first strategy that places
  it: custom (a stacks map: `custom.splitStacks.custom`, default `stacks-map.js`), perFunction
  (the resources whose logical ID starts with a function's normalized name, longest first, and the
  API Gateway methods and resources only one function uses), perType (on by default:
  DEFAULT_STACKS_MAP), perGroupFunction (`nestedStackCount` stacks by a sha1 of the function).
  A destination `D` is the nested stack `DNestedStack` (`allowSuffix`: `DNestedStack2`, ... once a
  stack holds 500 resources); `resourceConcurrency` chains the resources a strategy puts into one
  destination by DependsOn, `stackConcurrency` the nested stacks.
- replace-references / replace-outputs / replace-conditions: a reference between stacks becomes a
  parameter of the nested stack (`<Name>Parameter`, its value on the root's stack resource) or an
  output of it (`Fn::GetAtt [<Stack>, Outputs.<Name>]`), and DependsOn follows; every resource
  gets a DependsOn list (empty too); an `Fn::Sub` string becomes its [string, mappings] form.
- merge-stack-resources / sequence-stacks / write-nested-stacks: the `AWS::CloudFormation::Stack`
  resources in the root (TemplateURL: the S3 endpoint of the region, the deployment bucket, the
  artifact directory, `cloudformation-template-<D>-nested-stack.json`) and the nested templates,
  returned as `ctx.nested` (logical ID of the stack resource -> template).

A stacks map that is code (`stacks-map.js`, or a `.js`/`.cjs` `custom` path) is not run: the
declarative strategies are applied without it and the whole config (with the file's text) is an
unseen part, so the framework compiler packages the service when it is installed, and otherwise a
change to it is `unpredictable-change`. With `provider.deploymentBucket` the plugin asks S3 for the
bucket's region (a HEAD request) to build the URL; offline it is the deploy region.
"""

from __future__ import annotations

import json
import os
import re

from promotelint.model.digest import sha1, sha256
from promotelint.model.record import record
from promotelint.model.template import WHOLE_CONFIG, UnseenPart
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import artifact_directory_name, deployment_bucket_ref
from promotelint.serverless.js import clone_deep, js_string, js_truthy
from promotelint.serverless.plugins import Plugin, PluginLoad

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-plugin-split-stacks"
# What the constructor-time load found of the stacks map (the compile steps read no files): set in
# the config under this key, which no framework setting can have.
_LOADED = "promotelint:split-stacks"

_SUFFIXED = {"allowSuffix": True}
DEFAULT_STACKS_MAP: dict[str, dict[str, Any]] = {  # lib/migration-strategy/per-type.js
    "AWS::CloudWatch::Alarm": {"destination": "Alarms", **_SUFFIXED},
    "AWS::Logs::MetricFilter": {"destination": "Filters", **_SUFFIXED},
    "AWS::Logs::SubscriptionFilter": {"destination": "Filters", **_SUFFIXED},
    "AWS::ApiGateway::Resource": {"destination": "API"}, "AWS::ApiGateway::RestApi": {"destination": "API"},
    "AWS::Lambda::Version": {"destination": "Versions"}, "AWS::Lambda::Permission": {"destination": "Permissions"},
    "AWS::SNS::Subscription": {"destination": "Subscriptions"}, "AWS::SNS::TopicPolicy": {"destination": "Policies"},
    "AWS::S3::BucketPolicy": {"destination": "Policies"}, "AWS::SQS::QueuePolicy": {"destination": "Policies"},
}

# aws-info's S3 endpoints (the plugin's deployment-bucket-endpoint.js): s3.<region>.amazonaws.com,
# .com.cn in China; a region it does not list fails the package.
_S3_REGIONS = frozenset((
    "af-south-1 ap-east-1 ap-northeast-1 ap-northeast-2 ap-northeast-3 ap-south-1 ap-south-2 ap-southeast-1 "
    "ap-southeast-2 ap-southeast-3 ap-southeast-4 ap-southeast-5 ca-central-1 ca-west-1 cn-north-1 "
    "cn-northwest-1 eu-central-1 eu-central-2 eu-north-1 eu-south-1 eu-south-2 eu-west-1 eu-west-2 eu-west-3 "
    "il-central-1 me-central-1 me-south-1 sa-east-1 us-east-1 us-east-2 us-gov-east-1 us-gov-west-1 us-west-1 "
    "us-west-2").split())
_MAX_RESOURCES, _MAX_OUTPUTS = 500, 200  # utils.js stackHasRoom
_SUB_VARIABLE = re.compile(r"\$\{(!?[a-zA-Z0-9.]+)\}")


# --- the plugin's constructor and its stacks map -------------------------------------------------

def _settings(config: dict) -> dict:
    """`custom.splitStacks || {}` (a value that is not a mapping has none of its settings)."""
    custom = config.get("custom")
    value = custom.get("splitStacks") if isinstance(custom, dict) else None
    return value if isinstance(value, dict) else {}


def load_stacks_map(load: PluginLoad) -> None:
    """Custom's loadCustomizations: `custom.splitStacks.custom` (else `stacks-map.js`) in the service
    dir. JSON and YAML are read (the framework's readFileSync); any other file is text, which maps
    nothing; code (.js, .cjs) is not run. A missing default file is no map; a missing named one fails."""
    named = _settings(load.config).get("custom")
    name = js_string(named) if js_truthy(named) else "stacks-map.js"
    setting = ("custom", "splitStacks", "custom")
    path = load.service_file(name, setting)
    loaded: dict[str, Any] = {"map": {}, "code": None}
    if not load.exists(path):
        if js_truthy(named):
            raise load.error(setting, f"{NAME}: custom mapping file {name} not found",
                             "point custom.splitStacks.custom at a file in the service")
    elif re.search(r"\.c?js$", path):
        text = load.read_text(path)
        loaded["code"] = name
        loaded["fingerprint"] = sha256(text.encode()).hexdigest()[:16]
        load.warn(f"plugin {NAME}: {name} is code, which promotelint does not run: where it puts resources "
                  "is not predicted")
    else:
        text = load.read_text(path)
        data: Any = text.strip()
        if path.endswith(".json"):
            from promotelint.parse.documents import load_json

            try:
                data = load_json(text, path)
            except json.JSONDecodeError as exc:
                raise load.error(setting, f"{NAME}: {name} is not valid JSON ({exc.msg}, line {exc.lineno})",
                                 "fix the JSON") from None
        elif path.endswith((".yml", ".yaml")):
            from promotelint.parse.jsyaml import load_js_yaml

            data = load_js_yaml(text, path).data
        loaded["map"] = data if isinstance(data, dict) else {}
    load.config[_LOADED] = loaded


# --- references (lib/reference.js, utils.js getReferencedResources) ------------------------------

@record(frozen=False)
class _Reference:
    id: str
    value: Any
    parent: Any
    key: Any

    def dependency_name(self) -> str:
        value = self.value
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            get_att = value["Fn::GetAtt"]
            text = "".join("" if v is None else js_string(v) for v in get_att) if isinstance(get_att, list) \
                else js_string(get_att)
            return re.sub(r"[^a-zA-Z0-9]", "", text)
        return self.id

    def replace(self, new: Any) -> None:
        self.parent[self.key] = new


def _sub_mappings(text: str) -> tuple[str, dict[str, Any]]:
    """varStringToMappings: `${X}` -> {X: Ref X}, `${X.Y}` -> `${X_Y}` with {X_Y: GetAtt [X, Y]},
    `${!X}` -> `${X}` (each the first such text left, as String.replace does)."""
    out, mappings = text, {}
    for match in _SUB_VARIABLE.finditer(text):
        whole, group = match.group(0), match.group(1)
        if group.startswith("!"):
            out = out.replace(whole, "${" + group[1:] + "}", 1)
        elif "." in group:
            name = group.replace(".", "_", 1)
            mappings[name] = {"Fn::GetAtt": group.split(".")}
            out = out.replace(whole, "${" + name + "}", 1)
        else:
            mappings[group] = {"Ref": group}
    return out, mappings


def referenced_resources(start: Any, resources: dict) -> list[_Reference]:
    """getReferencedResources: the Refs, GetAtts and bare strings naming a resource of `resources`,
    in the plugin's (stack) order; a string Fn::Sub is rewritten to its mapping form on the way."""
    found: list[_Reference] = []
    todo: list[tuple[Any, Any, Any]] = [(start, None, None)]
    while todo:
        value, parent, key = todo.pop()
        if not js_truthy(value):
            continue
        if isinstance(value, list):
            todo.extend((element, value, i) for i, element in enumerate(value))
        elif isinstance(value, str):
            if value in resources:
                found.append(_Reference(value, value, parent, key))
        elif isinstance(value, dict):
            ref, get_att = value.get("Ref"), value.get("Fn::GetAtt")
            join, sub = value.get("Fn::Join"), value.get("Fn::Sub")
            if js_truthy(ref) and isinstance(ref, str) and ref in resources:
                found.append(_Reference(ref, value, parent, key))
            elif js_truthy(get_att):
                target = get_att.split(".", 1)[0] if isinstance(get_att, str) else \
                    get_att[0] if isinstance(get_att, list) and get_att else None
                if isinstance(target, str) and target in resources:
                    found.append(_Reference(target, value, parent, key))
            elif isinstance(join, list):
                if len(join) > 1:
                    todo.append((join[1], join, 1))
            elif js_truthy(sub):
                if isinstance(sub, str):
                    text, mappings = _sub_mappings(sub)
                    value["Fn::Sub"] = [text, mappings]
                else:
                    mappings = sub[1] if isinstance(sub, list) and len(sub) > 1 else None
                todo.append((mappings, value["Fn::Sub"], 1))
            else:
                todo.extend((v, value, k) for k, v in value.items() if k != "DependsOn")
    return found


# --- the split ------------------------------------------------------------------------------------

@record(frozen=False)
class _Migration:  # lib/migration.js
    logical_id: str
    resource: dict
    stack_name: str
    stack: dict
    stack_resource: dict

    def parameterize(self, name: str, value: Any) -> dict:
        parameter = f"{name}Parameter"
        self.stack["Parameters"][parameter] = {"Type": "String"}
        self.stack_resource["Properties"]["Parameters"][parameter] = value
        return {"Ref": parameter}


def _to_array(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _union(*lists: list) -> list:
    """lodash `_.union` (SameValueZero: an object equals only itself; `true` is not 1)."""
    out: list = []
    seen: set = set()
    for item in (i for lst in lists for i in lst):
        key = ("object", id(item)) if isinstance(item, (dict, list)) else (isinstance(item, bool), item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _depends(resource: dict, dependency: Any) -> None:
    resource["DependsOn"] = _union(_to_array(resource.get("DependsOn")), _to_array(dependency))


def _integer_setting(value: Any) -> int | None:
    """`x && typeof x === 'number' && Number.isInteger(x) && x > 0`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value <= 0:
        return None
    return int(value)


class _Split:
    """The plugin's `this` during split(): the root template, the nested stacks, the migrations."""

    def __init__(self, ctx: CompileContext, config: dict, endpoint: str) -> None:
        self.ctx, self.config, self.endpoint = ctx, config, endpoint
        self.root = ctx.template
        self.resources_by_id = dict(self.root.get("Resources") or {})
        self.migrations: dict[str, _Migration] = {}
        self.nested: dict[str, dict] = {}
        self.stack_resources: dict[str, dict] = {}

    def file_name(self, stack_name: str) -> str:  # utils.js getFileName
        adjusted = re.sub(r"nested-stack([0-9]+)$", r"nested-stack-\1", stack_name.replace("NestedStack", "-nested-stack", 1))
        return f"cloudformation-template-{adjusted}.json"

    def nested_stack(self, name: str) -> dict:
        if name not in self.nested:
            self.nested[name] = {"AWSTemplateFormatVersion": "2010-09-09", "Description": f"{name} nested stack",
                                 "Parameters": {}, "Resources": {}, "Outputs": {}}
        return self.nested[name]

    def nested_stack_resource(self, name: str) -> dict:
        if name not in self.stack_resources:
            url = [f"https://{self.endpoint}", deployment_bucket_ref(self.ctx), artifact_directory_name(self.ctx),
                   self.file_name(name)]
            self.stack_resources[name] = {"Type": "AWS::CloudFormation::Stack", "Properties": {
                "Parameters": {}, "TemplateURL": {"Fn::Join": ["/", url]}}}
        return self.stack_resources[name]

    def nested_output(self, reference: _Reference, migration: _Migration) -> dict:
        name = reference.dependency_name()
        migration.stack["Outputs"].setdefault(name, {"Value": reference.value})
        return {"Fn::GetAtt": [migration.stack_name, f"Outputs.{name}"]}

    def migrate(self, logical_id: str, stack_name: str, force: bool = False) -> None:
        resource = self.root["Resources"].get(logical_id)
        if resource is None:
            raise self.ctx.error(("plugins",), f"{NAME}: Missing resource: {logical_id}")
        if logical_id in self.migrations:
            if not force:
                raise self.ctx.error(("plugins",), f"{NAME}: {logical_id} was already migrated")
            previous = self.migrations.pop(logical_id)
            del previous.stack["Resources"][logical_id]
        stack = self.nested_stack(stack_name)
        stack_resource = self.nested_stack_resource(stack_name)
        stack["Resources"][logical_id] = resource
        self.migrations[logical_id] = _Migration(logical_id, resource, stack_name, stack, stack_resource)

    def stack_name(self, destination: Any, allow_suffix: Any) -> str:  # utils.js getStackName
        base = f"{'undefined' if destination is _UNDEFINED else js_string(destination)}NestedStack"
        suffix: int | None = None
        while True:
            candidate = f"{base}{suffix or ''}"
            stack = self.nested_stack(candidate)
            if len(stack["Resources"]) < _MAX_RESOURCES and len(stack["Outputs"]) < _MAX_OUTPUTS:
                return candidate
            if not js_truthy(allow_suffix):
                raise self.ctx.error(("custom", "splitStacks"), f"{NAME}: Destination stack {js_string(destination)} "
                                     "is already full!", "let the destination take a suffix (allowSuffix) or split it")
            suffix = suffix + 1 if suffix else 2

    def reconcile(self, resource_id: str, dependency_id: str, handlers: dict) -> None:
        resource_migration = self.migrations.get(resource_id)
        dependency_migration = self.migrations.get(dependency_id)
        if resource_migration:
            if dependency_migration:
                if resource_migration.stack_name != dependency_migration.stack_name:
                    handlers["both"](resource_migration, dependency_migration)
            else:
                handlers["resource"](resource_migration)
        elif dependency_migration:
            handlers["dependency"](dependency_migration)

    # replace-references.js
    def replace_references(self) -> None:
        for resource_id, resource in self.resources_by_id.items():
            if not isinstance(resource, dict):
                continue
            references = referenced_resources(resource, self.resources_by_id)
            depends_on = resource.get("DependsOn")
            resource["DependsOn"] = (list(depends_on) if isinstance(depends_on, list) else [depends_on]) \
                if js_truthy(depends_on) else []
            for reference in references:
                self.reconcile(resource_id, reference.id, self._reference_handlers(resource, reference))
            for dependency in list(resource["DependsOn"]):
                self.reconcile(resource_id, dependency, self._depends_on_handlers(resource, dependency))
            resource["DependsOn"] = _union(resource["DependsOn"])

    def _reference_handlers(self, resource: dict, reference: _Reference) -> dict:
        def resource_migrated(rm: _Migration) -> None:
            reference.replace(rm.parameterize(reference.dependency_name(), reference.value))
            _depends(rm.stack_resource, reference.id)

        def dependency_migrated(dm: _Migration) -> None:
            reference.replace(self.nested_output(reference, dm))
            _depends(resource, dm.stack_name)

        def both(rm: _Migration, dm: _Migration) -> None:
            output = self.nested_output(reference, dm)
            reference.replace(rm.parameterize(reference.dependency_name(), output))
            _depends(rm.stack_resource, dm.stack_name)

        return {"resource": resource_migrated, "dependency": dependency_migrated, "both": both}

    def _depends_on_handlers(self, resource: dict, dependency: Any) -> dict:
        def without() -> None:
            resource["DependsOn"] = [d for d in resource["DependsOn"] if d != dependency]

        def dependency_migrated(dm: _Migration) -> None:
            _depends(resource, dm.stack_name)
            without()

        def resource_migrated(rm: _Migration) -> None:
            _depends(rm.stack_resource, dependency)
            without()

        def both(rm: _Migration, dm: _Migration) -> None:
            _depends(rm.stack_resource, dm.stack_name)
            without()

        return {"resource": resource_migrated, "dependency": dependency_migrated, "both": both}

    def replace_outputs(self) -> None:  # replace-outputs.js
        for reference in referenced_resources(self.root.get("Outputs"), self.resources_by_id):
            if reference.id in self.migrations:
                reference.replace(self.nested_output(reference, self.migrations[reference.id]))

    def replace_conditions(self) -> None:  # replace-conditions.js
        for migration in self.migrations.values():
            condition = migration.resource.get("Condition")
            if js_truthy(condition):
                conditions = migration.stack.setdefault("Conditions", {})
                key = js_string(condition)
                if not js_truthy(conditions.get(key)):
                    parameter = migration.parameterize(f"{key}IsMet", {"Fn::If": [condition, "true", "false"]})
                    conditions[key] = {"Fn::Equals": [parameter, "true"]}

    def merge_stack_resources(self) -> None:  # merge-stack-resources.js
        resources = self.root["Resources"]
        for migration in self.migrations.values():
            resources.pop(migration.logical_id, None)
            resources[migration.stack_name] = migration.stack_resource

    def sequence_stacks(self) -> None:  # sequence-stacks.js
        concurrency = _integer_setting(self.config.get("stackConcurrency"))
        if concurrency is None:
            return
        names = list(self.nested)
        for index, logical_id in enumerate(names):
            if index >= concurrency:
                resource = self.root["Resources"][logical_id]
                resource["DependsOn"] = [names[index - concurrency], *_to_array(resource.get("DependsOn"))] \
                    if js_truthy(resource.get("DependsOn")) else [names[index - concurrency]]


_UNDEFINED = object()


class _Strategy:
    """base-strategy.js: a strategy's destination for a resource, and resourceConcurrency's chains."""

    def __init__(self, split: _Split) -> None:
        self.split = split
        self.resource_concurrency = _integer_setting(split.config.get("resourceConcurrency"))
        self.chains: dict[str, list[str]] = {}

    def active(self) -> bool:
        return False

    def destination(self, resource: dict, logical_id: str) -> Any:
        return None

    def migration(self, resource: dict, logical_id: str) -> Any:
        if not self.active():
            return None
        found = self.destination(resource, logical_id)
        if js_truthy(found) and self.resource_concurrency:
            self.chain(resource, logical_id, _field(found, "destination"))
        return found

    def chain(self, resource: dict, logical_id: str, destination: Any) -> None:
        """setDependsOn. Its `new Array(n).fill([])` fills every slot with the same array, so the
        least filled slot is always the first and each resource depends on the one before it."""
        if resource.get("Type") == "AWS::Logs::LogGroup":
            return
        chain = self.chains.setdefault("undefined" if destination is _UNDEFINED else js_string(destination), [])
        previous = chain[-1] if chain else None
        chain.append(logical_id)
        if previous:
            depends_on = resource.get("DependsOn")
            resource["DependsOn"] = [previous] + (depends_on if isinstance(depends_on, list) else [depends_on]) \
                if js_truthy(depends_on) else [previous]


def _field(value: Any, name: str) -> Any:
    """`value.<name>` of a migration (any value a stacks map holds)."""
    return value.get(name, _UNDEFINED) if isinstance(value, dict) else _UNDEFINED


class _Custom(_Strategy):
    def __init__(self, split: _Split, stacks_map: dict) -> None:
        super().__init__(split)
        self.stacks_map = stacks_map

    def active(self) -> bool:
        return True

    def destination(self, resource: dict, logical_id: str) -> Any:
        return self.stacks_map.get(js_string(resource.get("Type")))


class _PerType(_Strategy):
    def active(self) -> bool:
        value = self.split.config.get("perType", _UNDEFINED)
        return value is _UNDEFINED or js_truthy(value)

    def destination(self, resource: dict, logical_id: str) -> Any:
        return DEFAULT_STACKS_MAP.get(js_string(resource.get("Type")))


class _PerFunction(_Strategy):
    setting = "perFunction"

    def __init__(self, split: _Split) -> None:
        super().__init__(split)
        if self.active():
            self.api_resources = _api_gateway_resource_map(split.ctx)
            names = [naming.get_normalized_function_name(name) for name in split.ctx.functions]
            self.lambda_names = sorted(names, key=len, reverse=True)  # stable, as V8's sort

    def active(self) -> bool:
        return js_truthy(self.split.config.get(self.setting))

    def destination(self, resource: dict, logical_id: str) -> Any:
        if resource.get("Type") in ("AWS::ApiGateway::Method", "AWS::ApiGateway::Resource"):
            name = self.api_resources.get(logical_id)
        else:
            name = next((n for n in self.lambda_names if logical_id.startswith(n)), None)
        return {"destination": self.stack_of(name)} if name else None

    def stack_of(self, normalized_name: str) -> str:
        return normalized_name


class _PerGroupFunction(_PerFunction):
    setting = "perGroupFunction"

    def __init__(self, split: _Split) -> None:
        super().__init__(split)
        if self.active():
            count = split.config.get("nestedStackCount")
            if isinstance(count, bool) or not isinstance(count, (int, float)) or count != int(count) or count < 2:
                raise split.ctx.error(("custom", "splitStacks"), f"{NAME}: nestedStackCount configuration must be "
                                      "an integer greater than 2", "set custom.splitStacks.nestedStackCount")
            self.count = int(count)

    def stack_of(self, normalized_name: str) -> str:
        digest = sha1(normalized_name.encode()).hexdigest()
        return str(int(digest[:10], 16) % self.count + 1)


def _api_gateway_resource_map(ctx: CompileContext) -> dict[str, str]:
    """per-function.js getApiGatewayResourceMap: each REST method's function, and the API resources
    of paths only one function's endpoints use."""
    from promotelint.serverless.events.apigateway.rest import validate
    from promotelint.serverless.events.apigateway.rest.resources import _resource_paths, resource_name_of
    from promotelint.serverless.events.base import has_events

    result: dict[str, str] = {}
    if not has_events(ctx, "http"):
        return result
    api = validate.validate(ctx)
    api.resources = _resource_paths(ctx, api) if api.events else {}
    users: dict[str, list[str]] = {}
    for event in api.events:
        name = naming.get_normalized_function_name(event.function_name)
        http_path = event.http["path"]
        resource_name = resource_name_of(api, http_path)
        result[naming.get_method_logical_id(resource_name, event.http["method"])] = name
        options = naming.get_method_logical_id(resource_name, "OPTIONS")
        users.setdefault(options, [])
        if name not in users[options]:
            users[options].append(name)
        tokens: list[str] = []
        for token in http_path.split("/"):
            tokens.append(token)
            logical_id = naming.get_resource_logical_id("/".join(tokens))
            users.setdefault(logical_id, [])
            if name not in users[logical_id]:
                users[logical_id].append(name)
    for logical_id, names in users.items():
        if len(names) == 1:
            result[logical_id] = names[0]
    return result


def _endpoint(ctx: CompileContext) -> str:
    if ctx.region not in _S3_REGIONS:
        raise ctx.error(("provider", "region"), f"{NAME}: aws-info: S3 has no known endpoints in {ctx.region}",
                        "deploy to a region the plugin knows")
    return f"s3.{ctx.region}.amazonaws.com" + (".cn" if ctx.region.startswith("cn-") else "")


def split(ctx: CompileContext) -> None:
    """split(): move the root's resources into nested stacks (ctx.nested), as the plugin does on a
    first deploy."""
    config = _settings(ctx.config)
    loaded = ctx.config.get(_LOADED) or {"map": {}, "code": None}
    if loaded.get("code"):
        text = json.dumps([{k: v for k, v in ctx.config.items() if k != _LOADED}, loaded.get("fingerprint")],
                          sort_keys=True, default=str)
        ctx.unseen.append(UnseenPart(NAME, WHOLE_CONFIG, sha256(text.encode()).hexdigest()[:16],
                                     ctx.origin(("custom", "splitStacks", "custom")
                                                if "custom" in config else ("plugins",))))
    # The plugin moves the resource objects themselves; a copy keeps the config's own values apart.
    ctx.template = clone_deep(ctx.template)
    state = _Split(ctx, config, _endpoint(ctx))
    strategies = (_Custom(state, loaded["map"]), _PerFunction(state), _PerType(state), _PerGroupFunction(state))
    for logical_id, resource in state.resources_by_id.items():  # migrate-new-resources.js
        migration: Any = None
        for strategy in strategies:
            if js_truthy(migration) or migration is False:
                break
            migration = strategy.migration(resource, logical_id)
        if js_truthy(migration):
            name = state.stack_name(_field(migration, "destination"), _field(migration, "allowSuffix"))
            state.migrate(logical_id, name, js_truthy(_field(migration, "force")) if isinstance(migration, dict)
                          else False)
    state.replace_references()
    state.replace_outputs()
    state.replace_conditions()
    state.merge_stack_resources()
    state.sequence_stacks()
    where = ctx.origin(("custom", "splitStacks") if "splitStacks" in (ctx.config.get("custom") or {}) else ("plugins",))
    for name in state.nested:
        ctx.origins.setdefault(name, where)
    ctx.nested = state.nested


def _load(load: PluginLoad) -> None:
    load_stacks_map(load)


PLUGIN = Plugin(NAME, ">=1.9.0 <2", load=_load,
                hooks=(("after:aws:package:finalize:mergeCustomProviderResources", split),))
