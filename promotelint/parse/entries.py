"""A JSON template read entry by entry, so that the second template of a pair takes the first's
value of each resource written alike in both.

A promotion changes few of a template's resources: in the head's text most are written as in the
base's, to the character. The top-level object and its sections are read here, each key by a
pattern and each value by json's own C scanner (`scan_once`, what json.loads runs), and the first
template read keeps where each resource's text is: from its key to the next one's (the comma and
whitespace between included), the last one's to the end of its value. Where the second text has
one of those texts, it has that key and that value, exactly: a value is followed by the comma, or,
for the last, by what must follow any value (whitespace, then a comma or the closing brace; a
number going on, `1` then `12`, is not), so the scanner would have read just that text. The value
is then the first side's own object: its scanning, the check of its nesting and, downstream, the
comparison of the two sides (`is` before `==`) are spared.

Reading key by key also gives the line of every key of the top level and of its sections, in any
layout (what documents._json_positions finds otherwise). Anything the reading does not expect (the
text is not an object, a trailing comma, bad JSON) gives None: json.loads then reads the text, and
its error is the one shown. tests/test_json_entries.py holds it to json.loads and to the token
scan of positions on the corpus, in every layout writers use, on edited pairs and on random text.

Nothing after parsing changes a template's data, so the two sides can share values: the same test
runs a pair through the pipeline and every report format, then compares both sides' data with a
fresh read of their texts.
"""

from __future__ import annotations

from json.decoder import JSONDecoder

from promotelint.model.record import record
from promotelint.model.regex import lazy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_scan = JSONDecoder().scan_once  # (value, end) of the JSON value at an index; StopIteration if none
# A key without escapes or control characters, its colon and the whitespace around (JSON's own
# whitespace: space, tab, newline, carriage return); any other key is read by the scanner.
_KEY = lazy(r'"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
# the same after the comma that ends the entry before it
_NEXT_KEY = lazy(r'[ \t\n\r]*,[ \t\n\r]*"([^"\\\x00-\x1f]*)"[ \t\n\r]*:[ \t\n\r]*')
_WS = lazy(r"[ \t\n\r]*")
_AFTER = lazy(r"[ \t\n\r]*([,}])[ \t\n\r]*")  # what follows an entry's value
_UNREAD: Any = object()  # a key not matched yet


@record
class Entries:
    """What a template's reading keeps for the other side: its text and its Resources entries in
    order (a key written twice: each time), each as (key, where its key starts, where its text
    ends, value, line of the key); an entry's text runs to the next entry's key, the last one's to
    the end of its value."""

    text: str
    order: tuple


class _Irregular(Exception):
    """Not what this reading expects: json.loads decides."""


def read_object(text: str, like: Entries | None = None) -> tuple[Any, dict, Entries | None] | None:
    """(data, positions, entries) of JSON text holding an object: the data json.loads gives, the
    (line, column) of each key of the top level and of its sections' objects (at its first
    occurrence), and this text's Entries; None when json.loads should read it. `like`: the other
    side's Entries, whose values this text's Resources take where their text is the same."""
    ws, key_at, next_key, after, scan = _WS.match, _KEY.match, _NEXT_KEY.match, _AFTER.match, _scan
    count, rfind, starts = text.count, text.rfind, text.startswith
    positions: dict[tuple, tuple[int, int]] = {}
    # the line at offset `last` (a key's), and where it starts: each key's counted from the last
    # one's, so that the whole text is searched once (a minified text is one line)
    line, last, line_start = 1, 0, 0
    order: list[tuple] = []
    theirs: tuple = like.order if like is not None else ()
    their_text = like.text if like is not None else ""
    index: dict[str, int] = {}  # their entries by key, made when first needed

    # What comparing their entries' texts here may cost, in characters: each is compared about once
    # in a promotion, but a text can make one be tried again and again (keys written many times,
    # entries added before a large one); past that, the rest is scanned.
    budget = 2 * len(their_text) + len(text)

    def here(i: int, idx: int) -> bool:  # whether the text of their entry i is at text[idx]
        nonlocal budget
        _, at, end, _, _ = theirs[i]
        budget -= end - at
        return budget >= 0 and starts(their_text[at:end], idx)

    def place(path: tuple, idx: int) -> None:  # the key at text[idx]: its line and column
        nonlocal line, last, line_start
        newlines = count("\n", last, idx)
        if newlines:
            line += newlines
            line_start = rfind("\n", last, idx) + 1
        last = idx
        if path not in positions:  # a key written twice is placed at its first line
            positions[path] = (line, idx - line_start + 1)

    def entries(idx: int, section: str | None) -> tuple[dict, int]:
        # the object at text[idx] ("{"), as json.loads reads it; `section`: the top-level key it
        # is the value of (None: the top level itself)
        nonlocal line, last, line_start, order
        out: dict[str, Any] = {}
        own = section == "Resources"
        if own:  # (a Resources written twice: json.loads keeps the last one, and so do these)
            order = []
        following = 0 if own else len(theirs)  # their entry that this one is when the texts agree
        idx = ws(text, idx + 1).end()
        if starts("}", idx):
            return out, idx + 1
        m = key_at(text, idx)
        while True:
            # idx: the key's quote; m: the key and its colon matched, or None, or _UNREAD
            i = None
            if own and theirs:
                if following < len(theirs) and here(following, idx):
                    i = following
                else:  # not the entry after the last one taken: one came, went or moved
                    if m is _UNREAD:
                        m = key_at(text, idx)
                    if m is not None:
                        if not index:
                            index.update((entry[0], n) for n, entry in enumerate(theirs))
                        i = index.get(m.group(1))
                        if i is not None and (i == following or not here(i, idx)):  # (tried already)
                            i = None
            if i is not None:
                # their entry's text is here: the same key and value (and what follows, up to
                # the next key, or the value's end)
                key, at, their_end, value, their_line = theirs[i]
                place(("Resources", key), idx)
                end = idx + their_end - at
                order.append((key, idx, end, value, line))
                out[key] = value
                following = i + 1
                if following < len(theirs) and theirs[following][1] == their_end:
                    newlines = theirs[following][4] - their_line  # the lines between are theirs
                    if newlines:
                        line += newlines
                        line_start = rfind("\n", idx, end) + 1
                    last = idx = end
                    m = _UNREAD
                    continue
            else:
                if m is _UNREAD:
                    m = key_at(text, idx)
                if m is not None:
                    key, start = m.group(1), m.end()
                elif starts('"', idx):
                    key, start = scan(text, idx)
                    start = ws(text, start).end()
                    if not starts(":", start):
                        raise _Irregular
                    start = ws(text, start + 1).end()
                else:
                    raise _Irregular
                place((key,) if section is None else (section, key), idx)
                if section is None and starts("{", start):
                    value, end = entries(start, key)
                else:
                    value, end = scan(text, start)
                out[key] = value
            m = next_key(text, end)
            if m is not None:  # the next entry: this one's text runs to its key
                if own and i is None:
                    order.append((key, idx, m.start(1) - 1, value, line))
                idx = m.start(1) - 1
                continue
            m = after(text, end)
            if m is None:
                raise _Irregular
            if own and i is None:
                order.append((key, idx, m.end() if m.group(1) == "," else end, value, line))
            idx = m.end()
            if m.group(1) == "}":
                return out, idx
            m = key_at(text, idx)

    start = ws(text).end()
    if not starts("{", start):
        return None
    try:
        data, end = entries(start, None)
    except (_Irregular, StopIteration, ValueError, RecursionError):
        return None
    finally:  # `entries` calls itself: a cycle holding the text, cut here (cli/__init__.py)
        entries = here = place = None  # type: ignore[assignment]
    if end != len(text):  # (the pattern after a value took the whitespace that follows)
        return None
    return data, positions, Entries(text, tuple(order)) if type(data.get("Resources")) is dict else None
