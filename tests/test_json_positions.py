"""Positions of JSON templates' keys: the fast ways (parse/documents.py `_located_positions`, each
key found by its own text; `_indented_positions`, one pattern per depth) give what the token scan
gives, or nothing (then the next one decides)."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path

import pytest

from promotelint.model.errors import InputError
from promotelint.model.template import Origin
from promotelint.parse.documents import (
    MAX_DEPTH, _brackets_within, _deeper_than, _indented_positions, _json_positions, _located_positions,
    _scanned_positions, load_text,
)
from promotelint.parse.jsontext import dumps_indented
from promotelint.parse.template import template_from_text

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _templates() -> list[Path]:
    paths = sorted(Path(__file__).parent.glob("fixtures/**/*.json"))
    if CORPUS.is_dir():
        paths += sorted(CORPUS.glob("*/*/expected*.json"))
    return paths


def _layouts(data: dict, every: bool = True) -> dict[str, str]:
    """The layouts writers use (`every`: and those that leave the decision to a slower way)."""
    usual = {"indent 2": json.dumps(data, indent=2), "indent 4": json.dumps(data, indent=4),
             "space before colons": json.dumps(data, indent=2, separators=(",", " : "))}
    if not every:
        return usual
    return {**usual, "indent 1": json.dumps(data, indent=1), "minified": json.dumps(data),
            "CRLF": json.dumps(data, indent=2).replace("\n", "\r\n")}


def test_real_templates_in_the_usual_layouts():
    located = 0
    for number, path in enumerate(_templates()):
        data = json.loads(path.read_text())
        if not isinstance(data, dict):
            continue
        # (writing the layouts and the token scan that checks them are slow: every fourth in each)
        layouts = _layouts(data, every=False) if number % 4 == 0 else {"indent 2": dumps_indented(data)}
        texts = {text: layout for layout, text in {"as written": path.read_text(), **layouts}.items()}
        for text, layout in texts.items():  # (each text once: most were written as `indent 2`)
            scanned = _scanned_positions(text, data)
            fast = _located_positions(text, data)
            assert fast is None or fast == scanned, (path, layout)
            assert _json_positions(text, data) == scanned, (path, layout)
            if layout.startswith("indent"):
                assert fast is not None, (path, layout)  # the layout every writer of templates uses
                located += 1
    assert located > 30


def _key(rng: random.Random) -> str:
    return rng.choice(["Queue", "Table", "Tábla", "a\"quote", "back\\slash", "tab\there", "Resources",
                       "Outputs", "x/y", "\u2028", "Ref", ""])


def test_random_documents_and_layouts():
    rng = random.Random(20)
    for _ in range(500):
        def value(depth: int):
            if depth < 4 and rng.random() < 0.6:
                if rng.random() < 0.6:
                    return {_key(rng): value(depth + 1) for _ in range(rng.randint(0, 4))}
                return [value(depth + 1) for _ in range(rng.randint(0, 3))]
            return rng.choice([_key(rng), 1, None, True, 2.5])
        data = {_key(rng): value(1) for _ in range(rng.randint(1, 4))}
        for layout, text in _layouts(data).items():
            scanned = _scanned_positions(text, data)
            for fast in (_located_positions, _indented_positions):
                assert fast(text, data) in (None, scanned), (layout, text)
            assert _json_positions(text, data) == scanned


def test_a_key_written_as_text_first_is_found_where_it_is_a_key():
    # "Queue" at the entries' indentation, first as an item of a list, then as the key
    text = '{\n  "Transform": [\n    "Queue"\n  ],\n  "Resources": {\n    "Queue" : {"Type": "q"}\n  }\n}'
    data = json.loads(text)
    assert _located_positions(text, data) == _scanned_positions(text, data)
    assert _located_positions(text, data)[("Resources", "Queue")] == (6, 5)


def test_keys_with_escapes_are_left_to_the_scan():
    text = json.dumps({"Resources": {"T\u00e1bla": {"Type": "x"}, "B": {}}}, indent=2)  # \u00e1 in the text
    data = json.loads(text)
    assert _located_positions(text, data) is None
    assert load_text(text, "t.json").positions == _scanned_positions(text, data)
    assert load_text(text, "t.json").positions[("Resources", "B")] == (6, 5)


def test_a_key_written_twice_is_placed_at_its_first_line():
    text = '{\n  "Resources": {\n    "A": {"Type": "x"},\n    "B": {},\n    "A": {"Type": "y"}\n  }\n}'
    data = json.loads(text)
    assert data["Resources"]["A"] == {"Type": "y"}  # json.loads keeps the last
    assert _located_positions(text, data)[("Resources", "A")] == (3, 5)


def test_origins_of_a_template_read_from_text_are_its_resources_and_outputs_lines():
    # (made when asked: LineOrigins; they read as the mapping every template's origins are)
    text = ('{\n  "Resources": {\n    "A": {"Type": "x"},\n    "B": {}\n  },\n'
            '  "Outputs": {\n    "Name": {"Value": "v"}\n  },\n  "Parameters": {\n    "P": {}\n  }\n}')
    origins = template_from_text(text, "t.json").origins
    expected = {"A": Origin("t.json", 3, 5), "B": Origin("t.json", 4, 5), "Outputs.Name": Origin("t.json", 7, 5)}
    assert dict(origins) == expected and origins == expected and len(origins) == 3
    assert origins.get("P") is None and "Outputs.Name" in origins and origins.get(("Resources", "A")) is None
    assert origins["A"] is origins["A"]  # made once
    assert pickle.loads(pickle.dumps(origins)) == expected
    # a YAML template's positions hold every node: only the entries of the two sections are origins
    yaml = template_from_text("Resources:\n  A:\n    Type: x\n    Properties: {}\nOutputs:\n  O:\n    Value: 1\n", "t.yml")
    assert dict(yaml.origins) == {"A": Origin("t.yml", 2, 3), "Outputs.O": Origin("t.yml", 6, 3)}


def _nested(rng: random.Random, depth: int):
    """A value nesting to `depth`, with strings that hold brackets, quotes and backslashes."""
    text = lambda: "".join(rng.choice(['{', '}', '[', ']', '"', '\\', '\\"', '\\\\', 'a', ' ', 'é', '\n'])  # noqa: E731
                           for _ in range(rng.randint(0, 6)))
    if depth == 0:
        return rng.choice([text(), 1, None, [], {}])
    inner = [_nested(rng, depth - 1)] + [_nested(rng, rng.randint(0, depth - 1)) for _ in range(rng.randint(0, 2))]
    rng.shuffle(inner)
    return inner if rng.random() < 0.5 else {text() + str(i): v for i, v in enumerate(inner)}


def test_brackets_within_is_never_wrong_about_the_values():
    # The text's brackets vouch for a nesting only when the values' own walk agrees
    rng = random.Random(14)
    vouched = 0
    for _ in range(3000):
        depth, limit = rng.randint(0, 14), rng.randint(1, 12)
        data = _nested(rng, depth)
        for text in (json.dumps(data), json.dumps(data, indent=2, ensure_ascii=False)):
            if _brackets_within(text, limit):
                assert not _deeper_than(json.loads(text), limit), text
                vouched += 1
    assert vouched > 1500


def test_brackets_within_vouches_for_real_templates_and_not_past_its_limit():
    paths = _templates()[::5]
    assert all(_brackets_within(path.read_text(), MAX_DEPTH) for path in paths) and len(paths) > 20
    for depth in (MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2):
        text = '{"a": ' + "[" * depth + '"]]}\\\\"' + "]" * depth + "}"  # the root, `depth` lists
        assert _deeper_than(json.loads(text), MAX_DEPTH) == (depth >= MAX_DEPTH + 1)
        if _brackets_within(text, MAX_DEPTH):
            assert depth < MAX_DEPTH
    with pytest.raises(InputError, match="nested more than 100 levels"):
        load_text('{"a": ' + "[" * 101 + "]" * 101 + "}", "t.json")
    assert load_text('{"a": ' + "[" * 100 + "]" * 100 + "}", "t.json").data
