"""A JSON template read entry by entry (parse/entries.py) is the data json.loads gives, key order
included, with the positions the token scan gives; the second side of a pair, reading alike
entries as the first side's objects, is too, whatever was edited between them; and nothing after
parsing changes the values the two sides share."""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path

import pytest

from promotelint.app import judge, predict, read_source, setup
from promotelint.model.errors import InputError
from promotelint.parse.documents import _scanned_positions, load_text
from promotelint.parse.entries import read_object
from promotelint.parse.template import template_from_text
from promotelint.report import FORMATS, RenderOptions

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"


def _templates() -> list[Path]:
    paths = sorted(FIXTURES.glob("**/*.json"))
    if CORPUS.is_dir():
        paths += sorted(CORPUS.glob("*/*/expected*.json"))
    out = []
    for path in paths:
        data = json.loads(path.read_text())
        if isinstance(data, dict) and isinstance(data.get("Resources"), dict) and data["Resources"]:
            out.append(path)
    return out


def _layouts(data: dict) -> dict[str, str]:
    return {"indent 2": json.dumps(data, indent=2), "indent 4": json.dumps(data, indent=4),
            "indent 1": json.dumps(data, indent=1), "minified": json.dumps(data),
            "space before colons": json.dumps(data, indent=2, separators=(",", " : ")),
            "CRLF": json.dumps(data, indent=2).replace("\n", "\r\n"), "not ascii": json.dumps(data, ensure_ascii=False)}


def _same(text: str, read: tuple | None, like: tuple | None = None) -> None:
    """`read` (read_object's answer for `text`) is what json.loads and the token scan give."""
    assert read is not None, text[:200]
    data, positions, entries = read
    expected = json.loads(text)
    assert json.dumps(data) == json.dumps(expected)  # key order too
    # (a key written twice: the token scan places it at its last line, read_object at its first)
    assert positions == _scanned_positions(text, expected) or _has_twice(text)
    if like is not None:  # a value it took from the other side is that side's entry of its key
        theirs = {id(entry[3]): entry[0] for entry in like[2].order}
        for key, value in data["Resources"].items():
            assert theirs.get(id(value), key) == key
    # its entries: those of the (last) Resources object, each as written
    pairs = json.loads(text, object_pairs_hook=_Pairs)
    written = [key for key, _ in [value for key, value in pairs if key == "Resources"][-1]]
    assert entries is not None and [e[0] for e in entries.order] == written


class _Pairs(list):
    """An object as json.loads met it: its (key, value) pairs, each key as often as written."""


def test_real_templates_in_every_layout():
    count = 0
    for number, path in enumerate(_templates()):
        data = json.loads(path.read_text())
        texts = {"as written": path.read_text()}
        if number % 5 == 0:  # (every layout of every fifth: the token scan is slow)
            texts.update(_layouts(data))
        for text in texts.values():
            _same(text, read_object(text))
            count += 1
    assert count > 100


def _edited(rng: random.Random, data: dict) -> dict:
    """A head revision: resources changed, added, removed, moved, a key written twice."""
    head = json.loads(json.dumps(data))
    res = head["Resources"]
    keys = list(res)
    for _ in range(rng.randint(0, 4)):
        action = rng.choice(["change", "add", "remove", "move", "number", "twice", "outputs"])
        lid = rng.choice(keys)
        if lid not in res:
            continue
        if action == "change" and isinstance(res[lid], dict):
            res[lid].setdefault("Properties", {})["Edited"] = rng.choice([1, "x", [1, {"a": "}"}], {"b": "\"{"}])
        elif action == "add":
            res[f"{lid}Copy"] = json.loads(json.dumps(res[lid]))
        elif action == "remove" and len(res) > 1:
            del res[lid]
        elif action == "move":
            res[lid] = res.pop(lid)
        elif action == "number":
            res[lid] = rng.choice([1, 12, -0.5, True, None, "text"])
        elif action == "outputs":
            head["Outputs"] = {"Out": {"Value": {"Ref": lid}}}
    return head


def _twice(text: str, rng: random.Random) -> str:
    """The text with its first resource written again at the end of Resources (json.loads keeps
    the last), when the layout shows where that is."""
    data = json.loads(text)
    first = next(iter(data["Resources"]))
    entry = json.dumps({first: {"Type": "Again", "Properties": {"N": rng.randint(0, 9)}}})[1:-1]
    at = text.find('"Resources"')
    end = text.find("\n  }", at)
    return text if at == -1 or end == -1 else text[:end] + ",\n    " + entry + text[end:]


def test_the_second_side_of_a_pair_is_what_json_loads_reads():
    rng = random.Random(24)
    paths = _templates()
    shared = 0
    for path in paths[::8]:
        data = json.loads(path.read_text())
        for _ in range(2):
            layout = rng.choice(["indent 2", "indent 2", "indent 4", "minified", "CRLF", "not ascii"])
            base_text = _layouts(data)[layout]
            head = _edited(rng, data)
            head_text = _layouts(head)[layout if rng.random() < 0.8 else "indent 1"]
            if rng.random() < 0.2:
                head_text = _twice(head_text, rng)
            base = read_object(base_text)
            _same(base_text, base)
            read = read_object(head_text, base[2])
            _same(head_text, read, base)
            shared += sum(1 for e in base[2].order for v in read[0]["Resources"].values() if v is e[3])
            back = read_object(base_text, read[2])  # and the other way round
            _same(base_text, back, read)
    assert shared > 300  # most entries are shared


def _random_text(rng: random.Random) -> str:
    def value(depth: int):
        kind = rng.choice(["s", "n", "l", "d", "b"] if depth < 3 else ["s", "n", "b"])
        if kind == "s":
            return rng.choice(["", "a", "}", "\"", "\\", "é", "\u2028", "x,y", '"k": 1'])
        if kind == "n":
            return rng.choice([0, 1, 12, -3.5, 1e20])
        if kind == "b":
            return rng.choice([True, False, None])
        if kind == "l":
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(["a", "b", "Ref", "é", "q\"", "c\\d"]): value(depth + 1) for _ in range(rng.randint(0, 3))}
    data = {"Resources": {rng.choice(["A", "B", "C", "D", "Ä", "E\"F"]): value(1) for _ in range(rng.randint(1, 5))}}
    if rng.random() < 0.5:
        data["Outputs"] = {"O": value(2)}
    return json.dumps(data, indent=rng.choice([None, 0, 1, 2]), ensure_ascii=rng.random() < 0.5)


def test_random_pairs_and_broken_text():
    # a head that is the base with a few characters changed: read_object gives what json.loads
    # gives, or leaves the text to it (None) when that refuses it
    rng = random.Random(7)
    checked = refused = 0
    for _ in range(3000):
        base_text = _random_text(rng)
        base = read_object(base_text)
        _same(base_text, base)
        head_text = _random_text(rng) if rng.random() < 0.3 else base_text
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(head_text) + 1)
            head_text = head_text[:at] + rng.choice(["", " ", ",", "}", "]", "\"", "1", "{", "\\", "\n", "é"]) \
                + head_text[at + rng.randint(0, 2):]
        try:
            expected = json.loads(head_text)
        except (ValueError, RecursionError):
            assert read_object(head_text, base[2]) is None
            refused += 1
            continue
        read = read_object(head_text, base[2])
        if not isinstance(expected, dict):
            assert read is None
            continue
        assert read is not None and json.dumps(read[0]) == json.dumps(expected), head_text
        assert read[1] == _scanned_positions(head_text, expected) or _has_twice(head_text)
        checked += 1
    assert checked > 1000 and refused > 300


def _has_twice(text: str) -> bool:
    """Whether a key is written twice in an object of the first two levels (the token scan places
    it at its last line, read_object at its first)."""
    def pairs(pairs_):
        keys = [k for k, _ in pairs_]
        if len(keys) != len(set(keys)):
            raise ValueError("twice")
        return dict(pairs_)
    try:
        json.loads(text, object_pairs_hook=pairs)
    except ValueError:
        return True
    return False


def test_a_pair_shares_its_unchanged_resources_and_nothing_changes_them(tmp_path):
    path = next(p for p in _templates() if len(json.loads(p.read_text())["Resources"]) > 20)
    data = json.loads(path.read_text())
    head_data = json.loads(json.dumps(data))
    first, *_, last = head_data["Resources"]
    head_data["Resources"][first] = head_data["Resources"].pop(first)  # moved to the end
    lid = last
    head_data["Resources"][lid] = {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "t"}}  # a replacement
    (tmp_path / "base.json").write_text(json.dumps(data, indent=2))
    (tmp_path / "head.json").write_text(json.dumps(head_data, indent=2))
    base = read_source(tmp_path / "base.json")
    head = read_source(tmp_path / "head.json", like=base)
    shared = [k for k, v in head.data["Resources"].items() if base.data["Resources"].get(k) is v]
    assert len(shared) >= len(head.data["Resources"]) - 6
    config, rules = setup(None, tmp_path)
    reports = judge([predict(base, head)], rules, config, datetime.date(2026, 1, 1))
    assert any(f.rule for r in reports for f in r.findings)  # the replacement is found
    for render in FORMATS.values():
        assert render(reports, RenderOptions(show_all=True))
    assert json.dumps(base.data) == json.dumps(json.loads((tmp_path / "base.json").read_text()))
    assert json.dumps(head.data) == json.dumps(json.loads((tmp_path / "head.json").read_text()))


def test_a_head_nested_too_deep_is_refused_where_the_base_was_not():
    base_text = json.dumps({"Resources": {f"R{i}": {"Type": "x", "Properties": {"a": [[1]]}} for i in range(6)}}, indent=2)
    base = template_from_text(base_text, "base.json")
    deep = json.loads(base_text)
    deep["Resources"]["R5"]["Properties"]["a"] = json.loads("[" * 99 + "]" * 99)  # R5 at level 2: 103 levels
    with pytest.raises(InputError, match="nested more than 100 levels"):
        template_from_text(json.dumps(deep, indent=2), "head.json", like=base)
    deep["Resources"]["R5"]["Properties"]["a"] = json.loads("[" * 96 + "]" * 96)  # 100 levels
    head = template_from_text(json.dumps(deep, indent=2), "head.json", like=base)
    assert head.data == deep and head.data["Resources"]["R0"] is base.data["Resources"]["R0"]
    assert load_text(json.dumps(deep), "t.json").data == deep  # and unpaired


def test_an_entry_tried_again_and_again_is_still_read_as_json_loads_reads_it():
    # the head names the base's resource 3,000 times, each written as the base's starts: its text
    # is compared until the budget of comparisons is spent, then the rest is scanned
    one = lambda size: {"Resources": {"Big": {"Type": "T", "Properties": {"Name": "x" * size}}}}  # noqa: E731
    base_text = json.dumps(one(20_000), indent=2)
    entry = json.dumps(one(64), indent=2).split("{\n    ", 1)[1].rsplit("\n  }", 1)[0]
    head_text = '{\n  "Resources": {\n    ' + ",\n    ".join([entry] * 3000) + ",\n    " \
        + base_text.split("{\n    ", 1)[1].rsplit("\n  }", 1)[0] + "\n  }\n}\n"  # and the base's own, last
    base = read_object(base_text)
    read = read_object(head_text, base[2])
    assert json.dumps(read[0]) == json.dumps(json.loads(head_text))
    assert read[1][("Resources", "Big")] == (3, 5)  # placed at its first line


def _promoted(data: dict, rng: random.Random) -> dict:
    """`data` with a few resources edited as promotions edit them: a value changed, a number
    written as a float, a boolean as text, one resource removed, one copied under a new name."""
    head = json.loads(json.dumps(data))
    resources = head["Resources"]
    lids = list(resources)
    for lid in rng.sample(lids, min(4, len(lids))):
        props = resources[lid].get("Properties")
        if not isinstance(props, dict) or not props:
            continue
        key = rng.choice(list(props))
        value = props[key]
        if isinstance(value, bool):
            props[key] = str(value).lower()
        elif isinstance(value, int):
            props[key] = float(value)  # equal by ==, not the same value to CloudFormation
        elif isinstance(value, str):
            props[key] = value + "-2"
        else:
            props[key] = [value]
    text = json.dumps(head)
    unnamed = [lid for lid in lids if text.count(lid) == 1]  # named by nothing but its own key
    if unnamed:
        del resources[rng.choice(unnamed)]
    resources[lids[0] + "Copy"] = json.loads(json.dumps(data["Resources"][lids[0]]))
    return head


def test_a_pair_read_shared_reports_exactly_what_it_reports_read_apart(tmp_path):
    # Sharing the base's objects is only a saving: every report of every format is the same text
    # as when each side is read alone (identity takes shortcuts `==` would not: 1 == 1.0 == True).
    rng = random.Random(14)
    paths = [p for p in _templates() if len(json.loads(p.read_text())["Resources"]) >= 8]
    config, rules = setup(None, tmp_path)
    today = datetime.date(2026, 1, 1)
    options = RenderOptions(show_all=True)
    pairs = shared = 0
    for path in rng.sample(paths, len(paths)):
        data = json.loads(path.read_text())
        base_text, head_text = json.dumps(data, indent=2), json.dumps(_promoted(data, rng), indent=2)
        base = template_from_text(base_text, "base.json")
        try:
            predict(base, base)
        except InputError:  # (a fixture of an invalid template)
            continue
        head = template_from_text(head_text, "head.json", like=base)
        shared += any(base.data["Resources"].get(k) is v for k, v in head.data["Resources"].items())
        together = judge([predict(base, head)], rules, config, today)
        apart = judge([predict(template_from_text(base_text, "base.json"), template_from_text(head_text, "head.json"))],
                      rules, config, today)
        for name, render in FORMATS.items():
            assert render(together, options) == render(apart, options), (path, name)
        pairs += 1
        if pairs == 20:
            break
    assert pairs == 20 or not CORPUS.is_dir()
    assert shared == pairs
