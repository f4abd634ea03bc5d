"""Likely renames (predict/renames.py): each removed resource takes the added one of its type most
like it, the first of the most alike, not taken yet, when 60% of their properties are equal; past
CloudFormation's size, only properties written alike are paired."""

from __future__ import annotations

import random

from promotelint.model.changeset import ResourceChange
from promotelint.predict import renames
from promotelint.predict.renames import pair_renames

TYPES = ["AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::SNS::Topic"]
VALUES = [1, 1.0, True, 0, False, "1", "a", "b", None, [1], [1.0], {"k": "a"}, {"k": "b"}]


def _looked_at_every_pair(changes: list[ResourceChange]) -> dict[str, str]:
    """The pairing as written first: every removed resource against every added one."""
    adds = [c for c in changes if c.action == "Add" and not c.volatile]
    taken: set[str] = set()
    pairs = {}
    for removed in (c for c in changes if c.action == "Remove" and not c.volatile):
        best, best_score = None, 0.0
        for added in adds:
            if added.resource_type != removed.resource_type or added.logical_id in taken:
                continue
            score = renames._similarity((removed.before or {}).get("Properties") or {},
                                        (added.after or {}).get("Properties") or {})
            if score > best_score:
                best, best_score = added, score
        if best is not None and best_score >= 0.6:
            taken.add(best.logical_id)
            pairs[removed.logical_id] = best.logical_id
    return pairs


def _changes(rng: random.Random) -> list[ResourceChange]:
    out = []
    for i in range(rng.randint(0, 30)):
        action = rng.choice(["Add", "Remove", "Modify"])
        values = VALUES if rng.random() < 0.5 else VALUES[:3]  # (few values: many equally alike)
        resource = {"Type": "x", "Properties": {k: rng.choice(values) for k in rng.sample("abcde", rng.randint(0, 4))}}
        if rng.random() < 0.1:
            del resource["Properties"]
        out.append(ResourceChange(action=action, logical_id=f"R{i}", resource_type=rng.choice(TYPES),
                                  before=resource if action == "Remove" else None,
                                  after=resource if action == "Add" else None, volatile=rng.random() < 0.1))
    return out


def _pairs(changes: list[ResourceChange]) -> dict[str, str]:
    marked = pair_renames(changes)
    assert [c.logical_id for c in marked] == [c.logical_id for c in changes]
    to = {c.logical_id: c.renamed_to for c in marked if c.renamed_to}
    assert {v: k for k, v in to.items()} == {c.logical_id: c.renamed_from for c in marked if c.renamed_from}
    return to


def test_renames_are_what_looking_at_every_pair_finds():
    rng = random.Random(3)
    paired = 0
    for _ in range(2_000):
        changes = _changes(rng)
        expected = _looked_at_every_pair(changes)
        assert _pairs(changes) == expected
        paired += len(expected)
    assert paired > 500


def test_past_cloudformations_size_only_properties_written_alike_are_paired(monkeypatch):
    monkeypatch.setattr(renames, "COMPARISONS", 3)
    queue = lambda i, **p: {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q", **p}}  # noqa: E731
    changes = [ResourceChange("Remove", "A1", "AWS::SQS::Queue", before=queue(1, DelaySeconds=1)),
               ResourceChange("Remove", "A2", "AWS::SQS::Queue", before=queue(2)),
               ResourceChange("Add", "B1", "AWS::SQS::Queue", after=queue(1)),
               ResourceChange("Add", "B2", "AWS::SQS::Queue", after=queue(2, DelaySeconds=1.0)),
               ResourceChange("Add", "B3", "AWS::SQS::Queue", after=queue(3))]
    # (2 x 3 comparisons: past the budget; B2's 1.0 is equal to A1's 1, but not written alike)
    assert _pairs(changes) == {"A2": "B1"}
    monkeypatch.setattr(renames, "COMPARISONS", 6)
    assert _pairs(changes) == {"A1": "B2", "A2": "B1"}
