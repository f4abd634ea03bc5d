"""serverless-step-functions compiled natively: against templates the real plugin made
(tests/fixtures/serverless/plugin-step-functions-*, tools/regen_goldens.py), the plugin's errors as
input errors, and promotions of state machines through the command line."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from promotelint.app import compile_path
from promotelint.model.errors import InputError
from promotelint.model.opaque import is_opaque
from tools.conformance import compare

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "serverless"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("plugin-step-functions-"))
VOLATILE = re.compile(r"(LambdaVersion|ApiGatewayDeployment)(?!Stage)\w+")


def _compiled(name):
    return compile_path(FIXTURES / name, stage="dev", region="us-east-1", env={})


def _expected(name):
    return json.loads((FIXTURES / name / "expected.json").read_text())


def test_the_fixtures_cover_the_plugin():
    assert NAMES == ["plugin-step-functions-events", "plugin-step-functions-machines",
                     "plugin-step-functions-monitoring"]


@pytest.mark.parametrize("name", NAMES)
def test_fixture_matches_the_plugin(name):
    result = compare(_expected(name), dict(_compiled(name).data))
    assert (result.missing, result.extra) == ([], [])
    assert result.diffs == []


@pytest.mark.parametrize("name", NAMES)
def test_fixture_keeps_the_plugin_order(name):
    expected, actual = _expected(name), _compiled(name).data
    for section in ("Resources", "Outputs"):
        assert [VOLATILE.sub(r"\1", k) for k in actual.get(section, {})] == \
            [VOLATILE.sub(r"\1", k) for k in expected.get(section, {})]


def test_logical_ids_follow_id_then_name_then_the_key():
    resources = _compiled("plugin-step-functions-machines").data["Resources"]
    assert resources["PlainStepFunctionsStateMachine"]["Properties"]["RoleArn"] == {
        "Fn::GetAtt": ["PlainStepFunctionsStateMachineRole", "Arn"]}
    assert resources["OrdersDashdev"]["Properties"]["StateMachineName"] == "orders-dev"
    identified = resources["OrdersWorkflow"]
    assert identified["Properties"]["StateMachineName"] == "orders-workflow"
    assert identified["DeletionPolicy"] == "Retain"
    assert "OrdersWorkflowRole" not in resources  # a given role: none generated


def test_function_references_in_definitions():
    definition = _compiled("plugin-step-functions-machines").data["Resources"][
        "PlainStepFunctionsStateMachine"]["Properties"]["DefinitionString"]["Fn::Sub"]
    text, parameters = definition
    # a Ref of a function becomes its static ARN; a GetAtt a Fn::Sub parameter, renamed to the logical ID
    assert "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:sfn-machines-dev-world-fn" in text
    assert {"Fn::GetAtt": ["HelloLambdaFunction", "Arn"]} in parameters.values()
    assert {"Ref": "PauseSeconds"} in parameters.values()
    assert re.search(r'"Seconds": \$\{[0-9a-f]{32}\}', text)  # a Wait's intrinsic Seconds is unquoted
    assert "#{" not in text and '"region": "${AWS::Region}"' in text


def test_validate_sets_the_query_language_of_every_state():
    text = _compiled("plugin-step-functions-monitoring").data["Resources"]["Pipeline"]["Properties"][
        "DefinitionString"]
    text = text["Fn::Sub"] if isinstance(text["Fn::Sub"], str) else text["Fn::Sub"][0]
    definition = json.loads(re.sub(r'\$\{\w+\}', "x", text))
    assert definition["States"]["Queue"]["QueryLanguage"] == "JSONPath"
    assert definition["States"]["Fanout"]["ItemProcessor"]["States"]["Run"]["QueryLanguage"] == "JSONPath"


def test_ignored_alarms_and_notifications_are_named_in_warnings():
    warnings = _compiled("plugin-step-functions-monitoring").warnings
    assert any("notAMetric" in w for w in warnings)
    assert any("sibling" in w and '"metrics" must be an array' in w for w in warnings)
    assert any("express" in w and "EXPRESS" in w for w in warnings)
    assert not any("plugin serverless-step-functions" in w for w in warnings)  # modelled


def test_resources_point_at_their_config():
    template = _compiled("plugin-step-functions-events")
    lines = (FIXTURES / "plugin-step-functions-events" / "serverless.yml").read_text().splitlines()

    def line_of(logical_id):
        return lines[template.origins[logical_id].line - 1].strip()

    assert line_of("OrdersDashdev") == "orders:"
    assert line_of("OrdersStepFunctionsEventsRuleSchedule1") == "- schedule: rate(1 hour)"
    assert line_of("NightlyStepFunctionsSchedulerSchedule1") == "- schedule:"
    assert line_of("ApiGatewayMethodOrdersSyncPut").startswith("- http")
    for logical_id in template.data["Resources"]:
        assert template.origins[logical_id].line, logical_id


def _service(tmp_path, machines_yaml, extra=""):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nplugins: [serverless-step-functions]\nprovider: {name: aws, runtime: nodejs18.x}\n"
        f"functions:\n  hello: {{handler: h.hello}}\n{extra}stepFunctions:\n  stateMachines:\n{machines_yaml}")
    return tmp_path


DEFINITION = "      definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}\n"


@pytest.mark.parametrize("machine, message", [
    ("    m:\n      colour: blue\n" + DEFINITION, 'State machine [m] is malformed'),
    ("    m:\n      role: {Fn::Sub: x}\n" + DEFINITION, '"role" does not match any of the allowed types'),
    ("    m:\n      events: [{schedule: {enabled: true}}]\n" + DEFINITION, 'Missing "rate" property'),
    ('    m:\n      events: [{schedule: {rate: rate(1 hour), input: {a: say "hi"}}}]\n' + DEFINITION,
     "cannot build the schedule rule"),
    ("    m:\n      events: [{http: {path: x, method: fetch}}]\n" + DEFINITION, 'Invalid APIG method "fetch"'),
    ("    m:\n      events: [{http: {path: x, method: get, cors: {origin: a, origins: [b]}}}]\n" + DEFINITION,
     'You can only use "origin" or "origins"'),
    ("    m:\n      role: arn:aws:iam::1:role/r\n", '"definition" is required'),
    ("    m:\n      notifications: {FAILED: [{sqs: {Ref: Q}}]}\n" + DEFINITION, "Unable to convert SQS ARN"),
])
def test_what_the_plugin_refuses_is_an_input_error_at_its_line(tmp_path, machine, message):
    with pytest.raises(InputError) as caught:
        compile_path(_service(tmp_path, machine), env={})
    assert message in str(caught.value)
    assert caught.value.file.endswith("serverless.yml") and caught.value.line > 5


def test_values_known_only_at_deploy_time_make_the_definition_unknown(tmp_path):
    machine = ("    m:\n      definition:\n        StartAt: A\n        States:\n"
               "          A: {Type: Pass, Result: '${ssm:/app/value}', End: true}\n")
    properties = compile_path(_service(tmp_path, machine), env={}).data["Resources"][
        "MStepFunctionsStateMachine"]["Properties"]
    assert is_opaque(properties["DefinitionString"]) and "${ssm:/app/value}" in str(properties["DefinitionString"])


def test_no_state_machines_no_resources(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nplugins: [serverless-step-functions]\nprovider: {name: aws}\nfunctions: {f: {handler: h.f}}\n")
    resources = compile_path(tmp_path, env={}).data["Resources"]
    assert not any("StepFunctions" in r["Type"] for r in resources.values())


# Promotions through the command line (issue 9)

BASE = """\
service: orders
frameworkVersion: '3'
plugins: [serverless-step-functions]
provider: {name: aws, runtime: nodejs18.x}
functions:
  hello: {handler: handler.hello}
stepFunctions:
  stateMachines:
    orders:
      name: orders-v1
      definition:
        StartAt: Call
        States:
"""
CALL_END = "          Call: {Type: Task, Resource: {Fn::GetAtt: [hello, Arn]}, End: true}\n"
CALL_WAIT = ("          Call: {Type: Task, Resource: {Fn::GetAtt: [hello, Arn]}, Next: Pause}\n"
             "          Pause: {Type: Wait, Seconds: 5, End: true}\n")


def _check(tmp_path, base, head):
    for side, text in (("base", base), ("head", head)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "serverless.yml").write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1")
    proc = subprocess.run([sys.executable, "-m", "promotelint", "check", "base", "head", "--stage", "prod",
                           "--format", "json"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    stack = json.loads(proc.stdout)["stacks"][0]
    return proc.returncode, stack, {(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"]):
                                    c["ResourceChange"] for c in stack["changes"]}


def test_renaming_a_state_machine_removes_it_and_adds_another(tmp_path):
    code, stack, changes = _check(tmp_path, BASE + CALL_END, (BASE + CALL_END).replace("orders-v1", "orders-v2"))
    assert set(changes) == {("Remove", "OrdersDashv1"), ("Add", "OrdersDashv2"),
                            ("Remove", "OrdersDashv1Role"), ("Add", "OrdersDashv2Role")}
    assert changes[("Remove", "OrdersDashv1")]["ResourceType"] == "AWS::StepFunctions::StateMachine"
    # the state machine's ARN output, exported by the plugin, goes too: with nothing in the repository
    # importing it, a notice (issue 12: framework-made exports), never silent
    assert code == 0 and ("export-removed", "notice") in [(f["rule"], f["severity"]) for f in stack["findings"]]


def test_adding_a_state_modifies_the_state_machine_in_place(tmp_path):
    code, stack, changes = _check(tmp_path, BASE + CALL_END, BASE + CALL_WAIT)
    assert code == 0 and stack["findings"] == []
    (change,) = changes.values()
    assert (change["Action"], change["LogicalResourceId"], change["Replacement"]) == ("Modify", "OrdersDashv1", "False")
    assert [(d["Target"]["Name"], d["Target"]["RequiresRecreation"]) for d in change["Details"]] == [
        ("DefinitionString", "Never")]
