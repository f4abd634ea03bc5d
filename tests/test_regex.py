"""model/regex.py: a pattern declared with `lazy` is compiled on first use and then reads as the
compiled pattern does."""

from __future__ import annotations

import copy
import re

from promotelint.model.regex import lazy


def test_a_lazy_pattern_answers_as_the_compiled_one():
    source, flags = r"^(\w+)-(\d+)$", re.M
    ours, theirs = lazy(source, flags), re.compile(source, flags)
    text = "a-1\nbb-22\nc-x"
    assert ours.findall(text) == theirs.findall(text) == [("a", "1"), ("bb", "22")]
    assert ours.match("zz-9").groups() == ("zz", "9")
    assert ours.search("q\nw-5", 1).group(0) == theirs.search("q\nw-5", 1).group(0) == "w-5"
    assert ours.sub(r"\2", text) == theirs.sub(r"\2", text)
    assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]
    assert (ours.pattern, ours.flags) == (theirs.pattern, theirs.flags)


def test_it_is_compiled_only_when_used():
    pattern = lazy(r"never-compiled-\d+")
    assert "search" not in vars(pattern) and (str, r"never-compiled-\d+", 0) not in re._cache  # type: ignore[attr-defined]
    assert pattern.search("x never-compiled-7") is not None
    assert "search" in vars(pattern)  # kept: later reads are the compiled pattern's method itself


def test_it_copies_and_shows_its_source():
    pattern = lazy(r"a+")
    assert copy.deepcopy(pattern).fullmatch("aaa") and repr(pattern) == "lazy('a+')"
