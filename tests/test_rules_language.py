"""The rule language itself: each predicate, the combinators, sub-cases, and load-time checks."""

import pytest

from promotelint.model.errors import InputError
from promotelint.app import predict
from promotelint.io.packaged import rule_from_data as compile_rule
from promotelint.ruleengine.evaluate import evaluate
from promotelint.ruleengine.facts import FACT_NAMES, subjects
from tests.helpers import template

BASE = {"Resources": {
    "Users": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
              "Properties": {"TableName": "users", "BillingMode": "PROVISIONED"}},
    "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 30}},
    "Old": {"Type": "AWS::SNS::Topic"},
}, "Outputs": {"Arn": {"Value": "x", "Export": {"Name": "e"}}}}
HEAD = {"Resources": {
    "Users": {"Type": "AWS::DynamoDB::Table",
              "Properties": {"TableName": "users", "BillingMode": "PAY_PER_REQUEST"}},
    "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}},
    "New": {"Type": "AWS::Lambda::Function", "Properties": {"Role": "r", "Code": {"ZipFile": "x"}}},
}}


def rule(match, message="{logical-id}", **extra):
    return compile_rule({"id": "t", "severity": "warning", "summary": "s", "description": "d",
                         "match": match, "message": message, **extra}, "t.yml")


def fired(match, **extra):
    cs = predict(template(BASE), template(HEAD))
    return [f.message for f in evaluate([rule(match, **extra)], cs)]


@pytest.mark.parametrize("match,expected", [
    ({"on": "resource", "action": "Remove"}, ["Old"]),
    ({"on": "resource", "action": ["Add", "Remove"]}, ["New", "Old"]),
    ({"on": "resource", "type": "AWS::S*::*"}, ["Jobs", "Old"]),
    ({"on": "resource", "type": "@stateful-data"}, ["Users"]),
    ({"on": "resource", "type": "@stateful-transient"}, ["Jobs"]),
    ({"on": "resource", "replacement": "False"}, ["Jobs", "Users"]),
    ({"on": "resource", "changed": "/Properties/Visibility*"}, ["Jobs"]),
    ({"on": "resource", "changed": ["/DeletionPolicy"]}, ["Users"]),
    ({"on": "resource", "before": {"DeletionPolicy": "Retain"}, "after": {"DeletionPolicy": None}}, ["Users"]),
    ({"on": "resource", "after": {"Properties.VisibilityTimeout": "60"}}, ["Jobs"]),  # "60" and 60 alike
    ({"on": "resource", "after": {"Properties.TableName": {"present": True}}}, ["Users"]),
    ({"on": "resource", "facts": {"name": "users", "stateful": "data"}}, ["Users"]),
    ({"on": "resource", "any": [{"action": "Add"}, {"type": "AWS::SQS::Queue"}]}, ["Jobs", "New"]),
    ({"on": "resource", "all": [{"action": "Modify"}, {"not": {"type": "@stateful-data"}}]}, ["Jobs"]),
    ({"on": "resource", "policy-action": "Delete"}, ["Old"]),
    ({"on": "output", "action": "Remove"}, ["Outputs.Arn"]),
    ({"on": "stack", "facts": {"stack-renamed": False}}, ["template.yml"]),  # no stack name: its file
])
def test_predicates(match, expected):
    message = "{output}" if match["on"] == "output" else "{stack}" if match["on"] == "stack" else "{logical-id}"
    got = fired(match, message=message)
    assert sorted(m if match["on"] != "output" else f"Outputs.{m}" for m in got) == expected


def test_cases_each_field_from_the_first_matching_case_that_sets_it():
    cs = predict(template(BASE), template(HEAD))
    r = rule({"on": "resource", "action": "Modify"}, message="default {logical-id}", cases=[
        {"when": {"type": "AWS::SQS::Queue"}, "severity": "notice"},
        {"when": {"action": "Modify"}, "message": "modified {logical-id}"},
        {"when": {"type": "AWS::DynamoDB::Table"}, "severity": "off"},
    ])
    assert [(f.logical_id, f.severity, f.message) for f in evaluate([r], cs)] == [
        ("Jobs", "notice", "modified Jobs")]


def test_severity_override_and_off():
    cs = predict(template(BASE), template(HEAD))
    r = rule({"on": "resource", "action": "Remove"})
    assert [f.severity for f in evaluate([r], cs, {"t": "error"})] == ["error"]
    assert evaluate([r], cs, {"t": "off"}) == ()


@pytest.mark.parametrize("match,message,error", [
    ({"on": "output", "type": "AWS::S3::Bucket"}, "m", "`type` applies to resource changes only"),
    ({"on": "resource", "facts": {"colour": "red"}}, "m", "unknown fact 'colour' for on: resource"),
    ({"on": "resource", "any": [{"type": "@everything"}]}, "m", "unknown type set '@everything'"),
    ({"on": "stack"}, "{logical-id} gone", "unknown placeholder {logical-id} for on: stack"),
    ({"on": "resource", "acton": "Remove"}, "m", "unknown key match.acton"),
    ({"on": "resource", "action": "Remove", "after": {"X": {"present": "yes"}}}, "m", "invalid value at match.after.X"),
])
def test_invalid_rules_are_input_errors(match, message, error):
    with pytest.raises(InputError) as info:
        rule(match, message=message)
    assert error in str(info.value)


def test_fact_names_match_what_facts_py_computes():
    cs = predict(template(BASE), template(HEAD))
    seen = {"stack": set(), "resource": set(), "output": set()}
    for subject in subjects(cs):
        seen[subject.kind] |= set(subject.facts)
    # A DynamoDB/Cognito Modify and an Add each add their own facts; the union is the whole list.
    assert seen["stack"] == FACT_NAMES["stack"] and seen["output"] == FACT_NAMES["output"]
    assert seen["resource"] - {"schema-attributes-changed", "takes-name-of"} <= FACT_NAMES["resource"]
    assert FACT_NAMES["resource"] - seen["resource"] <= {"schema-attributes-changed", "takes-name-of"}


def test_volatile_changes_never_reach_a_rule():
    base = {"Resources": {"FnV1": {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain",
                                   "Properties": {"FunctionName": "f"}}}}
    head = {"Resources": {"FnV2": {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain",
                                   "Properties": {"FunctionName": "f", "Description": "2"}}}}
    cs = predict(template(base), template(head))
    assert len(cs.changes) == 2
    assert evaluate([rule({"on": "resource", "action": ["Add", "Remove"]})], cs) == ()


def test_a_renamed_stack_is_the_only_finding():
    from promotelint.model.template import Template
    from promotelint.io.packaged import load_builtin_rules

    base = Template(data={"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "a-t"}}}},
                    source="base.yml", stack_name="a-prod")
    head = Template(data={"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "b-t"}}}},
                    source="head.yml", stack_name="b-prod")
    cs = predict(base, head)
    assert cs.changes[0].replacement == "True"
    assert [f.rule for f in evaluate(load_builtin_rules(), cs)] == ["stack-renamed"]


def test_an_install_without_built_in_rules_is_an_error_not_a_silent_pass(tmp_path, monkeypatch):
    import promotelint.io.packaged as rules_module

    monkeypatch.setattr(rules_module, "builtin_rules_dir", lambda: tmp_path)
    with pytest.raises(RuntimeError, match="no built-in rules"):
        rules_module.load_builtin_rules()
