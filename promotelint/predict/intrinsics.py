"""Evaluate CloudFormation intrinsic functions wherever the value is knowable offline.

What cannot be known offline stays symbolic, in the template's own long form: `{"Ref": "Bucket"}`
for a physical ID that only exists after deployment, `{"Fn::GetAtt": ["Queue", "Arn"]}`, an
`Fn::Sub` with the unknown `${...}` kept. Symbolic values are stable: when nothing they refer to is
replaced, the same symbol on both sides means the same value. `AWS::AccountId` stays `{"Ref":
"AWS::AccountId"}`: opaque but identical on both sides of one stack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from promotelint.model.record import field, record
from promotelint.model.resources import Catalog
from promotelint.model.template import SUB_VARIABLE, getatt_pair, references
from promotelint.model.opaque import is_opaque

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

PSEUDO_PARAMETERS = frozenset({"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
                               "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName",
                               "AWS::URLSuffix"})
NO_VALUE = object()  # AWS::NoValue: the key or item is dropped
_UNSET = object()
_TEXT, _NUMBER_OR_TEXT = frozenset({str}), frozenset({str, int, float})  # what Fn::Join joins
_LEAVES = frozenset({str, int, float, bool, type(None)})  # what eval returns as it is
# The pseudo parameters whose value is known offline (AWS::NoValue: that the key is dropped)
_OFFLINE_PSEUDO = frozenset({"AWS::NoValue", "AWS::Region", "AWS::StackName", "AWS::Partition", "AWS::URLSuffix"})
_STABLE_PSEUDO = {"AWS::AccountId", "AWS::StackId", "AWS::NotificationARNs"}
_PARTITIONS = {"cn-": ("aws-cn", "amazonaws.com.cn"), "us-gov-": ("aws-us-gov", "amazonaws.com"),
               "us-iso-": ("aws-iso", "c2s.ic.gov"), "us-isob-": ("aws-iso-b", "sc2s.sgov.gov")}


def partition_of(region: str) -> tuple[str, str]:
    for prefix, facts in _PARTITIONS.items():
        if region.startswith(prefix):
            return facts
    return ("aws", "amazonaws.com")


@record(frozen=False)
class Evaluator:
    """Evaluates one side's template. Memoises what resources' Ref/GetAtt return when known."""

    template: Mapping[str, Any]
    parameters: Mapping[str, Any]  # parameter values as CloudFormation would see them
    region: str = "us-east-1"
    stack_name: str = "stack"
    catalog: Catalog = Catalog()
    _conditions: dict[str, bool | None] = field(default_factory=dict)
    _resolving: set = field(default_factory=set)
    _known_props: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._resources = self.template.get("Resources") or {}  # looked up on every Ref and GetAtt
        self._partition = partition_of(self.region)
        # what Ref of a name, or GetAtt of (logical ID, attribute), gives, once known for good:
        # outside a property or condition being resolved (under one, a cycle may be cut), each
        # answer is the same every time
        self._refs: dict[Any, Any] = {}

    @property
    def resources(self) -> Mapping[str, Any]:
        return self._resources

    # --- comparing sides --------------------------------------------------------------------

    def answers_alike(self, other: Evaluator, questions: tuple, known: dict) -> bool:
        """Whether `other` answers each of `questions` (see `questions`) as this evaluator does,
        types included; `known` keeps each question's verdict between calls."""
        for question in questions:
            alike = known.get(question)
            if alike is None:
                alike = known[question] = _same(self.answer(question), other.answer(question))
            if not alike:
                return False
        return True

    def answer(self, question: tuple) -> Any:
        """What this template answers to a question (see `questions`)."""
        if question[0] == "Ref":
            return self.ref(question[1])
        if question[0] == "GetAtt":
            return self.get_att(question[1], question[2])
        return self.condition(question[1])

    # --- conditions -------------------------------------------------------------------------

    def condition(self, name: str) -> bool | None:
        """True / False, or None when it depends on something unknown offline."""
        if name in self._conditions:
            return self._conditions[name]
        if name in self._resolving:
            return None
        self._resolving.add(name)
        expr = (self.template.get("Conditions") or {}).get(name)
        value = self._cond(expr) if expr is not None else None
        self._resolving.discard(name)
        self._conditions[name] = value
        return value

    def _cond(self, expr: Any) -> bool | None:
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str):
            return {"true": True, "false": False}.get(expr.lower())
        if not isinstance(expr, dict) or len(expr) != 1:
            return None
        (fn, arg), = expr.items()
        if fn == "Condition":
            return self.condition(arg)
        if fn == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            a, b = (self.eval(x) for x in arg)
            if is_symbolic(a) or is_symbolic(b):
                return None
            return _cf_str(a) == _cf_str(b)
        if fn == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            v = self._cond(arg[0])
            return None if v is None else not v
        if fn in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            values = [self._cond(x) for x in arg]
            if fn == "Fn::And":
                return False if False in values else (None if None in values else True)
            return True if True in values else (None if None in values else False)
        return None

    def present(self, logical_id: str) -> bool:
        """A resource is absent when its Condition is false (unknown counts as present)."""
        resource = self._resources.get(logical_id)
        if not isinstance(resource, dict):
            return False
        cond = resource.get("Condition")
        return cond is None or self.condition(cond) is not False

    # --- values -----------------------------------------------------------------------------

    def eval(self, value: Any) -> Any:
        # Exact types first (what parsers make), and plain scalars kept without a call: this walks
        # every value of both templates.
        kind = type(value)
        if kind is str:
            return value
        if kind is list or (kind is not dict and isinstance(value, list)):
            out = []
            for item in value:
                if type(item) not in _LEAVES:
                    item = self.eval(item)
                    if item is NO_VALUE:
                        continue
                out.append(item)
            return out
        if kind is not dict and not isinstance(value, dict):
            return value
        if len(value) == 1:
            key = next(iter(value))  # the cheapest way to the only key
            arg = value[key]
            if key == "Ref":
                return self.ref(arg)
            if key == "Condition" and isinstance(arg, str):
                return value
            if key.startswith("Fn::"):
                handler = _FUNCTIONS.get(key)
                if handler is not None:
                    return handler(self, arg)
                return {key: self.eval(arg)}
            if is_opaque(value):
                return value
        out = {}
        for k, v in value.items():
            if type(v) not in _LEAVES:
                v = self.eval(v)
                if v is NO_VALUE:
                    continue
            out[k] = v
        return out

    def ref(self, name: Any) -> Any:
        if type(name) is str:
            value = self._refs.get(name, _UNSET)
            if value is _UNSET:
                value = self._ref(name)
                if not self._resolving:
                    self._refs[name] = value
            return value
        if not isinstance(name, str):
            return {"Ref": self.eval(name)}
        return self._ref(name)

    def _ref(self, name: str) -> Any:
        if name in _OFFLINE_PSEUDO:
            return self._pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self._resources:
            prop = self.catalog.facts(str(self._resources[name].get("Type"))).ref_property
            if prop:
                known = self.known_property(name, prop)
                if known is not None:
                    return known
        return {"Ref": name}

    def _pseudo(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::Region":
            return self.region
        if name == "AWS::StackName":
            return self.stack_name
        if name == "AWS::Partition":
            return self._partition[0]
        return self._partition[1]  # AWS::URLSuffix

    def get_att(self, logical_id: str, attribute: str) -> Any:
        key = (logical_id, attribute)
        value = self._refs.get(key, _UNSET)
        if value is _UNSET:
            value = self._get_att(logical_id, attribute)
            if not self._resolving:
                self._refs[key] = value
        return value

    def _get_att(self, logical_id: str, attribute: str) -> Any:
        # An attribute named like a settable property returns that property's value (Queue.QueueName).
        resource = self._resources.get(logical_id)
        if isinstance(resource, dict) and "." not in attribute:
            facts = self.catalog.facts(str(resource.get("Type")))
            if facts.known and f"/properties/{attribute}" not in facts.read_only:
                known = self.known_property(logical_id, attribute)
                if known is not None:
                    return known
        return {"Fn::GetAtt": [logical_id, attribute]}

    def known_property(self, logical_id: str, prop: str) -> Any:
        """The statically known value of a resource's property, or None."""
        key = (logical_id, prop)
        if key in self._known_props:
            return self._known_props[key]
        if key in self._resolving:
            return None
        self._resolving.add(key)
        props = (self._resources.get(logical_id) or {}).get("Properties") or {}
        value = self.eval(props[prop]) if isinstance(props, dict) and prop in props else None
        self._resolving.discard(key)
        if value is NO_VALUE or is_symbolic(value):
            value = None
        self._known_props[key] = value
        return value


def is_symbolic(value: Any) -> bool:
    """True when the value still holds something unknown offline (a reference or opaque token)."""
    if isinstance(value, dict):
        if len(value) == 1:
            key = next(iter(value))
            if key == "Ref" or key.startswith("Fn::") or is_opaque(value):
                return True
        return any(is_symbolic(v) for v in value.values())
    if isinstance(value, list):
        return any(is_symbolic(v) for v in value)
    return False


def questions(value: Any) -> tuple | None:
    """What evaluating `value` may ask of the rest of its template: ("Ref", name), ("GetAtt",
    logical ID, attribute), ("Condition", name), each at most once; more than it asks (both
    branches of an Fn::If, a Sub's own variables), never less.

    An evaluation is a function of the value and these answers: two values equal by `==`, whose
    questions two evaluators answer alike (Evaluator.answers_alike), evaluate to equal values. But
    `==` does not tell 1 from 1.0 or true, and text made of them does ("1", "1.0", "true"); and
    Fn::FindInMap reads the Mappings section. A value that holds a number or boolean where an
    intrinsic function turns it into text or a condition, an Fn::FindInMap, or a Ref, GetAtt or Sub
    whose name or text is itself computed gives None: it is only known by evaluating it.

    So also: what an evaluated value still refers to (model.template.references) is named by one of
    its questions that the template does not answer with text."""
    asked: dict[tuple, None] = {}
    return tuple(asked) if _ask([value], asked, False) else None


# what turns a number or boolean into text or a condition: their arguments are held to their types
TYPED_FUNCTIONS = frozenset({"Fn::Join", "Fn::Sub", "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"})


def _ask(container: Any, asked: dict, typed: bool) -> bool:
    """Add the questions of the values in `container` (a dict or list) to `asked`; False where
    `questions` gives None (`typed`: inside an argument of one of TYPED_FUNCTIONS). Plain text, the
    most of any template, is passed over without a call."""
    for value in (container.values() if isinstance(container, dict) else container):
        kind = type(value)
        if kind is str:
            continue
        if kind is dict or isinstance(value, dict):
            inner = typed
            if len(value) == 1:
                key = next(iter(value))
                arg = value[key]
                if key == "Ref":
                    if not isinstance(arg, str):
                        return False
                    asked[("Ref", arg)] = None
                    continue
                if key == "Condition" and isinstance(arg, str):
                    asked[("Condition", arg)] = None
                    continue
                if key == "Fn::FindInMap":
                    return False
                if key == "Fn::GetAtt":
                    pair = getatt_pair(arg)
                    if pair is None:
                        return False
                    asked[("GetAtt", *pair)] = None
                    continue
                if key == "Fn::If" and isinstance(arg, list) and arg and isinstance(arg[0], str):
                    asked[("Condition", arg[0])] = None
                elif key == "Fn::Sub":
                    variables = sub_questions(arg)
                    if variables is None:
                        return False
                    asked.update(dict.fromkeys(variables))
                inner = typed or key in TYPED_FUNCTIONS
            if not _ask(value, asked, inner):
                return False
        elif kind is list or isinstance(value, list):
            if not _ask(value, asked, typed):
                return False
        elif typed and isinstance(value, (int, float)):
            return False
    return True


def sub_questions(arg: Any) -> list[tuple] | None:
    """The questions of an Fn::Sub's variables (its own included: more than it asks), or None when
    its text is itself computed (see `questions`)."""
    text = arg if isinstance(arg, str) else arg[0] if isinstance(arg, list) and len(arg) == 2 \
        and isinstance(arg[0], str) and isinstance(arg[1], dict) else None
    if text is None:
        return None
    return [("GetAtt", *var.split(".", 1)) if "." in var and not var.startswith("AWS::") else ("Ref", var)
            for var in SUB_VARIABLE.findall(text) if not var.startswith("!")]


def as_text(value: Any) -> bool:
    """Whether an Fn::Sub writes the value into its text (it keeps the ${} of anything else)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _same(a: Any, b: Any) -> bool:
    """a == b, and of the same types throughout (1, 1.0 and true are not the same)."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is dict:
        return len(a) == len(b) and all(k in b and _same(v, b[k]) for k, v in a.items())
    if kind is list:
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b


def _cf_str(value: Any) -> Any:
    """CloudFormation compares parameter values as strings: 1 and "1" are equal."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _fn_getatt(ev: Evaluator, arg: Any) -> Any:
    pair = getatt_pair(arg)
    if pair is None:
        return {"Fn::GetAtt": ev.eval(arg)}
    return ev.get_att(*pair)


def _fn_sub(ev: Evaluator, arg: Any) -> Any:
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
        text, local = arg[0], {k: ev.eval(v) for k, v in arg[1].items()}
    elif isinstance(arg, str):
        text, local = arg, {}
    else:
        return {"Fn::Sub": ev.eval(arg)}
    unknown = False

    def repl(match: re.Match) -> str:
        nonlocal unknown
        var = match.group(1)
        if var.startswith("!"):
            return match.group(0)  # ${!Literal} stays literal until the end
        if var in local:
            value = local[var]
        elif "." in var and not var.startswith("AWS::"):
            value = ev.get_att(*var.split(".", 1))
        else:
            value = ev.ref(var)
        if as_text(value):
            return str(value)
        unknown = True
        return match.group(0)

    result = SUB_VARIABLE.sub(repl, text)
    if unknown:
        return {"Fn::Sub": result}
    return re.sub(r"\$\{!", "${", result)


def _fn_join(ev: Evaluator, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 2):
        return {"Fn::Join": ev.eval(arg)}
    delim, items = ev.eval(arg[0]), ev.eval(arg[1])
    if isinstance(delim, str) and isinstance(items, list):
        kinds = set(map(type, items))  # the usual case, all text, found without a loop in Python
        if kinds <= _TEXT:
            return delim.join(items)
        if kinds <= _NUMBER_OR_TEXT or all(map(as_text, items)):
            return delim.join(str(i) for i in items)
    return {"Fn::Join": [delim, items]}


def _fn_select(ev: Evaluator, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 2):
        return {"Fn::Select": ev.eval(arg)}
    index, items = ev.eval(arg[0]), ev.eval(arg[1])
    try:
        i = int(index)
    except (TypeError, ValueError):
        return {"Fn::Select": [index, items]}
    if isinstance(items, list) and 0 <= i < len(items):
        return items[i]
    return {"Fn::Select": [index, items]}


def _fn_split(ev: Evaluator, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 2):
        return {"Fn::Split": ev.eval(arg)}
    delim, text = ev.eval(arg[0]), ev.eval(arg[1])
    if isinstance(delim, str) and delim and isinstance(text, str):
        return text.split(delim)
    return {"Fn::Split": [delim, text]}


def _fn_find_in_map(ev: Evaluator, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) >= 3):
        return {"Fn::FindInMap": ev.eval(arg)}
    keys = [ev.eval(a) for a in arg[:3]]
    if all(isinstance(k, (str, int)) for k in keys):
        node: Any = ev.template.get("Mappings") or {}
        for k in keys:
            node = node.get(str(k)) if isinstance(node, dict) else None
        if node is not None:
            return ev.eval(node)
        if len(arg) == 4 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
            return ev.eval(arg[3]["DefaultValue"])
    return {"Fn::FindInMap": keys + [ev.eval(a) for a in arg[3:]]}


def _fn_if(ev: Evaluator, arg: Any) -> Any:
    if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
        return {"Fn::If": ev.eval(arg)}
    cond = ev.condition(arg[0])
    if cond is True:
        return ev.eval(arg[1])
    if cond is False:
        return ev.eval(arg[2])
    return {"Fn::If": [arg[0], ev.eval(arg[1]), ev.eval(arg[2])]}


def _fn_cond(fn: str):
    def handler(ev_: Evaluator, arg: Any) -> Any:
        value = ev_._cond({fn: arg})
        return value if value is not None else {fn: ev_.eval(arg)}
    return handler


_FUNCTIONS = {
    "Fn::GetAtt": _fn_getatt,
    "Fn::Sub": _fn_sub,
    "Fn::Join": _fn_join,
    "Fn::Select": _fn_select,
    "Fn::Split": _fn_split,
    "Fn::FindInMap": _fn_find_in_map,
    "Fn::If": _fn_if,
    "Fn::Equals": _fn_cond("Fn::Equals"),
    "Fn::And": _fn_cond("Fn::And"),
    "Fn::Or": _fn_cond("Fn::Or"),
    "Fn::Not": _fn_cond("Fn::Not"),
}


def parameter_values(template: Mapping[str, Any], given: Mapping[str, str]) -> dict[str, Any]:
    """Parameter values as CloudFormation sees them: given, else the Default; unknown ones omitted.

    List types are split on commas, as `Ref` of a CommaDelimitedList returns a list.
    """
    values: dict[str, Any] = {}
    for name, decl in (template.get("Parameters") or {}).items():
        decl = decl if isinstance(decl, dict) else {}
        if name in given:
            value: Any = given[name]
        elif "Default" in decl:
            value = decl["Default"]
        else:
            continue
        ptype = str(decl.get("Type", "String"))
        if (ptype == "CommaDelimitedList" or ptype.startswith("List<")) and isinstance(value, str):
            value = [v.strip() for v in value.split(",")] if value else []
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        values[name] = value
    return values
