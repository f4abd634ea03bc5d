"""Issue 11 §2: the engines teams run (Serverless Framework v3, osls, v4), how promotelint picks one,
and what each changes in the template.

Serverless v4 cannot run here (its npm package downloads the framework from install.serverless.com
and needs a login), so each documented v4 difference is a small service below whose expected values
come from v4's own source, cited (serverless/serverless, packages/serverless and packages/sf-core).
osls is measured against templates osls itself made: tests/test_engine_goldens.py.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from promotelint.app import compile_path, predict
from promotelint.cli.commands import app
from promotelint.io.engines import choose_engine, framework_version
from promotelint.model.errors import InputError
from promotelint.serverless.engines import builtin_plugins, engine, satisfies


def _service(tmp_path: Path, text: str, **files: str) -> Path:
    (tmp_path / "serverless.yml").write_text(text)
    for name, content in files.items():
        (tmp_path / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name.replace("__", "/")).write_text(content)
    return tmp_path


def _install(directory: Path, package: str, version: str) -> None:
    manifest = directory / "node_modules" / package / "package.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"name": package, "version": version}))


URL_SERVICE = """\
service: eng
provider:
  name: aws
  architecture: arm64
functions:
  web:
    handler: h.web
    url: true
  py:
    handler: h.py
    runtime: python3.12
    events:
      - s3: {bucket: existing-bucket, existing: true}
"""


@pytest.mark.parametrize("name, version, runtime, custom_resource", [
    ("v3", "3.38.0", "nodejs14.x", "nodejs16.x"),  # serverless 3.38 provider.js / custom-resources/index.js
    ("v3", "3.40.0", "nodejs16.x", "nodejs18.x"),
    ("osls", "3.47.0", "nodejs16.x", "nodejs18.x"),
    ("osls", "3.48.0", "nodejs18.x", "nodejs18.x"),  # the custom resource follows a nodejs default too
    ("osls", "3.77.1", "nodejs24.x", "nodejs24.x"),
    ("v4", "4.43.0", "nodejs20.x", "nodejs22.x"),  # packages/serverless/lib/plugins/aws/provider.js getRuntime
])
def test_default_runtimes_by_engine(tmp_path, name, version, runtime, custom_resource):
    resources = compile_path(_service(tmp_path, URL_SERVICE), env={}, engine=f"{name}@{version}").data["Resources"]
    assert resources["WebLambdaFunction"]["Properties"]["Runtime"] == runtime
    assert resources["PyLambdaFunction"]["Properties"]["Runtime"] == "python3.12"
    handler = resources["CustomDashresourceDashexistingDashs3LambdaFunction"]["Properties"]
    assert handler["Runtime"] == custom_resource
    assert ("Architectures" in handler) == (name == "osls" and version == "3.77.1")


def test_osls_custom_resource_takes_a_nodejs_provider_runtime(tmp_path):
    service = _service(tmp_path, URL_SERVICE.replace("architecture: arm64", "runtime: nodejs20.x"))
    handler = compile_path(service, env={}, engine="osls@3.60.0").data["Resources"][
        "CustomDashresourceDashexistingDashs3LambdaFunction"]["Properties"]
    assert handler["Runtime"] == "nodejs20.x"
    handler = compile_path(service, env={}, engine="v3").data["Resources"][
        "CustomDashresourceDashexistingDashs3LambdaFunction"]["Properties"]
    assert handler["Runtime"] == "nodejs18.x"


@pytest.mark.parametrize("spec, permission", [
    ("v3", None), ("osls@3.55.0", None), ("osls@3.59.2", "WebLambdaPermissionFn"),
    # v4: packages/serverless/lib/plugins/aws/package/compile/functions.js (auth === 'NONE') and
    # lib/naming.js getLambdaFnUrlInvokeFunctionPermissionLogicalId
    ("v4", "WebLambdaPermissionFnUrlInvokeFunction"),
])
def test_function_url_invoke_permission(tmp_path, spec, permission):
    resources = compile_path(_service(tmp_path, URL_SERVICE), env={}, engine=spec).data["Resources"]
    ids = list(resources)
    added = [i for i in ids if i.startswith("WebLambdaPermissionFn") and i != "WebLambdaPermissionFnUrl"]
    assert added == ([permission] if permission else [])
    if permission:
        assert ids.index(permission) == ids.index("WebLambdaPermissionFnUrl") + 1
        assert resources[permission]["Properties"] == {
            "FunctionName": {"Fn::GetAtt": ["WebLambdaFunction", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": "*", "InvokedViaFunctionUrl": True}


def test_choose_engine_installed_then_framework_version_then_v3(tmp_path):
    repo = tmp_path / "repo"
    service = repo / "svc"
    service.mkdir(parents=True)
    config = str(service / "serverless.yml")
    assert choose_engine(None, config, "service: s\n", str(repo)).label == "v3 3.40.0"
    assert choose_engine(None, config, "service: s\nframeworkVersion: '4'\n", str(repo)).name == "v4"
    assert choose_engine(None, config, "frameworkVersion: \">=3.0.0 <4\"\n", str(repo)).name == "v3"
    assert choose_engine("auto", config, "frameworkVersion: 4.1.2\n", str(repo)).label == "v4 4.1.2"
    _install(tmp_path, "osls", "3.77.1")  # above the limit: not the service's
    assert choose_engine(None, config, "", str(repo)).name == "v3"
    _install(repo, "osls", "3.60.0")
    chosen = choose_engine(None, config, "frameworkVersion: '4'\n", str(repo))  # the installed one wins
    assert chosen.label == "osls 3.60.0" and chosen.chosen_by.endswith("repo/node_modules/osls/package.json")
    assert choose_engine("osls", config, "", str(repo)).label == "osls 3.60.0"  # the installed version
    assert choose_engine("v4", config, "", str(repo)).label == "v4 4.43.0"
    assert choose_engine("osls@3.48.0", config, "", str(repo)).label == "osls 3.48.0"
    _install(service, "serverless", "4.2.0")  # nearer the service than osls
    assert choose_engine(None, config, "", str(repo)).label == "v4 4.2.0"
    with pytest.raises(InputError):
        choose_engine("v5", config, "", str(repo))
    with pytest.raises(InputError):
        choose_engine("osls@latest", config, "", str(repo))


def test_framework_version_is_read_from_the_top_level_key():
    assert framework_version("service: s\nframeworkVersion: '3'\n") == "3"
    assert framework_version("custom:\n  frameworkVersion: 4\n") is None
    assert framework_version('frameworkVersion: "^4.1.0" # pinned\n') == "^4.1.0"


def test_version_gaps_in_the_published_releases_are_named():
    assert engine("osls", "3.77.1").notes == ()
    [note] = engine("osls", "3.70.0").notes
    assert "3.63.2" in note and "3.77.1" in note and "default_runtime" in note


def test_compiled_template_names_its_engine_and_different_engines_are_a_notice(tmp_path):
    service = _service(tmp_path, URL_SERVICE)
    base = compile_path(service, env={}, engine="v3")
    head = compile_path(service, env={}, engine="osls@3.77.1")
    assert (base.provenance.engine, base.provenance.engine_version) == ("v3", "3.40.0")
    assert str(head.provenance) == "offline compiler (osls 3.77.1)"
    changes = predict(base, head)
    assert changes.base_provenance == base.provenance and changes.head_provenance == head.provenance
    assert [w for w in changes.warnings if "the engine itself" in w] == [
        "base compiled for v3 3.40.0, head for osls 3.77.1: the engine itself changes the template, so some "
        "of these changes may be the engine's, not the service's"]
    assert {c.logical_id for c in changes.changes} >= {"WebLambdaFunction", "WebLambdaPermissionFn"}
    same = predict(base, compile_path(service, env={}, engine="v3"))
    assert not [w for w in same.warnings if "engine" in w]


def test_cli_engine_option(tmp_path):
    service = _service(tmp_path, URL_SERVICE)
    runner = CliRunner()
    result = runner.invoke(app, ["compile", str(service), "--engine", "v4"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["Resources"]["WebLambdaFunction"]["Properties"]["Runtime"] == "nodejs20.x"
    result = runner.invoke(app, ["check", str(service), str(service), "--engine", "osls", "--format", "json"])
    assert result.exit_code == 0, result.output
    proc = subprocess.run([sys.executable, "-m", "promotelint", "compile", str(service), "--engine", "v2"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "unknown engine 'v2'" in proc.stderr


# --- v4 -------------------------------------------------------------------------------------------

PARAMS = """\
service: params
provider:
  name: aws
  runtime: nodejs20.x
stages:
  default:
    params:
      table: default-table
      size: 128
  prod:
    params:
      table: prod-table
functions:
  f:
    handler: h.f
    memorySize: ${param:size}
    environment:
      TABLE: ${param:table}
"""


def test_v4_stage_params(tmp_path):
    # sf-core src/lib/resolvers/providers/param/param.js: stages.<stage>.params over stages.default.params
    service = _service(tmp_path, PARAMS)
    for stage, table in (("dev", "default-table"), ("prod", "prod-table")):
        props = compile_path(service, env={}, engine="v4", stage=stage).data["Resources"]["FLambdaFunction"]["Properties"]
        assert (props["Environment"]["Variables"]["TABLE"], props["MemorySize"]) == (table, 128)
    with pytest.raises(InputError) as exc:  # v3 has no stages.<stage>.params
        compile_path(service, env={}, engine="v3")
    assert "${param:size}" in exc.value.message
    # sf-core src/lib/resolvers/validation.js ensureNoParamsAndStagesTogether
    (service / "serverless.yml").write_text(PARAMS + "params:\n  default:\n    table: x\n")
    with pytest.raises(InputError) as exc:
        compile_path(service, env={}, engine="v4")
    assert '"params" and "stages" cannot be used together' in exc.value.message


DOTENV = """\
service: dotenv
provider:
  name: aws
  runtime: nodejs20.x
functions:
  f:
    handler: h.f
    environment:
      A: ${env:A, 'unset'}
      B: ${env:B, 'unset'}
      C: ${env:C, 'unset'}
"""


def test_v4_loads_dotenv_files_without_use_dotenv(tmp_path):
    # sf-core src/lib/resolvers/env.js loadEnvFiles: .env.<stage> then .env, the first value wins,
    # the process environment before both; dotenv without dotenv-expand.
    service = _service(tmp_path, DOTENV, **{".env.dev": "A=from-stage\n", ".env": "A=from-env\nB=${A}-x\n"})

    def env(spec, extra="", **variables):
        (service / "serverless.yml").write_text(DOTENV + extra)
        return compile_path(service, env=variables, engine=spec).data["Resources"]["FLambdaFunction"][
            "Properties"]["Environment"]["Variables"]

    assert env("v4") == {"A": "from-stage", "B": "${A}-x", "C": "unset"}
    assert env("v4", C="process", A="process") == {"A": "process", "B": "${A}-x", "C": "process"}
    assert env("v3") == {"A": "unset", "B": "unset", "C": "unset"}  # v3 only with useDotenv: true
    assert env("v3", "useDotenv: true\n") == {"A": "from-stage", "B": "unset", "C": "unset"}  # one file
    assert env("v4", "useDotenv: false\n") == {"A": "unset", "B": "unset", "C": "unset"}
    (service / "shared").mkdir()
    (service / "shared" / ".env").write_text("C=shared\nA=shared\n")
    assert env("v4", "useDotenv: ./shared\n")["C"] == "shared"


BUILTINS = """\
service: builtins
provider:
  name: aws
  runtime: nodejs20.x
custom:
  alerts:
    topics:
      alarm: alarms
    alarms: [functionErrors]
  prune: {automatic: true}
  apiGatewayServiceProxies:
    - sqs: {path: /q, method: post, queueName: q}
appSync:
  name: api
functions:
  f:
    handler: h.f
"""


def test_v4_builtin_plugins_are_active_by_config(tmp_path):
    # packages/serverless/lib/classes/plugin-manager.js bundledPluginDefinitions, each shouldLoad
    config = {"custom": {"alerts": {"a": 1}, "pythonRequirements": {}, "prune": {}}, "appSync": {"name": "x"}}
    assert builtin_plugins(config) == ("serverless-plugin-aws-alerts", "serverless-appsync-plugin")
    assert builtin_plugins({"custom": {"apiGatewayServiceProxies": False}}) == ()
    assert builtin_plugins({"custom": {"apiGatewayServiceProxies": []}}) == ("serverless-apigateway-service-proxy",)
    assert builtin_plugins({"custom": {"pythonRequirements": {"layer": True}}}) == ("serverless-python-requirements",)
    service = _service(tmp_path, BUILTINS)
    # The active built-ins are parts of the service nobody models (never-silent: unpredictable-change).
    v4 = compile_path(service, env={}, engine="v4", compiler="offline")
    # (the alerts plugin is modelled: its alarms are compiled, not unseen)
    assert list(dict.fromkeys(p.plugin for p in v4.unseen)) == [
        "serverless-apigateway-service-proxy", "serverless-appsync-plugin"]
    assert v4.data["Resources"]["FFunctionErrorsAlarm"]["Type"] == "AWS::CloudWatch::Alarm"
    v3 = compile_path(service, env={}, engine="v3", compiler="offline")
    assert not v3.unseen and not [w for w in v3.warnings if "plugin" in w]
    (service / "serverless.yml").write_text(BUILTINS + "plugins:\n  - serverless-plugin-aws-alerts\n")
    v4 = compile_path(service, env={}, engine="v4", compiler="offline")
    # listed and built in: the plugin runs once
    assert [p.plugin for p in v4.unseen].count("serverless-plugin-aws-alerts") == 0
    assert [k for k, v in v4.data["Resources"].items() if v["Type"] == "AWS::CloudWatch::Alarm"] == \
        ["FFunctionErrorsAlarm"]


# --- osls 4 and the provider IAM keys --------------------------------------------------------------

IAM = """\
service: iam
provider:
  name: aws
  runtime: nodejs20.x
  iamRoleStatements:
    - {Effect: Allow, Action: s3:GetObject, Resource: '*'}
functions:
  f:
    handler: h.f
"""


def test_osls_4_warns_about_provider_iam_keys_and_a_later_major_refuses_them(tmp_path):
    service = _service(tmp_path, IAM)
    v3 = compile_path(service, env={}, engine="v3")
    osls4 = compile_path(service, env={}, engine="osls@4.3.1")
    assert osls4.data["Resources"]["IamRoleLambdaExecution"] == v3.data["Resources"]["IamRoleLambdaExecution"]
    [warning] = [w for w in osls4.warnings if "iamRoleStatements" in w]
    assert "deprecated in osls 4.3.1" in warning and "provider.iam.role.statements" in warning and ":5:" in warning
    assert not [w for w in compile_path(service, env={}, engine="osls@3.77.1").warnings if "deprecated" in w]
    with pytest.raises(InputError) as exc:
        compile_path(service, env={}, engine="osls@5.0.0")
    assert exc.value.line == 5 and "provider.iam.role.statements" in (exc.value.fix or "")


def test_settings_an_engine_compiles_but_promotelint_does_not_model_are_named(tmp_path):
    service = _service(tmp_path, URL_SERVICE.replace("    url: true\n", "    url: true\n    recursiveLoop: Allow\n"
                                                     "    logs: {logFormat: JSON}\n"))
    def named(spec):
        return sorted(w.split(":")[0] for w in compile_path(service, env={}, engine=spec).warnings if "does not model" in w)
    assert named("v3") == []  # v3.40 ignores both (its schema only warns about unknown keys)
    assert named("osls@3.60.0") == ["functions.web.logs"]
    assert named("osls@3.77.1") == ["functions.web.logs", "functions.web.recursiveLoop"]
    assert named("v4") == ["functions.web.logs", "functions.web.recursiveLoop"]


def test_a_framework_refuses_a_framework_version_it_does_not_satisfy(tmp_path):
    # lib/classes/service.js: "The Serverless version (3.40.0) does not satisfy the frameworkVersion"
    service = _service(tmp_path, "service: s\nframeworkVersion: '4'\nprovider: {name: aws}\nfunctions: {f: {handler: h.f}}\n")
    assert compile_path(service, env={}).provenance.engine == "v4"  # auto: frameworkVersion 4 is v4
    with pytest.raises(InputError) as exc:
        compile_path(service, env={}, engine="v3")
    assert exc.value.line == 2 and "v3 3.40.0 does not satisfy frameworkVersion '4'" in exc.value.message
    (service / "serverless.yml").write_text((service / "serverless.yml").read_text().replace("'4'", "'~3.20'"))
    assert compile_path(service, env={}, engine="v3").provenance.engine_version == "3.40.0"  # some 3.x would do
    with pytest.raises(InputError):
        compile_path(service, env={}, engine="v3@3.40.0")  # a known version must satisfy it
    (service / "serverless.yml").write_text((service / "serverless.yml").read_text().replace("'~3.20'", "'3'"))
    with pytest.raises(InputError):
        compile_path(service, env={}, engine="osls@4.3.1")  # osls 4 asks for a pinned '3' to be updated


def test_check_names_different_engines_of_base_and_head(tmp_path):
    # frameworkVersion moved to 4 in the head: auto compiles the base with v3 and the head with v4
    for side, version in (("base", "3"), ("head", "4")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "serverless.yml").write_text(
            f"service: s\nframeworkVersion: '{version}'\nprovider: {{name: aws}}\nfunctions: {{f: {{handler: h.f}}}}\n")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "base"), str(tmp_path / "head"), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "warning: base compiled for v3 3.40.0, head for v4 4.43.0: the engine itself changes" in result.stdout


@pytest.mark.parametrize("version, declared, expected", [
    ("3.40.0", "3", True), ("3.40.0", "4", False), ("3.40.0", "^3.38.0", True), ("3.40.0", "^3.41.0", False),
    ("3.40.0", "~3.40", True), ("3.40.0", "~3.39.0", False), ("3.40.0", ">=1.0.0 <4.0.0", True),
    ("4.1.0", ">=1.0.0 <4.0.0", False), ("3.40.0", "3.x", True), ("3.40.0", "*", True), ("3.40.0", "2 || 3", True),
    ("3.40.1", "3.40.0", False), ("3.40.0", ">3", False), ("4.0.0", ">3", True), ("4.0.0", "<=3", False),
    ("3.40.0", ">3.40.0", False), ("3.40.0", "<=3.40.0", True), ("0.5.0", "^0.5.1", False), ("3.40.0", "latest", None),
])
def test_semver_ranges_of_framework_version(version, declared, expected):
    assert satisfies(version, declared) is expected


def test_v4_use_dotenv_paths_stay_inside_the_boundary(tmp_path, monkeypatch):
    service = tmp_path / "repo" / "svc"
    service.mkdir(parents=True)
    (tmp_path / ".env").write_text("A=outside\n")
    _service(service, DOTENV + "useDotenv: ../../\n")
    monkeypatch.chdir(tmp_path / "repo")
    with pytest.raises(InputError) as exc:
        compile_path(service, env={}, engine="v4")
    assert "useDotenv reads ../../, outside the current directory" in exc.value.message
