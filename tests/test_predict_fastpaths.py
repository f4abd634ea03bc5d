"""Fast paths of predict that must give what the plain walks give."""

from __future__ import annotations

import random

from promotelint.model.resources import Catalog
from promotelint.predict.diff import _DiffContext, _evaluate_resource
from promotelint.predict.intrinsics import NO_VALUE, Evaluator, questions

NAMES = ["Queue", "Table", "Tábla", "Q\ud800", "Role", "TableName", "A.B", "${x}"]


def _value(rng: random.Random, depth: int = 0):
    name = rng.choice(NAMES)
    shapes = [lambda: name, lambda: 5, lambda: None, lambda: True,
              lambda: {"Ref": name}, lambda: {"Fn::GetAtt": [name, "Arn"]}, lambda: {"Fn::GetAtt": f"{name}.Arn"},
              lambda: {"Fn::GetAtt": [name, "QueueName"]}, lambda: {"Fn::Sub": f"${{{name}.QueueName}}"},
              # names that are values: a Ref of a Ref, a GetAtt or a Sub of one
              lambda: {"Ref": {"Ref": "Role"}}, lambda: {"Fn::GetAtt": [{"Ref": "Role"}, "Arn"]},
              lambda: {"Fn::Sub": {"Ref": "Role"}},
              lambda: {"Fn::Sub": f"arn:${{{name}.Arn}}/x"}, lambda: {"Fn::Sub": [f"${{{name}}}", {"v": {"Ref": name}}]},
              lambda: {"Fn::If": ["C", {"Ref": name}, NO_VALUE]}, lambda: {"Ref": name, "Other": 1}]
    if depth < 3 and rng.random() < 0.5:
        if rng.random() < 0.5:
            return {rng.choice(NAMES): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return rng.choice(shapes)()


def test_referring_is_the_walk_filtered():
    rng = random.Random(14)
    for _ in range(200):
        h_eval = {f"R{i}": {"Type": "AWS::SQS::Queue", "Properties": _value(rng)} for i in range(20)}
        ev = Evaluator({"Resources": {}}, {})
        names = set(rng.sample(NAMES, rng.randint(1, 3)))
        fast = _DiffContext(ev, ev, {}, {}, {}, {}, {}, h_eval, {}, Catalog())
        walk = _DiffContext(ev, ev, {}, {}, {}, {}, {}, h_eval, {}, Catalog())
        lids = list(h_eval)
        assert fast.referring(lids, names) == [lid for lid in lids if walk.referenced(lid) & names]


def test_referring_looks_at_resources_not_evaluated_yet_by_their_questions():
    """A resource alike on both sides is evaluated only when asked for: the filter looks at its
    questions, and finds what the walk of the evaluated resource finds."""
    from promotelint.io.catalog import load_catalog

    catalog = load_catalog({"AWS::SQS::Queue"}, "us-east-1")
    rng = random.Random(15)
    lazily = 0
    for _ in range(200):
        raw = {f"R{i}": {"Type": "AWS::SQS::Queue", "Properties": _value(rng)} for i in range(20)}
        resources = {**raw, **{name: {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": f"q-{name}"}}
                               for name in NAMES}}
        template = {"Resources": resources, "Conditions": {"C": {"Fn::Equals": ["a", "a"]}},
                    "Parameters": {"Role": {"Type": "String", "Default": "Queue"}}}
        ev = Evaluator(template, {"Role": rng.choice(["Queue", "${Table}"])}, catalog=catalog)  # a Queue's QueueName is known
        same = {lid: asked for lid, resource in raw.items() if (asked := questions(resource)) is not None}
        evaluated = {lid: _evaluate_resource(ev, raw[lid]) for lid in raw if lid not in same}
        names = set(rng.sample(NAMES, rng.randint(1, 3)))
        lazy = _DiffContext(ev, ev, {}, {}, resources, resources, {}, dict(evaluated), same, Catalog())
        walk = _DiffContext(ev, ev, {}, {}, resources, resources, {}, dict(evaluated), same, Catalog())
        lids = list(raw)
        assert lazy.referring(lids, names) == [lid for lid in lids if walk.referenced(lid) & names]
        lazily += len(same)
    assert lazily > 1000


def _imports_walked(data, monkeypatch):
    from promotelint.model.template import Template
    from promotelint.predict import imports

    template = Template(data=data, source="t.json", stack_name="svc-dev")
    fast = imports.imports_of(template, "svc", "t.json")
    with monkeypatch.context() as m:
        m.setattr(imports, "may_hold", lambda data, *texts: True)
        walked = imports.imports_of(template, "svc", "t.json")
    return fast, walked


def test_imports_of_skips_only_templates_that_import_nothing(monkeypatch):
    """The JSON pre-check finds what the walks find: random templates with imports and `${cf:}`
    variables in values, keys, lists, opaque tokens and text with escapes and non-ASCII."""
    rng = random.Random(7)
    leaves = [{"Fn::ImportValue": "shared-TableArn"}, {"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-x"}},
              "${cf:other-dev.QueueUrl}", "a\n${cf(eu-west-1):s.Out}\"", {"promotelint:opaque": "${cf:o.Key}"},
              "Tábla\u2028", 'quote " and \\ backslash', 7, None, ["${cf :not.one}"]]
    found = 0
    for _ in range(400):
        def value(depth=0):
            if depth < 3 and rng.random() < 0.5:
                return {rng.choice(NAMES): value(depth + 1) for _ in range(rng.randint(0, 3))} \
                    if rng.random() < 0.5 else [value(depth + 1) for _ in range(rng.randint(0, 3))]
            return rng.choice(leaves if rng.random() < 0.2 else [*NAMES, 5, None])
        data = {"Resources": {"R": {"Type": "AWS::SQS::Queue", "Properties": value()}}}
        fast, walked = _imports_walked(data, monkeypatch)
        assert fast == walked
        found += bool(walked.exports or walked.patterns or walked.outputs)
    assert 40 <= found <= 360  # both kinds of template were drawn


def test_imports_of_a_template_json_cannot_write_is_walked(monkeypatch):
    data = {"Resources": {"R": {"Type": "AWS::SQS::Queue", "Properties": {("tuple", "key"): 1,
                                                                       "Q": {"Fn::ImportValue": "shared-X"}}}}}
    fast, walked = _imports_walked(data, monkeypatch)
    assert fast == walked and "shared-X" in fast.exports


def test_may_hold_finds_what_the_json_text_holds():
    """predict/imports.py looks for `Fn::ImportValue` in marshal's bytes (model.template's may_hold)
    before it walks a template: wherever the JSON text holds a text, the bytes do (keys, values,
    non-ASCII text). The compiler's placeholder for ${sls:instanceId} stands for such a text here."""
    import datetime
    import json

    from promotelint.model.template import may_hold
    from promotelint.serverless.variables.resolve import INSTANCE_ID

    rng = random.Random(9)
    leaves = [INSTANCE_ID, f"Tábla-{INSTANCE_ID}\u2028", "${sls:instance}", "Id}", 7, None, 2.5, True,
              ("tuple", INSTANCE_ID), datetime.date(2026, 1, 1)]
    found = 0
    for _ in range(400):
        def value(depth=0):
            if depth < 3 and rng.random() < 0.5:
                return {rng.choice([*NAMES, INSTANCE_ID]): value(depth + 1) for _ in range(rng.randint(0, 3))} \
                    if rng.random() < 0.5 else [value(depth + 1) for _ in range(rng.randint(0, 3))]
            return rng.choice(leaves if rng.random() < 0.2 else [*NAMES, 5, None])
        data = value()
        in_text = INSTANCE_ID in json.dumps(data, default=str)
        assert may_hold(data, INSTANCE_ID) or not in_text
        found += in_text
    assert not may_hold({"a": ["${sls:instance}", "Id}"], "Tábla": 1}, INSTANCE_ID)
    assert 40 <= found <= 360


def _queues(rng: random.Random, count: int, renamed: set[int]) -> dict:
    """Queues whose names may be made of another queue's Arn (known only after it exists): each
    a link of chains and trees of replacements; `renamed`: those whose own name changes."""
    resources = {}
    for i in range(count):
        name: object = f"q{i}" + ("-2" if i in renamed else "")
        if i and rng.random() < 0.8:
            before = f"Q{rng.randrange(i)}" if rng.random() < 0.7 else f"Q{i - 1}"
            arn = {"Fn::GetAtt": [before, "Arn"]} if rng.random() < 0.7 else {"Fn::Sub": f"${{{before}.Arn}}"}
            # (a number inside a Join makes it evaluated; without one it is alike on both sides, and
            # looked at by its questions until evaluated)
            name = {"Fn::Join": ["-", ["q", {"Fn::Select": [5, {"Fn::Split": [":", arn]}]}]]} \
                if rng.random() < 0.5 else {"Fn::Join": ["-", ["q", arn]]}
        resources[f"Q{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": name}}
        if rng.random() < 0.2:  # a value of its own changed too: evaluated, not alike
            resources[f"Q{i}"]["Properties"]["DelaySeconds"] = 5 if i in renamed else 0
    return resources


def test_a_chain_of_replacements_is_found_through_the_index_as_by_looking_at_everything(monkeypatch):
    """From its second wave on, the fixed point looks only at the resources the index names
    (_DiffContext._candidates): random chains and trees of replacements give the change set that
    looking at every resource in every wave gives."""
    from promotelint.io.catalog import load_catalog
    from promotelint.model.template import Template
    from promotelint.predict import diff

    catalog = load_catalog({"AWS::SQS::Queue"}, "us-east-1")
    rng = random.Random(21)
    waves = 0
    for _ in range(120):
        count = rng.randint(2, 40)
        renamed = set(rng.sample(range(count), rng.randint(1, min(3 if rng.random() < 0.7 else 30, count))))
        seed = rng.random()
        base = Template(data={"Resources": _queues(random.Random(seed), count, set())}, source="base.json")
        head = Template(data={"Resources": _queues(random.Random(seed), count, renamed)}, source="head.json")
        calls = []
        with monkeypatch.context() as m:
            m.setattr(_DiffContext, "referring", lambda self, lids, names, real=_DiffContext.referring:
                      calls.append(names) or real(self, lids, names))
            indexed = diff.predict(base, head, catalog)
        with monkeypatch.context() as m:
            m.setattr(_DiffContext, "_candidates", lambda self, lids, names: lids)
            scanned = diff.predict(base, head, catalog)
        assert indexed == scanned
        waves += len(calls) > 1
    assert waves > 20  # chains of more than one wave were drawn


def test_a_long_chain_of_replacements_is_every_link_replaced():
    from promotelint.io.catalog import load_catalog
    from promotelint.model.template import Template
    from promotelint.predict import diff

    def chain(first: str) -> dict:
        resources = {"Q0": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": first}}}
        for i in range(1, 300):
            arn = {"Fn::GetAtt": [f"Q{i - 1}", "Arn"]}
            part = {"Fn::Select": [5, {"Fn::Split": [":", arn]}]} if i % 2 else arn  # (evaluated, or alike)
            resources[f"Q{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::Join": ["-", ["q", part]]}}}
        return {"Resources": resources}

    changes = diff.predict(Template(data=chain("a"), source="b.json"), Template(data=chain("b"), source="h.json"),
                           load_catalog({"AWS::SQS::Queue"}, "us-east-1")).changes
    assert {c.logical_id: c.replacement for c in changes} == {"Q0": "True", **{f"Q{i}": "Conditional" for i in range(1, 300)}}
