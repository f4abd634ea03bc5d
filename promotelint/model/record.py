"""`record`: how every stage declares its plain data: a dataclass, frozen unless told otherwise.

Why not `@dataclass(frozen=True)` itself: on Python 3.11 the decorator writes the source of six
methods per class (__init__, __repr__, __eq__, __hash__, __setattr__, __delattr__) and compiles each
with its own `exec`, ~1.3 ms a class on a slow machine; a `check` creates 42 classes, so a fifth of
its cold start went there. Here the dataclass machinery writes only what must be written per class
(__init__ and, when frozen, the two methods that refuse assignment: ~0.8 ms a class), and the
comparison, hashing and repr are the shared functions below, reading a per-class tuple of field
names with C's attrgetter. They behave as the generated ones (tests/test_record.py holds them to
`dataclasses.dataclass` on equality, hashing, ordering, repr, `fields`, `replace` and pickling),
and `dataclasses.fields`, `replace`, `asdict` and pickle see an ordinary dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter


def record(cls: type | None = None, /, *, frozen: bool = True, order: bool = False):
    """Make `cls` a dataclass (frozen by default) with the shared methods below."""

    def wrap(cls: type) -> type:
        cls = dataclass(cls, frozen=frozen, eq=False, repr=False)
        compared = tuple(f.name for f in fields(cls) if f.compare)
        hashed = tuple(f.name for f in fields(cls) if (f.compare if f.hash is None else f.hash))
        # attrgetter of one name returns the value, of several a tuple: either compares and hashes as
        # the generated methods' tuples do (equal keys, equal objects).
        cls._record_key = attrgetter(*compared) if compared else _nothing
        cls._record_hashed = attrgetter(*hashed) if hashed else _nothing
        cls._record_shown = tuple(f.name for f in fields(cls) if f.repr)
        # What the class body defines stays, as with dataclass (a body's own __eq__ leaves
        # __hash__ = None behind, which is not a hash of its own).
        own_hash = cls.__dict__.get("__hash__", None) is not None
        for name, method in (("__eq__", _eq), ("__repr__", _repr), *(_ORDER if order else ())):
            if name not in cls.__dict__:
                setattr(cls, name, method)
        if not own_hash:
            # A mutable record compares by value and so, as a dataclass with eq, has no hash.
            cls.__hash__ = _hash if frozen else None
        return cls

    return wrap if cls is None else wrap(cls)


@staticmethod  # a class attribute read through an instance, like the attrgetters
def _nothing(_: object) -> tuple:
    return ()


def _eq(self, other):
    if other.__class__ is self.__class__:
        key = self._record_key
        return key(self) == key(other)
    return NotImplemented


def _hash(self):
    return hash(self._record_hashed(self))


def _repr(self):
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._record_shown)
    return f"{self.__class__.__qualname__}({shown})"


def _compare(test):
    def method(self, other):
        if other.__class__ is self.__class__:
            key = self._record_key
            return test(key(self), key(other))
        return NotImplemented
    return method


_ORDER = (("__lt__", _compare(lambda a, b: a < b)), ("__le__", _compare(lambda a, b: a <= b)),
          ("__gt__", _compare(lambda a, b: a > b)), ("__ge__", _compare(lambda a, b: a >= b)))
