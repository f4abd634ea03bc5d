"""The compiler against templates the real framework made for small services (tests/fixtures/serverless).

Each fixture's expected.json was written by `serverless package` (tools/regen_goldens.py); the test
compiles the same service and compares after normalising only the volatile names and fields.
"""

import json
from pathlib import Path

import pytest

from promotelint.app import compile_path as compile_service
from tools.conformance import compare

FIXTURES = Path(__file__).parent / "fixtures" / "serverless"
CORE_FIXTURES = sorted(p.name for p in FIXTURES.iterdir()
                       if p.name.startswith(("core-", "events-")) and (p / "expected.json").is_file())


def compiled(name: str):
    fixture = FIXTURES / name
    info = json.loads((fixture / "fixture.json").read_text()) if (fixture / "fixture.json").is_file() else {}
    return compile_service(fixture, stage=info.get("stage", "dev"), region=info.get("region", "us-east-1"),
                           env=info.get("env") or {})


@pytest.mark.parametrize("name", CORE_FIXTURES)
def test_fixture_matches_the_framework(name):
    expected = json.loads((FIXTURES / name / "expected.json").read_text())
    result = compare(expected, dict(compiled(name).data))
    assert result.missing == [] and result.extra == []
    assert result.diffs == []


@pytest.mark.parametrize("name", CORE_FIXTURES)
def test_fixture_keeps_the_framework_key_order(name):
    expected = json.loads((FIXTURES / name / "expected.json").read_text())
    actual = compiled(name).data
    assert list(actual) == list(expected)
    # Volatile IDs (versions, deployments) sort by their stable prefix.
    strip = lambda ids: [i.split("LambdaVersion")[0] + ("LambdaVersion" if "LambdaVersion" in i else "") for i in ids]
    assert strip(actual["Resources"]) == strip(expected["Resources"])
    assert list(actual.get("Outputs", {})) == list(expected.get("Outputs", {}))


def test_version_ids_are_stable_and_follow_the_configuration(tmp_path):
    first = compiled("core-functions").data["Resources"]
    again = compiled("core-functions").data["Resources"]
    versions = sorted(i for i in first if "LambdaVersion" in i)
    assert versions == sorted(i for i in again if "LambdaVersion" in i)

    service = tmp_path / "svc"
    service.mkdir()
    (service / "serverless.yml").write_text(
        "service: s\nprovider: {name: aws, runtime: nodejs18.x}\nfunctions: {f: {handler: h.f}}\n")
    before = [i for i in compile_service(service, env={}).data["Resources"] if "LambdaVersion" in i]
    (service / "serverless.yml").write_text(
        "service: s\nprovider: {name: aws, runtime: nodejs18.x}\nfunctions: {f: {handler: h.f, memorySize: 256}}\n")
    after = [i for i in compile_service(service, env={}).data["Resources"] if "LambdaVersion" in i]
    assert len(before) == len(after) == 1 and before != after


def test_origins_point_at_the_config_entries():
    template = compiled("core-functions")
    lines = (FIXTURES / "core-functions" / "serverless.yml").read_text().splitlines()
    assert lines[template.origins["HelloLambdaFunction"].line - 1].strip() == "hello:"
    assert lines[template.origins["Table"].line - 1].strip() == "Table:"
    assert lines[template.origins["HelloLambdaFunctionUrl"].line - 1].strip() == "url:"
    assert lines[template.origins["Outputs.TableName"].line - 1].strip() == "TableName:"


@pytest.mark.parametrize("name", CORE_FIXTURES)
def test_every_resource_and_output_has_an_origin_line(name):
    template = compiled(name)
    for logical_id in template.data["Resources"]:
        assert template.origins[logical_id].line, logical_id
    for output in template.data.get("Outputs", {}):
        assert template.origins[f"Outputs.{output}"].line, output


def test_event_resources_point_at_their_event():
    template = compiled("events-queues")
    lines = (FIXTURES / "events-queues" / "serverless.yml").read_text().splitlines()
    line = template.origins["StreamerEventSourceMappingKinesisViews"].line
    assert lines[line - 1].strip() == "- stream:" and "views" in lines[line + 1]


def test_unmodelled_plugins_and_events_are_named_in_warnings(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nplugins: [serverless-offline, serverless-domain-manager]\nprovider: {name: aws}\n"
        "functions:\n  f:\n    handler: h.f\n    events:\n      - stepFunctions: {name: x}\n"
        "      - schedule: rate(1 hour)\n")
    warnings = compile_service(tmp_path, env={}).warnings
    assert any("plugin serverless-domain-manager" in w for w in warnings)
    assert not any("serverless-offline" in w for w in warnings)
    assert any('"stepFunctions" events are not modelled' in w for w in warnings)
    assert not any("schedule" in w for w in warnings)


def test_string_numbers_and_flags_are_coerced_as_the_framework_validation_does(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider: {name: aws, memorySize: '${env:MEM}', versionFunctions: '${env:VERSIONED}'}\n"
        "functions:\n  f:\n    handler: h.f\n    timeout: '${env:TIMEOUT}'\n"
        "    environment: {COUNT: 3, ON: true}\n")
    template = compile_service(tmp_path, env={"MEM": "256", "TIMEOUT": "20", "VERSIONED": "false"})
    props = template.data["Resources"]["FLambdaFunction"]["Properties"]
    assert (props["MemorySize"], props["Timeout"]) == (256, 20)
    assert props["Environment"]["Variables"] == {"COUNT": "3", "ON": "true"}
    assert not any("LambdaVersion" in i for i in template.data["Resources"])


@pytest.mark.parametrize("functions_yaml, message", [
    ("f: {handler: h.f, environment: [A=1]}", "functions.f.environment must be a mapping"),
    ("f: {handler: h.f, events: {sqs: arn:aws:sqs:us-east-1:1:q}}", "functions.f.events must be a list"),
    ("f: {handler: h.f, events: [{sqs: {arn: arn:aws:sqs:us-east-1:1:q, filterPatterns: {a: 1}}}]}",
     "filterPatterns must be a list"),
    ("f: {handler: h.f, events: [{cloudwatchLog: {logGroup: {a: 1}}}]}", "logGroup must be a string"),
    ("f: {handler: h.f, events: [{alb: {listenerArn: {Ref: L}, priority: 1, conditions: {header: x}}}]}",
     "cannot compile the service (compile alb)"),
])
def test_wrong_shapes_are_input_errors_with_the_config_line(tmp_path, functions_yaml, message):
    from promotelint.model.errors import InputError

    (tmp_path / "serverless.yml").write_text(f"service: s\nprovider: {{name: aws}}\nfunctions:\n  {functions_yaml}\n")
    with pytest.raises(InputError) as caught:
        compile_service(tmp_path, env={})
    assert message in str(caught.value)
    assert caught.value.file.endswith("serverless.yml")


def test_values_known_only_at_deploy_time_stay_opaque_and_are_named_in_warnings(tmp_path):
    from promotelint.model.opaque import contains_opaque, is_opaque

    (tmp_path / "serverless.yml").write_text("""
service: opq
provider: {name: aws, runtime: nodejs18.x}
functions:
  fn:
    handler: h.f
    name: ${ssm:/app/fn-name}
    events:
      - sqs: ${ssm:/app/queue-arn}
      - sns: ${ssm:/app/topic-arn}
      - s3: ${ssm:/app/bucket}
      - schedule: ${ssm:/app/rate}
      - eventBridge: {eventBus: "${ssm:/app/bus}", pattern: {source: [x]}}
    destinations:
      onFailure: ${ssm:/app/dest}
""")
    template = compile_service(tmp_path, env={})
    resources = template.data["Resources"]
    assert is_opaque(resources["FnLogGroup"]["Properties"]["LogGroupName"])
    assert is_opaque(resources["FnEventSourceMappingSQSAppqueuearn"]["Properties"]["EventSourceArn"])
    assert is_opaque(resources["FnSnsSubscriptionApptopicarn"]["Properties"]["TopicArn"])
    assert is_opaque(resources["S3BucketSsmappbucket"]["Properties"]["BucketName"])
    assert is_opaque(resources["FnEventsRuleSchedule1"]["Properties"]["ScheduleExpression"])
    assert contains_opaque(resources["IamRoleLambdaExecution"]["Properties"]["Policies"])
    assert all(lid.isalnum() for lid in resources)
    for variable in ("queue-arn", "topic-arn", "bucket", "dest", "bus"):
        assert any(f"/app/{variable}" in w for w in template.warnings), variable


def test_functions_and_resources_given_as_lists_are_merged_with_their_origins(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider: {name: aws}\nfunctions:\n  - a: {handler: h.a}\n  - b: {handler: h.b}\n"
        "resources:\n  - Resources: {Q: {Type: 'AWS::SQS::Queue'}}\n  - Resources: {Q: {Properties: {DelaySeconds: 1}}}\n")
    template = compile_service(tmp_path, env={})
    resources = template.data["Resources"]
    assert resources["Q"] == {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 1}}
    assert template.origins["BLambdaFunction"].line == 5
    assert template.origins["Q"].line in (7, 8)


def test_destination_permissions_are_granted_as_the_framework_memoizes_them(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider: {name: aws}\nfunctions:\n"
        "  a: {handler: h.a, destinations: {onFailure: 'arn:aws:sqs:us-east-1:1:q', onSuccess: {type: sqs, arn: x}}}\n"
        "  b: {handler: h.b, destinations: {onFailure: 'arn:aws:sqs:us-east-1:1:q', onSuccess: {type: sqs, arn: x}}}\n")
    role = compile_service(tmp_path, env={}).data["Resources"]["IamRoleLambdaExecution"]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    sends = [s["Resource"] for s in statements if s.get("Action") == "sqs:SendMessage"]
    assert sends.count("arn:aws:sqs:us-east-1:1:q") == 1 and sends.count("x") == 2
