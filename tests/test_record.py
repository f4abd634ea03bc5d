"""`record` behaves as `dataclasses.dataclass` on what the rest of the code and the tests use.

record writes fewer methods per class than dataclass (model/record.py says why); each class below
is declared twice, once with each, and every pair of instances must compare, hash, order and show
alike, with the same fields, replace and pickling.
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
from dataclasses import field

import pytest

from promotelint.model.record import record


def _pair(body: dict, annotations: dict, frozen: bool = True, order: bool = False):
    made = []
    for kind in ("record", "dataclass"):
        cls = type("Thing", (), {"__annotations__": dict(annotations), "__module__": __name__, **body})
        cls.__qualname__ = "Thing"
        made.append(record(cls, frozen=frozen, order=order) if kind == "record"
                    else dataclasses.dataclass(cls, frozen=frozen, order=order))
    return made


CASES = [
    # no field; one field; several; a field left out of comparison and repr; a field out of the hash only
    ({}, {}),
    ({}, {"a": "int"}),
    ({"c": None}, {"a": "int", "b": "str", "c": "tuple | None"}),
    ({"hidden": field(default=0, compare=False, repr=False)}, {"a": "int", "hidden": "int"}),
    ({"b": field(default="x", hash=False)}, {"a": "int", "b": "str"}),
]
VALUES = [(), (1,), (2,), (1, "x", None), (1, "y", (1, 2)), (2, 7), (1, 8)]


def _instances(cls):
    names = [f.name for f in dataclasses.fields(cls)]
    out = []
    for values in VALUES:
        if len(values) >= len([f for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]):
            try:
                out.append(cls(**dict(zip(names, values))))
            except TypeError:
                pass
    return out


COMPARISONS = (lambda a, b: a < b, lambda a, b: a <= b, lambda a, b: a > b, lambda a, b: a >= b)


def _outcome(compare, a, b):
    try:
        return compare(a, b)
    except TypeError:
        return TypeError


@pytest.mark.parametrize("body, annotations", CASES)
@pytest.mark.parametrize("order", [False, True])
def test_frozen_record_is_a_frozen_dataclass(body, annotations, order):
    ours, theirs = _pair(body, annotations, order=order)
    assert [(f.name, f.compare, f.repr, f.hash) for f in dataclasses.fields(ours)] == \
        [(f.name, f.compare, f.repr, f.hash) for f in dataclasses.fields(theirs)]
    mine, other = _instances(ours), _instances(theirs)
    assert len(mine) == len(other) >= 1
    for (a, a2), (b, b2) in itertools.product(zip(mine, other), repeat=2):
        assert (a == b) == (a2 == b2) and (a != b) == (a2 != b2)
        if a == b:
            assert hash(a) == hash(b)
        if order:  # values of unlike types fail alike
            assert [_outcome(compare, a, b) for compare in COMPARISONS] == \
                [_outcome(compare, a2, b2) for compare in COMPARISONS]
    for a, a2 in zip(mine, other):
        assert repr(a) == repr(a2)
        assert dataclasses.asdict(a) == dataclasses.asdict(a2)
        assert dataclasses.replace(a) == a and dataclasses.replace(a) is not a
        assert (a == "other") is False and a != object()
        for name in [f.name for f in dataclasses.fields(ours)]:
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(a, name, 1)
    if not order:
        with pytest.raises(TypeError):
            _ = mine[0] < mine[0]


@record
class Pickled:
    """A record at module level, as pickle (the monorepo's workers) needs."""

    a: int
    b: tuple = ()


def test_a_record_pickles_and_stays_frozen():
    a = Pickled(1, ("x",))
    back = pickle.loads(pickle.dumps(a))
    assert back == a and hash(back) == hash(a) and back is not a
    with pytest.raises(dataclasses.FrozenInstanceError):
        back.a = 2


def test_a_record_of_another_class_is_never_equal():
    ours, _ = _pair({}, {"a": "int"})
    again, _ = _pair({}, {"a": "int"})
    assert ours(1) != again(1) and ours(1) == ours(1)


def test_mutable_record_compares_by_value_and_has_no_hash():
    ours, theirs = _pair({}, {"a": "int", "b": "list"}, frozen=False)
    a, b = ours(1, [1]), ours(1, [1])
    assert a == b and a is not b and ours.__hash__ is None is theirs.__hash__
    a.b.append(2)
    assert a != b
    a.a = 5
    assert repr(a) == repr(theirs(5, [1, 2]))


def test_what_a_class_defines_stays():
    class Own:
        a: int

        def __eq__(self, other):
            return True

        def __hash__(self):
            return 7

    made = record(Own)
    assert made(1) == made(2) and hash(made(3)) == 7
