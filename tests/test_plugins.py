"""The plugin compilers where the real plugins stop the framework, only print, or read oddly: each
expectation below is what serverless 3.40 with the plugin did on the same service (the regular
outputs are the plugin-* fixtures' goldens)."""

import json

import pytest

from promotelint.app import compile_path
from promotelint.model.errors import InputError
from promotelint.model.opaque import is_opaque
from promotelint.serverless.dotenv import dotenv_load, dotenv_parse, js_replace_first

IAM_SERVICE = """\
service: {service}
frameworkVersion: '3'
plugins: [serverless-iam-roles-per-function]
provider:
  name: aws
  runtime: nodejs18.x
{provider}
functions:
  {function}:
    handler: h.f
{settings}
    iamRoleStatements:
      - {{Effect: Allow, Action: [s3:GetObject], Resource: "*"}}
"""


def compile_text(tmp_path, config, env=None, stage="dev", **files):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "serverless.yml").write_text(config)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return compile_path(tmp_path, stage=stage, region="us-east-1", env=env or {})


def iam_error(tmp_path, service="svc", provider="", function="f", settings="") -> InputError:
    config = IAM_SERVICE.format(service=service, provider=provider, function=function, settings=settings)
    with pytest.raises(InputError) as caught:
        compile_text(tmp_path, config)
    return caught.value


def test_role_name_too_long_even_without_the_suffix(tmp_path):
    error = iam_error(tmp_path, service="a-service-with-quite-a-long-name", function="andAFunctionNamedAtLength")
    assert "is too long (over 64 chars)" in error.message and error.line == 12
    assert "iamRoleStatementsName" in error.fix


def test_role_and_statements_together(tmp_path):
    error = iam_error(tmp_path, settings="    role: arn:aws:iam::123456789012:role/own")
    assert "both 'role' and 'iamRoleStatements'" in error.message and error.line == 11


def test_provider_role_leaves_nothing_to_copy(tmp_path):
    error = iam_error(tmp_path, provider="  iam:\n    role: arn:aws:iam::123456789012:role/x")
    assert "no default execution role" in error.message


def test_custom_provider_role_name_needs_a_function_role_name(tmp_path):
    error = iam_error(tmp_path, provider="  iam:\n    role:\n      name: custom")
    assert "Global Role Name is not in expected format" in error.message
    config = IAM_SERVICE.format(service="svc", provider="  iam:\n    role:\n      name: custom", function="f",
                                settings="    iamRoleStatementsName: mine")
    template = compile_text(tmp_path, config)
    assert template.data["Resources"]["FIamRoleLambdaExecution"]["Properties"]["RoleName"] == "mine"


def test_statement_without_effect(tmp_path):
    config = IAM_SERVICE.format(service="svc", provider="", function="f", settings="").replace("Effect: Allow, ", "")
    with pytest.raises(InputError, match="statement 0 is missing the following properties: Effect"):
        compile_text(tmp_path, config)


def test_stream_of_another_kind(tmp_path):
    settings = "    events:\n      - stream: arn:aws:sqs:us-east-1:123456789012:q"
    error = iam_error(tmp_path, settings=settings)
    assert "Unsupported stream type: sqs" in error.message and error.line == 12


def test_stream_only_known_at_deploy_time_warns(tmp_path):
    settings = "    events:\n      - stream: ${ssm:/streams/orders}"
    config = IAM_SERVICE.format(service="svc", provider="", function="f", settings=settings)
    template = compile_text(tmp_path, config)
    assert "FIamRoleLambdaExecution" in template.data["Resources"]
    assert any("stream ${ssm:/streams/orders} is not known offline" in w for w in template.warnings)


SERVICE = """\
service: svc
plugins: [{plugin}]
{custom}
provider:
  name: aws
  runtime: nodejs18.x
{provider}
functions:
  f:
    handler: h.f
"""
PSEUDO_ENVIRONMENT = """\
  environment:
    UNKNOWN: ${ssm:/prefix}-#{AWS::Region}
    KNOWN: "#{AWS::Region}"
"""


def pseudo_service(custom: str) -> str:
    return SERVICE.format(plugin="serverless-pseudo-parameters", custom=custom, provider=PSEUDO_ENVIRONMENT)


def test_pseudo_parameters_leave_unknown_values_alone(tmp_path):
    template = compile_text(tmp_path, pseudo_service(""))
    variables = template.data["Resources"]["FLambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert is_opaque(variables["UNKNOWN"]) and variables["KNOWN"] == {"Fn::Sub": "${AWS::Region}"}


def test_pseudo_parameters_settings_of_null(tmp_path):
    with pytest.raises(InputError, match=r"reading 'skipRegionReplace'") as caught:
        compile_text(tmp_path, pseudo_service("custom:\n  pseudoParameters:"))
    assert caught.value.line == 4


def dotenv_service(custom: str) -> str:
    return SERVICE.format(plugin="serverless-dotenv-plugin", custom=custom, provider="")


def variables(template) -> dict:
    return template.data["Resources"]["FLambdaFunction"]["Properties"]["Environment"]["Variables"]


def test_dotenv_self_reference_only_prints_in_the_plugin(tmp_path):
    template = compile_text(tmp_path, dotenv_service(""), **{".env": "OK=1\nA=$A-x\n"})
    assert variables(template) == {}
    assert any("the value of A expands into itself" in w for w in template.warnings)
    custom = "custom:\n  dotenv:\n    v4BreakingChanges: true"
    with pytest.raises(InputError, match="expands into itself"):
        compile_text(tmp_path, dotenv_service(custom))


def test_dotenv_include_as_a_string_matches_substrings(tmp_path):
    custom = "custom:\n  dotenv:\n    include: AB"
    template = compile_text(tmp_path, dotenv_service(custom), **{".env": "A=1\nB=2\nAB=3\nC=4\n"})
    assert variables(template) == {"A": "1", "B": "2", "AB": "3"}


def test_dotenv_include_of_another_type_only_prints(tmp_path):
    custom = "custom:\n  dotenv:\n    include: 5"
    template = compile_text(tmp_path, dotenv_service(custom), **{".env": "A=1\n"})
    assert variables(template) == {} and any("include" in w for w in template.warnings)


def test_dotenv_for_node_env_test_reads_a_file_named_false(tmp_path):
    files = {"false": "FROM_FALSE=1\n", ".env": "FROM_ENV=1\n", ".env.local": "LOCAL=1\n"}
    template = compile_text(tmp_path, dotenv_service(""), env={"NODE_ENV": "test"}, **files)
    assert variables(template) == {"FROM_FALSE": "1", "FROM_ENV": "1"}


def test_dotenv_files_outside_the_repository_are_not_read(tmp_path):
    service = tmp_path / "repo" / "svc"
    for path in ("../../outside.env", "~/.env"):
        custom = f"custom:\n  dotenv:\n    path: {path}"
        with pytest.raises(InputError, match="promotelint reads only the repository's files"):
            compile_text(service, dotenv_service(custom))


def test_dotenv_required_file_and_custom_parser(tmp_path):
    custom = "custom:\n  dotenv:\n    required:\n      file: true"
    with pytest.raises(InputError, match="Could not find .env file"):
        compile_text(tmp_path, dotenv_service(custom))
    custom = "custom:\n  dotenv:\n    dotenvParser: parser.js"
    template = compile_text(tmp_path, dotenv_service(custom), **{".env": "A=1\n"})
    assert variables(template) == {} and any("dotenvParser (parser.js) is JavaScript" in w for w in template.warnings)


def test_use_dotenv_self_reference_is_an_input_error(tmp_path):
    config = "service: svc\nuseDotenv: true\nprovider:\n  name: aws\n"
    with pytest.raises(InputError, match="the value of A expands into itself") as caught:
        compile_text(tmp_path, config, **{".env": "A=${A}x\n"})
    assert caught.value.file.endswith(".env")


def test_dotenv_and_dotenv_expand_quirks():
    # What dotenv 16.6 parse and dotenv-expand 10 give for this text (node, process.env = {Z: ""}).
    text = ("\ufeffA=1\nB=${A}$$&\nC=\\$A\nD=$A $\nE='q' # c\nF=\"multi\nline\"\nG: colon\n"
            "export H = ${Z:-dflt}-${A:-unused}\nI=$A$A")
    assert dotenv_parse(text) == {"A": "1", "B": "${A}$$&", "C": "\\$A", "D": "$A $", "E": "q", "F": "multi\nline",
                                  "G": "colon", "H": "${Z:-dflt}-${A:-unused}", "I": "$A$A"}
    environment = {"Z": ""}
    assert dotenv_load(text, environment) == {"A": "1", "B": "${A}$$&", "C": "$A", "D": "$A $", "E": "q",
                                              "F": "multi\nline", "G": "colon", "H": "dflt-1", "I": "11"}
    assert environment["H"] == "dflt-1" and environment["Z"] == ""


def test_javascript_string_replace_patterns():
    assert js_replace_first("a-$X-$X", "$X", "[$$|$&|$`|$'|$1]") == "a-[$|$X|a-|-$X|$1]-$X"
    assert json.dumps(js_replace_first("abc", "z", "y")) == '"abc"'


def test_values_only_known_at_deploy_time(tmp_path):
    config = IAM_SERVICE.format(service="svc", provider="  environment: ${ssm:/env}", function="f", settings="")
    config = config.replace('    iamRoleStatements:\n      - {Effect: Allow, Action: [s3:GetObject], Resource: "*"}\n',
                            "    iamRoleStatements: ${ssm:/statements}\n")
    config = config.replace("plugins: [serverless-iam-roles-per-function]",
                            "plugins: [serverless-iam-roles-per-function, serverless-dotenv-plugin]")
    template = compile_text(tmp_path, config, **{".env": "A=1\n"})
    role = template.data["Resources"]["FIamRoleLambdaExecution"]["Properties"]
    assert is_opaque(role["Policies"][0]["PolicyDocument"]["Statement"][-1])
    function = template.data["Resources"]["FLambdaFunction"]["Properties"]
    assert is_opaque(function["Environment"]["Variables"])  # the plugin cannot add to a string


def test_dotenv_files_of_a_service_given_by_a_relative_path(tmp_path, monkeypatch):
    """`promotelint compile ../svc`: the service dir is relative, the boundary absolute; the plugin's
    .env files inside the service are read (a text comparison of the two called them outside)."""
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "serverless.yml").write_text(dotenv_service(""))
    (tmp_path / "svc" / ".env").write_text("A=1\n")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert variables(compile_path("../svc/serverless.yml", stage="dev", env={})) == {"A": "1"}


SPLIT_SERVICE = """\
service: t
frameworkVersion: '3'
plugins: [serverless-plugin-split-stacks]
provider: {{name: aws, runtime: nodejs18.x}}
custom:
  splitStacks: {settings}
functions:
  a: {{handler: handler.h}}
resources:
  Resources:
    Q: {{Type: AWS::SQS::Queue}}
    P:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: [!Ref Q]
        PolicyDocument: {{Statement: [{{Effect: Allow, Principal: '*', Action: 'sqs:*', Resource: !Sub '${{Q.Arn}}'}}]}}
"""


def test_split_stacks_group_count_below_two_stops_the_package(tmp_path):
    with pytest.raises(InputError, match="nestedStackCount configuration must be an integer greater than 2"):
        compile_text(tmp_path, SPLIT_SERVICE.format(settings="{perGroupFunction: true, nestedStackCount: 1}"))


def test_split_stacks_named_map_missing_stops_the_package(tmp_path):
    with pytest.raises(InputError, match="custom mapping file nope.json not found"):
        compile_text(tmp_path, SPLIT_SERVICE.format(settings="{custom: nope.json}"))


def test_split_stacks_map_of_text_maps_nothing_and_a_sub_reads_parameters(tmp_path):
    # a map that is neither JSON nor YAML is text: the framework's readFileSync gives a string,
    # which maps no type; the queue policy moves by type, its Fn::Sub in the mapping form
    template = compile_text(tmp_path, SPLIT_SERVICE.format(settings="{custom: map.txt}"),
                            **{"map.txt": "AWS::SQS::Queue\n"})
    assert list(template.data["Resources"]) == ["ServerlessDeploymentBucket", "ALogGroup", "IamRoleLambdaExecution",
                                                "ALambdaFunction", "Q", "PoliciesNestedStack", "VersionsNestedStack"]
    stack = template.data["Resources"]["PoliciesNestedStack"]
    assert stack["Properties"]["Parameters"] == {"ServerlessDeploymentBucketParameter": {"Ref": "ServerlessDeploymentBucket"},
                                                 "QArnParameter": {"Fn::GetAtt": ["Q", "Arn"]}, "QParameter": {"Ref": "Q"}}
    assert stack["DependsOn"] == ["ServerlessDeploymentBucket", "Q"]
    policy = template.nested["PoliciesNestedStack"].data["Resources"]["P"]
    assert policy["Properties"]["Queues"] == [{"Ref": "QParameter"}]
    assert policy["Properties"]["PolicyDocument"]["Statement"][0]["Resource"] == \
        {"Fn::Sub": ["${Q_Arn}", {"Q_Arn": {"Ref": "QArnParameter"}}]}
    assert template.nested["PoliciesNestedStack"].stack_name == "t-dev/PoliciesNestedStack"


def test_split_stacks_map_in_code_is_an_unseen_part_with_the_file_in_its_fingerprint(tmp_path):
    config = SPLIT_SERVICE.format(settings="{perType: true}")
    one = compile_text(tmp_path / "one", config, **{"stacks-map.js": "module.exports = {};\n"})
    two = compile_text(tmp_path / "two", config, **{"stacks-map.js": "module.exports = {'AWS::SQS::Queue': {destination: 'Q'}};\n"})
    (part,) = one.unseen
    assert (part.plugin, part.section) == ("serverless-plugin-split-stacks", "*")
    assert two.unseen[0].fingerprint != part.fingerprint
    assert "stacks-map.js is code, which promotelint does not run" in " ".join(one.warnings)
    assert compile_text(tmp_path / "none", config).unseen == ()
