"""serverless-plugin-aws-alerts, serverless-plugin-warmup, serverless-python-requirements (`layer:`)
and serverless-plugin-tracing (issue 10): end to end through the command line, and where the real
plugins stop the framework or act on one stage only. Their regular output is held by the plugin-alerts-*,
plugin-warmup-*, plugin-pyreq-* and plugin-tracing-* fixtures, whose goldens the real plugins made."""

import json

import pytest

from promotelint.app import compile_path
from promotelint.model.errors import InputError
from promotelint.serverless.plugins import MODELLED
from promotelint.serverless.unmodelled import unseen_parts
from promotelint.model.template import Origin
from tests.test_plugins_cli import run, service

ALERTS = """\
service: orders
frameworkVersion: '3'
plugins:
  - serverless-plugin-aws-alerts
provider:
  name: aws
  runtime: nodejs18.x
custom:
  alerts:
    stages: [prod]
    topics:
      alarm: orders-${sls:stage}-alarm
    global:
      - functionErrors
functions:
  reader:
    handler: handler.reader
    alarms:
      - functionDuration
  writer:
    handler: handler.writer
"""

PYREQ = """\
service: catalog
frameworkVersion: '3'
plugins:
  - serverless-python-requirements
provider:
  name: aws
  runtime: {runtime}
custom:
  pythonRequirements:
{layer}
functions:
  api:
    handler: handler.api
    layers:
      - Ref: PythonRequirementsLambdaLayer
  worker:
    handler: handler.worker
    layers:
      - Ref: PythonRequirementsLambdaLayer
"""


def compile_text(tmp_path, config, stage="dev", engine=None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "serverless.yml").write_text(config)
    return compile_path(tmp_path, stage=stage, region="us-east-1", env={}, engine=engine)


def report(proc) -> dict:
    (stack,) = json.loads(proc.stdout)["stacks"]
    return stack


# End to end

def test_an_alarm_removed_shows_as_its_removal_and_blocks_nothing(tmp_path):
    base = service(tmp_path / "base", ALERTS)
    head = service(tmp_path / "head", ALERTS.replace("    alarms:\n      - functionDuration\n", ""))
    proc = run("changeset", base, head, "--stage", "prod", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    stack = report(proc)
    assert [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"],
             c["ResourceChange"]["ResourceType"]) for c in stack["changes"]] == \
        [("Remove", "ReaderFunctionDurationAlarm", "AWS::CloudWatch::Alarm")]
    assert (stack["findings"], stack["unpredicted"]) == ([], 0)
    assert "not in the prediction" not in proc.stderr


def test_alerts_on_a_stage_the_plugin_skips_change_nothing(tmp_path):
    base = service(tmp_path / "base", ALERTS)
    head = service(tmp_path / "head", ALERTS.replace("functionErrors", "functionThrottles"))
    proc = run("changeset", base, head, "--stage", "dev", cwd=tmp_path)
    assert proc.returncode == 0 and "No changes." in proc.stdout, proc.stdout + proc.stderr
    assert "not in the prediction" not in proc.stdout + proc.stderr
    alarms = [sorted(k for k, v in compile_text(tmp_path / side, config, stage="prod").data["Resources"].items()
                     if v["Type"] == "AWS::CloudWatch::Alarm")
              for side, config in (("b", ALERTS), ("h", ALERTS.replace("functionErrors", "functionThrottles")))]
    assert alarms == [["ReaderFunctionDurationAlarm", "ReaderFunctionErrorsAlarm", "WriterFunctionErrorsAlarm"],
                      ["ReaderFunctionDurationAlarm", "ReaderFunctionThrottlesAlarm", "WriterFunctionThrottlesAlarm"]]


def test_a_requirements_layer_change_moves_the_functions_references(tmp_path):
    config = PYREQ.format(runtime="python3.11", layer="    layer: true")
    base = service(tmp_path / "base", config)
    head = service(tmp_path / "head", config.replace(
        "    layer: true", "    layer:\n      compatibleRuntimes: [python3.11, python3.12]"))
    proc = run("changeset", base, head, "--stage", "prod", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    stack = report(proc)
    changes = {c["ResourceChange"]["LogicalResourceId"]: c["ResourceChange"] for c in stack["changes"]}
    layer = changes["PythonRequirementsLambdaLayer"]
    assert (layer["Action"], layer["Replacement"]) == ("Modify", "True")
    for function in ("ApiLambdaFunction", "WorkerLambdaFunction"):
        (detail,) = changes[function]["Details"]
        assert (changes[function]["Action"], changes[function]["Replacement"]) == ("Modify", "False")
        assert (detail["Target"]["Name"], detail["ChangeSource"], detail["CausingEntity"]) == \
            ("Layers", "ResourceReference", "PythonRequirementsLambdaLayer")
    assert (stack["findings"], stack["unpredicted"]) == ([], 0)
    assert "not in the prediction" not in proc.stderr


# serverless-plugin-aws-alerts

def test_alerts_of_a_v4_service_are_its_bundled_plugin(tmp_path):
    config = ALERTS.replace("plugins:\n  - serverless-plugin-aws-alerts\n", "").replace("'3'", "'4'")
    template = compile_text(tmp_path, config, stage="prod", engine="v4")
    alarms = sorted(k for k, v in template.data["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm")
    assert alarms == ["ReaderFunctionDurationAlarm", "ReaderFunctionErrorsAlarm", "WriterFunctionErrorsAlarm"]
    assert template.data["Resources"]["AwsAlertsAlarm"]["Properties"]["TopicName"] == "orders-prod-alarm"
    assert not template.unseen


def test_an_alarm_without_a_definition_stops_the_plugin(tmp_path):
    with pytest.raises(InputError) as caught:
        compile_text(tmp_path, ALERTS.replace("functionDuration", "functionLatency"), stage="prod")
    assert "Alarm definition functionLatency does not exist!" in str(caught.value)
    assert caught.value.line == 18


def test_an_alarm_of_no_type_stops_the_plugin(tmp_path):
    config = ALERTS.replace("      - functionDuration\n", "      - name: odd\n        type: dynamic\n")
    with pytest.raises(InputError) as caught:
        compile_text(tmp_path, config, stage="prod")
    assert "Missing type for alarm odd on function reader" in str(caught.value)


def test_stages_as_a_string_match_as_javascript_includes(tmp_path):
    template = compile_text(tmp_path, ALERTS.replace("stages: [prod]", "stages: production"), stage="prod")
    assert "ReaderFunctionErrorsAlarm" in template.data["Resources"]  # "production".includes("prod")


def test_an_external_alerts_stack_is_unseen_and_outside(tmp_path):
    config = ALERTS.replace("    stages: [prod]\n", "    stages: [prod]\n    externalStack: true\n")
    template = compile_text(tmp_path, config, stage="prod")
    assert not [k for k in template.data["Resources"] if k.endswith("Alarm")]
    (part,) = template.unseen
    assert (part.plugin, part.section, part.outside) == ("serverless-plugin-aws-alerts", "custom.alerts", True)
    assert any("externalStack" in w for w in template.warnings)


# serverless-plugin-warmup

WARMUP = """\
service: shop
frameworkVersion: '3'
plugins:
  - serverless-plugin-warmup
provider:
  name: aws
  runtime: nodejs18.x
custom:
  warmup:
    default:
      enabled: {enabled}
functions:
  cart:
    handler: handler.cart
{function}
"""


def test_a_warmer_without_functions_adds_nothing(tmp_path):
    template = compile_text(tmp_path, WARMUP.format(enabled="false", function=""))
    assert not [k for k in template.data["Resources"] if k.startswith("WarmUp")]


def test_a_warmer_enabled_by_stage(tmp_path):
    resources = compile_text(tmp_path, WARMUP.format(enabled="[staging, prod]", function=""),
                             stage="prod").data["Resources"]
    statement = resources["WarmUpPluginDefaultRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][2]
    assert statement["Resource"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:shop-prod-cart*"}]
    function = resources["WarmUpPluginDefaultLambdaFunction"]["Properties"]
    assert (function["Handler"], function["Runtime"], function["FunctionName"]) == \
        (".warmup/default/index.warmUp", "nodejs24.x", "shop-prod-warmup-plugin-default")
    assert function["Code"]["S3Key"].endswith("/warmUpPluginDefault.zip")
    assert resources["WarmUpPluginDefaultEventsRuleSchedule1"]["Properties"]["ScheduleExpression"] == "rate(5 minutes)"


def test_a_function_naming_an_unknown_warmer_stops_the_plugin(tmp_path):
    config = WARMUP.format(enabled="true", function="    warmup:\n      nightly:\n        enabled: true")
    with pytest.raises(InputError) as caught:
        compile_text(tmp_path, config)
    assert "Invalid function-level warmup configuration (nightly) in function shop-dev-cart" in str(caught.value)


# serverless-python-requirements

@pytest.mark.parametrize("layer", ["    slim: true", "    layer: false"])
def test_without_a_layer_python_requirements_is_silent(tmp_path, layer):
    config = PYREQ.format(runtime="python3.11", layer=layer).replace(
        "    layers:\n      - Ref: PythonRequirementsLambdaLayer\n", "")
    template = compile_text(tmp_path, config)
    assert "PythonRequirementsLambdaLayer" not in template.data["Resources"]
    assert not template.warnings and not template.unseen


def test_v4s_bundled_python_requirements_makes_the_layer_only_for_python(tmp_path):
    config = PYREQ.format(runtime="{runtime}", layer="    layer: true").replace(
        "plugins:\n  - serverless-python-requirements\n", "").replace("'3'", "'4'")
    python = compile_text(tmp_path / "python", config.format(runtime="python3.12"), engine="v4")
    assert python.data["Resources"]["PythonRequirementsLambdaLayer"]["Properties"]["CompatibleRuntimes"] == \
        ["python3.12"]
    assert not python.unseen and not [w for w in python.warnings if "python" in w]
    node = compile_text(tmp_path / "node", config.format(runtime="nodejs20.x").replace(
        "    layers:\n      - Ref: PythonRequirementsLambdaLayer\n", ""), engine="v4")
    assert "PythonRequirementsLambdaLayer" not in node.data["Resources"]


# serverless-plugin-tracing

def test_tracing_reads_the_providers_tracing_as_text_too(tmp_path):
    config = """\
service: traced
frameworkVersion: '3'
plugins: [serverless-plugin-tracing]
provider:
  name: aws
  runtime: nodejs18.x
  tracing: "true"
functions:
  shown:
    handler: h.shown
  hidden:
    handler: h.hidden
    tracing: "false"
"""
    resources = compile_text(tmp_path, config).data["Resources"]
    assert resources["ShownLambdaFunction"]["Properties"]["TracingConfig"] == {"Mode": "Active"}
    assert resources["HiddenLambdaFunction"]["Properties"]["TracingConfig"] == {"Mode": "PassThrough"}


def test_the_modelled_plugins_leave_no_unseen_part():
    config = {"plugins": ["serverless-plugin-aws-alerts", "serverless-plugin-warmup",
                          "serverless-python-requirements", "serverless-plugin-tracing"],
              "custom": {"alerts": {"topics": {}}, "warmup": {"default": {}}, "pythonRequirements": {"layer": True}},
              "functions": {"f": {"alarms": ["functionErrors"], "warmup": {"default": {}}}}}
    assert {"serverless-plugin-aws-alerts", "serverless-plugin-warmup", "serverless-python-requirements",
            "serverless-plugin-tracing"} <= MODELLED
    assert unseen_parts(config, lambda path: Origin("serverless.yml")) == ()
    assert unseen_parts(config, lambda path: Origin("serverless.yml"), modelled=frozenset()) != ()


def test_the_framework_compilers_alerts_in_an_external_stack_are_outside():
    # io/framework.py: the framework ran every plugin; only what acts outside the template is unseen
    config = {"plugins": ["serverless-plugin-aws-alerts"], "custom": {"alerts": {"global": ["functionErrors"]}}}
    assert unseen_parts(config, lambda path: Origin("serverless.yml"), modelled=frozenset()) == ()
    config["custom"]["alerts"]["externalStack"] = {"nameSuffix": "Alerts"}
    (part,) = unseen_parts(config, lambda path: Origin("serverless.yml"), modelled=frozenset())
    assert (part.section, part.outside) == ("custom.alerts", True)
