import pytest

from promotelint.model.errors import InputError
from promotelint.parse.documents import load_text


def test_short_tags_become_long_forms():
    doc = load_text("A: !Ref X\nB: !GetAtt Foo.Arn\nC: !Sub '${AWS::Region}-x'\nD: !GetAZs\n", "t.yml")
    assert doc.data == {
        "A": {"Ref": "X"},
        "B": {"Fn::GetAtt": ["Foo", "Arn"]},
        "C": {"Fn::Sub": "${AWS::Region}-x"},
        "D": {"Fn::GetAZs": ""},
    }
    assert doc.line(("B",)) == 2


def test_yaml_12_booleans_like_js_yaml():
    assert load_text("a: yes\nb: true\n", "t.yml").data == {"a": "yes", "b": True}


def test_duplicate_keys_name_both_lines():
    with pytest.raises(InputError) as exc:
        load_text("a: 1\nb: 2\na: 3\n", "t.yml")
    assert exc.value.line == 3 and "line 1" in str(exc.value)


def test_unknown_tag_is_an_input_error():
    with pytest.raises(InputError) as exc:
        load_text("a:\n  b: !Fooo 1\n", "t.yml")
    assert exc.value.line == 2 and "!Fooo" in str(exc.value)


def test_json_errors_name_the_line():
    with pytest.raises(InputError) as exc:
        load_text('{"a": 1,\n "b": }', "t.json")
    assert exc.value.line == 2


def test_json_positions_of_resources():
    doc = load_text('{\n "Resources": {\n  "A": {"Type": "x"},\n  "B": {}\n }}', "t.json")
    assert doc.line(("Resources", "B", "Properties")) == 4
