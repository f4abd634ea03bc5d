"""Issue 11 §1: what real services showed the compiler getting wrong, each against a golden the real
framework (serverless 3.40.0) wrote (tests/fixtures/serverless/fidelity-*; tools/regen_goldens.py)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from promotelint.app import compile_path
from promotelint.model.errors import InputError
from promotelint.parse.jsyaml import load_js_yaml
from promotelint.serverless.coerce import policy_principal_aws, policy_resource
from tools.conformance import compare

FIXTURES = Path(__file__).parent / "fixtures" / "serverless"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.name.startswith("fidelity-"))


def _compiled(name, **kwargs):
    info_path = FIXTURES / name / "fixture.json"
    info = json.loads(info_path.read_text()) if info_path.is_file() else {}
    return compile_path(FIXTURES / name / info.get("service_dir", "."), env={}, **kwargs)


def _expected(name):
    return json.loads((FIXTURES / name / "expected.json").read_text())


@pytest.mark.parametrize("name", NAMES)
def test_fidelity_fixture_matches_the_framework(name):
    result = compare(_expected(name), dict(_compiled(name).data))
    assert (result.missing, result.extra, result.diffs) == ([], [], [])


def test_tracing_boolean_is_ignored_with_a_warning_as_the_framework_does(tmp_path):
    template = _compiled("fidelity-tracing-boolean")
    functions = {k: v["Properties"] for k, v in template.data["Resources"].items() if v["Type"] == "AWS::Lambda::Function"}
    assert "TracingConfig" not in functions["ApiLambdaFunction"]
    assert functions["TracedLambdaFunction"]["TracingConfig"] == {"Mode": "PassThrough"}
    assert "TracingEnabled" not in template.data["Resources"]["ApiGatewayDeployment" + _deployment(template)[20:]][
        "Properties"].get("StageDescription", {})
    assert any("provider.tracing must be a mapping" in w for w in template.warnings)
    # configValidationMode: error makes the framework refuse it; so does promotelint (exit 2).
    service = tmp_path / "svc"
    shutil.copytree(FIXTURES / "fidelity-tracing-boolean", service)
    text = (service / "serverless.yml").read_text()
    (service / "serverless.yml").write_text(text.replace("frameworkVersion: '3'", "frameworkVersion: '3'\n"
                                                         "configValidationMode: error"))
    with pytest.raises(InputError) as exc:
        compile_path(service, env={})
    assert "provider.tracing must be a mapping" in exc.value.message and exc.value.line == 9


def _deployment(template):
    return next(k for k in template.data["Resources"] if k.startswith("ApiGatewayDeployment"))


def test_tab_between_a_key_and_its_colon_is_a_blank_like_js_yaml():
    doc = load_js_yaml("a:\n  KEY\t: '1'\n  B \t : 2\n  c: |\n    x\t: literal\nl:\n  - K\t: v\n", "s.yml")
    assert doc.data == {"a": {"KEY": "1", "B": 2, "c": "x\t: literal\n"}, "l": [{"K": "v"}]}
    assert doc.positions[("a", "B")][0] == 3  # lines stay where they were
    env = _compiled("fidelity-key-tab").data["Resources"]["HelloLambdaFunction"]["Properties"]["Environment"]
    assert env == {"Variables": {"STAGE": "dev", "LOG_LEVEL": "1", "PLAIN": "ok", "FEATURE": "on"}}
    with pytest.raises(InputError):  # a tab that js-yaml refuses too still fails, on its line
        load_js_yaml("a:\n\tb: 1\n", "s.yml")


@pytest.mark.parametrize("value, iam, api", [
    (["arn:aws:ses:us-east-1:1:identity/x"], "arn:aws:ses:us-east-1:1:identity/x", "arn:aws:ses:us-east-1:1:identity/x"),
    (["*"], ["*"], ["*"]),
    (["MyLogical"], "MyLogical", ["MyLogical"]),
    (["execute-api:/*/GET/x"], ["execute-api:/*/GET/x"], "execute-api:/*/GET/x"),
    (["not an arn"], ["not an arn"], ["not an arn"]),
    ("not an arn", ["not an arn"], ["not an arn"]),
    ([12], "12", ["12"]),
    ([{"Fn::GetAtt": ["T", "Arn"]}], [{"Fn::GetAtt": ["T", "Arn"]}], [{"Fn::GetAtt": ["T", "Arn"]}]),
    (["arn:a", 12, ["arn:n"]], ["arn:a", "12", "arn:n"], ["arn:a", "12", "arn:n"]),
    ("*", "*", "*"),
])
def test_policy_resource_follows_the_schema_union(value, iam, api):
    assert policy_resource(json.loads(json.dumps(value))) == iam
    assert policy_resource(json.loads(json.dumps(value)), api=True) == api


def test_policy_principal_aws_becomes_a_list_of_text():
    assert policy_principal_aws("arn:aws:iam::1:root") == ["arn:aws:iam::1:root"]
    assert policy_principal_aws(123456789012) == ["123456789012"]
    assert policy_principal_aws("*") == "*" and policy_principal_aws(["a"]) == ["a"]


def test_one_item_iam_resource_lists_in_the_compiled_role():
    statements = _compiled("fidelity-policy-unions").data["Resources"]["IamRoleLambdaExecution"][
        "Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    resources = [s.get("Resource", s.get("NotResource")) for s in statements[2:]]
    assert resources[:4] == ["arn:aws:ses:us-east-1:123456789012:identity/example.com", ["*"], "MyLogical", "bucket*"]


def test_instance_id_is_the_rest_api_deployment_id():
    template = _compiled("fidelity-instance-id")
    deployment = _deployment(template)
    resources = template.data["Resources"]
    assert resources["ApiMapping"]["DependsOn"] == [deployment]
    assert template.data["Outputs"]["Instance"]["Value"] == deployment[len("ApiGatewayDeployment"):]
    assert resources["ApiLambdaFunction"]["Properties"]["Environment"]["Variables"]["DEPLOYMENT"] == deployment
    assert _compiled("fidelity-instance-id").data == template.data  # stable from run to run


def test_instance_id_without_a_rest_api_is_stable_and_follows_the_template(tmp_path):
    (tmp_path / "serverless.yml").write_text("service: s\nprovider: {name: aws, runtime: nodejs18.x}\n"
                                             "functions:\n  f:\n    handler: h.f\n    description: ${sls:instanceId}\n")
    first = compile_path(tmp_path, env={}).data["Resources"]["FLambdaFunction"]["Properties"]["Description"]
    assert first.isdigit() and len(first) == 13 and first == compile_path(tmp_path, env={}).data[
        "Resources"]["FLambdaFunction"]["Properties"]["Description"]


def test_only_a_resolved_instance_id_is_filled_in(tmp_path):
    """The placeholder is filled in when a ${sls:instanceId} was resolved (the resolver says so; the
    test above): the same digits written in a config without one are the user's own, kept."""
    from promotelint.serverless.variables.resolve import INSTANCE_ID

    (tmp_path / "serverless.yml").write_text("service: s\nprovider: {name: aws, runtime: nodejs18.x}\n"
                                             f"functions:\n  f:\n    handler: h.f\n    description: '{INSTANCE_ID}'\n")
    props = compile_path(tmp_path, env={}).data["Resources"]["FLambdaFunction"]["Properties"]
    assert props["Description"] == INSTANCE_ID


def _monorepo(tmp_path):
    root = tmp_path / "exported"
    shutil.copytree(FIXTURES / "fidelity-monorepo-file", root)
    return root, root / "services" / "api"


def test_file_above_the_service_outside_git_reads_up_to_root_or_the_current_directory(tmp_path, monkeypatch):
    root, service = _monorepo(tmp_path)
    expected = _expected("fidelity-monorepo-file")
    monkeypatch.chdir(tmp_path / "exported" / "services")  # holds the service, not the shared file
    with pytest.raises(InputError) as exc:
        compile_path(service, env={})
    assert "outside the current directory" in exc.value.message and exc.value.line == 5
    assert not compare(expected, dict(compile_path(service, env={}, root=root).data)).diffs
    monkeypatch.chdir(root)  # a CI job working on an exported tree, from its top
    assert not compare(expected, dict(compile_path(service, env={}).data)).diffs
    with pytest.raises(InputError) as exc:
        compile_path(service, env={}, root=root / "services")
    assert "outside --root" in exc.value.message


def test_file_boundary_is_the_git_work_tree_when_there_is_one(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root, service = _monorepo(tmp_path)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    monkeypatch.chdir(service)
    assert not compare(_expected("fidelity-monorepo-file"), dict(compile_path(".", env={}).data)).diffs
    (service / "serverless.yml").write_text("service: s\ncustom: ${file(../../../secret.yml)}\n")
    (tmp_path / "secret.yml").write_text("a: 1\n")
    with pytest.raises(InputError) as exc:
        compile_path(".", env={}, root=tmp_path)  # --root does not widen a git work tree
    assert "outside the git work tree" in exc.value.message


def test_relative_service_path_reads_its_own_files(tmp_path, monkeypatch):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "serverless.yml").write_text("service: s\ncustom: ${file(./c.yml)}\nprovider: {name: aws}\n")
    (tmp_path / "svc" / "c.yml").write_text("k: v\n")
    monkeypatch.chdir(tmp_path / "svc")
    assert compile_path(".", env={}).source == "serverless.yml"
    monkeypatch.chdir(tmp_path)
    assert compile_path("svc", env={}).source == "svc/serverless.yml"
