import pytest

from promotelint.model.errors import InputError
from promotelint.parse.jsyaml import js_date_iso, load_js_yaml
from promotelint.serverless.config_file import find_config


class MemoryReader:
    def __init__(self, files):
        self.files = files

    def read_text(self, path):
        return self.files[path]

    def exists(self, path):
        return path in self.files


def test_tab_after_flow_sequence_is_accepted_like_js_yaml():
    doc = load_js_yaml("a:\n  sources: [x.json]\t\n  b: 1\n", "s.yml")
    assert doc.data == {"a": {"sources": ["x.json"], "b": 1}}
    assert doc.line(("a", "b")) == 3


def test_tab_between_a_key_and_its_colon_is_accepted_like_js_yaml():
    # As in a plugin-corpus service: js-yaml reads `KEY\t: "1"` as the key KEY.
    doc = load_js_yaml('env:\n  A_KEY\t: "1"\n  B \t : 2\n'
                       'list:\n  - C\t: 3\n', "s.yml")
    assert doc.data == {"env": {"A_KEY": "1", "B": 2}, "list": [{"C": 3}]}
    assert doc.line(("env", "B")) == 3 and doc.line(("list", 0, "C")) == 5
    assert load_js_yaml('a: "x\t: y"\n', "s.yml").data == {"a": "x\t: y"}  # a quoted tab stays


def test_other_tab_errors_still_fail():
    with pytest.raises(InputError):
        load_js_yaml("a:\n\tb: 1\n", "s.yml")


def test_duplicated_keys_name_both_lines():
    with pytest.raises(InputError) as exc:
        load_js_yaml("provider:\n  name: aws\n  name: aws\n", "s.yml")
    assert exc.value.line == 3 and "line 2" in exc.value.message


def test_timestamps_become_javascript_date_json():
    doc = load_js_yaml("Version: 2012-10-17\nQuoted: '2012-10-17'\nAt: 2001-12-14 21:59:43.10 -5\n", "s.yml")
    assert doc.data == {"Version": "2012-10-17T00:00:00.000Z", "Quoted": "2012-10-17",
                        "At": "2001-12-15T02:59:43.100Z"}
    assert js_date_iso("not a date") is None


def test_short_tags_as_the_framework_builds_them():
    doc = load_js_yaml("a: !GetAtt Bucket.Arn\nb: !GetAtt [A, B.C]\nc: !Sub x-${AWS::Region}\n", "s.yml")
    assert doc.data == {"a": {"Fn::GetAtt": ["Bucket", "Arn"]}, "b": {"Fn::GetAtt": ["A", "B.C"]},
                        "c": {"Fn::Sub": "x-${AWS::Region}"}}


def test_tags_the_framework_does_not_know_are_rejected():
    with pytest.raises(InputError) as exc:
        load_js_yaml("a: 1\nb: !ToJsonString {x: 1}\n", "s.yml")
    assert exc.value.line == 2


def test_find_config_in_directory():
    reader = MemoryReader({"svc/serverless.yaml": ""})
    assert find_config("svc", reader) == "svc/serverless.yaml"
    assert find_config("svc/serverless.yaml", reader) == "svc/serverless.yaml"


def test_non_yaml_configs_are_a_clear_input_error():
    with pytest.raises(InputError) as exc:
        find_config("svc", MemoryReader({"svc/serverless.ts": ""}))
    assert "only serverless.yml" in exc.value.message
    with pytest.raises(InputError):
        find_config("svc", MemoryReader({}))


def test_schema_coercion_like_ajv_coerce_types():
    from promotelint.serverless.coerce import coerce_like_schema

    config = coerce_like_schema({
        "provider": {"memorySize": "512", "environment": {"N": 42, "B": True, "E": None, "R": {"Ref": "X"}},
                     "tracing": {"lambda": "true"}, "tags": {"v": 2},
                     "iam": {"role": {"statements": [{"Effect": "Allow", "Action": "s3:GetObject"}]}}},
        "functions": {"f": {"timeout": "30", "memorySize": "lots",
                            "events": [{"sqs": {"batchSize": "10", "enabled": "false"}},
                                       {"schedule": {"rate": "rate(1 hour)"}}]}},
        "custom": {"memorySize": "512"},
    })
    assert config["provider"]["memorySize"] == 512
    # nulls are left alone (the framework drops them later; see fixture core-nulls)
    assert config["provider"]["environment"] == {"N": "42", "B": "true", "E": None, "R": {"Ref": "X"}}
    assert config["provider"]["tracing"]["lambda"] is True and config["provider"]["tags"] == {"v": "2"}
    assert config["provider"]["iam"]["role"]["statements"][0]["Action"] == ["s3:GetObject"]
    fn = config["functions"]["f"]
    assert fn["timeout"] == 30 and fn["memorySize"] == "lots"  # not a number: left for the schema error
    assert fn["events"][0]["sqs"] == {"batchSize": 10, "enabled": False}
    assert fn["events"][1]["schedule"]["rate"] == ["rate(1 hour)"]
    assert config["custom"]["memorySize"] == "512"


def test_numbers_as_javascript_and_json_have_them():
    doc = load_js_yaml("a: 1e3\nb: 1.0\nc: .inf\nd: .nan\ne: 1_000\nf: 2.5\ng: 010\n", "s.yml")
    assert doc.data == {"a": 1000, "b": 1, "c": None, "d": None, "e": "1_000", "f": 2.5, "g": 10}
    assert isinstance(doc.data["a"], int)
