import json

import pytest

from promotelint.model.errors import InputError
from promotelint.parse.jsyaml import load_js_yaml
from promotelint.serverless.js import coerce_string as js_string
from promotelint.serverless.variables.parse import VariableSyntaxError, parse
from promotelint.serverless.variables.resolve import INSTANCE_ID, Inputs, Resolver
from promotelint.model.opaque import is_opaque, opaque


def resolve(text, *, options=None, env=None, params=None, files=None, service_dir="/repo/svc", root="/repo"):
    doc = load_js_yaml(text, "/repo/svc/serverless.yml")
    files = files or {}
    warnings = []
    inputs = Inputs(options=options if options is not None else {"stage": "dev", "region": "us-east-1"},
                    env=env or {}, params=params or {}, service_dir=service_dir, root=root,
                    read_text=lambda p: files[p], exists=lambda p: p in files)
    config = Resolver(doc.data, inputs, source=doc.source, positions=doc.positions, warnings=warnings).resolve_all()
    return config, warnings


def test_parse_whole_string_variable_with_fallbacks():
    [variable] = parse("${opt:stage, self:provider.stage, 'dev'}")
    assert variable["start"] is None
    assert [s.get("type") for s in variable["sources"]] == ["opt", "self", None]
    assert variable["sources"][1]["address"] == {"value": "provider.stage"}
    assert variable["sources"][2] == {"value": "dev"}


def test_parse_leaves_cloudformation_sub_syntax_alone():
    assert parse("arn:${AWS::Partition}:s3:::${Bucket}/*") is None
    assert parse("no variables") is None


def test_parse_rejects_unquoted_string_fallback():
    with pytest.raises(VariableSyntaxError):
        parse("${opt:stage, dev}")


def test_parse_nested_variable_in_address_and_param():
    [variable] = parse("${file(./config.${opt:stage}.yml):${self:custom.key}}")
    source = variable["sources"][0]
    assert source["type"] == "file"
    assert source["params"][0]["variables"][0]["sources"][0]["type"] == "opt"
    assert source["address"]["variables"][0]["sources"][0]["address"]["value"] == "custom.key"


def test_self_opt_sls_aws_and_stage_defaults():
    config, _ = resolve(
        "service: svc\nprovider:\n  name: aws\n  stage: ${opt:stage, 'dev'}\n"
        "custom:\n  a: ${self:provider.stage}\n  b: ${sls:stage}-${aws:region}\n  c: ${self:service}\n",
        options={"stage": "prod"})
    assert config["custom"] == {"a": "prod", "b": "prod-us-east-1", "c": "svc"}


def test_framework_defaults_without_options():
    config, _ = resolve("service: s\nprovider:\n  region: eu-west-1\ncustom:\n  s: ${sls:stage}\n  r: ${aws:region}\n",
                        options={})
    assert config["custom"] == {"s": "dev", "r": "eu-west-1"}


def test_fallback_chain_and_literals():
    config, _ = resolve("custom:\n  a: ${env:NOPE, self:custom.b}\n  b: ${env:ALSO_NOPE, 5}\n"
                        "  c: ${opt:nothing, 'x'}\n  d: ${env:HOME_, true}\n")
    assert config["custom"] == {"a": 5, "b": 5, "c": "x", "d": True}


def test_interpolation_coerces_like_javascript():
    config, _ = resolve("custom:\n  n: 3\n  t: true\n  l: [a, b]\n  s: n=${self:custom.n} t=${self:custom.t} l=${self:custom.l}\n")
    assert config["custom"]["s"] == "n=3 t=true l=a,b"


def test_interpolating_an_object_is_an_error_with_its_line():
    with pytest.raises(InputError) as exc:
        resolve("custom:\n  o:\n    k: v\n  s: x-${self:custom.o}\n")
    assert exc.value.line == 4 and "non-string" in exc.value.message


def test_self_into_lists_and_whole_subtrees():
    config, _ = resolve("custom:\n  list:\n    - name: first\n    - name: ${self:custom.x}\n  x: second\n"
                        "  pick: ${self:custom.list.1.name}\n  copy: ${self:custom.list}\n")
    assert config["custom"]["pick"] == "second"
    assert config["custom"]["copy"] == [{"name": "first"}, {"name": "second"}]


def test_nested_variables_resolve_inside_out():
    config, _ = resolve("custom:\n  stages:\n    prod: big\n    dev: small\n  size: ${self:custom.stages.${opt:stage}}\n",
                        options={"stage": "prod"})
    assert config["custom"]["size"] == "big"


def test_resolved_value_holding_variables_is_resolved_again():
    config, _ = resolve("custom:\n  a: ${self:custom.b}\n  b: ${self:custom.c}-x\n  c: deep\n")
    assert config["custom"]["a"] == "deep-x"


def test_env_and_params():
    config, _ = resolve("params:\n  default:\n    p: d\n    q: dq\n  dev:\n    q: devq\n"
                        "custom:\n  e: ${env:FOO}\n  p: ${param:p}\n  q: ${param:q}\n  r: ${param:r}\n",
                        env={"FOO": "bar"}, params={"r": "cli"})
    assert config["custom"] == {"e": "bar", "p": "d", "q": "devq", "r": "cli"}


def test_str_to_bool():
    config, _ = resolve("custom:\n  a: ${strToBool(true)}\n  b: ${strToBool('0')}\n  c: ${strToBool(${env:F})}\n",
                        env={"F": "False"})
    assert config["custom"] == {"a": True, "b": False, "c": False}
    with pytest.raises(InputError):
        resolve("custom:\n  a: ${strToBool(maybe)}\n")
    # parse.js keeps a param as `value || null`, so a bare 0 / false reaches strToBool as missing.
    with pytest.raises(InputError):
        resolve("custom:\n  a: ${strToBool(false)}\n")


def test_file_yaml_json_address_and_relative_paths():
    files = {
        "/repo/svc/config/dev.yml": "table: users-${self:provider.stage}\nnested:\n  size: 5\ntags: !Ref X\n",
        "/repo/shared.json": json.dumps({"vpc": {"id": "vpc-1"}}),
    }
    config, _ = resolve("provider:\n  stage: dev\ncustom:\n  all: ${file(./config/${self:provider.stage}.yml)}\n"
                        "  size: ${file(config/dev.yml):nested.size}\n  vpc: ${file(../shared.json):vpc.id}\n"
                        "  missing: ${file(./nope.yml), 'none'}\n", files=files)
    assert config["custom"]["all"] == {"table": "users-dev", "nested": {"size": 5}, "tags": {"Ref": "X"}}
    assert config["custom"]["size"] == 5
    assert config["custom"]["vpc"] == "vpc-1"
    assert config["custom"]["missing"] == "none"


def test_file_outside_the_work_tree_is_an_input_error():
    with pytest.raises(InputError) as exc:
        resolve("custom:\n  x: 1\n  a: ${file(../../etc/passwd)}\n", files={"/etc/passwd": "root"})
    assert exc.value.line == 3 and "outside" in exc.value.message


def test_javascript_file_is_opaque_with_a_warning():
    config, warnings = resolve("custom:\n  a: ${file(./vars.js):stage}\n", files={"/repo/svc/vars.js": "x"})
    assert is_opaque(config["custom"]["a"])
    assert warnings and "vars.js" in warnings[0]


def test_aws_sources_are_opaque_and_whole_strings_become_one_token():
    config, _ = resolve("custom:\n  a: ${ssm:/my/param}\n  b: arn:${aws:accountId}:x\n  c: ${cf:stack.Out, 'fallback'}\n")
    assert config["custom"]["a"] == opaque("${ssm:/my/param}")
    assert config["custom"]["b"] == opaque("arn:${aws:accountId}:x")
    assert config["custom"]["c"] == opaque("${cf:stack.Out, 'fallback'}")


def test_instance_id_is_a_stable_placeholder():
    # Issue 11: the id is the one the framework puts in ApiGatewayDeployment<id>, so it is a value
    # (filled in once the template is compiled: service.fill_instance_id), no longer an opaque token.
    first, _ = resolve("custom:\n  a: ${sls:instanceId}\n  b: ApiGatewayDeployment${sls:instanceId}\n")
    second, _ = resolve("custom:\n  a: ${sls:instanceId}\n  b: ApiGatewayDeployment${sls:instanceId}\n")
    assert first == second and first["custom"] == {"a": INSTANCE_ID, "b": "ApiGatewayDeployment" + INSTANCE_ID}


def test_missing_required_variable_names_it_and_its_line():
    with pytest.raises(InputError) as exc:
        resolve("service: s\nprovider:\n  name: aws\n  environment:\n    KEY: ${env:MISSING_KEY}\n")
    assert exc.value.line == 5
    assert "${env:MISSING_KEY}" in exc.value.message and "provider.environment.KEY" in exc.value.message


def test_reference_cycle_is_an_input_error():
    with pytest.raises(InputError) as exc:
        resolve("custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n")
    assert "circular" in exc.value.message and exc.value.line in (2, 3)


def test_whole_config_reference_is_circular_as_in_v3():
    # v3 refuses `${self:}` from inside the config it would contain ("refers to itself").
    with pytest.raises(InputError) as exc:
        resolve("service: s\ncustom:\n  all: ${self:}\n")
    assert "circular" in exc.value.message


def test_escaped_variable_stays_literal():
    config, _ = resolve("custom:\n  a: \\${self:custom.b}\n  b: x\n")
    assert config["custom"]["a"] == "${self:custom.b}"


def test_keys_are_not_resolved_like_the_framework():
    config, _ = resolve("custom:\n  name: n\nresources:\n  Resources:\n    ${self:custom.name}Bucket:\n      Type: AWS::S3::Bucket\n")
    assert list(config["resources"]["Resources"]) == ["${self:custom.name}Bucket"]


def test_js_string():
    assert js_string([1, None, True, "a"]) == "1,,true,a"
    assert js_string(2.0) == "2" and js_string({"a": 1}) is None


def test_reference_into_an_unknown_value_is_unknown_under_its_own_text():
    config, _ = resolve("custom:\n  secret: ${ssm:/app/config}\n  same: ${self:custom.secret}\n"
                        "  part: ${self:custom.secret.password}\n")
    assert config["custom"]["same"] == opaque("${ssm:/app/config}")
    assert config["custom"]["part"] == opaque("${self:custom.secret.password}")
