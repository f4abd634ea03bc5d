"""The plugin compilers end to end, through the command line (a subprocess), as issue 9 asks."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ROLES_BASE = """\
service: orders
frameworkVersion: '3'
plugins:
  - serverless-iam-roles-per-function
provider:
  name: aws
  runtime: nodejs18.x
functions:
  reader:
    handler: handler.reader
    iamRoleStatements:
      - Effect: Allow
        Action: [dynamodb:GetItem]
        Resource: arn:aws:dynamodb:us-east-1:123456789012:table/orders
  writer:
    handler: handler.writer
"""
ADDED_STATEMENT = """\
      - Effect: Allow
        Action: [s3:PutObject]
        Resource: arn:aws:s3:::exports/*
"""


def run(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NODE_ENV")}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "promotelint", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def service(directory: Path, config: str, **files: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "serverless.yml").write_text(config)
    for name, text in files.items():
        (directory / name.replace("_", ".")).write_text(text)
    return directory / "serverless.yml"


def changes(proc) -> list[dict]:
    assert proc.returncode == 0, proc.stderr
    (stack,) = json.loads(proc.stdout)["stacks"]
    return [change["ResourceChange"] for change in stack["changes"]]


def test_a_statement_added_to_a_per_function_role_is_one_role_modify(tmp_path):
    head_config = ROLES_BASE.replace("table/orders\n", "table/orders\n" + ADDED_STATEMENT, 1)
    base = service(tmp_path / "base", ROLES_BASE)
    head = service(tmp_path / "head", head_config)
    (change,) = changes(run("changeset", base, head, "--stage", "prod", "--format", "json", cwd=tmp_path))
    assert (change["Action"], change["LogicalResourceId"], change["ResourceType"], change["Replacement"]) == \
        ("Modify", "ReaderIamRoleLambdaExecution", "AWS::IAM::Role", "False")
    after = json.loads(change["AfterContext"])["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert after[-1] == {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::exports/*"}
    text = run("changeset", base, head, "--stage", "prod", cwd=tmp_path)
    assert text.returncode == 0 and "1 minor change (Role)" in text.stdout
    assert "not in the prediction" not in text.stdout + text.stderr


def test_account_id_pseudo_parameter_becomes_fn_sub(tmp_path):
    config = """\
service: billing
frameworkVersion: '3'
plugins:
  - serverless-pseudo-parameters
provider:
  name: aws
  runtime: nodejs18.x
functions:
  hello:
    handler: handler.hello
resources:
  Resources:
    Exports:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: billing-exports
"""
    base = service(tmp_path / "base", config)
    head = service(tmp_path / "head", config.replace("billing-exports", "billing-exports-#{AWS::AccountId}"))
    compiled = run("compile", head, cwd=tmp_path)
    assert compiled.returncode == 0, compiled.stderr
    bucket = json.loads(compiled.stdout)["Resources"]["Exports"]
    assert bucket["Properties"]["BucketName"] == {"Fn::Sub": "billing-exports-${AWS::AccountId}"}
    (change,) = changes(run("changeset", base, head, "--format", "json", cwd=tmp_path))
    assert (change["Action"], change["LogicalResourceId"]) == ("Modify", "Exports")
    (detail,) = change["Details"]
    assert detail["Target"]["Name"] == "BucketName" and detail["Evaluation"] == "Dynamic"
    assert json.loads(detail["Target"]["AfterValue"]) == {"Fn::Sub": "billing-exports-${AWS::AccountId}"}


def test_a_changed_dotenv_value_modifies_every_function_environment(tmp_path):
    config = """\
service: api
frameworkVersion: '3'
plugins:
  - serverless-dotenv-plugin
provider:
  name: aws
  runtime: nodejs18.x
functions:
  one:
    handler: handler.one
  two:
    handler: handler.two
    environment:
      API_URL: pinned
"""
    base = service(tmp_path / "base", config, _env_prod="API_URL=https://a.example.com\n")
    head = service(tmp_path / "head", config, _env_prod="API_URL=https://b.example.com\n")
    found = changes(run("changeset", base, head, "--stage", "prod", "--format", "json", cwd=tmp_path))
    modified = {c["LogicalResourceId"] for c in found if c["ResourceType"] == "AWS::Lambda::Function"}
    assert modified == {"OneLambdaFunction"}  # the function's own value wins in `two`
    # Another stage reads another file: without .env.dev the functions get an empty environment.
    compiled = json.loads(run("compile", head, "--stage", "dev", cwd=tmp_path).stdout)
    assert compiled["Resources"]["OneLambdaFunction"]["Properties"]["Environment"] == {"Variables": {}}


def test_a_required_dotenv_variable_missing_is_one_line_and_exit_2(tmp_path):
    config = """\
service: api
plugins: [serverless-dotenv-plugin]
custom:
  dotenv:
    required:
      env: [API_URL]
provider:
  name: aws
functions:
  one:
    handler: handler.one
"""
    path = service(tmp_path / "svc", config, _env="OTHER=1\n")
    proc = run("compile", path, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "Missing the following required environment variables: API_URL" \
        in proc.stderr and "serverless.yml:4" in proc.stderr


SPLIT_BASE = """\
service: shop
frameworkVersion: '3'
plugins:
  - serverless-plugin-split-stacks
provider:
  name: aws
  runtime: nodejs18.x
  environment:
    TABLE: !Ref Orders
functions:
  api:
    handler: handler.api
    memorySize: 512
    events:
      - http: GET orders
      - sns: order-events
  worker:
    handler: handler.worker
    events:
      - sqs:
          arn: !GetAtt Inbox.Arn
resources:
  Resources:
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
    Inbox:
      Type: AWS::SQS::Queue
"""
TABLE_TO_NESTED = SPLIT_BASE.replace("resources:\n", "custom:\n  splitStacks:\n    custom: stacks-map.json\nresources:\n")


def checked(base: Path, head: Path, cwd: Path, *extra) -> tuple[int, dict]:
    proc = run("check", base, head, "--stage", "prod", "--format", "json", *extra, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, {stack["name"]: stack for stack in json.loads(proc.stdout)["stacks"]}


def test_split_stacks_moving_a_table_into_a_nested_stack_removes_it_from_the_root(tmp_path):
    base = service(tmp_path / "base", SPLIT_BASE)
    head = service(tmp_path / "head", TABLE_TO_NESTED,
                   **{"stacks-map_json": '{"AWS::DynamoDB::Table": {"destination": "Data"}}\n'})
    code, stacks = checked(base, head, tmp_path)
    assert code == 1
    errors = [(f["rule"], f["logicalId"]) for f in stacks["shop-prod"]["findings"] if f["severity"] == "error"]
    assert errors == [("stateful-resource-removed", "Orders")]
    # CloudFormation creates the table anew in the nested stack: an Add there
    added = [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"])
             for c in stacks["shop-prod/DataNestedStack"]["changes"]]
    assert added == [("Add", "Orders")]
    assert set(stacks) == {"shop-prod", *(f"shop-prod/{n}NestedStack" for n in
                                          ("API", "Permissions", "Policies", "Versions", "Data"))}


def test_split_stacks_memory_change_is_routine(tmp_path):
    base = service(tmp_path / "base", SPLIT_BASE)
    head = service(tmp_path / "head", SPLIT_BASE.replace("memorySize: 512", "memorySize: 1024"))
    code, stacks = checked(base, head, tmp_path)
    assert code == 0
    # the function changes in the root, its new version in the Versions stack; the framework's
    # QualifiedArn export now reads the nested stack's output of the new version: routine
    assert [f for stack in stacks.values() for f in stack["findings"]] == []
    root = [(c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"])
            for c in stacks["shop-prod"]["changes"]]
    assert root == [("Modify", "ApiLambdaFunction")]
    versions = sorted((c["ResourceChange"]["Action"], c["ResourceChange"]["ResourceType"])
                      for c in stacks["shop-prod/VersionsNestedStack"]["changes"])
    assert ("Add", "AWS::Lambda::Version") in versions
    assert [o["OutputKey"] for o in stacks["shop-prod"]["outputs"]] == ["ApiLambdaFunctionQualifiedArn"]


def test_split_stacks_map_in_code_is_not_run_and_blocks_when_it_appears(tmp_path):
    base = service(tmp_path / "base", SPLIT_BASE)
    head = service(tmp_path / "head", SPLIT_BASE,
                   **{"stacks-map_js": "module.exports = {'AWS::DynamoDB::Table': {destination: 'Data'}};\n"})
    text = run("check", base, head, "--stage", "prod", "--compiler", "offline", cwd=tmp_path)
    assert text.returncode == 1, text.stderr
    errors = [line for line in text.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].endswith("[unpredictable-change]")
    assert "plugin serverless-plugin-split-stacks" in errors[0]
    assert "stacks-map.js is code, which promotelint does not run" in text.stdout


def test_split_stacks_build_directories_read_their_nested_templates(tmp_path):
    # `.serverless` of two builds: the nested stacks' TemplateURL holds each build's time, and the
    # nested templates beside the root's are predicted as stacks of their own, so no blind spot
    fixture = ROOT / "tests" / "fixtures" / "serverless" / "plugin-split-stacks-per-function"
    sides = {}
    for side, when in (("base", "2026-11-29T"), ("head", "2026-11-30T")):
        build = tmp_path / side / ".serverless"
        build.mkdir(parents=True)
        for nested in (fixture / "expected-nested").iterdir():
            (build / nested.name).write_text(nested.read_text())
        text = (fixture / "expected.json").read_text()
        assert "2026-11-29T" in text
        (build / "cloudformation-template-update-stack.json").write_text(text.replace("2026-11-29T", when))
        sides[side] = build
    proc = run("check", sides["base"], sides["head"], "--stack-name", "split-functions-dev", "--format", "json",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    stacks = {stack["name"]: stack for stack in json.loads(proc.stdout)["stacks"]}
    assert set(stacks) == {"split-functions-dev", *(f"split-functions-dev/{n}NestedStack"
                                                     for n in ("Users", "User", "UsersAdmin", "Items"))}
    assert [f for stack in stacks.values() for f in stack["findings"]] == []
    root = {(c["ResourceChange"]["Action"], c["ResourceChange"]["ResourceType"]) for c in stacks["split-functions-dev"]["changes"]}
    assert root == {("Modify", "AWS::CloudFormation::Stack")}


def test_split_stacks_map_changed_alone_is_a_change_of_the_service(tmp_path):
    # Only the stacks map changes between the commits (the table moves from one nested stack to
    # another): the service reads it, so it is checked, and the table is removed and added anew.
    from tests.gitrepo import Repo

    repo = Repo(tmp_path / "repo")
    repo.write("svc/serverless.yml", TABLE_TO_NESTED)
    repo.write("svc/stacks-map.json", '{"AWS::DynamoDB::Table": {"destination": "Data"}}\n')
    repo.commit("base")
    repo.write("svc/stacks-map.json", '{"AWS::DynamoDB::Table": {"destination": "Tables"}}\n')
    repo.commit("head")
    proc = run("check", "--base-ref", "HEAD~1", "--head-ref", "HEAD", "--stage", "prod", "--format", "json",
               cwd=repo.path)
    assert proc.returncode == 1, proc.stderr
    stacks = {stack["name"]: stack for stack in json.loads(proc.stdout)["stacks"]}
    (finding,) = stacks["shop-prod/DataNestedStack"]["findings"]
    assert (finding["rule"], finding["logicalId"], finding["location"]["file"]) == \
        ("stateful-resource-removed", "Orders", "svc/serverless.yml")
    assert [c["ResourceChange"]["Action"] for c in stacks["shop-prod/TablesNestedStack"]["changes"]] == ["Add"]
