"""The REST API, websocket and HTTP API compilers against templates the real framework made.

The api-* fixtures' expected.json were written by `serverless package` v3.40.0
(tools/regen_goldens.py); each exercises options the corpus does not (authorizers of every kind,
API keys and usage plans, lambda/http/mock integrations, schemas, logs, aliases, CORS variants).
"""

import json
import re
from pathlib import Path

import pytest

from promotelint.model.errors import InputError
from promotelint.app import compile_path as compile_service
from tools.conformance import compare
from promotelint.serverless.events.apigateway.schema import HTTP_EVENT, PROVIDER, coerce

FIXTURES = Path(__file__).parent / "fixtures" / "serverless"
API_FIXTURES = sorted(p.name for p in FIXTURES.iterdir()
                      if p.name.startswith("api-") and (p / "expected.json").is_file())
DEPLOYMENT = re.compile(r"^ApiGatewayDeployment\d{13}$")


def expected(name: str) -> dict:
    return json.loads((FIXTURES / name / "expected.json").read_text())


def compiled(path: Path, **kwargs):
    return compile_service(path, stage="dev", region="us-east-1", env={}, **kwargs)


def write_service(tmp_path: Path, text: str) -> Path:
    (tmp_path / "serverless.yml").write_text(text)
    (tmp_path / "handler.js").write_text("")
    return tmp_path


SERVICE = """\
service: svc
provider: {name: aws, runtime: nodejs18.x}
functions:
  hello:
    handler: handler.hello
    events:
      - http: GET hello
      - http: {path: hello, method: post, cors: true}
"""


def test_there_are_api_fixtures():
    assert {"api-rest-proxy", "api-rest-authorizers", "api-rest-integrations", "api-httpapi",
            "api-websocket"} <= set(API_FIXTURES)


@pytest.mark.parametrize("name", API_FIXTURES)
def test_fixture_matches_the_framework(name):
    result = compare(expected(name), dict(compiled(FIXTURES / name).data))
    assert result.missing == [] and result.extra == []
    assert result.diffs == []
    assert result.outputs_equal == result.outputs_expected


@pytest.mark.parametrize("name", API_FIXTURES)
def test_fixture_keeps_the_framework_resource_order(name):
    def ids(resources):
        # only the clock and code-hash suffixes differ; they sort by their stable prefix
        return [re.sub(r"^(ApiGatewayDeployment|.+LambdaVersion)\w+$", r"\1", i) for i in resources]

    assert ids(compiled(FIXTURES / name).data["Resources"]) == ids(expected(name)["Resources"])


def _masked_text(template) -> str:
    """The template as JSON text, with only the clock and code-hash parts masked."""
    text = json.dumps(template, indent=1)
    text = re.sub(r"ApiGatewayDeployment\d+", "ApiGatewayDeployment~", text)
    text = re.sub(r"LambdaVersion\w+", "LambdaVersion~", text)
    text = re.sub(r'serverless/[^"]*\.zip', "~.zip", text)
    return re.sub(r'"CodeSha256": ("[^"]*"|\{[^}]*\})', '"CodeSha256": "~"', text)


@pytest.mark.parametrize("name", API_FIXTURES)
def test_fixture_is_the_framework_template_key_for_key(name):
    # key order included, as the framework writes the template (undefined values dropped)
    assert _masked_text(compiled(FIXTURES / name).data) == _masked_text(expected(name))


def test_websocket_deployment_id_is_the_framework_hash():
    ours = [i for i in compiled(FIXTURES / "api-websocket").data["Resources"]
            if i.startswith("WebsocketsDeployment") and i != "WebsocketsDeploymentStage"]
    theirs = [i for i in expected("api-websocket")["Resources"]
              if i.startswith("WebsocketsDeployment") and i != "WebsocketsDeploymentStage"]
    assert ours == theirs and len(ours) == 1


def deployments(template) -> list[str]:
    return [i for i in template.data["Resources"] if i.startswith("ApiGatewayDeployment")]


def test_rest_deployment_id_is_stable_and_follows_the_api(tmp_path):
    service = write_service(tmp_path, SERVICE)
    first, again = deployments(compiled(service)), deployments(compiled(service))
    assert len(first) == 1 and DEPLOYMENT.match(first[0]) and first == again
    template = compiled(service).data
    # everything that names the deployment uses the same ID
    assert template["Resources"][first[0]]["DependsOn"] == [
        "ApiGatewayMethodHelloOptions", "ApiGatewayMethodHelloGet", "ApiGatewayMethodHelloPost"]

    write_service(tmp_path, SERVICE.replace("method: post", "method: put"))
    assert deployments(compiled(service)) != first
    write_service(tmp_path, SERVICE.replace("handler: handler.hello", "handler: handler.other"))
    assert deployments(compiled(service)) == first  # the API itself did not change
    write_service(tmp_path, SERVICE.replace(
        "runtime: nodejs18.x}", "runtime: nodejs18.x, apiGateway: {binaryMediaTypes: [image/png]}}"))
    assert deployments(compiled(service)) != first  # a new API setting needs a new deployment


def test_origins_point_at_the_events(tmp_path):
    template = compiled(write_service(tmp_path, SERVICE))
    lines = SERVICE.splitlines()
    assert lines[template.origins["ApiGatewayMethodHelloGet"].line - 1].strip() == "- http: GET hello"
    assert "method: post" in lines[template.origins["ApiGatewayMethodHelloPost"].line - 1]
    assert "cors: true" in lines[template.origins["ApiGatewayMethodHelloOptions"].line - 1]
    assert template.origins["HelloLambdaPermissionApiGateway"].line == \
        template.origins["ApiGatewayMethodHelloGet"].line


def test_aliased_functions_are_the_integration_target():
    resources = compiled(FIXTURES / "api-rest-authorizers").data["Resources"]
    method = resources["ApiGatewayMethodAliasedGet"]
    assert "AliasedProvConcLambdaAlias" in method["DependsOn"]
    assert [":", "provisioned"] == method["Properties"]["Integration"]["Uri"]["Fn::Join"][1][-3:-1]


@pytest.mark.parametrize("text, message", [
    (SERVICE.replace("- http: GET hello", "- http: {path: x, method: get, authorizer: nope}"),
     'Function "nope" doesn\'t exist in this Service'),
    (SERVICE.replace("- http: GET hello", "- http: {path: x, method: get, integration: http}"),
     "You need to set the request uri when using the HTTP integration."),
    (SERVICE.replace("- http: GET hello", "- http: {path: x, method: get, integration: http, "
                                           "request: {uri: 'https://example.com'}}"),
     "cannot package an http event with the HTTP integration and no response status codes"),
    (SERVICE.replace("- http: GET hello", "- http: {path: x, method: get, integration: mock, "
                                           "response: {headers: {X-A: \"'a'\"}}}"),
     "cannot package an http event with the MOCK integration"),
    (SERVICE.replace("- http: GET hello", "- httpApi: {path: /x, method: get, authorizer: a}"),
     "Event references not configured authorizer 'a'"),
    (SERVICE.replace("- http: GET hello", "- httpApi: GET /x\n      - httpApi: get /x"),
     "Duplicate route 'GET /x'"),
    (SERVICE.replace("- http: GET hello", "- websocket: {authorizer: auth}"),
     "needs a `route`"),
])
def test_bad_events_are_input_errors_with_a_line(tmp_path, text, message):
    with pytest.raises(InputError) as error:
        compiled(write_service(tmp_path, text))
    assert message in error.value.message
    assert error.value.line and 5 <= error.value.line <= 8


def test_http_api_authorizers_are_referenced_by_their_key_and_named_by_name():
    resources = compiled(FIXTURES / "api-httpapi").data["Resources"]
    route = resources["HttpApiRouteGetExternal"]["Properties"]
    assert route["AuthorizerId"] == {"Ref": "HttpApiAuthorizerExternalAuth"}
    assert "ExternalAuthLambdaAuthorizerPermissionHttpApi" not in resources  # managed externally


def test_schema_coercion_matches_the_framework_validation():
    provider = {"apiGateway": {"binaryMediaTypes": "image/png", "minimumCompressionSize": "1024",
                               "resourcePolicy": [{"Action": "execute-api:Invoke",
                                                   "Resource": ["execute-api:/*"]},
                                                  {"Action": ["a", "b"], "Resource": ["x", "y"]}]}}
    coerce(provider, PROVIDER)
    assert provider["apiGateway"] == {
        "binaryMediaTypes": ["image/png"], "minimumCompressionSize": 1024,
        "resourcePolicy": [{"Action": ["execute-api:Invoke"], "Resource": "execute-api:/*"},
                           {"Action": ["a", "b"], "Resource": ["x", "y"]}]}
    http = coerce({"path": "x", "method": "get", "private": "true",
                   "authorizer": {"name": "a", "claims": "email", "resultTtlInSeconds": "0"},
                   "cors": {"origin": ["https://a"], "headers": "X-A", "maxAge": "60"},
                   "request": {"template": {"text/plain": None}}}, HTTP_EVENT)
    assert http["private"] is True
    assert http["authorizer"] == {"name": "a", "claims": ["email"], "resultTtlInSeconds": 0}
    assert http["cors"] == {"origin": "https://a", "headers": ["X-A"], "maxAge": 60}
    assert http["request"] == {"template": {"text/plain": None}}
    assert coerce("GET /x", HTTP_EVENT) == "GET /x"


@pytest.mark.parametrize("event, where", [
    ("{path: x, method: get, cors: {methods: {GET: 1}}}", "cors.methods must be a list"),
    ("{path: x, method: get, request: {parameters: [1]}}", "request.parameters must be a mapping"),
    ("{path: x, method: get, authorizer: [a, b]}", "authorizer must be a string or a mapping"),
])
def test_unreadable_shapes_are_input_errors(tmp_path, event, where):
    text = SERVICE.replace("- http: GET hello", f"- http: {event}")
    with pytest.raises(InputError) as error:
        compiled(write_service(tmp_path, text))
    assert error.value.message == f"functions.hello.events[0].http.{where}"
    assert error.value.line == 7


def test_values_unknown_offline_pass_through_or_are_named(tmp_path):
    text = SERVICE.replace("- http: GET hello", "- http: {path: x, method: get, operationId: "
                           "'${ssm:/op}', authorizer: {arn: '${ssm:/auth}', name: auth}}")
    resources = compiled(write_service(tmp_path, text)).data["Resources"]
    assert resources["ApiGatewayMethodXGet"]["Properties"]["OperationName"] == {
        "promotelint:opaque": "${ssm:/op}"}
    uri = resources["AuthApiGatewayAuthorizer"]["Properties"]["AuthorizerUri"]
    assert {"promotelint:opaque": "${ssm:/auth}"} in uri["Fn::Join"][1]

    text = SERVICE.replace("cors: true", "cors: {methods: '${ssm:/methods}'}")
    with pytest.raises(InputError, match="cors.methods must be a list known offline"):
        compiled(write_service(tmp_path, text))


def test_authorizer_arns_unknown_offline_get_a_stable_stand_in_name_and_a_warning(tmp_path):
    text = SERVICE.replace("- http: GET hello", "- http: {path: x, method: get, authorizer: "
                           "'${ssm:/auth-arn}'}")
    first = compiled(write_service(tmp_path, text))
    assert "SsmautharnApiGatewayAuthorizer" in first.data["Resources"]
    assert any("${ssm:/auth-arn} is not known offline" in w for w in first.warnings)
    assert deployments(compiled(tmp_path)) == deployments(first)


def test_tags_become_strings_as_the_framework_validation_makes_them(tmp_path):
    text = SERVICE.replace("- http: GET hello", "- httpApi: GET /x").replace(
        "provider: {name: aws, runtime: nodejs18.x}",
        "provider: {name: aws, runtime: nodejs18.x, tags: {version: 2, on: true}}")
    resources = compiled(write_service(tmp_path, text)).data["Resources"]
    assert resources["HttpApi"]["Properties"]["Tags"] == {"version": "2", "on": "true"}
    assert resources["HttpApiStage"]["Properties"]["Tags"] == {"version": "2", "on": "true"}


def test_unreadable_api_settings_only_matter_to_services_with_such_events(tmp_path):
    text = ("service: svc\nprovider: {name: aws, runtime: nodejs18.x, apiGateway: {apiKeys: {a: 1}}}\n"
            "functions: {hello: {handler: handler.hello}}\n")
    assert compiled(write_service(tmp_path, text)).data["Resources"]
    text = text.replace("handler: handler.hello}", "handler: handler.hello, events: [{http: GET x}]}")
    with pytest.raises(InputError, match=r"provider.apiGateway.apiKeys must be a list"):
        compiled(write_service(tmp_path, text))


@pytest.mark.parametrize("provider, message", [
    ("httpApi: {id: api1}, logs: {httpApi: true}", "Cannot setup access logs for externally configured HTTP API"),
    ("httpApi: {id: api1, cors: true}", "Cannot setup CORS rules for externally configured HTTP API"),
    ("apiGateway: {restApiId: api1}", 'Missing required "provider.apiGateway.restApiRootResourceId"'),
    ("apiGateway: {restApiId: api1, restApiRootResourceId: r1}, tracing: {apiGateway: true}",
     '"provider.tracing.apiGateway" is ineffective'),
])
def test_an_external_api_the_provider_cannot_configure_is_refused_without_events(tmp_path, provider, message):
    # (the framework checks these settings before it looks for the API's events)
    text = f"service: svc\nprovider: {{name: aws, runtime: nodejs18.x, {provider}}}\n" \
           "functions: {hello: {handler: handler.hello, events: [{sqs: arn:aws:sqs:us-east-1:1:q}]}}\n"
    with pytest.raises(InputError) as error:
        compiled(write_service(tmp_path, text))
    assert message in error.value.message and error.value.line == 2


def test_an_external_api_without_events_adds_nothing(tmp_path):
    text = ("service: svc\nprovider: {name: aws, runtime: nodejs18.x, httpApi: {id: api1}, "
            "apiGateway: {restApiId: api1, restApiRootResourceId: r1}}\nfunctions: {hello: {handler: handler.hello}}\n")
    resources = compiled(write_service(tmp_path, text)).data["Resources"]
    assert not [lid for lid, r in resources.items() if r["Type"].startswith("AWS::ApiGateway")]
