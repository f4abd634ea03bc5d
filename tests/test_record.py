"""`record` behaves as `dataclasses.dataclass` on what the rest of the code and the tests use.

record does not use dataclasses (model/record.py says why); each class below is declared twice,
once with each, and every pair of instances must construct, compare, hash, order and show alike,
with the same fields, replace, frozenness and pickling.
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle

import pytest

from promotelint.model import record as rec
from promotelint.model.record import FrozenRecordError, field, record, replace

# Field declarations as (name, annotation, options for field() or None for a plain default or none)
CASES = [
    [],
    [("a", "int", None)],
    [("a", "int", None), ("b", "str", {"default": "x"}), ("c", "tuple | None", {"default": None})],
    [("a", "int", None), ("hidden", "int", {"default": 0, "compare": False, "repr": False})],
    [("a", "int", None), ("b", "str", {"default": "x", "hash": False})],
    [("a", "int", None), ("items", "list", {"default_factory": list}),
     ("seen", "frozenset", {"default": frozenset(), "compare": False})],
]
VALUES = [(), (1,), (2,), (1, "x", None), (1, "y", (1, 2)), (2, 7), (1, 8), (1, [1, 2]), (1, [])]


def _pair(spec, frozen: bool = True, order: bool = False):
    made = []
    for kind, make_field in (("record", field), ("dataclass", dataclasses.field)):
        body = {"__annotations__": {name: ann for name, ann, _ in spec}, "__module__": __name__}
        for name, _, options in spec:
            if options is not None:
                body[name] = make_field(**options)
        cls = type("Thing", (), body)
        cls.__qualname__ = "Thing"
        made.append(record(cls, frozen=frozen, order=order) if kind == "record"
                    else dataclasses.dataclass(cls, frozen=frozen, order=order))
    return made


def _outcome(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except TypeError:
        return TypeError


def _made(cls, values):
    names = [name for name in cls.__match_args__]
    return _outcome(cls, **dict(zip(names, values)))


COMPARISONS = (lambda a, b: a < b, lambda a, b: a <= b, lambda a, b: a > b, lambda a, b: a >= b)


@pytest.mark.parametrize("spec", CASES)
@pytest.mark.parametrize("order", [False, True])
def test_frozen_record_is_a_frozen_dataclass(spec, order):
    ours, theirs = _pair(spec, order=order)
    assert ours.__match_args__ == theirs.__match_args__
    assert [(f.name, f.compare, f.repr, f.hash) for f in rec.fields(ours)] == \
        [(f.name, f.compare, f.repr, f.hash) for f in dataclasses.fields(theirs)]
    made = [(_made(ours, v), _made(theirs, v)) for v in VALUES]
    # Each constructs where the other does, and refuses where the other refuses.
    assert [a is TypeError for a, _ in made] == [b is TypeError for _, b in made]
    made = [(a, b) for a, b in made if a is not TypeError]
    assert made
    for (a, a2), (b, b2) in itertools.product(made, repeat=2):
        assert (a == b) == (a2 == b2) and (a != b) == (a2 != b2)
        if a == b and _outcome(hash, a2) is not TypeError:
            assert hash(a) == hash(b)
        assert (_outcome(hash, a) is TypeError) == (_outcome(hash, a2) is TypeError)
        if order:  # values of unlike types fail alike
            assert [_outcome(c, a, b) for c in COMPARISONS] == [_outcome(c, a2, b2) for c in COMPARISONS]
    for a, a2 in made:
        assert repr(a) == repr(a2)
        assert vars(a) == vars(a2)
        assert replace(a) == a and replace(a) is not a
        for name in ours.__match_args__:
            assert vars(replace(a, **{name: 5})) == vars(dataclasses.replace(a2, **{name: 5}))
            with pytest.raises(FrozenRecordError):
                setattr(a, name, 1)
            with pytest.raises(AttributeError):  # as dataclasses' FrozenInstanceError is one
                delattr(a, name)
        assert (a == "other") is False and a != object()
    if not order:
        with pytest.raises(TypeError):
            _ = made[0][0] < made[0][0]


def test_a_factory_makes_a_new_value_for_each_instance_and_replace_keeps_it():
    ours, _ = _pair(CASES[5])
    a, b = ours(1), ours(1)
    assert a.items == [] and a.items is not b.items
    a.items.append(3)
    assert replace(a, a=2).items is a.items


def test_declarations_dataclass_refuses_are_refused():
    with pytest.raises(TypeError, match="non-default argument 'b' follows default argument"):
        record(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))
    with pytest.raises(ValueError, match="mutable default"):
        record(type("Bad", (), {"__annotations__": {"a": "list"}, "a": []}))
    with pytest.raises(ValueError):
        field(default=1, default_factory=list)


def test_fields_named_like_the_generated_code_still_work():
    cls = record(type("Odd", (), {"__annotations__": {"self": "int", "d": "int"}}))
    odd = cls(1, 2)
    assert (odd.self, odd.d) == (1, 2) and replace(odd, d=5).d == 5
    with pytest.raises(TypeError, match="record's own"):
        record(type("Odd", (), {"__annotations__": {"_record_self_": "int"}}))


@record
class Pickled:
    """A record at module level, as pickle (the monorepo's workers) needs."""

    a: int
    b: tuple = ()


def test_a_record_pickles_and_stays_frozen():
    a = Pickled(1, ("x",))
    back = pickle.loads(pickle.dumps(a))
    assert back == a and hash(back) == hash(a) and back is not a
    with pytest.raises(FrozenRecordError):
        back.a = 2


def test_a_record_of_another_class_is_never_equal():
    ours, _ = _pair(CASES[1])
    again, _ = _pair(CASES[1])
    assert ours(1) != again(1) and ours(1) == ours(1)


def test_mutable_record_compares_by_value_has_no_hash_and_runs_post_init():
    made = []

    class Work:
        a: int
        b: list

        def __post_init__(self):
            made.append(self.a)

    ours = record(Work, frozen=False)
    a, b = ours(1, [1]), ours(1, [1])
    assert a == b and a is not b and ours.__hash__ is None and made == [1, 1]
    a.b.append(2)
    assert a != b
    a.a = 5
    assert repr(a) == "test_mutable_record_compares_by_value_has_no_hash_and_runs_post_init.<locals>.Work(a=5, b=[1, 2])"


def test_what_a_class_defines_stays():
    class Own:
        a: int

        def __eq__(self, other):
            return True

        def __hash__(self):
            return 7

    made = record(Own)
    assert made(1) == made(2) and hash(made(3)) == 7


def test_a_class_keeps_its_own_init_and_cannot_be_frozen_with_its_own_setattr():
    class Own:
        a: int

        def __init__(self):
            self.__dict__["a"] = 9

    assert record(Own)().a == 9

    class Settable:
        a: int

        def __setattr__(self, name, value):
            pass

    with pytest.raises(TypeError, match="__setattr__"):
        record(Settable)
    with pytest.raises(TypeError, match="__setattr__"):
        dataclasses.dataclass(frozen=True)(type("Settable", (), dict(vars(Settable))))


def test_a_record_does_not_inherit_from_a_record():
    with pytest.raises(TypeError):
        record(type("Sub", (Pickled,), {"__annotations__": {"c": "int"}}))


def test_the_init_is_written_when_the_first_instance_is_made():
    """A run imports records it never makes: each class's __init__ is compiled for its first
    instance, and the declaration's own faults are still found when the class is made."""
    @record
    class Point:
        x: int
        y: int = 0

    first = Point.__init__
    assert Point(1) == Point(1, 0) and Point.__init__ is not first
    assert Point(2, y=3).y == 3 and Point.__init__.__qualname__.endswith("Point.__init__")
    with pytest.raises(TypeError):
        @record
        class Wrong:
            x: int = 0
            y: int
