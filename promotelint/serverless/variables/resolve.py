"""Serverless Framework v3 variables (`${source:address}`), resolved offline into plain data.

A port of lib/configuration/variables/resolve.js and sources/* (the syntax is variables.parse, the
port of parse.js): the same fallback and nesting rules, the same errors (circular references,
missing values). What differs:
- the framework resolves in asynchronous batches; here one property is resolved depth first, which
  gives the same values (a value never depends on the order, only on the data);
- sources that need AWS (ssm, cf, s3, aws:accountId, secrets, output) or code (`${file(x.js)}`,
  plugin sources) give opaque tokens (promotelint.model.opaque) instead of failing: a string that
  interpolates one becomes one token holding the whole string;
- `${file(...)}` may not leave `root` (the git work tree, else --root, else the current directory
  when it holds the service, else the service dir's parent: promotelint.io decides).
Keys are never resolved: v3 leaves `${...}` in a mapping key as literal text.

Serverless Framework v4 differs in places, noted where they apply: `${param:}` also reads `stages.<stage>
.params` / `stages.default.params` (Inputs.stage_params), .env files load without `useDotenv`
(serverless.service), and it adds resolvers (`${vault:}`, `${terraform:}`, custom `resolvers:`),
opaque here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping

from promotelint.model.errors import InputError
from promotelint.model.opaque import is_opaque, opaque
from promotelint.model.record import field, record
from promotelint.parse.documents import load_json
from promotelint.parse.jsyaml import load_js_yaml
from promotelint.serverless.js import coerce_string
from promotelint.serverless.variables.parse import VariableSyntaxError, parse, parse_parts, variable_text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def humanize(path: tuple) -> str:
    return ".".join(str(p) for p in path)


# Sources whose value lives in AWS or a service (v3: ssm, cf, s3, aws:accountId; Dashboard: output,
# secrets; v4 also vault, terraform): opaque tokens, never a network call.
# `${sls:instanceId}` until the compiled template gives it a value: 13 digits, like the epoch
# milliseconds it stands for, and not a plausible time of day (2100-01-01T00:00:00.000Z + 1 ms).
INSTANCE_ID = "4102444800001"

AWS_SOURCES = frozenset({"ssm", "cf", "s3", "secrets", "output", "vault", "terraform"})


@record(frozen=False)
class Inputs:
    """What variables can read besides the config itself."""

    options: dict[str, Any]  # CLI options: stage, region (only when given), and any other --x
    env: Mapping[str, str]
    read_text: Callable[[str], str]  # the service's files, from the working tree or a git revision
    exists: Callable[[str], bool]
    params: dict[str, str] = field(default_factory=dict)  # --param k=v
    service_dir: str = "."
    root: str | None = None  # ${file()} must stay under this directory
    boundary: str = "the service directory's parent"  # what `root` is, for the refusal
    stage_params: bool = False  # v4: `stages.<stage>.params` too (engines.Engine.stage_params)
    # The variable sources the service's modelled plugins add (their configurationVariablesSources,
    # e.g. serverless-lift's `${construct:}`): source name -> the value for an address.
    sources: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)


_MISSING_FIX = {
    "env": "set it in the environment or an --env-file, or add a fallback: ${env:NAME, 'default'}",
    "opt": "pass the option (--stage, --region) or add a fallback: ${opt:stage, 'dev'}",
    "param": "pass --param NAME=VALUE, set params.<stage> / params.default, or add a fallback",
    "self": "define that key in the config or add a fallback: ${self:custom.x, 'default'}",
    "file": "check the file and the key, or add a fallback: ${file(./x.yml):key, 'default'}",
}


# What variables may make. A value built from variables that each repeat another
# (`l2: ${self:custom.l1}${self:custom.l1}`, thirty levels) doubles at each level: the framework runs out
# of memory on it. Real configs resolve to a few hundred kilobytes; the cap is the largest file
# promotelint reads (io/files.MAX_FILE_BYTES), for one string and for all of them together.
MAX_RESOLVED_CHARS = 64 * 1024 * 1024
# The same doubling with lists or maps (`l2: [${self:custom.l1}, ${self:custom.l1}]`) shares one object
# where it repeats, so memory stays small, but every walk of the config (and the template's JSON) is
# exponential. Each value a variable brings is walked once to find its variables: those walks are capped
# together (a 300-function config holds some 20,000 values; the cap is far above what real ones bring).
MAX_RESOLVED_VALUES = 500_000


class _Missing(Exception):
    """A source has no value and there is no fallback: becomes an InputError naming the variable."""


class Resolver:
    def __init__(self, config: dict, inputs: Inputs, *, source: str, positions: dict,
                 warnings: list[str]) -> None:
        self.config = config
        self.inputs = inputs
        self.source = source
        self.positions = positions
        self.warnings = warnings
        self.pending: dict[tuple, dict] = {}  # property path -> {"value": raw, "variables": [...]}
        self.nest: dict[tuple, int] = {}
        self.stack: list[tuple] = []  # properties being resolved, innermost last
        self.depends: dict[tuple, set] = {}
        self._files: dict[str, Any] = {}
        self._warned: set[str] = set()
        self._last_lookup = ""
        self._last_source: tuple[str, Any] = ("", None)  # the last source looked up, and its address
        self._made = 0  # characters of every string built from variables so far
        self._walked = 0  # values walked to find variables so far
        self.instance_id = False  # whether a ${sls:instanceId} was resolved (its placeholder: service.fill_instance_id)
        self.secrets: set[Any] = set()  # values of sources a report must not show (model/secrets.py)
        self._collect(config, ())

    # -- bookkeeping ---------------------------------------------------------------------------------

    def error(self, path: tuple, message: str, fix: str | None = None) -> InputError:
        line = None
        p = tuple(path)
        while p and line is None:
            pos = self.positions.get(p)
            line = pos[0] if pos else None
            p = p[:-1]
        return InputError(message, file=self.source, line=line, fix=fix)

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    def _collect(self, value: Any, path: tuple, into: dict | None = None) -> dict:
        found = self.pending if into is None else into
        stack = [(value, path)]
        while stack:
            node, p = stack.pop()
            self._walked += into is not None  # the config's own values are not counted, only those brought
            if self._walked > MAX_RESOLVED_VALUES:
                raise self.error(path, f"variables at {humanize(path)} make more than {MAX_RESOLVED_VALUES:,} "
                                       "values (a value that repeats another, level after level?)",
                                 "do not build a value by repeating another variable again and again")
            if isinstance(node, dict):
                if not is_opaque(node):
                    stack.extend(reversed([(v, p + (k,)) for k, v in node.items()]))
            elif isinstance(node, list):
                stack.extend(reversed([(v, p + (i,)) for i, v in enumerate(node)]))
            elif isinstance(node, str) and "${" in node:
                try:
                    variables = parse(node)
                except VariableSyntaxError as exc:
                    raise self.error(p, f"variable syntax error at {humanize(p)}: {exc}",
                                     "fix the ${...} expression") from None
                if variables:
                    found[p] = {"value": node, "variables": variables}
        return found

    def _set(self, path: tuple, value: Any) -> None:
        target = self.config
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    # -- properties ----------------------------------------------------------------------------------

    def resolve_all(self) -> dict:
        while self.pending:
            self.resolve_property(next(iter(self.pending)))
        return self.config

    def resolve_property(self, path: tuple) -> None:
        """Resolve the property at `path`. Variables that its value brings (a `${file()}` fragment, a
        copied subtree) become pending properties of their own, resolved when something needs them
        or by resolve_all: resolving them here could see a cycle where the framework sees none."""
        while path in self.pending:
            if path in self.stack:
                raise self.error(path, f'circular reference: "{humanize(path)}" refers to itself',
                                 "break the cycle of ${self:...} references")
            meta = self.pending[path]
            self.stack.append(path)
            try:
                value, source_values = self.resolve_string(path, meta["value"], meta["variables"])
            finally:
                self.stack.pop()
            found: dict = {}
            if isinstance(value, str):
                variables = parse_parts(source_values) if source_values else self._parse_at(path, value)
                if variables:
                    found[path] = {"value": value, "variables": variables}
            elif isinstance(value, (dict, list)) and not is_opaque(value):
                self._collect(value, path, found)
            if found:
                depth = self.nest.get(path, 0) + 1
                if depth > 10:
                    raise self.error(path, f"cannot resolve variable at {humanize(path)}: excessive property "
                                           "variables nest depth", "a value keeps resolving to more variables")
                for sub in found:
                    self.nest[sub] = depth
            self._set(path, value)
            del self.pending[path]
            self.pending.update(found)

    def _parse_at(self, path: tuple, value: str) -> list | None:
        try:
            return parse(value)
        except VariableSyntaxError as exc:
            raise self.error(path, f"cannot resolve variable at {humanize(path)}: variable syntax error in "
                                   f'resolved value "{value}": {exc}') from None

    def resolve_string(self, path: tuple, raw: str, variables: list) -> tuple[Any, list[str] | None]:
        """Value of `raw` with its variables resolved one level (the result may hold new ones)."""
        values = []
        for variable in variables:
            if "value" in variable and "sources" not in variable:
                values.append(variable["value"])
            else:
                values.append(self.resolve_variable(path, raw, variable))
        if len(variables) == 1 and variables[0]["start"] is None:
            return values[0], None
        if any(is_opaque(v) for v in values):
            return opaque(raw), None
        parts: list[str] = []
        last = 0
        for variable, value in zip(variables, values):
            text = coerce_string(value)
            if text is None:
                raise self.error(path, f"cannot resolve variable at {humanize(path)}: string value consist of "
                                       f"variable which resolve with non-string value "
                                       f"({variable_text(raw, variable)})",
                                 "a variable inside a longer string must give a string, number or boolean")
            parts.append(raw[last:variable["start"]])
            parts.append(text)
            last = variable["end"]
        parts.append(raw[last:])
        self._made += sum(map(len, parts))
        if self._made > MAX_RESOLVED_CHARS:
            raise self.error(path, f"variables at {humanize(path)} make more than {MAX_RESOLVED_CHARS >> 20} MiB of "
                                   "text (a value that repeats another, level after level?)",
                             "do not build a value by repeating another variable again and again")
        return "".join(parts), parts

    def resolve_variable(self, path: tuple, raw: str, variable: dict) -> Any:
        sources = variable["sources"]
        text = variable_text(raw, variable)
        last_type = None
        for source in sources:
            if "type" not in source:  # a literal fallback
                return source["value"]
            last_type = source["type"]
            try:
                value = self.resolve_source(path, source, text)
            except _Missing as exc:
                raise self.error(path, f"cannot resolve {text} at {humanize(path)}: {exc}",
                                 "set the value or add a fallback, e.g. ${env:X, 'default'}") from None
            if value is not None:
                return value
        undefined = self._undefined_stage(path)
        if undefined:
            stage, where, defined = undefined
            raise self.error(path, f'cannot resolve {text} at {humanize(path)}: the stage "{stage}" is not defined '
                                   f"in {where} (it defines {', '.join(map(str, defined)) or 'none'})",
                             f"check --stage, or add {where}.{stage}" + (" (or params.default)" if where == "params" else ""))
        looked_up = f" ({self._last_lookup})" if self._last_lookup else ""
        raise self.error(path, f'cannot resolve {text} at {humanize(path)}: value not found at "{last_type}" '
                               f'source{looked_up}',
                         _MISSING_FIX.get(last_type, "set the value or add a fallback: ${...,  'default'}"))

    def _undefined_stage(self, path: tuple) -> tuple[str, str, list] | None:
        """(the stage, the stage map, its stages) when the last lookup failed because the stage is
        not one of the map's keys: `params:` for ${param:}, or a map like custom.memory.<stage> for
        ${self:}."""
        kind, address = self._last_source
        if kind not in ("param", "self"):
            return None
        try:
            stage = self.stage(path)
        except InputError:  # the stage itself cannot be resolved: that error is not this one
            return None
        if kind == "param":
            params = self.config.get("params")
            if isinstance(params, dict) and params and stage not in params:
                return stage, "params", [k for k in params if k != "default"]
        elif isinstance(address, str) and stage in address.split(".")[1:]:
            keys = address.split(".")
            holder: Any = self.config
            for key in keys[:keys.index(stage)]:
                holder = _property(holder, key)
            if isinstance(holder, dict) and holder and stage not in holder:
                return stage, ".".join(keys[:keys.index(stage)]), list(holder)
        return None

    def _meta_value(self, path: tuple, meta: dict | None) -> Any:
        """Value of a param / address, which may itself hold variables (resolved here, fully)."""
        if meta is None:
            return None
        if not meta.get("variables"):
            return meta["value"]
        value, source_values = self.resolve_string(path, meta["value"], meta["variables"])
        for _ in range(10):
            if not isinstance(value, str):
                break
            variables = parse_parts(source_values) if source_values else self._parse_at(path, value)
            if not variables:
                break
            value, source_values = self.resolve_string(path, value, variables)
        return self.resolve_nested(path, value)

    def resolve_nested(self, path: tuple, value: Any, depth: int = 0) -> Any:
        """A copy of a value taken from a source (a file, another property) with its variables resolved."""
        if depth > 10:
            raise self.error(path, f"cannot resolve variable at {humanize(path)}: excessive variables nest depth")
        if isinstance(value, str):
            variables = self._parse_at(path, value) if "${" in value else None
            if not variables:
                return value
            resolved, _ = self.resolve_string(path, value, variables)
            return self.resolve_nested(path, resolved, depth + 1)
        if isinstance(value, dict) and not is_opaque(value):
            return {k: self.resolve_nested(path, v, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_nested(path, v, depth + 1) for v in value]
        return value

    # -- sources -------------------------------------------------------------------------------------

    def resolve_source(self, path: tuple, source: dict, text: str) -> Any:
        kind = source["type"]
        params = [self._meta_value(path, p) for p in source.get("params") or ()]
        address = self._meta_value(path, source.get("address"))
        if is_opaque(address) or any(is_opaque(p) for p in params):
            return opaque(text)
        value = self._dispatch(path, kind, params, address, text)
        self._last_source = (kind, address)
        # What was looked up once nested variables are resolved, for the "not found" message (set
        # after the lookup, which may resolve other properties).
        self._last_lookup = ":".join(str(x) for x in ([f"{kind}({', '.join(map(str, params))})"] if params else [kind])
                                     + ([address] if address is not None else []))
        return value

    def _dispatch(self, path: tuple, kind: str, params: list, address: Any, text: str) -> Any:
        if kind == "self":
            return self.config_property(path, _address_keys(address), text)
        if kind == "opt":
            if address is None:
                return dict(self.inputs.options)
            return self.inputs.options.get(_string(address, "opt"))
        if kind == "env":
            if not address:
                raise _Missing('missing address argument in variable "env" source')
            value = self.inputs.env.get(_string(address, "env"))
            self.secrets.add(value)
            return value
        if kind == "sls":
            if address == "instanceId":
                # The framework's clock at start-up, also the suffix of its ApiGatewayDeployment<id>:
                # a placeholder here, replaced once the template is compiled (service.fill_instance_id).
                self.instance_id = True
                return INSTANCE_ID
            if address == "stage":
                return self.stage(path)
            raise _Missing(f'unsupported "{address}" address argument in variable "sls" source')
        if kind == "aws":
            if address == "region":
                return self.region(path)
            if address == "accountId":
                return opaque(text)
            raise _Missing(f'unsupported "{address}" address argument in variable "aws" source')
        if kind == "strToBool":
            return _str_to_bool(params)
        if kind == "param":
            return self.param(path, address)
        if kind == "file":
            return self.file(path, params, address, text)
        if kind in AWS_SOURCES:  # known at deploy time only: the reference stands for a secret value
            self.secrets.add(text)
            return opaque(text)
        if kind in self.inputs.sources:
            return self.inputs.sources[kind](address)
        self.warn(f'variable source "{kind}" ({text}) is not known offline (a plugin\'s?): '
                  "its value is unknown in the prediction")
        return opaque(text)

    def config_property(self, path: tuple, keys: tuple, text: str | None = None) -> Any:
        """Value at `keys` in the config, resolving what it depends on first (resolve.js
        resolveDependentProperty), as a copy. Inside an unknown (opaque) value the result is unknown
        too: a token of the variable's own text."""
        value: Any = self.config
        for i, key in enumerate(keys):
            if value is None:
                return None
            prefix = keys[: i + 1]
            if prefix in self.pending:
                self._depend(path, prefix)
                self.resolve_property(prefix)
            if is_opaque(value):
                return opaque(text or "${self:" + ".".join(keys) + "}")
            value = _property(value, key)
        if isinstance(value, (dict, list)) and not is_opaque(value):
            while True:
                under = [p for p in self.pending if p[: len(keys)] == keys]
                if not under:
                    break
                for sub in under:
                    self._depend(path, sub)
                    self.resolve_property(sub)
            value = self.config
            for key in keys:
                value = value[key] if isinstance(value, dict) else value[_list_index(key)]
            return json.loads(json.dumps(value))
        return value

    def _depend(self, dependent: tuple, dependency: tuple) -> None:
        if dependency in self.stack:
            if dependency == dependent or dependency == self.stack[-1]:
                raise self.error(dependent, f'circular reference: "{humanize(dependent)}" refers to itself',
                                 "break the cycle of ${self:...} references")
            raise self.error(dependent, f'circular reference among "{humanize(dependent)}" and '
                                        f'"{humanize(dependency)}"', "break the cycle of ${self:...} references")

    def stage(self, path: tuple = ()) -> str:
        stage = self.inputs.options.get("stage")
        if not stage:
            stage = self.config_property(path, ("provider", "stage"))
        return stage or "dev"

    def region(self, path: tuple = ()) -> str:
        region = self.inputs.options.get("region")
        if not region:
            region = self.config_property(path, ("provider", "region"))
        return region or "us-east-1"

    def param(self, path: tuple, address: Any) -> Any:
        # v3 (Dashboard plugin's resolve-params.js): --param, then params.<stage>, then params.default,
        # the first that is not null (the Dashboard's own parameters need a login and are not
        # consulted offline). v4 (sf-core providers/param/param.js) merges the layers, the later
        # winning: params.default, stages.default.params, params.<stage>, stages.<stage>.params,
        # --param; a key present with null still wins its layer.
        if not address:
            raise _Missing('missing address argument in variable "param" source')
        name = _string(address, "param")
        if name in self.inputs.params:
            return self.inputs.params[name]
        stage = self.stage(path)
        layers = [("params", stage), ("params", "default")]
        if self.inputs.stage_params:
            layers = [("stages", stage, "params"), ("params", stage), ("stages", "default", "params"),
                      ("params", "default")]
        for layer in layers:
            holder = self.config
            for key in layer:
                holder = holder.get(key) if isinstance(holder, dict) else None
            if isinstance(holder, dict) and name in holder:
                value = self.config_property(path, layer + (name,))
                if value is not None or self.inputs.stage_params:
                    return value
        return None

    def file(self, path: tuple, params: list, address: Any, text: str) -> Any:
        if not params or not params[0]:
            raise _Missing('missing path argument in variable "file" source')
        if not isinstance(params[0], str):
            raise _Missing(f'non-string path argument in variable "file" source: {params[0]!r}')
        target = os.path.normpath(os.path.join(self.inputs.service_dir, params[0]))
        root = self.inputs.root
        if root is not None and not is_within(target, root):
            raise self.error(path, f"{text} reads {params[0]}, outside {self.inputs.boundary} ({root}), "
                                   "the limit of what ${file()} may read",
                             "keep ${file()} includes inside it, or pass --root DIR (outside git)")
        ext = os.path.splitext(target)[1].lower()
        if ext in (".js", ".cjs", ".mjs", ".ts"):
            self.warn(f"{text}: JavaScript is not run offline, its value is unknown in the prediction")
            return opaque(text)
        content = self._file_content(path, target, ext, params[0])
        if address is None:
            return content
        if content is None:
            return None
        if not isinstance(address, str):
            raise _Missing(f'non-string address argument for variable "file" source: {address!r}')
        result = content
        for key in address.split("."):
            if isinstance(result, str):
                result = self.resolve_nested(path, result)
            if is_opaque(result):
                return opaque(text)
            result = _property(result, key)
            if result is None:
                return None
        return result

    def _file_content(self, path: tuple, target: str, ext: str, shown: str) -> Any:
        if target in self._files:
            return json.loads(json.dumps(self._files[target]))
        if not self.inputs.exists(target):
            self._files[target] = None
            return None
        text = self.inputs.read_text(target)
        if ext in (".yml", ".yaml"):
            try:
                content = load_js_yaml(text, target).data
            except InputError as exc:
                raise InputError(f"cannot parse {shown}: {exc.message}", file=exc.file or target,
                                 line=exc.line, fix=exc.fix) from None
        elif ext in (".json", ".tfstate"):
            try:
                # JSON.parse: no NaN / Infinity, and one number type (1.0 is 1).
                content = load_json(text, target, parse_constant=_reject_constant, parse_float=_js_float)
            except ValueError as exc:
                raise InputError(f"cannot parse {shown}: JSON parse error: {exc}", file=target) from None
        else:
            content = text  # anything else is plain text, as in file.js
        self._files[target] = content
        return json.loads(json.dumps(content))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"unexpected token {name}")


def _js_float(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _address_keys(address: Any) -> tuple:
    if address is None or address == "":
        return ()
    return tuple(str(address).split("."))


def _list_index(key: Any) -> int | None:
    if isinstance(key, int):
        return key
    if isinstance(key, str) and key.isdigit():
        return int(key)
    return None


def _property(value: Any, key: Any) -> Any:
    """JavaScript's `value[key]` on config data ("abc"[1] is "b", "abc".length is 3), None where it
    is undefined."""
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, str) and key == "length":
        return len(value)
    if isinstance(value, (list, str)):
        index = _list_index(key)
        return value[index] if index is not None and index < len(value) else None
    return None


def _string(value: Any, kind: str) -> str:
    if not isinstance(value, str):
        raise _Missing(f'non-string address argument in variable "{kind}" source: {value!r}')
    return value


def _str_to_bool(params: list) -> bool:
    if not params or params[0] is None:
        raise _Missing('missing "strToBool" input')
    if not isinstance(params[0], str):
        value = coerce_string(params[0])
        if value is None:
            raise _Missing(f'non-string "strToBool" input: {params[0]!r}')
    else:
        value = params[0]
    value = value.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise _Missing(f'invalid "strToBool" input: expected either "true", "false", "0", or "1", '
                   f"received: {params[0]}")


def is_within(target: str, root: str) -> bool:
    """Whether `target` is `root` or under it; either may be relative to the current directory
    (`promotelint compile .` joins `./x.yml` onto "."), so compare where they point, not their text."""
    rel = os.path.relpath(os.path.abspath(target), os.path.abspath(root))
    return rel != os.pardir and not rel.startswith(os.pardir + os.sep)

