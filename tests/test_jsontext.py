"""dumps_indented writes exactly what json.dumps(indent=2) writes (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from promotelint.model.changeset import compact_json
from promotelint.parse.jsontext import dumps_indented

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"


class Text(str):
    pass


EDGE = [
    {}, [], "", 0, -1, 10**30, 1.5, -0.0, 1e300, 1e-7, True, False, None, "é\u2028\"\\\n\t\x00 \U0001f600",
    {"a": {}, "b": [], "c": [{}], "d": [[[]]], "e": {"f": {"g": None}}},
    [1, "two", 3.0, [4, {"five": [6]}], {}, []],
    {"nan": float("nan")}, {"inf": [float("inf")]}, {1: "int key"}, {True: "bool key"}, {None: 1},
    {"tuple": (1, 2)}, {"sub": Text("x")}, {"k": {Text("k"): 1}}, {Text("k"): [{"k": 1, 2: 3}]}, {"key": 2**70}, {"bool": [True, 1, 1.0]},
]


@pytest.mark.parametrize("value", EDGE, ids=range(len(EDGE)))
def test_edge_values_as_json_dumps(value):
    assert dumps_indented(value) == json.dumps(value, indent=2)
    assert dumps_indented(value, indent=4) == json.dumps(value, indent=4)


def test_unwritable_values_fail_as_json_dumps():
    loop: list = []
    loop.append(loop)
    for value in (loop, {"set": {1}}):
        with pytest.raises((ValueError, TypeError)) as ours:
            dumps_indented(value)
        with pytest.raises(type(ours.value)):
            json.dumps(value, indent=2)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus/dev not present beside the clone")
def test_corpus_templates_as_json_dumps():
    templates = sorted(CORPUS.glob("*/expected.json"))
    assert templates
    for path in templates:
        data = json.loads(path.read_text())
        assert dumps_indented(data) == json.dumps(data, indent=2), path


@pytest.mark.parametrize("value", EDGE + [{"date": __import__("datetime").date(2026, 1, 1)}, {"set": {1}}],
                         ids=range(len(EDGE) + 2))
def test_compact_json_is_json_dumps_compact_with_str_for_the_rest(value):
    # (model/changeset.py calls the C encoder json.dumps builds, made once)
    assert compact_json(value) == json.dumps(value, separators=(",", ":"), default=str)
