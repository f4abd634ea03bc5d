"""Never silently blind: a plugin's part of the service that no compiler predicted is compared by its
config section, and `unpredictable-change` blocks a promotion that changes it (no framework here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from promotelint.model.template import WHOLE_CONFIG
from promotelint.serverless.service import compile_service
from promotelint.io.files import FilesystemReader
from tests.gitrepo import Repo

ROOT = Path(__file__).resolve().parents[1]

LIFT = """service: photos
provider:
  name: aws
  runtime: nodejs18.x
constructs:
  uploads:
    type: vpc
  site:
    type: server-side-website
    assets: {'/css/*': public/css}
functions:
  hello:
    handler: handler.hello
plugins:
  - serverless-lift
"""


def compiled(tmp_path: Path, text: str):
    (tmp_path / "serverless.yml").write_text(text)
    return compile_service(tmp_path, reader=FilesystemReader(), env={})


def test_unmodelled_lift_constructs_are_unseen_parts_with_their_lines(tmp_path):
    """lift is modelled, but not its vpc and server-side-website constructs: those stay unseen parts
    (tests/test_lift.py: the constructs it renders are not)."""
    template = compiled(tmp_path, LIFT)
    parts = {p.section: p for p in template.unseen}
    assert set(parts) == {"constructs.uploads", "constructs.site"}
    assert {p.plugin for p in parts.values()} == {"serverless-lift"}
    assert parts["constructs.uploads"].origin.line == 6 and parts["constructs.site"].origin.line == 8
    assert parts["constructs.uploads"].fingerprint != parts["constructs.site"].fingerprint
    # the parts speak for the plugin: no generic warning beside them
    assert not any("serverless-lift" in w for w in template.warnings)
    assert "plugin serverless-lift: constructs.uploads makes resources that are not predicted" in template.blind_spots
    again = compiled(tmp_path, LIFT.replace("type: vpc", "type: vpc\n    natGateways: 2"))
    changed = {p.section: p.fingerprint for p in again.unseen}
    assert changed["constructs.site"] == parts["constructs.site"].fingerprint
    assert changed["constructs.uploads"] != parts["constructs.uploads"].fingerprint


@pytest.mark.parametrize("plugins, custom, expected", [
    # known to leave the template alone: silent
    ("[serverless-offline, serverless-esbuild, serverless-prune-plugin, serverless-s3-sync]", "{}", set()),
    # a plugin nobody knows reads the whole config
    ("[serverless-made-up]", "{}", {("serverless-made-up", WHOLE_CONFIG, False)}),
    # python-requirements makes a layer only with `layer:`, which is modelled (plugins/python_requirements.py)
    ("[serverless-python-requirements]", "{pythonRequirements: {dockerizePip: true}}", set()),
    ("[serverless-python-requirements]", "{pythonRequirements: {layer: true}}", set()),
    # domain-manager acts outside CloudFormation
    ("[serverless-domain-manager]", "{customDomain: {domainName: api.example.com}}",
     {("serverless-domain-manager", "custom.customDomain", True)}),
    # the alerts plugin is modelled (plugins/aws_alerts.py), except for an external stack of its own
    ("[serverless-plugin-aws-alerts]", "{alerts: {stages: [dev]}}", set()),
    ("[serverless-plugin-aws-alerts]", "{alerts: {externalStack: true}}",
     {("serverless-plugin-aws-alerts", "custom.alerts", True)}),
])
def test_which_plugins_leave_parts(tmp_path, plugins, custom, expected):
    template = compiled(tmp_path, f"service: s\nprovider: {{name: aws}}\nplugins: {plugins}\ncustom: {custom}\n"
                                  "functions:\n  f:\n    handler: h.f\n    alarms: [functionErrors]\n")
    assert {(p.plugin, p.section, p.outside) for p in template.unseen} == expected


def run(repo: Repo, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY")}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "promotelint", "check", "--base-ref", "HEAD", *args], cwd=repo.path,
                          env=env, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "repo")
    r.write("svc/serverless.yml", LIFT)
    r.write("svc/handler.js", "")
    r.commit("first")
    return r


def test_removed_lift_construct_without_a_framework_blocks(repo):
    """The issue's case (a construct removed from `constructs:` used to pass with exit 0), for a
    construct type promotelint does not render."""
    repo.write("svc/serverless.yml", LIFT.replace("  uploads:\n    type: vpc\n", ""))
    result = run(repo, "--format", "json")
    assert result.returncode == 1, result.stderr
    [stack] = json.loads(result.stdout)["stacks"]
    assert stack["base"]["compiler"] == stack["head"]["compiler"] == {"compiler": "offline", "engine": "v3", "engineVersion": "3.40.0"}
    [error] = [f for f in stack["findings"] if f["severity"] == "error"]
    assert error["rule"] == "unpredictable-change" and error["logicalId"] == "serverless-lift:constructs.uploads"
    assert "constructs.uploads changed (Remove)" in error["message"] and "serverless-lift" in error["message"]
    assert error["location"] == {"file": "svc/serverless.yml", "line": 6, "revision": "HEAD"}
    assert {u["section"]: u["action"] for u in stack["unseen"]} == {"constructs.site": "Unchanged",
                                                                    "constructs.uploads": "Remove"}


def test_unchanged_lift_section_is_a_notice_and_never_called_safe(repo):
    repo.write("svc/serverless.yml", LIFT.replace("    handler: handler.hello\n",
                                                  "    handler: handler.hello\n  other:\n    handler: handler.other\n"))
    result = run(repo)
    assert result.returncode == 0, result.stderr
    notice = "notice: cannot predict: what plugin serverless-lift makes from constructs.uploads is not modelled; constructs.uploads is unchanged"
    assert notice in result.stdout
    assert "  base and head: offline compiler (v3 3.40.0)" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == (
        "No blocking findings: 2 notices; 2 parts not predicted. 1 stack checked; none blocked.")


def test_neutral_plugins_and_severity_come_from_the_config(repo):
    repo.write("svc/serverless.yml", LIFT.replace("  uploads:\n    type: vpc\n", ""))
    repo.write(".promotelint.yml", "rules: {unpredictable-change: warning}\n")
    assert run(repo).returncode == 0  # configurable like any rule
    repo.write(".promotelint.yml", "plugins: {neutral: [serverless-lift]}\n")
    result = run(repo)
    assert result.returncode == 0 and "unpredictable-change" not in result.stdout and "lift" not in result.stdout


def test_plugins_neutral_is_validated(tmp_path):
    from promotelint.io.settings import load_config
    from promotelint.model.errors import InputError

    (tmp_path / ".promotelint.yml").write_text("fail-on: error\nplugins: {neutral: serverless-lift}\n")
    with pytest.raises(InputError, match="plugins.neutral") as caught:
        load_config(tmp_path / ".promotelint.yml")
    assert caught.value.line == 2
    (tmp_path / ".promotelint.yml").write_text("plugins: {neutral: [a, b]}\nframework: {timeout: 60}\n")
    config = load_config(tmp_path / ".promotelint.yml")
    assert (config.neutral_plugins, config.framework_timeout) == (frozenset({"a", "b"}), 60)


def test_every_format_names_each_sides_compiler_and_what_was_not_predicted():
    """Provenance and blind spots in text, JSON, SARIF, GitHub, markdown and JUnit; never "safe"."""
    import datetime
    import xml.etree.ElementTree as ET

    import jsonschema

    from promotelint.app import judge, predict
    from promotelint.io.packaged import load_builtin_rules, schema
    from promotelint.model.settings import Config
    from promotelint.model.template import Provenance, Template, UnseenPart
    from promotelint.report import FORMATS, RenderOptions

    queue = {"Type": "AWS::SQS::Queue"}
    base = Template({"Resources": {"Q": queue}}, "svc/serverless.yml", stack_name="photos-dev",
                    provenance=Provenance("framework", "v3", "3.40.0"),
                    unseen=(UnseenPart("serverless-domain-manager", "custom.customDomain", "a", outside=True),))
    head = Template({"Resources": {"Q": queue}}, "svc/serverless.yml", stack_name="photos-dev",
                    provenance=Provenance("offline"), warnings=("${ssm:/x} is not known offline",),
                    unseen=(UnseenPart("serverless-domain-manager", "custom.customDomain", "a", outside=True),))
    [report] = judge([predict(base, head)], load_builtin_rules(), Config(), datetime.date(2026, 1, 1))
    assert [f.severity for f in report.findings] == ["notice"]
    part = ("plugin serverless-domain-manager acts outside CloudFormation: custom.customDomain (unchanged) "
            "is not predicted")
    out = {name: render([report], RenderOptions(exit_code=0)) for name, render in FORMATS.items()}
    for name, text in out.items():
        assert "safe" not in text.lower(), name
        assert "${ssm:/x} is not known offline" in text, name
    assert "  base: framework compiler (v3 3.40.0); head: offline compiler" in out["text"]
    assert out["text"].endswith("No blocking findings: 1 notice; 2 parts not predicted. 1 stack checked; none blocked.\n") and part in out["text"]
    assert "base: framework compiler (v3 3.40.0); head: offline compiler" in out["markdown"] and part in out["markdown"]
    verdict = "promotelint: no blocking findings; 2 parts not predicted (1 notice). 1 stack checked; none blocked."
    assert out["github"].rstrip().endswith(verdict)
    stack = json.loads(out["json"])["stacks"][0]
    jsonschema.validate(json.loads(out["json"]), schema("report"))
    assert stack["base"]["compiler"] == {"compiler": "framework", "engine": "v3", "engineVersion": "3.40.0"}
    assert stack["head"]["compiler"] == {"compiler": "offline"} and stack["unpredicted"] == 2
    assert stack["unseen"] == [{"plugin": "serverless-domain-manager", "section": "custom.customDomain",
                                "action": "Unchanged", "outsideCloudFormation": True}]
    sarif = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if sarif.is_file():  # the properties and notifications added here are valid SARIF
        jsonschema.Draft7Validator(json.loads(sarif.read_text())).validate(json.loads(out["sarif"]))
    run = json.loads(out["sarif"])["runs"][0]
    [props] = run["properties"]["stacks"]
    assert (props["base"]["compiler"], props["base"]["engineVersion"], props["head"]["compiler"]) == \
        ("framework", "3.40.0", "offline")
    assert props["notPredicted"] == ["${ssm:/x} is not known offline", part]
    assert [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]] == [
        "photos-dev: ${ssm:/x} is not known offline", f"photos-dev: {part}"]
    suite = ET.fromstring(out["junit"]).find("testsuite")
    assert {p.get("name"): p.get("value") for p in suite.find("properties")} == {
        "base": "svc/serverless.yml (framework compiler (v3 3.40.0))", "head": "svc/serverless.yml (offline compiler)"}
    assert suite.get("skipped") == "2" and len(suite.findall("testcase/skipped")) == 2
    assert not any(c.get("name") == "promotion" for c in suite.findall("testcase"))  # no pass
