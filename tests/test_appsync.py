"""serverless-appsync-plugin compiled natively (issue 10): end to end through the command line, and
the parts the golden fixtures (tests/fixtures/serverless/plugin-appsync-*) cannot hold: a clock,
a schema nobody models, the version a service installs, bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from promotelint.app import compile_path
from promotelint.model.errors import InputError
from promotelint.model.opaque import is_opaque
from promotelint.parse.graphql import GraphQLSyntaxError, parse_sdl
from promotelint.serverless.plugins.appsync.common import substituted
from promotelint.serverless.plugins.appsync.schema import clean_comments, merged_schema

ROOT = Path(__file__).resolve().parent.parent

HEADER = """\
service: notes
frameworkVersion: '3'
plugins:
  - serverless-appsync-plugin
provider:
  name: aws
  runtime: nodejs18.x
"""
SERVICE = HEADER + """\
custom:
  appSync:
    name: notes
    authenticationType: API_KEY
    apiKeys:
      - web
      - partner
    dataSources:
      - type: NONE
        name: none
    mappingTemplates:
      - dataSource: none
        type: Query
        field: hello
        request: false
        response: false
"""
SCHEMA = "type Query {\n  hello: String\n}\n"


def run(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NODE_ENV")}
    env.update(PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "promotelint", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)


def service(directory: Path, config: str = SERVICE, **files: str) -> Path:
    directory.mkdir(parents=True)
    (directory / "serverless.yml").write_text(config)
    (directory / "schema.graphql").write_text(SCHEMA)
    for name, text in files.items():
        (directory / name).write_text(text)
    return directory


def findings(proc) -> list[dict]:
    (stack,) = json.loads(proc.stdout)["stacks"]
    return stack["findings"]


def test_an_api_key_removed_is_an_error_through_the_cli(tmp_path):
    base = service(tmp_path / "base")
    head = service(tmp_path / "head", SERVICE.replace("      - partner\n", ""))
    proc = run("check", base, head, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    (finding,) = [f for f in findings(proc) if f["rule"] == "api-key-removed"]
    assert finding["logicalId"] == "GraphQlApiKeypartner"
    assert finding["location"]["file"].endswith("base/serverless.yml")
    assert finding["location"]["line"] == 14  # its apiKeys entry
    assert finding["severity"] == "error"
    assert "every client that sends it is refused" in finding["message"]


def test_an_unchanged_api_is_safe_and_the_key_expiry_is_no_change(tmp_path):
    base = service(tmp_path / "base")
    head = service(tmp_path / "head")
    proc = run("changeset", base, head, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    (stack,) = json.loads(proc.stdout)["stacks"]
    assert stack["changes"] == []
    assert run("check", base, head, cwd=tmp_path).returncode == 0


def test_a_resolver_template_change_is_an_in_place_modify(tmp_path):
    config = SERVICE.replace("        request: false\n", "        request: hello.vtl\n")
    base = service(tmp_path / "base", config, **{"hello.vtl": '{"version": "2018-05-29"}'})
    (base / "mapping-templates").mkdir()
    (base / "mapping-templates" / "hello.vtl").write_text('{"version": "2018-05-29"}')
    head = service(tmp_path / "head", config)
    (head / "mapping-templates").mkdir()
    (head / "mapping-templates" / "hello.vtl").write_text('{"version": "2018-05-29", "payload": {}}')
    proc = run("changeset", base, head, "--format", "json", cwd=tmp_path)
    (stack,) = json.loads(proc.stdout)["stacks"]
    (change,) = [c["ResourceChange"] for c in stack["changes"]]
    assert change["LogicalResourceId"] == "GraphQlResolverQueryhello"
    assert change["Action"] == "Modify" and change["Replacement"] == "False"
    assert run("check", base, head, cwd=tmp_path).returncode == 0


def test_key_expiry_is_opaque_unless_a_date_is_given(tmp_path):
    config = SERVICE.replace("      - partner\n", "      - name: partner\n        expiresAt: '2030-01-01T00:00:00Z'\n")
    template = compile_path(service(tmp_path / "s", config))
    resources = template.data["Resources"]
    assert is_opaque(resources["GraphQlApiKeyweb"]["Properties"]["Expires"])
    assert resources["GraphQlApiKeypartner"]["Properties"]["Expires"] == 1893456000


def test_a_schema_glob_is_an_unseen_part_never_safe(tmp_path):
    config = SERVICE.replace("    name: notes\n", "    name: notes\n    schema: 'schema/*.graphql'\n")
    template = compile_path(service(tmp_path / "s", config))
    (part,) = template.unseen
    assert part.plugin == "serverless-appsync-plugin" and part.section == "custom.appSync.schema"
    assert any("schema glob" in w for w in template.warnings)


def test_two_definitions_of_a_type_are_not_guessed(tmp_path):
    config = SERVICE.replace("    name: notes\n", "    name: notes\n    schema: [schema.graphql, more.graphql]\n")
    template = compile_path(service(tmp_path / "s", config, **{"more.graphql": "type Query { bye: String }"}))
    assert [p.section for p in template.unseen] == ["custom.appSync.schema"]
    assert is_opaque(template.data["Resources"]["GraphQlSchema"]["Properties"]["Definition"])


V2 = HEADER + """\
appSync:
  name: notes
  authentication:
    type: API_KEY
  apiKeys:
    - web
    - partner
  resolvers:
    Query.hello:
      kind: UNIT
      dataSource: none
  dataSources:
    none:
      type: NONE
"""


def test_the_version_a_service_installs_decides_the_port(tmp_path):
    lock = {"packages": {"node_modules/serverless-appsync-plugin": {"version": "2.13.0"}}}
    template = compile_path(service(tmp_path / "s", **{"package-lock.json": json.dumps(lock)}))
    # 2.x reads only the top-level appSync: custom.appSync makes nothing
    assert "GraphQlApi" not in template.data["Resources"]
    manifest = {"devDependencies": {"serverless-appsync-plugin": "^1.14.0"}}
    template = compile_path(service(tmp_path / "v1", V2, **{"package.json": json.dumps(manifest)}))
    assert "GraphQlApi" not in template.data["Resources"]  # and 1.x only custom.appSync
    resources = compile_path(service(tmp_path / "v2", V2)).data["Resources"]  # no package.json: the format says
    assert resources["GraphQlApiweb"]["Type"] == "AWS::AppSync::ApiKey"
    assert resources["GraphQlResolverQueryhello"]["DependsOn"] == ["GraphQlSchema"]


def test_a_v2_api_key_removed_is_an_error_and_moving_to_v2_replaces_every_key(tmp_path):
    base, head = service(tmp_path / "base", V2), service(tmp_path / "head", V2.replace("    - partner\n", ""))
    proc = run("check", base, head, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert [f["logicalId"] for f in findings(proc) if f["rule"] == "api-key-removed"] == ["GraphQlApipartner"]
    proc = run("check", service(tmp_path / "v1", SERVICE), base, "--format", "json", cwd=tmp_path)
    removed = sorted(f["logicalId"] for f in findings(proc) if f["rule"] == "api-key-removed")
    assert removed == ["GraphQlApiKeypartner", "GraphQlApiKeyweb"]  # 2.x names them GraphQlApi<name>


def test_a_v2_js_resolver_bundled_by_esbuild_is_opaque_by_its_text(tmp_path):
    config = V2.replace("      kind: UNIT\n", "      kind: UNIT\n      code: r.js\n")
    first = compile_path(service(tmp_path / "a", config, **{"r.js": "export function request() {}"}))
    code = first.data["Resources"]["GraphQlResolverQueryhello"]["Properties"]["Code"]
    assert is_opaque(code) and any("esbuild" in w for w in first.warnings)
    second = compile_path(service(tmp_path / "b", config, **{"r.js": "export function request() { return 1; }"}))
    assert second.data["Resources"]["GraphQlResolverQueryhello"]["Properties"]["Code"] != code
    plain = compile_path(service(tmp_path / "c", config.replace("  name: notes\n", "  name: notes\n  esbuild: false\n"),
                                 **{"r.js": "export const t = '#t#';"}))
    assert plain.data["Resources"]["GraphQlResolverQueryhello"]["Properties"]["Code"] == "export const t = '#t#';"


def test_v2_unmodelled_settings_are_unseen_parts(tmp_path):
    config = V2.replace("    type: NONE\n", "    type: NONE\n  schema: [a.graphql, b.graphql]\n")
    template = compile_path(service(tmp_path / "s", config, **{"a.graphql": SCHEMA, "b.graphql": "scalar X\n"}))
    assert [p.section for p in template.unseen] == ["appSync.schema"]  # several files: merged by graphql-tools


@pytest.mark.parametrize("change, message", [
    ("    authenticationType: API_KEY\n", "`authenticationType` is missing or invalid"),
    ("        type: Query\n", "Cannot read properties"),
])
def test_bad_config_is_one_line_exit_2(tmp_path, change, message):
    path = service(tmp_path / "s", SERVICE.replace(change, ""))
    proc = run("compile", path, cwd=tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_missing_mapping_template_names_the_file(tmp_path):
    path = service(tmp_path / "s", SERVICE.replace("        request: false\n", ""))
    with pytest.raises(InputError, match="Query.hello.request.vtl"):
        compile_path(path)


def test_a_schema_outside_the_repository_is_refused(tmp_path):
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "outside.graphql").write_text(SCHEMA)
    config = SERVICE.replace("    name: notes\n", "    name: notes\n    schema: ../../outside.graphql\n")
    with pytest.raises(InputError, match="outside"):
        compile_path(service(tmp_path / "repo" / "s", config))


def test_schema_syntax_error_is_input_error(tmp_path):
    path = service(tmp_path / "s")
    (path / "schema.graphql").write_text("type Query {\n  hello: \n}\n")
    with pytest.raises(InputError, match="Syntax Error"):
        compile_path(path)


def test_schema_printing_follows_graphql_js():
    # checked against @graphql-tools/merge 6.2 + graphql 14.7 (tests/fixtures: plugin-appsync-v1-*)
    printed = merged_schema(['# about\ntype Query { a(x: Int = 1): [String!]! @aws_iam }\nenum E { ONE }'])
    assert printed == ("\n# about\ntype Query {\n  a(x: Int = 1): [String!]! @aws_iam\n}\n\nenum E {\n  ONE\n}\n\n"
                       "schema {\n  query: Query\n}")
    assert clean_comments(printed, False).startswith("\ntype Query {")
    assert merged_schema(["type T { a: Int }", "type T { a: Int }"]).startswith("type T")  # same text: once
    with pytest.raises(GraphQLSyntaxError):
        parse_sdl("query { a }")


def test_substitutions_become_fn_sub():
    assert substituted("a ${x} b ${y}", {"x": {"Ref": "T"}}) == {
        "Fn::Join": ["", ["a ", {"Fn::Sub": ["${x}", {"x": {"Ref": "T"}}]}, " b ${y}"]]}
    assert substituted("no vars", {"x": 1}) == "no vars"
