"""Allow lists as pure functions: matching, expiry boundaries, metadata entries."""

import datetime

import pytest

from promotelint.model.settings import AllowEntry
from promotelint.model.errors import InputError
from promotelint.model.findings import Finding
from promotelint.app import predict
from promotelint.verdict.suppress import metadata_allows, suppress
from tests.helpers import template

DAY = datetime.date(2027, 1, 31)


def finding(rule="stateful-resource-removed", lid="NotesTable"):
    return Finding(rule=rule, severity="error", summary="s", message="m", logical_id=lid)


def test_glob_on_rule_and_resource_and_stack_level_findings():
    entries = [AllowEntry("stateful-*", "migrated", "Notes*"), AllowEntry("stack-renamed", "planned")]
    out = suppress([finding(), finding(lid="Other"), finding("stack-renamed", None)], entries, DAY)
    assert [(f.logical_id, f.suppressed, f.suppression_reason) for f in out] == [
        ("NotesTable", True, "migrated"), ("Other", False, None), (None, True, "planned")]


def test_a_resource_glob_never_matches_a_stack_level_finding():
    out = suppress([finding("stack-renamed", None)], [AllowEntry("stack-renamed", "x", "*")], DAY)
    assert not out[0].suppressed and out[1].rule == "allow-unused"


def test_an_entry_still_holds_on_its_expiry_day_and_not_after():
    entry = AllowEntry("stateful-resource-removed", "until the migration ends", "NotesTable", DAY)
    assert suppress([finding()], [entry], DAY)[0].suppressed
    later = suppress([finding()], [entry], DAY + datetime.timedelta(days=1))
    assert [(f.rule, f.severity, f.suppressed) for f in later] == [
        ("stateful-resource-removed", "error", False), ("allow-expired", "notice", False)]
    assert "expired on 2027-01-31" in later[1].message


def test_metadata_entries_apply_to_their_own_resource():
    base = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PROVISIONED"}}}}
    head = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PAY_PER_REQUEST"},
                                "Metadata": {"promotelint": {"allow": [{"rule": "update-will-fail", "reason": "r"}]}}}}}
    (entry,) = metadata_allows(predict(template(base), template(head)))
    assert (entry.rule, entry.resource, entry.reason) == ("update-will-fail", "T", "r")


@pytest.mark.parametrize("meta", [
    {"promotelint": {"allow": [{"rule": "update-will-fail"}]}},
    {"promotelint": {"allow": [{"rule": "update-will-fail", "reason": " "}]}},
    {"promotelint": {"allow": [{"rule": "update-will-fail", "reason": "r", "resource": "X"}]}},
    {"promotelint": {"allow": {"rule": "update-will-fail", "reason": "r"}}},
])
def test_malformed_metadata_entries_are_input_errors(meta):
    base = {"Resources": {"T": {"Type": "AWS::SQS::Queue"}}}
    head = {"Resources": {"T": {"Type": "AWS::SQS::Queue", "Metadata": meta}}}
    with pytest.raises(InputError, match="T: "):
        metadata_allows(predict(template(base), template(head)))


def test_metadata_naming_an_unknown_rule_is_an_input_error():
    from promotelint.app import judge
    from promotelint.io.packaged import load_builtin_rules
    from promotelint.model.settings import Config

    base = {"Resources": {"T": {"Type": "AWS::SQS::Queue"}}}
    head = {"Resources": {"T": {"Type": "AWS::SQS::Queue", "Metadata": {
        "promotelint": {"allow": [{"rule": "update-will-fial", "reason": "r"}]}}}}}
    with pytest.raises(InputError, match="did you mean update-will-fail"):
        judge([predict(template(base), template(head))], load_builtin_rules(), Config(), DAY)[0]


def test_config_entries_span_stacks_and_their_notices_come_once():
    from promotelint.app import judge as judge_all
    from promotelint.io.packaged import load_builtin_rules
    from promotelint.model.settings import Config

    table = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table"}}}
    empty = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
    removal = predict(template(table), template({"Resources": {"T2": {"Type": "AWS::SNS::Topic"}}}))
    quiet = predict(template(empty), template(empty))
    config = Config(allow=(AllowEntry("stateful-resource-removed", "planned", "T"),
                           AllowEntry("export-removed", "stale", None)))
    reports = judge_all([quiet, removal, quiet], load_builtin_rules(), config, DAY)
    assert [[(f.rule, f.suppressed) for f in r.findings] for r in reports] == [
        [("allow-unused", False)], [("stateful-resource-removed", True)], []]
