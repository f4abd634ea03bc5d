"""No report shows a secret (issue 13): values from the environment, .env files, deploy-time AWS
sources and NoEcho parameters are masked as `****` in every format, while the prediction keeps them
(a changed secret is still a change); control characters in values are shown escaped."""

from __future__ import annotations

import json

import pytest

from promotelint.model.secrets import MASK, map_strings, masker, worth_masking
from promotelint.report import FORMATS
from tests.helpers import run_cli as run

SERVICE = """\
service: svc
provider:
  name: aws
  runtime: nodejs18.x
  environment:
    DB_PASSWORD: ${env:DB_PASSWORD}
    API_KEY: ${ssm:/prod/api-key}
    STAGE_NAME: ${env:STAGE_NAME}
functions:
  f:
    handler: h.f
resources:
  Resources:
    Bucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: data-${env:DB_PASSWORD}
"""


def sides(tmp_path, base: str, head: str, **files):
    for side, text in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "serverless.yml").write_text(text)
        for name, content in files.items():
            (tmp_path / side / name).write_text(content)
    return str(tmp_path / "base"), str(tmp_path / "head")


@pytest.mark.parametrize("format", list(FORMATS))
def test_an_environment_secret_is_masked_in_every_format(format, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DB_PASSWORD", "hunter2-db-password")
    monkeypatch.setenv("STAGE_NAME", "prod")
    base, head = sides(tmp_path, SERVICE, SERVICE.replace("/prod/api-key", "/prod/api-key-2")
                       .replace("BucketName: data-", "BucketName: data2-"))
    code, out, err = run(["check", base, head, "--stage", "prod", "--format", format, "--show-all"], capsys, monkeypatch)
    assert code in (0, 1), err
    assert "hunter2-db-password" not in out + err
    assert "/prod/api-key" not in out + err  # the deploy-time reference stands for its secret value
    if format in ("json", "text"):
        assert MASK in out


def test_a_changed_secret_is_still_a_change(tmp_path, capsys, monkeypatch):
    base, head = sides(tmp_path, SERVICE, SERVICE)
    monkeypatch.setenv("STAGE_NAME", "prod")
    # the two sides read one environment: the head's own value comes from its .env file instead
    (tmp_path / "base" / ".env").write_text("DB_PASSWORD=old-secret-value\n")
    (tmp_path / "head" / ".env").write_text("DB_PASSWORD=new-secret-value\n")
    for side in ("base", "head"):
        path = tmp_path / side / "serverless.yml"
        path.write_text("useDotenv: true\n" + path.read_text())
    code, out, err = run(["changeset", base, head, "--stage", "prod", "--format", "json"], capsys, monkeypatch)
    assert code == 0, err
    assert "secret-value" not in out
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in json.loads(out)["stacks"][0]["changes"]}
    bucket = changes["Bucket"]
    assert bucket["Action"] == "Modify" and bucket["Replacement"] == "True"  # the bucket's name changed
    assert "data-****" in json.dumps(bucket)


def test_the_public_names_from_the_environment_stay_readable(tmp_path, capsys, monkeypatch):
    """A stage from the environment is in every name: masking it would hide the report, not a secret."""
    config = SERVICE.replace("  runtime: nodejs18.x\n", "  runtime: nodejs18.x\n  stage: ${env:STAGE_NAME}\n")
    monkeypatch.setenv("STAGE_NAME", "qa")
    monkeypatch.setenv("DB_PASSWORD", "hunter2-db-password")
    base, head = sides(tmp_path, config, config.replace("BucketName: data-", "BucketName: data2-"))
    code, out, err = run(["check", base, head, "--format", "json"], capsys, monkeypatch)
    assert code in (0, 1), err
    assert json.loads(out)["stacks"][0]["name"] == "svc-qa" and "hunter2" not in out


def test_dotenv_plugin_values_are_masked(tmp_path, capsys, monkeypatch):
    config = "service: svc\nplugins: [serverless-dotenv-plugin]\nprovider:\n  name: aws\n  runtime: nodejs18.x\n" \
             "functions:\n  f:\n    handler: h.f\n"
    base, head = sides(tmp_path, config, config.replace("h.f", "h.g"), **{".env": "TOKEN=plugin-token-123\n"})
    code, out, err = run(["check", base, head, "--format", "text", "--show-all"], capsys, monkeypatch)
    assert code == 0, err
    assert "plugin-token-123" not in out + err


def test_a_no_echo_parameter_is_masked(tmp_path, capsys, monkeypatch):
    def template(default: str) -> str:
        return json.dumps({"Parameters": {"Password": {"Type": "String", "NoEcho": True, "Default": default}},
                           "Resources": {"Db": {"Type": "AWS::RDS::DBInstance", "Properties": {
                               "MasterUserPassword": {"Ref": "Password"}, "Engine": "postgres",
                               "DBInstanceClass": "db.t3.micro"}}}})
    (tmp_path / "base.json").write_text(template("old-password-1"))
    (tmp_path / "head.json").write_text(template("new-password-2"))
    code, out, err = run(["check", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--format", "json"],
                         capsys, monkeypatch)
    assert code in (0, 1), err
    assert "password-1" not in out and "password-2" not in out
    [db] = [c["ResourceChange"] for c in json.loads(out)["stacks"][0]["changes"]]
    assert db["Action"] == "Modify"  # still predicted


def table(key: str, name: str) -> str:
    return json.dumps({"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}]}}}})


@pytest.mark.parametrize("format", ["text", "junit", "markdown"])
def test_a_newline_in_a_value_cannot_start_a_line(format, tmp_path, capsys, monkeypatch):
    """The replaced table keeps its custom name: the finding quotes it, newline and escape included."""
    name = "t\n::error file=x::injected\x1b[31m"
    (tmp_path / "base.json").write_text(table("id", name))
    (tmp_path / "head.json").write_text(table("pk", name))
    code, out, err = run(["check", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--format", format,
                          "--show-all"], capsys, monkeypatch)
    assert code == 1, err
    assert not any(line.lstrip().startswith("::error") for line in out.splitlines())
    assert "\x1b" not in out and "\\n::error" in out


def test_json_keeps_the_value_as_it_is(tmp_path, capsys, monkeypatch):
    def template(name: str) -> str:
        return json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": name}}}})
    (tmp_path / "base.json").write_text(template("a"))
    (tmp_path / "head.json").write_text(template("b\nc"))
    code, out, err = run(["changeset", str(tmp_path / "base.json"), str(tmp_path / "head.json"), "--format", "json"],
                         capsys, monkeypatch)
    assert code == 0 and '"b\\nc"' in out, err  # JSON's own escape of the newline


def test_masking_replaces_longest_first_and_whole_short_values():
    mask = masker(worth_masking(["abcd", "abcdef", "xy", "true", 1234, ""]))
    assert mask("pre-abcdef-post") == "pre-****-post"
    assert mask("xy") == MASK and mask("axyb") == "axyb"  # a short secret only where it is the value
    assert mask("true") == "true" and mask("1234") == MASK and mask("n1234") == "n1234"
    assert masker(worth_masking(["dev"], public=["dev"])) is None


def test_map_strings_keeps_shared_values_shared_and_leaves_other_types():
    shared = {"k": "secret-value"}
    out = map_strings({"a": shared, "b": shared, "n": 5, "t": (True, None)}, lambda s: s.upper())
    assert out["a"] is out["b"] and out["a"] == {"k": "SECRET-VALUE"} and out["n"] == 5 and out["t"] == (True, None)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9f",
                                  "\u2028", "\u2029"])
def test_every_control_character_deep_in_a_change_is_escaped(char):
    """The quick look (C's JSON encoder over the report) must find each one the walk would escape,
    deep in a property value and in a mapping that is not a dict."""
    import dataclasses
    import types

    from promotelint.app import predict
    from promotelint.model.findings import StackReport
    from promotelint.report.base import _may_hold_controls, escape_controls, presentable
    from tests.helpers import template

    def side(value: str) -> dict:
        return {"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {
            "Tags": [{"Key": "k", "Value": {"Fn::Join": ["", ["a", value]]}}]}}}}
    report = StackReport(predict(template(side("x")), template(side(f"y{char}z"))))
    shown = presentable([report], escape=True)[0]
    assert char not in json.dumps(shown.changeset.changes[0].after, ensure_ascii=False)
    assert repr(char)[1:-1] in json.dumps(shown.changeset.changes[0].after, ensure_ascii=False) or char in "\u2028\u2029"
    # wherever the walk would change a string, the quick look says "may"
    @dataclasses.dataclass(frozen=True)
    class Holder:
        value: object
        facts: object = dataclasses.field(default=None, compare=False)
    for value in (types.MappingProxyType({"k": f"v{char}"}), frozenset({f"v{char}"}), (1, [{"a": f"{char}"}]),
                  Holder(Holder({"n": [None, 2.5, True, f"{char}"]}))):
        assert map_strings(Holder(value), escape_controls) != Holder(value)
        assert _may_hold_controls(Holder(value))
    assert not _may_hold_controls(Holder("plain", facts=f"not shown{char}"))


def test_a_report_without_control_characters_is_shown_as_it_is():
    from promotelint.app import predict
    from promotelint.model.findings import StackReport
    from promotelint.report.base import presentable
    from tests.helpers import template

    side = {"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "a\\nb ü"}}}}
    head = {"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "c"}}}}
    report = StackReport(predict(template(side), template(head)))
    assert presentable([report], escape=True)[0] is not report  # a backslash: "may", the walk decides
    clean = StackReport(predict(template(head), template({"Resources": {}})))
    assert presentable([clean], escape=True)[0] is clean
