"""Resources alike on both sides are not evaluated (predict/diff.py `_alike`): the change set must be
the one evaluating every resource gives, to the types of its values."""

from __future__ import annotations

import copy
import random

import pytest

from promotelint.app import predict
from promotelint.model.template import Template
from promotelint.predict import diff
from promotelint.predict.intrinsics import Evaluator, questions

PARAMS = ["Stage", "Size"]
RESOURCES = ["Queue", "Table", "Topic", "Bucket", "Role", "Fn"]
TYPES = {"Queue": "AWS::SQS::Queue", "Table": "AWS::DynamoDB::Table", "Topic": "AWS::SNS::Topic",
         "Bucket": "AWS::S3::Bucket", "Role": "AWS::IAM::Role", "Fn": "AWS::Lambda::Function"}
PROPS = {"Queue": ["QueueName", "DelaySeconds", "Tags"], "Table": ["TableName", "KeySchema", "Tags"],
         "Topic": ["TopicName", "DisplayName", "Tags"], "Bucket": ["BucketName", "Tags"],
         "Role": ["RoleName", "Path", "Tags"], "Fn": ["FunctionName", "MemorySize", "Environment", "Role"]}


def _value(rng: random.Random, depth: int = 0):
    ref = rng.choice(RESOURCES + PARAMS + ["AWS::Region", "AWS::StackName", "AWS::AccountId"])
    leaves = [lambda: rng.choice(["a", "prod", "dev", ""]), lambda: rng.choice([1, 1.0, True, 0, False, 2]),
              lambda: None, lambda: {"Ref": ref}, lambda: {"Fn::GetAtt": [rng.choice(RESOURCES), "Arn"]},
              lambda: {"Fn::GetAtt": f"{rng.choice(RESOURCES)}.{rng.choice(['QueueName', 'TableName', 'Arn'])}"},
              lambda: {"Fn::Sub": f"x-${{{ref}}}-${{!Lit}}"},
              lambda: {"Fn::Sub": ["${v}-${Stage}", {"v": rng.choice([1, True, "t", {"Ref": ref}])}]},
              lambda: {"Fn::Join": ["-", [rng.choice(["a", 1, 1.0, True]), {"Ref": ref}]]},
              lambda: {"Fn::If": [rng.choice(["IsProd", "Big"]), _value(rng, depth + 1), {"Ref": "AWS::NoValue"}]},
              lambda: {"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]},
              lambda: {"Fn::Select": [rng.choice([0, True, 1]), ["p", "q"]]},
              lambda: {"Fn::Equals": [rng.choice([1, "1", True, "true"]), "1"]},
              lambda: {"Fn::Not": [rng.choice([True, 1, {"Condition": "IsProd"}])]},
              # names that are values: a Ref of a Ref, a GetAtt or a Sub of one
              lambda: {"Ref": {"Ref": "Target"}}, lambda: {"Fn::GetAtt": [{"Ref": "Target"}, "Arn"]},
              lambda: {"Fn::Sub": {"Ref": "Target"}}]
    if depth < 2 and rng.random() < 0.3:
        if rng.random() < 0.5:
            return {rng.choice(["Key", "Value", "Name"]): _value(rng, depth + 1) for _ in range(rng.randint(1, 3))}
        return [_value(rng, depth + 1) for _ in range(rng.randint(1, 3))]
    return rng.choice(leaves)()


def _template(rng: random.Random) -> dict:
    resources = {}
    for lid in RESOURCES:
        resources[lid] = {"Type": TYPES[lid], "Properties": {p: _value(rng) for p in PROPS[lid] if rng.random() < 0.8}}
        if rng.random() < 0.2:
            resources[lid]["Condition"] = rng.choice(["IsProd", "Big"])
        if rng.random() < 0.2:
            resources[lid]["DeletionPolicy"] = rng.choice(["Retain", "Delete", {"Fn::If": ["IsProd", "Retain", "Delete"]}])
    return {
        "Parameters": {"Stage": {"Type": "String", "Default": rng.choice(["dev", "prod"])},
                       "Size": {"Type": "Number", "Default": rng.choice([1, "1", 2])},
                       "Target": {"Type": "String", "Default": rng.choice(["Table", "${Queue}"])}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
                       "Big": {"Fn::Equals": [{"Ref": "Size"}, rng.choice(["1", "2"])]}},
        "Mappings": {"Sizes": {"dev": {"Memory": rng.choice([128, "128", 256])}, "prod": {"Memory": 1024}}},
        "Resources": resources,
        "Outputs": {"Out": {"Value": _value(rng)}},
    }


def _edit(rng: random.Random, data: dict) -> dict:
    """A head revision: a few random edits, some of them invisible to `==` (1 -> 1.0 or true)."""
    head = copy.deepcopy(data)
    for _ in range(rng.randint(0, 3)):
        kind = rng.randrange(6)
        res = head["Resources"]
        if kind == 0:
            head["Parameters"]["Stage"]["Default"] = rng.choice(["dev", "prod"])
        elif kind == 1:
            head["Parameters"]["Size"]["Default"] = rng.choice([1, "1", 2])
        elif kind == 2:
            head["Mappings"]["Sizes"]["dev"]["Memory"] = rng.choice([128, "128", 256, 128.0])
        elif kind == 3 and res:
            lid = rng.choice(list(res))
            props = res[lid]["Properties"]
            if props:
                props[rng.choice(list(props))] = _value(rng)
        elif kind == 4:
            _retype(rng, head["Resources"])
        elif kind == 5 and res:
            lid = rng.choice(list(res))
            res[lid + "New"] = res.pop(lid)
    return head


def _retype(rng: random.Random, value) -> None:
    """Swap one number or boolean for another equal to it by `==` (1, 1.0, true)."""
    spots = []

    def find(v):
        items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
        for k, item in items:
            if isinstance(item, (int, float)) and item in (0, 1):
                spots.append((v, k))
            find(item)
    find(value)
    if spots:
        holder, key = rng.choice(spots)
        holder[key] = rng.choice([x for x in ([1, 1.0, True] if holder[key] == 1 else [0, 0.0, False])
                                  if type(x) is not type(holder[key])])


def _checked(data: dict) -> Template | None:
    template = Template(data=data, source="t.json")
    try:
        from promotelint.predict.validate import check_template
        check_template(template, template)
    except Exception:
        return None
    return template


def test_alike_resources_change_nothing_in_the_change_set(monkeypatch):
    rng = random.Random(20)
    compared = spared = 0
    for _ in range(400):
        base, head = _checked(_template(rng)), None
        if base is not None:
            head = _checked(_edit(rng, base.data))
        if base is None or head is None:
            continue
        fast = predict(base, head)
        spared += bool(diff._alike(Evaluator(base.data, {}), Evaluator(head.data, {}),
                                   [lid for lid in head.data["Resources"] if lid in base.data["Resources"]]))
        with monkeypatch.context() as m:
            m.setattr(diff, "_alike", lambda *args: {})
            slow = predict(base, head)
        with monkeypatch.context() as m:  # as when the exact checks ran: no survey, _alike asks itself
            m.setattr(diff, "check_template", lambda base, head: None)
            unsurveyed = predict(base, head)
        # repr shows the types of the values (1, 1.0 and True are equal by ==)
        assert repr(fast) == repr(slow) == repr(unsurveyed), (base.data, head.data)
        compared += 1
    assert compared > 250 and spared > 150


def _asked(value) -> set:
    """What an evaluator asks when it evaluates `value`, in its own words."""
    asked = set()

    class Recording(Evaluator):
        def ref(self, name):
            if isinstance(name, str) and not self._resolving:
                asked.add(("Ref", name))
            return super().ref(name)

        def get_att(self, logical_id, attribute):
            if not self._resolving:
                asked.add(("GetAtt", logical_id, attribute))
            return super().get_att(logical_id, attribute)

        def condition(self, name):
            if not self._resolving:
                asked.add(("Condition", name))
            return super().condition(name)

    rng = random.Random(1)
    Recording(_template(rng), {"Stage": "prod"}).eval(value)
    return asked


@pytest.mark.parametrize("seed", range(5))
def test_questions_are_all_an_evaluation_asks(seed):
    rng = random.Random(seed)
    for _ in range(300):
        value = _value(rng)
        found = questions(value)
        if found is not None:
            assert _asked(value) <= set(found), value


def test_questions_refuse_what_equality_cannot_vouch_for():
    assert questions({"Fn::Join": ["-", ["a", 1]]}) is None  # "a-1" and "a-1.0" are equal values by ==
    assert questions({"Fn::Sub": ["${v}", {"v": True}]}) is None
    assert questions({"Fn::Not": [1]}) is None
    assert questions({"Fn::FindInMap": ["M", "a", "b"]}) is None  # reads Mappings, asked of no one
    assert questions({"MemorySize": 1, "Enabled": True, "Name": {"Ref": "Stage"}}) == (("Ref", "Stage"),)
