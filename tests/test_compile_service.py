import json

import pytest

from promotelint.model.errors import InputError
from promotelint.app import compile_path
from promotelint.io.files import FilesystemReader, environment
from promotelint.serverless.service import resolve_service
from promotelint.model.opaque import is_opaque


class MemoryReader:
    """A service held in memory, as a git revision reader would serve it."""

    def __init__(self, files, root="/repo"):
        self.files = files
        self.root = root
        self.reads = []

    def read_text(self, path):
        self.reads.append(path)
        if path not in self.files:
            raise InputError("file not found", file=path)
        return self.files[path]

    def exists(self, path):
        return path in self.files


SERVICE = """\
service: shop
provider:
  name: aws
  runtime: nodejs18.x
  stage: ${opt:stage, 'beta'}
custom: ${file(./custom.yml)}
functions:
  api:
    handler: h.api
    memorySize: ${self:custom.memory}
    environment:
      SECRET: ${ssm:/shop/secret}
"""


def test_every_read_goes_through_the_reader_and_stage_defaults_like_the_framework():
    reader = MemoryReader({"/repo/svc/serverless.yml": SERVICE, "/repo/svc/custom.yml": "memory: '256'\n"})
    service = resolve_service("/repo/svc", reader=reader, env={})
    assert reader.reads == ["/repo/svc/serverless.yml", "/repo/svc/custom.yml"]
    assert (service.stage, service.region, service.stack_name) == ("beta", "us-east-1", "shop-beta")
    assert service.config["functions"]["api"]["memorySize"] == 256  # schema coercion of "256"
    assert is_opaque(service.config["functions"]["api"]["environment"]["SECRET"])
    assert service.positions[("functions", "api", "memorySize")][0] == 10


def test_options_win_and_stack_name_follows_provider_stack_name():
    files = {"/repo/svc/serverless.yml": SERVICE.replace("  stage:", "  stackName: custom-${sls:stage}\n  stage:"),
             "/repo/svc/custom.yml": "memory: 512\n"}
    service = resolve_service("/repo/svc/serverless.yml", stage="prod", region="eu-west-1",
                              reader=MemoryReader(files), env={})
    assert (service.stage, service.region, service.stack_name) == ("prod", "eu-west-1", "custom-prod")


def test_file_outside_the_reader_root_is_refused():
    files = {"/repo/svc/serverless.yml": "service: s\ncustom:\n  x: ${file(../../etc/x.yml)}\n", "/etc/x.yml": "a: 1\n"}
    with pytest.raises(InputError) as exc:
        resolve_service("/repo/svc", reader=MemoryReader(files), env={})
    assert exc.value.line == 3


def test_outside_git_the_service_parent_is_the_limit(tmp_path):
    service = tmp_path / "a" / "svc"
    service.mkdir(parents=True)
    (tmp_path / "a" / "shared.json").write_text(json.dumps({"k": "v"}))
    (tmp_path / "secret.json").write_text(json.dumps({"k": "s"}))
    (service / "serverless.yml").write_text("service: s\ncustom:\n  ok: ${file(../shared.json):k}\n")
    assert resolve_service(service, reader=FilesystemReader(), env={}).config["custom"]["ok"] == "v"
    (service / "serverless.yml").write_text("service: s\ncustom:\n  no: ${file(../../secret.json):k}\n")
    with pytest.raises(InputError):
        resolve_service(service, reader=FilesystemReader(), env={})


def test_dotenv_files_and_env_file(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nuseDotenv: true\ncustom:\n  a: ${env:A}\n  b: ${env:B}\n  c: ${env:C, 'none'}\n")
    (tmp_path / ".env.dev").write_text("A=from-stage-file\nB=dotenv\n")
    (tmp_path / ".env").write_text("A=from-default-file\n")
    env_file = tmp_path / "ci.env"
    env_file.write_text("export C='from env file'\n")
    config = resolve_service(tmp_path, reader=FilesystemReader(), env=environment({"B": "process"}, env_file)).config
    assert config["custom"] == {"a": "from-stage-file", "b": "process", "c": "from env file"}


def test_env_file_reads_as_the_framework_reads_dotenv(tmp_path):
    """--env-file goes through the same dotenv 16 + dotenv-expand 10 ports as a service's .env:
    comments, quotes, `export`, expansion (dotenv strips the quotes first, so a single-quoted
    value expands too), and the file's values win over the environment's."""
    env_file = tmp_path / "ci.env"
    env_file.write_text('A=1 # comment\nB="x\\ny"\nC=${A}-$B\nexport D=\'${A}\'\n# no\nE=${MISSING:-dflt}\n'
                        'F=${HOME}\nHOME=from-file\n')
    values = environment({"HOME": "/root", "KEEP": "k"}, env_file)
    assert values == {"A": "1", "B": "x\ny", "C": "1-x\ny", "D": "1", "E": "dflt", "F": "from-file",
                      "HOME": "from-file", "KEEP": "k"}
    env_file.write_text("A=$A-x\n")
    with pytest.raises(InputError) as exc:
        environment({}, env_file)
    assert exc.value.file == str(env_file) and "expands into itself" in str(exc.value)


def test_non_string_service_name_is_an_input_error(tmp_path):
    (tmp_path / "serverless.yml").write_text("service:\n  name: s\n")
    with pytest.raises(InputError) as exc:
        resolve_service(tmp_path, reader=FilesystemReader(), env={})
    assert exc.value.line == 1


def test_compile_service_returns_a_template_with_origins(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: nodejs18.x\nfunctions:\n  hello:\n    handler: h.hello\n")
    template = compile_path(tmp_path, env={})
    assert template.stack_name == "s-dev" and template.source.endswith("serverless.yml")
    assert template.origins["HelloLambdaFunction"].line == 6



def test_api_compilers_load_only_for_services_with_their_events():
    """Importing the API Gateway compilers is a large part of a cold start: pipeline imports each
    one only when a function has its events, and states the kind that module compiles."""
    import importlib
    import subprocess
    import sys

    from promotelint.serverless import pipeline

    lazy = {step.kind for step in pipeline.EVENT_COMPILERS if step.__module__ == pipeline.__name__}
    modules = {"http": "promotelint.serverless.events.apigateway.rest",
               "websocket": "promotelint.serverless.events.apigateway.websockets",
               "httpApi": "promotelint.serverless.events.apigateway.httpapi"}
    assert lazy == set(modules)
    for kind, name in modules.items():
        assert importlib.import_module(name).KIND == kind
    probe = ("import sys; from promotelint.serverless import pipeline; "
             "print(any(m.startswith('promotelint.serverless.events.apigateway') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_opaque_paths_in_document_order_with_their_paths():
    from promotelint.model.opaque import opaque, opaque_paths

    data = {"a": opaque("x"), "n": 1, "b": [1, {"c": opaque("y")}, [opaque("z")]],
            "d": {"e": "s", "f": [None, opaque("w")], "g": {"promotelint:opaque": "v", "other": 1}}}
    assert list(opaque_paths(data)) == [("a", "x"), ("b[1].c", "y"), ("b[2][0]", "z"), ("d.f[1]", "w")]
    assert list(opaque_paths(opaque("top"))) == [("", "top")] and list(opaque_paths("text")) == []
