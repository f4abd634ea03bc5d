"""The fused template check (predict/validate.py `_valid_pair`) must accept exactly what the exact checks
(check_shape, then check_references) accept: every refusal of theirs is a False here, so that
`check_template` then runs them and their error, with its line, is the one shown."""

from __future__ import annotations

import copy
import json
import random
from collections import OrderedDict
from pathlib import Path

import pytest

from promotelint.model.errors import InputError
from promotelint.model.template import Template
from promotelint.parse.template import template_from_text
from promotelint.predict.shape import check_shape
from promotelint.predict.validate import _valid_pair, check_references, check_template

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

GOOD = {
    "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
    "Transform": ["AWS::Serverless-2016-10-31"],
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Sub": "${Stage}-${AWS::Region}-q"}},
                  "DeletionPolicy": "Retain"},
        "Topic": {"Type": "AWS::SNS::Topic", "DependsOn": ["Queue"], "Condition": "IsProd",
                  "Properties": {"TopicName": {"Fn::If": ["IsProd", {"Ref": "Queue"}, {"Ref": "AWS::NoValue"}]},
                                 "Tags": [{"Key": "q", "Value": {"Fn::GetAtt": ["Queue", "Arn"]}},
                                          {"Key": "s", "Value": {"Fn::Sub": ["${X}-${Queue.Arn}-${!Literal}",
                                                                             {"X": {"Ref": "Stage"}}]}}]},
                  "Metadata": {"Note": {"Fn::GetAtt": "Queue.QueueName"}}},
    },
    "Outputs": {"Arn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}, "Export": {"Name": "arn"},
                        "Condition": "IsProd"}},
}


def _valid(template: Template) -> bool:
    """The fused check of one template (as both sides of a pair)."""
    return _valid_pair(template, template) is not None


def exact(data) -> InputError | None:
    """The error of the exact checks, in check_template's order, or None."""
    template = Template(data=data, source="t.json")
    try:
        check_shape(template)
        check_references(template)
    except InputError as exc:
        return exc
    return None


def edit(path: tuple, value) -> dict:
    data = copy.deepcopy(GOOD)
    holder = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    return data


REFUSED = {
    "Resources a list": edit(("Resources",), []),
    "Outputs a list": edit(("Outputs",), []),
    "Parameters null": edit(("Parameters",), None),
    "a parameter a list": edit(("Parameters", "Stage"), []),
    "Transform a number": edit(("Transform",), 5),
    "Transform holding a number": edit(("Transform", 0), 5),
    "an output a string": edit(("Outputs", "Arn"), "x"),
    "an output's Export a string": edit(("Outputs", "Arn", "Export"), "x"),
    "an output's Condition a list": edit(("Outputs", "Arn", "Condition"), ["IsProd"]),
    "a resource a string": edit(("Resources", "Queue"), "x"),
    "no Type": edit(("Resources", "Queue"), {"Properties": {}}),
    "Type a number": edit(("Resources", "Queue", "Type"), 5),
    "Properties a string": edit(("Resources", "Queue", "Properties"), "x"),
    "DependsOn a number": edit(("Resources", "Topic", "DependsOn"), 5),
    "DependsOn holding a mapping": edit(("Resources", "Topic", "DependsOn"), [{}]),
    "DependsOn nothing": edit(("Resources", "Topic", "DependsOn"), "Nope"),
    "DependsOn a list naming nothing": edit(("Resources", "Topic", "DependsOn"), ["Queue", "Nope"]),
    "Condition undefined": edit(("Resources", "Topic", "Condition"), "Nope"),
    "DeletionPolicy a list": edit(("Resources", "Queue", "DeletionPolicy"), []),
    "Ref to nothing": edit(("Resources", "Queue", "Properties", "QueueName"), {"Ref": "Nope"}),
    "Ref deep in a list": edit(("Resources", "Topic", "Properties", "Tags", 0, "Value"), [[{"Ref": "Nope"}]]),
    "GetAtt of nothing": edit(("Resources", "Topic", "Properties", "Tags", 0, "Value"),
                              {"Fn::GetAtt": ["Nope", "Arn"]}),
    "GetAtt text of nothing": edit(("Resources", "Topic", "Metadata", "Note"), {"Fn::GetAtt": "Nope.Arn"}),
    "Sub variable of nothing": edit(("Resources", "Queue", "Properties", "QueueName"), {"Fn::Sub": "${Nope}"}),
    "Sub list variable of nothing": edit(("Resources", "Queue", "Properties", "QueueName"),
                                         {"Fn::Sub": ["${Nope.Arn}", {"X": "1"}]}),
    "Sub variables holding a Ref to nothing": edit(("Resources", "Queue", "Properties", "QueueName"),
                                                   {"Fn::Sub": ["${X}", {"X": {"Ref": "Nope"}}]}),
    "If on no condition": edit(("Resources", "Topic", "Properties", "TopicName"), {"Fn::If": ["Nope", "a", "b"]}),
    "Ref inside a Ref": edit(("Resources", "Queue", "Properties", "QueueName"), {"Ref": {"Ref": "Nope"}}),
    "Ref inside an If branch": edit(("Resources", "Topic", "Properties", "TopicName"),
                                    {"Fn::If": ["IsProd", {"Ref": "Nope"}, "b"]}),
    "Ref in an output": edit(("Outputs", "Arn", "Value"), {"Ref": "Nope"}),
    "an output that is itself a Ref to nothing": edit(("Outputs", "Arn"), {"Ref": "Nope"}),
    "Ref in an UpdateReplacePolicy": edit(("Resources", "Queue", "UpdateReplacePolicy"), {"Ref": "Nope"}),
    "Ref in Metadata": edit(("Resources", "Topic", "Metadata"), {"A": {"Ref": "Nope"}}),
}


def test_the_good_template_passes_both():
    assert exact(GOOD) is None and _valid(Template(data=GOOD, source="t.json"))


@pytest.mark.parametrize("name", list(REFUSED))
def test_every_refusal_of_the_exact_checks_is_a_false(name):
    data = REFUSED[name]
    error = exact(data)
    assert error is not None, "the case must be one the exact checks refuse"
    assert not _valid(Template(data=data, source="t.json"))
    # and check_template raises the exact checks' error, on either side
    for base, head, side in ((GOOD, data, "invalid template"), (data, GOOD, "invalid base template")):
        with pytest.raises(InputError) as raised:
            check_template(Template(data=base, source="t.json"), Template(data=head, source="t.json"))
        assert str(raised.value) == str(error) or str(raised.value).replace(side, "invalid template") == str(error)


@pytest.mark.parametrize("name,data", [
    ("not walked by check_references: a Sub whose argument is a mapping",
     edit(("Resources", "Queue", "Properties", "QueueName"), {"Fn::Sub": {"Ref": "Nope"}})),
    ("not walked: the first item of a Sub list", edit(("Resources", "Queue", "Properties", "QueueName"),
                                                      {"Fn::Sub": [{"Ref": "Nope"}]})),
    ("a two-key mapping with a Ref key is data", edit(("Resources", "Queue", "Properties", "QueueName"),
                                                      {"Ref": "Nope", "Other": 1})),
    ("top-level Metadata is not checked", edit(("Metadata",), {"A": {"Ref": "Nope"}})),
])
def test_what_the_exact_checks_accept_passes(name, data):
    assert exact(data) is None and _valid(Template(data=data, source="t.json"))


def test_unusual_value_types_are_left_to_the_exact_checks():
    # an OrderedDict (a dict subclass) passes isinstance: the fused check does not guess
    data = edit(("Resources", "Queue", "Properties"), OrderedDict(QueueName={"Ref": "Stage"}))
    assert exact(data) is None and not _valid(Template(data=data, source="t.json"))
    check_template(Template(data=data, source="t.json"), Template(data=GOOD, source="t.json"))


def _mutations(rng: random.Random, data, depth: int = 0):
    """`data` with one random edit somewhere: a renamed reference, a value of another kind."""
    names = ["Queue", "Topic", "Stage", "IsProd", "Nope", "AWS::Region", "Queue.Arn", "Nope.Arn"]
    replacements = [lambda: rng.choice(names), lambda: 5, lambda: None, lambda: [], lambda: {},
                    lambda: [rng.choice(names)], lambda: {"Ref": rng.choice(names)},
                    lambda: {"Fn::GetAtt": [rng.choice(names), "Arn"]},
                    lambda: {"Fn::Sub": "${" + rng.choice(names) + "}"},
                    lambda: {"Fn::If": [rng.choice(names), "a", {"Ref": rng.choice(names)}]}]
    if isinstance(data, (dict, list)) and data and (depth == 0 or rng.random() < 0.8):
        keys = list(data) if isinstance(data, dict) else list(range(len(data)))
        key = rng.choice(keys)
        if isinstance(data, dict) and rng.random() < 0.1:
            data[rng.choice(names)] = data.pop(key)  # a renamed key
        else:
            data[key] = _mutations(rng, data[key], depth + 1)
        return data
    return rng.choice(replacements)()


def test_random_edits_agree():
    rng = random.Random(14)
    refused = 0
    for _ in range(3000):
        data = copy.deepcopy(GOOD)
        for _ in range(rng.randint(1, 3)):
            data = _mutations(rng, data)
        error = exact(data)
        refused += error is not None
        assert _valid(Template(data=data, source="t.json")) == (error is None), (json.dumps(data), error)
    assert 300 < refused < 2700  # both verdicts are exercised


def test_random_pairs_agree():
    """A head resource equal to the base's is not walked again when every name it uses is on the
    head side too: the pair's verdict is still both sides' exact verdicts."""
    rng = random.Random(20)
    verdicts = set()
    for _ in range(2000):
        base = copy.deepcopy(GOOD)
        for _ in range(rng.randint(0, 1)):
            base = _mutations(rng, base)
        head = copy.deepcopy(base)
        for _ in range(rng.randint(1, 2)):
            head = _mutations(rng, head)
        expected = exact(base) is None and exact(head) is None
        survey = _valid_pair(Template(data=base, source="b.json"), Template(data=head, source="h.json"))
        verdict = survey is not None
        assert verdict == expected, (json.dumps(base), json.dumps(head))
        if survey is not None:  # the resources equal on both sides, every one of them
            assert survey.unchanged == {lid for lid, r in head["Resources"].items()
                                        if lid in base["Resources"] and base["Resources"][lid] == r}
        verdicts.add(verdict)
    assert verdicts == {True, False}


def test_a_resource_equal_on_both_sides_is_checked_against_the_head_names():
    head = edit(("Parameters",), {})  # the Topic's Sub and the Queue's name use Stage
    assert exact(head) is not None
    assert _valid_pair(Template(data=GOOD, source="b.json"), Template(data=head, source="h.json")) is None
    head = edit(("Conditions",), {"Other": {"Fn::Equals": ["a", "a"]}})  # IsProd, of the Topic's If
    assert _valid_pair(Template(data=GOOD, source="b.json"), Template(data=head, source="h.json")) is None


def test_the_walk_notes_the_questions_the_predictor_would_ask():
    """What check_template gives back for each base resource is intrinsics.questions of its
    evaluated parts (the same questions, or None where it gives None)."""
    from promotelint.predict.intrinsics import questions
    from promotelint.predict.validate import _WALKED

    rng = random.Random(21)
    typed = [{"Fn::Join": ["-", ["a", 1]]}, {"Fn::Sub": ["${v}", {"v": True}]}, {"Fn::Not": [{"Condition": "IsProd"}]},
             {"Fn::FindInMap": ["M", "a", "b"]}, {"Ref": {"Ref": "Stage"}}, {"Fn::Sub": {"Ref": "Stage"}},
             {"Fn::If": ["IsProd", {"Fn::Equals": [1, "1"]}, {"Condition": "IsProd"}]}, [{"Fn::GetAtt": "Queue"}]]
    compared = asked = 0
    for _ in range(1500):
        data = copy.deepcopy(GOOD)
        for _ in range(rng.randint(0, 2)):
            data = _mutations(rng, data)
        if rng.random() < 0.5 and isinstance(data.get("Resources"), dict):
            holder = data["Resources"].get("Queue")
            if isinstance(holder, dict) and isinstance(holder.get("Properties"), dict):
                holder["Properties"]["Extra"] = rng.choice(typed)
        survey = _valid_pair(Template(data=data, source="t.json"), Template(data=data, source="t.json"))
        if survey is None:
            continue
        assert survey.unchanged == set(data["Resources"])
        for lid, resource in data["Resources"].items():
            expected = questions({k: v for k, v in resource.items() if k in _WALKED})
            found = survey.questions[lid]
            assert (found is None) == (expected is None), (lid, json.dumps(resource))
            if found is not None:
                assert set(found) == set(expected), (lid, json.dumps(resource))
                asked += bool(found)
            compared += 1
    assert compared > 1000 and asked > 500


def test_real_templates_pass_both():
    paths = sorted(Path(__file__).parent.glob("fixtures/**/*.json"))
    if CORPUS.is_dir():
        paths += sorted(CORPUS.glob("*/*/expected*.json"))
    checked = 0
    for path in paths:
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
            continue
        template = template_from_text(path.read_text(), str(path))
        assert _valid(template) == (exact(template.data) is None), path
        checked += 1
    assert checked > (100 if CORPUS.is_dir() else 10)
