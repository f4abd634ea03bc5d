"""Fast paths of predict that must give what the plain walks give."""

from __future__ import annotations

import random

from promotelint.model.resources import Catalog
from promotelint.predict.diff import _DiffContext
from promotelint.predict.intrinsics import NO_VALUE, Evaluator

NAMES = ["Queue", "Table", "Tábla", "Q\ud800", "Role", "TableName", "A.B", "${x}"]


def _value(rng: random.Random, depth: int = 0):
    name = rng.choice(NAMES)
    shapes = [lambda: name, lambda: 5, lambda: None, lambda: True,
              lambda: {"Ref": name}, lambda: {"Fn::GetAtt": [name, "Arn"]}, lambda: {"Fn::GetAtt": f"{name}.Arn"},
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
        fast = _DiffContext(ev, ev, {}, {}, {}, {}, {}, h_eval, Catalog())
        walk = _DiffContext(ev, ev, {}, {}, {}, {}, {}, h_eval, Catalog())
        lids = list(h_eval)
        assert fast.referring(lids, names) == [lid for lid in lids if walk.referenced(lid) & names]
