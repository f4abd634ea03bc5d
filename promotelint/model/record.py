"""`record`: how every stage declares its plain data: a class of typed fields, frozen unless told
otherwise, compared, hashed and shown by value, as `@dataclass(frozen=True)` makes it.

Why not `dataclasses` itself: importing it imports `inspect` (and with it ast, dis, tokenize: ~12 ms
of a cold start on a slow machine), and on Python 3.11 the decorator writes the source of six methods
per class and compiles each with its own `exec` (~1.3 ms a class; a `check` creates 42 classes).
Together that was a quarter of a cold `check`. A record's `__init__` is written and compiled once per
class (~0.2 ms); comparison, hashing, ordering, repr and the refusal of assignment are shared
functions reading per-class tuples of field names (C's attrgetter for the values).
tests/test_record.py holds records to `dataclasses.dataclass` on construction (defaults, factories,
errors), equality, hashing, ordering, repr, `replace`, frozenness and pickling.

What dataclasses offers and no record here needs is left out: inheritance between records,
ClassVar/InitVar fields, keyword-only fields, slots. `field`, `fields` and `replace` are this
module's (dataclasses' own do not know a record).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_MISSING: Any = object()
_FACTORY: Any = object()  # the __init__ default of a field made by its default_factory


class FrozenRecordError(AttributeError):
    """An assignment to (or deletion of) a field of a frozen record."""


class Field:
    """One field of a record: its name, how it gets a default, and whether it takes part in
    comparison (and so hashing and what reports show) and in repr."""

    __slots__ = ("name", "default", "default_factory", "compare", "repr", "hash")

    def __init__(self, default: Any = _MISSING, default_factory: Any = _MISSING, compare: bool = True,
                 repr: bool = True, hash: bool | None = None) -> None:
        if default is not _MISSING and default_factory is not _MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default, self.default_factory = default, default_factory
        self.compare, self.repr, self.hash = compare, repr, hash

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, compare={self.compare}, repr={self.repr})"


def field(*, default: Any = _MISSING, default_factory: Callable[[], Any] = _MISSING, compare: bool = True,
          repr: bool = True, hash: bool | None = None) -> Any:
    """A field's default and roles, as dataclasses.field takes them."""
    return Field(default, default_factory, compare, repr, hash)


def record(cls: type | None = None, /, *, frozen: bool = True, order: bool = False):
    """Make `cls` a record: its annotated names are its fields, in order."""

    def wrap(cls: type) -> type:
        if any(hasattr(base, "__record_fields__") for base in cls.__mro__[1:]):
            raise TypeError(f"{cls.__name__}: a record does not inherit from another record")
        fields = []
        for name in cls.__dict__.get("__annotations__", {}):
            value = cls.__dict__.get(name, _MISSING)
            if name.startswith("_record_"):
                raise TypeError(f"{cls.__name__}: field names starting with _record_ are record's own")
            f = value if isinstance(value, Field) else Field(default=value)
            f.name = name
            if f.default is not _MISSING and type(f.default).__hash__ is None:
                raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: "
                                 "use default_factory")
            if isinstance(value, Field):  # the class keeps a plain default, as with dataclass
                if f.default is _MISSING:
                    delattr(cls, name)
                else:
                    setattr(cls, name, f.default)
            fields.append(f)
        cls.__record_fields__ = tuple(fields)
        cls.__match_args__ = tuple(f.name for f in fields)
        if "__init__" not in cls.__dict__:  # (as dataclass: a class's own __init__ stays)
            cls.__init__ = _first_init(cls, fields)
        compared = tuple(f.name for f in fields if f.compare)
        hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
        cls._record_key = getter(compared)
        cls._record_hashed = getter(hashed)
        cls._record_shown = tuple(f.name for f in fields if f.repr)
        # What the class body defines stays, as with dataclass (a body's own __eq__ leaves
        # __hash__ = None behind, which is not a hash of its own).
        own_hash = cls.__dict__.get("__hash__", None) is not None
        for name, method in (("__eq__", _eq), ("__repr__", _repr), *(_ORDER if order else ())):
            if name not in cls.__dict__:
                setattr(cls, name, method)
        if not own_hash:
            # A mutable record compares by value and so, as a dataclass with eq, has no hash.
            cls.__hash__ = _hash if frozen else None
        if frozen:
            for name in ("__setattr__", "__delattr__"):
                if name in cls.__dict__:  # as dataclass: frozenness cannot be the class's own
                    raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
            cls.__setattr__ = _refuse_set
            cls.__delattr__ = _refuse_delete
        return cls

    return wrap if cls is None else wrap(cls)


def fields(value: Any) -> tuple[Field, ...]:
    """The fields of a record or of a record class, in order."""
    return value.__record_fields__


def replace(value: Any, /, **changes: Any) -> Any:
    """A copy of record `value` with `changes` (as dataclasses.replace; each field is passed to
    __init__, so a factory field keeps its value unless changed)."""
    state = value.__dict__
    for f in value.__record_fields__:
        if f.name not in changes:
            changes[f.name] = state[f.name]
    return value.__class__(**changes)


def _first_init(cls: type, fields: list[Field]) -> Callable:
    """The class's __init__ until its first instance: it compiles the real one (`_init`), puts it
    in its place and runs it. Compiling one costs ~0.14 ms, and a run imports records it never
    makes (10 of the 45 a cold check defines). What the class declares is checked now, as
    dataclass checks it."""
    source, namespace = _init(cls, fields)

    def __init__(_record_self_: Any, *args: Any, **kwargs: Any) -> None:
        exec(source, namespace)
        init = namespace["__init__"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = init  # type: ignore[misc]
        init(_record_self_, *args, **kwargs)
    return __init__


def _init(cls: type, fields: list[Field]) -> tuple[str, dict[str, Any]]:
    """The source of __init__ for `fields` and the names it reads: each argument stored straight
    into the instance's __dict__ (a frozen record refuses __setattr__; this is what dataclass does
    with object.__setattr__, one call per field cheaper)."""
    namespace: dict[str, Any] = {"_record_factory_": _FACTORY}
    params, body = [], []
    seen_default = None
    for i, f in enumerate(fields):
        if f.default is not _MISSING:
            namespace[f"_record_default_{i}"] = f.default
            params.append(f"{f.name}=_record_default_{i}")
            body.append(f"_record_d_[{f.name!r}] = {f.name}")
            seen_default = f.name
        elif f.default_factory is not _MISSING:
            namespace[f"_record_factory_{i}"] = f.default_factory
            params.append(f"{f.name}=_record_factory_")
            body.append(f"_record_d_[{f.name!r}] = _record_factory_{i}() if {f.name} is _record_factory_ "
                        f"else {f.name}")
            seen_default = f.name
        else:
            if seen_default is not None:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
            params.append(f.name)
            body.append(f"_record_d_[{f.name!r}] = {f.name}")
    if hasattr(cls, "__post_init__"):
        body.append("_record_self_.__post_init__()")
    # (names no field takes: a field may be called `self` or `d`)
    source = "".join([f"def __init__({', '.join(['_record_self_', *params])}):\n",
                      "    _record_d_ = _record_self_.__dict__\n" if fields else "",
                      *(f"    {line}\n" for line in body or ["pass"])])
    return source, namespace


def getter(names: tuple[str, ...]) -> Callable[[Any], Any]:
    """The values of an object's `names` in one call: attrgetter's (for several names a tuple, for
    one the value: either compares and hashes as dataclass's tuples do), or () for no name."""
    return attrgetter(*names) if names else _nothing


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


def _refuse_set(self, name, value):
    raise FrozenRecordError(f"cannot assign to field {name!r}")


def _refuse_delete(self, name):
    raise FrozenRecordError(f"cannot delete field {name!r}")


def _compare(test):
    def method(self, other):
        if other.__class__ is self.__class__:
            key = self._record_key
            return test(key(self), key(other))
        return NotImplemented
    return method


_ORDER = (("__lt__", _compare(lambda a, b: a < b)), ("__le__", _compare(lambda a, b: a <= b)),
          ("__gt__", _compare(lambda a, b: a > b)), ("__ge__", _compare(lambda a, b: a >= b)))
