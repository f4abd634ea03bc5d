"""What the event compilers share: the one way to find the events of a kind in the functions'
configs, and the mark that names the kind a compile step handles (pipeline.MODELLED_EVENTS)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import groupby
from operator import attrgetter

from promotelint.model.errors import InputError
from promotelint.model.record import record
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_truthy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

Step = Callable[[CompileContext], None]


@record
class Event:
    """One event of a function: `value` is its setting (`events[index][kind]`)."""

    function_name: str
    function: dict[str, Any]
    index: int  # in the function's `events`
    number: int  # among the function's counted events of this kind, from 1 (the framework's counters)
    value: Any

    @property
    def path(self) -> tuple:
        return ("functions", self.function_name, "events", self.index)


# Which events count. The framework's compilers all test `if (event.<kind>)`, JavaScript truthiness,
# the default below. Some compilers here have always used another test, kept so that no prediction
# changes; the two differ from the framework only for settings its schema rejects.

def non_empty(value: Any) -> bool:
    """Python truthiness: unlike the framework, an empty mapping (or list) does not count."""
    return bool(value)


def present(value: Any) -> bool:
    """Anything but null and false: unlike the framework, an empty string counts."""
    return value is not None and value is not False


def any_value(value: Any) -> bool:
    """Every event that has the key, null included (the schema coercion sees them all)."""
    return True


def events_of(ctx: CompileContext, kind: str, counts: Callable[[Any], bool] = js_truthy) -> Iterator[Event]:
    """The functions' `kind` events that `counts`, in config order."""
    for name, function in ctx.functions.items():
        number = 0
        for index, event in enumerate(function["events"]):
            if isinstance(event, dict) and kind in event and counts(event[kind]):
                number += 1
                yield Event(name, function, index, number, event[kind])


def per_function(events: Iterable[Event]) -> Iterator[list[Event]]:
    """The events grouped by function, for the framework's per-function state."""
    for _, group in groupby(events, key=attrgetter("function_name")):
        yield list(group)


def has_events(ctx: CompileContext, kind: str) -> bool:
    """Whether a function has a `kind` event the API compilers would compile."""
    return next(events_of(ctx, kind, counts=non_empty), None) is not None


def compiles(kind: str) -> Callable[[Step], Step]:
    """Mark a compile step with the event kind it compiles."""
    def mark(step: Step) -> Step:
        step.kind = kind  # type: ignore[attr-defined]
        return step
    return mark


def event_error(ctx: CompileContext, path: tuple, kind: str, message: str) -> InputError:
    """A `kind` event's config error, pointing at the framework's documentation of that event."""
    return ctx.error(path, f"{kind} event: {message}", f"see the framework's {kind} event documentation")
