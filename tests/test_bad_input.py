"""Hostile and broken input: every case ends with exit 2 and one line on stderr that names the file
(and the line, where there is one), never a traceback or an internal error, in bounded time.

Each case writes a base and a head side and runs the real command line in this process
(promotelint.cli.main, exactly what the console script runs), which keeps the suite fast.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import run_cli as run

OK = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}
SERVICE = "service: svc\nprovider:\n  name: aws\n  runtime: nodejs18.x\nfunctions:\n  f:\n    handler: h.f\n"


def template(resources: dict | None = None, **sections) -> str:
    return json.dumps({"Resources": resources if resources is not None else OK["Resources"], **sections})


def resource(**attributes) -> str:
    return template({"Q": {"Type": "AWS::SQS::Queue", **attributes}})


def nested(depth: int, leaf: str = "x") -> str:
    return "[" * depth + json.dumps(leaf) + "]" * depth


def condition_chain(depth: int) -> str:
    conditions = {"C0": {"Fn::Equals": ["a", "a"]}}
    conditions.update({f"C{i}": {"Fn::Not": [{"Condition": f"C{i - 1}"}]} for i in range(1, depth)})
    return template({"Q": {"Type": "AWS::SQS::Queue", "Condition": f"C{depth - 1}"}}, Conditions=conditions)


def getatt_chain(depth: int) -> str:
    """Queues each named after the next one's name: the first evaluated asks the whole chain."""
    queues = {f"Q{i}": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {
        "Fn::Join": ["-", [{"Fn::GetAtt": [f"Q{i + 1}", "QueueName"]}, "x"]]}}} for i in range(depth - 1)}
    queues[f"Q{depth - 1}"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q"}}
    return template(queues)


def yaml_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def indent(text: str, by: str) -> str:
    return "".join(by + line + "\n" for line in text.splitlines())


# name -> (head file name, head content, expected line or None, a phrase of the message)
TEMPLATE_CASES = {
    # parsing
    "invalid JSON": ("head.json", '{"Resources": {', 1, "invalid JSON"),
    "invalid YAML": ("head.yml", "Resources:\n  Q: [\n", None, "invalid YAML"),
    "unknown YAML tag": ("head.yml", "Resources:\n  Q:\n    Type: !Nope x\n", 3, "unknown tag"),
    "duplicated key": ("head.yml", "Resources:\n  Q: {Type: AWS::SQS::Queue}\n  Q: {Type: AWS::SNS::Topic}\n", 3,
                       "duplicated mapping key"),
    "not a mapping": ("head.json", "[1, 2]", 1, "no Resources"),
    "no Resources": ("head.yml", "Outputs: {}\n", 1, "no Resources"),
    "JSON nested 10,000 deep": ("head.json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Metadata": {"a": '
                                + nested(10_000) + "}}}}", 1, "nested more than"),
    "JSON nested 150 deep": ("head.json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Metadata": {"a": '
                             + nested(150) + "}}}}", 1, "nested more than"),
    "YAML flow nested 10,000 deep": ("head.yml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata: "
                                     + nested(10_000) + "\n", 4, "nested more than"),
    "YAML block nested 150 deep": ("head.yml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n"
                                   + "".join("  " * (i + 3) + f"k{i}:\n" for i in range(150))
                                   + "  " * 153 + "leaf: 1\n", None, "nested more than"),
    "recursive alias": ("head.yml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata: &a\n      X: *a\n",
                        4, "recursive alias"),  # the anchor's line
    "recursive alias in a list": ("head.yml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata: &a [1, *a]\n",
                                  4, "recursive alias"),
    "alias bomb": ("head.yml", "Resources:\n  Q: {Type: AWS::SQS::Queue}\nMetadata:\n" + indent(yaml_bomb(), "  "),
                   None, "alias bomb"),
    "alias bomb in TemplateBody": ("head.json", json.dumps({"TemplateBody": "Resources:\n  Q: {Type: AWS::SQS::Queue}\n"
                                                            "Metadata:\n" + indent(yaml_bomb(), "  ")}),
                                   None, "alias bomb"),
    "JSON integer of 5,000 digits": ("head.json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": '
                                     '{"DelaySeconds": ' + "9" * 5000 + "}}}}", 1, "too long"),
    "YAML integer of 5,000 digits": ("head.yml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                                     "      DelaySeconds: " + "9" * 5000 + "\n", 5, "too long"),
    # shapes CloudFormation rejects, at template level
    "Properties a string": ("head.json", resource(Properties="x"), 1, "Properties must be a mapping"),
    "Properties a list": ("head.json", resource(Properties=[1]), 1, "Properties must be a mapping"),
    "Properties a number": ("head.json", resource(Properties=5), 1, "Properties must be a mapping"),
    "Properties true": ("head.yml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: true\n", 4,
                        "Properties must be a mapping"),
    "Metadata a list": ("head.json", resource(Metadata=[]), 1, "Metadata must be a mapping"),
    "DependsOn a number": ("head.json", resource(DependsOn=5), 1, "DependsOn must be"),
    "DependsOn a list of mappings": ("head.json", resource(DependsOn=[{}]), 1, "DependsOn/0 must be a string"),
    "Condition a list": ("head.json", resource(Condition=["C"]), 1, "Condition must be a string"),
    "Type a number": ("head.json", template({"Q": {"Type": 5}}), 1, "Type must be a string"),
    "no Type": ("head.json", template({"Q": {"Properties": {}}}), 1, "has no Type"),
    "resource a string": ("head.json", template({"Q": "x"}), 1, "resource 'Q' must be a mapping"),
    "Ref to a resource that is a string": ("head.json", template({"Q": "x", "T": {
        "Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Q"}}}}), 1, "must be a mapping"),
    "Resources a list": ("head.json", json.dumps({"Resources": []}), 1, "no Resources mapping"),
    "Outputs a list": ("head.json", template(Outputs=[]), 1, "Outputs must be a mapping"),
    "Outputs a string": ("head.json", template(Outputs="x"), 1, "Outputs must be a mapping"),
    "Outputs a number": ("head.json", template(Outputs=1), 1, "Outputs must be a mapping"),
    "an output a string": ("head.json", template(Outputs={"O": "x"}), 1, "output 'O' must be a mapping"),
    "an output's Export a string": ("head.json", template(Outputs={"O": {"Value": "v", "Export": "e"}}), 1,
                                    "Export must be a mapping"),
    "Parameters a string": ("head.json", template(Parameters="x"), 1, "Parameters must be a mapping"),
    "Parameters true": ("head.json", template(Parameters=True), 1, "Parameters must be a mapping"),
    "a parameter a list": ("head.json", template(Parameters={"P": []}), 1, "parameter 'P' must be a mapping"),
    "Conditions a number": ("head.json", template(Conditions=1), 1, "Conditions must be a mapping"),
    "Conditions a list": ("head.json", template(Conditions=[]), 1, "Conditions must be a mapping"),
    "Mappings a list": ("head.json", template(Mappings=[]), 1, "Mappings must be a mapping"),
    "Transform a number": ("head.json", template(Transform=1), 1, "Transform must be"),
    "Transform a list holding a number": ("head.json", template(Transform=[5]), 1, "Transform/0 must be"),
    # references chained deeper than evaluation recurses (predict/diff.py: _chained_too_deep)
    "conditions chained 1,000 deep": ("head.json", condition_chain(1_000), None, "refer to one another"),
    "GetAtt of GetAtt 3,000 deep": ("head.json", getatt_chain(3_000), None, "refer to one another"),
    # references to nothing
    "Ref to nothing": ("head.json", template({"T": {"Type": "AWS::SNS::Topic", "Properties": {
        "TopicName": {"Ref": "Nope"}}}}), 1, "Ref to 'Nope'"),
    "DependsOn nothing": ("head.json", resource(DependsOn="Nope"), 1, "DependsOn 'Nope'"),
}


@pytest.mark.parametrize("name", list(TEMPLATE_CASES))
def test_bad_template_is_one_line_and_exit_2(name, tmp_path, capsys, monkeypatch):
    filename, content, line, phrase = TEMPLATE_CASES[name]
    base = tmp_path / "base.json"
    base.write_text(json.dumps(OK))
    head = tmp_path / filename
    head.write_text(content)
    code, _, err = run(["changeset", str(base), str(head)], capsys, monkeypatch)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith(f"promotelint: error: {head}"), err
    if line is not None:
        assert err.startswith(f"promotelint: error: {head}:{line}: "), err
    assert phrase in err and "Traceback" not in err and len(err) < 400


@pytest.mark.parametrize("name", ["Properties a string", "Outputs a list", "recursive alias",
                                  "conditions chained 1,000 deep"])
def test_a_bad_base_template_is_refused_too(name, tmp_path, capsys, monkeypatch):
    filename, content, _, phrase = TEMPLATE_CASES[name]
    base = tmp_path / filename.replace("head", "base")
    base.write_text(content)
    head = tmp_path / "head.json"
    head.write_text(json.dumps(OK))
    code, _, err = run(["check", str(base), str(head)], capsys, monkeypatch)
    assert code == 2 and err.startswith(f"promotelint: error: {base}") and phrase in err, err


SERVICE_CASES = {
    "serverless.yml alias bomb": ({"serverless.yml": SERVICE + "custom:\n" + indent(yaml_bomb(), "  ")},
                                  "serverless.yml", "alias bomb"),
    "variables chained 3,000 deep": ({"serverless.yml": SERVICE + "    environment:\n      X: ${self:custom.a0}\n"
                                      + "custom:\n" + "".join(f"  a{i}: ${{self:custom.a{i + 1}}}\n" for i in range(3_000))
                                      + "  a3000: end\n"}, "serverless.yml", "refer to one another"),
    "an http path of 1,000 segments": ({"serverless.yml": SERVICE + "    events:\n      - http:\n          path: "
                                        + "/".join(f"s{i}" for i in range(1_000)) + "\n          method: get\n"},
                                       "serverless.yml", "too deep to compile"),
    "serverless.yml recursive alias": ({"serverless.yml": SERVICE + "custom: &c\n  self: *c\n"}, "serverless.yml",
                                       "recursive alias"),
    "serverless.yml nested 10,000 deep": ({"serverless.yml": SERVICE + "custom:\n  deep: " + nested(10_000) + "\n"},
                                          "serverless.yml", "nested more than"),
    "serverless.yml number of 5,000 digits": ({"serverless.yml": SERVICE + "custom:\n  n: " + "9" * 5000 + "\n"},
                                              "serverless.yml", "too long"),
    "${file()} alias bomb": ({"serverless.yml": SERVICE + "custom: ${file(./bomb.yml)}\n",
                              "bomb.yml": yaml_bomb()}, "bomb.yml", "alias bomb"),
    "${file()} recursive alias": ({"serverless.yml": SERVICE + "custom: ${file(./rec.yml)}\n",
                                   "rec.yml": "a: &a\n  b: *a\n"}, "rec.yml", "recursive alias"),
    "${file()} nested 10,000 deep": ({"serverless.yml": SERVICE + "custom: ${file(./deep.json)}\n",
                                      "deep.json": '{"a": ' + nested(10_000) + "}"}, "deep.json", "nested more than"),
    "${file()} number of 5,000 digits": ({"serverless.yml": SERVICE + "custom: ${file(./n.yml)}\n",
                                          "n.yml": "n: " + "9" * 5000 + "\n"}, "n.yml", "too long"),
    "${file()} invalid YAML": ({"serverless.yml": SERVICE + "custom: ${file(./bad.yml)}\n",
                                "bad.yml": "a: [1, 2\n"}, "bad.yml", "invalid YAML"),
    "${file()} duplicated key": ({"serverless.yml": SERVICE + "custom: ${file(./dup.yml)}\n",
                                  "dup.yml": "a: 1\na: 2\n"}, "dup.yml", "duplicated mapping key"),
    "resources with Properties a string": ({"serverless.yml": SERVICE + "resources:\n  Resources:\n    B:\n"
                                            "      Type: AWS::S3::Bucket\n      Properties: x\n"},
                                           "serverless.yml", "Properties must be a mapping"),
}


@pytest.mark.parametrize("name", list(SERVICE_CASES))
def test_bad_service_is_one_line_and_exit_2(name, tmp_path, capsys, monkeypatch):
    files, named, phrase = SERVICE_CASES[name]
    for side in ("base", "head"):
        (tmp_path / side).mkdir()
    (tmp_path / "base" / "serverless.yml").write_text(SERVICE)
    for rel, content in files.items():
        (tmp_path / "head" / rel).write_text(content)
    code, _, err = run(["check", str(tmp_path / "base"), str(tmp_path / "head")], capsys, monkeypatch)
    assert code == 2, err
    assert err.count("\n") == 1 and named in err.split(":", 2)[1] + err and phrase in err, err
    assert "internal error" not in err


def doubling(levels: int, as_list: bool) -> str:
    """`l<i>` repeats `l<i-1>` twice, level after level: 2**levels times the first value."""
    lines = ["custom:", "  l0: abcdefghij"]
    for i in range(1, levels + 1):
        twice = f"['${{self:custom.l{i - 1}}}', '${{self:custom.l{i - 1}}}']" if as_list \
            else f"${{self:custom.l{i - 1}}}${{self:custom.l{i - 1}}}"
        lines.append(f"  l{i}: {twice}")
    return (SERVICE + "\n".join(lines) + "\nresources:\n  Outputs:\n    Top:\n"
            f"      Value: ${{self:custom.l{levels}}}\n")


@pytest.mark.parametrize("as_list", [False, True], ids=["a string", "a list"])
def test_self_doubling_variables_are_capped(as_list, tmp_path, capsys, monkeypatch):
    """Thirty levels would be 10 GiB of text (or a walk of 2**30 values): the resolver stops at its
    cap, made small here so the case is quick (the real caps: MAX_RESOLVED_CHARS, _VALUES)."""
    from promotelint.serverless.variables import resolve

    monkeypatch.setattr(resolve, "MAX_RESOLVED_CHARS", 1 << 20)
    monkeypatch.setattr(resolve, "MAX_RESOLVED_VALUES", 20_000)
    (tmp_path / "serverless.yml").write_text(doubling(30, as_list))
    code, _, err = run(["compile", str(tmp_path)], capsys, monkeypatch)
    assert code == 2 and err.count("\n") == 1, err
    assert f"{tmp_path / 'serverless.yml'}:" in err and "repeats another" in err, err


def test_doubling_below_the_caps_still_compiles(tmp_path, capsys, monkeypatch):
    (tmp_path / "serverless.yml").write_text(doubling(8, as_list=False))
    code, out, err = run(["compile", str(tmp_path)], capsys, monkeypatch)
    assert code == 0, err
    assert "abcdefghij" * 256 in out


def test_a_fifo_is_refused_without_blocking(tmp_path, capsys, monkeypatch):
    fifo = tmp_path / "head.json"
    os.mkfifo(fifo)
    (tmp_path / "base.json").write_text(json.dumps(OK))
    code, _, err = run(["changeset", str(tmp_path / "base.json"), str(fifo)], capsys, monkeypatch)
    assert code == 2 and err == f"promotelint: error: {fifo}: not a regular file (a device, FIFO or socket) " \
                                "(pass a JSON or YAML template)\n"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_a_device_is_refused_without_reading_it(tmp_path, capsys, monkeypatch):
    (tmp_path / "base.json").write_text(json.dumps(OK))
    code, _, err = run(["changeset", str(tmp_path / "base.json"), "/dev/zero"], capsys, monkeypatch)
    assert code == 2 and err.startswith("promotelint: error: /dev/zero: not a regular file")


@pytest.mark.parametrize("target", ["loop.json", "loopdir"])
def test_a_symlink_loop_is_refused(target, tmp_path, capsys, monkeypatch):
    (tmp_path / target).symlink_to(target)
    (tmp_path / "base.json").write_text(json.dumps(OK))
    code, _, err = run(["check", str(tmp_path / "base.json"), str(tmp_path / target)], capsys, monkeypatch)
    assert code == 2 and err == f"promotelint: error: {tmp_path / target}: a symbolic link that loops " \
                                "(point the link at a file)\n"


def test_a_symlink_loop_as_config_is_refused(tmp_path, capsys, monkeypatch):
    (tmp_path / "loop.yml").symlink_to("loop.yml")
    (tmp_path / "t.json").write_text(json.dumps(OK))
    code, _, err = run(["check", str(tmp_path / "t.json"), str(tmp_path / "t.json"), "--config",
                        str(tmp_path / "loop.yml")], capsys, monkeypatch)
    assert code == 2 and err.startswith(f"promotelint: error: {tmp_path / 'loop.yml'}: a symbolic link that loops")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, capsys, monkeypatch):
    from promotelint.io import files

    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "head.json"
    big.write_text(json.dumps({"Resources": {f"Q{i}": {"Type": "AWS::SQS::Queue"} for i in range(100)}}))
    (tmp_path / "base.json").write_text(json.dumps(OK))
    code, _, err = run(["changeset", str(tmp_path / "base.json"), str(big)], capsys, monkeypatch)
    assert code == 2 and err.startswith(f"promotelint: error: {big}: larger than 0 MiB"), err


def test_a_lone_surrogate_in_a_name_is_printed_not_a_crash(tmp_path, capsys, monkeypatch):
    head = tmp_path / "head.json"
    head.write_text('{"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "a\\ud800"}}}}')
    (tmp_path / "base.json").write_text(head.read_text())
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(OK))
    code, out, err = run(["check", str(head), str(empty)], capsys, monkeypatch)
    assert code == 1 and "internal error" not in err
    assert "a\\ud800" in out  # shown escaped, not lost


CONFIG_CASES = {
    "rule file outside the repository": ("rule-files: [{outside}]\n", "is outside"),
    "rule file linked from inside to outside": ("rule-files: [linked.yml]\n", "is outside"),
    "rule files globbed through a link to outside": ('rule-files: ["*.yml"]\n', "is outside"),
    "a rule file that is not a rule": ("rule-files: [notarule.yml]\n", "expected a mapping"),
    "a severity that is a secret-looking value": ('rules:\n  stateful-resource-removed: "hunter2-secret"\n',
                                                   "not one of the allowed values"),
    "fail-on a list": ("fail-on: [error]\n", "not one of the allowed values"),
    "an unknown key": ("failon: error\n", "unknown key failon"),
    "a config that is a list": ("- a\n", "must be a mapping"),
}


@pytest.mark.parametrize("name", list(CONFIG_CASES))
def test_bad_config_is_one_line_exit_2_and_echoes_no_content(name, tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    outside = tmp_path / "outside.yml"
    outside.write_text("hunter2-secret: root:x:0:0\n")
    (repo / "linked.yml").symlink_to(outside)
    (repo / "notarule.yml").write_text("- hunter2-secret\n")
    content, phrase = CONFIG_CASES[name]
    config = repo / ".promotelint.yml"
    config.write_text(content.format(outside=outside))
    (repo / "t.json").write_text(json.dumps(OK))
    code, _, err = run(["check", str(repo / "t.json"), str(repo / "t.json")], capsys, monkeypatch)
    assert code == 2 and err.count("\n") == 1 and phrase in err, err
    assert "hunter2" not in err and "root:x" not in err


# Containment: a link inside the project that leads outside it is refused in every mode, as a
# committed revision refuses it (issue 13); its target's content is never printed.
LINKED = {  # name -> (what the repository holds, the command, the file the error names)
    "serverless.yml in a linked directory": ({"svc": "->outside"}, ["compile", "svc"], "svc/serverless.yml"),
    "a linked serverless.yml": ({"svc/serverless.yml": "->outside/serverless.yml"}, ["compile", "svc"],
                                "svc/serverless.yml"),
    "a linked ${file()} target": ({"svc/serverless.yml": "service: svc\nprovider:\n  name: aws\ncustom:\n"
                                   "  x: ${file(./inc.yml)}\n", "svc/inc.yml": "->outside/inc.yml"},
                                  ["compile", "svc"], "svc/inc.yml"),
    "a linked .env": ({"svc/serverless.yml": "service: svc\nuseDotenv: true\nprovider:\n  name: aws\n",
                       "svc/.env": "->outside/env"}, ["compile", "svc"], "svc/.env"),
    "a linked template": ({"a.json": json.dumps(OK), "b.json": "->outside/t.json"}, ["changeset", "a.json", "b.json"],
                          "b.json"),
}


def outside_and_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "serverless.yml").write_text("service: hunter2\nprovider:\n  name: aws\n")
    (outside / "inc.yml").write_text("hunter2-included\n")
    (outside / "env").write_text("SECRET=hunter2\n")
    (outside / "t.json").write_text(json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue",
                                                                    "Properties": {"QueueName": "hunter2"}}}}))
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content.startswith("->"):
            path.symlink_to(tmp_path / content[2:])
        else:
            path.write_text(content)
    return repo


@pytest.mark.parametrize("name", list(LINKED))
def test_a_link_to_outside_the_project_is_refused(name, tmp_path, capsys, monkeypatch):
    files, argv, named = LINKED[name]
    repo = outside_and_repo(tmp_path, files)
    monkeypatch.chdir(repo)
    code, out, err = run(argv, capsys, monkeypatch)
    assert code == 2 and err.count("\n") == 1, err
    assert err.startswith(f"promotelint: error: {named}: a link to ") and "outside" in err, err
    assert "hunter2" not in out + err


def test_a_link_within_the_project_is_read(tmp_path, capsys, monkeypatch):
    repo = outside_and_repo(tmp_path, {"svc/serverless.yml": "service: svc\nprovider:\n  name: aws\ncustom:\n"
                                       "  x: ${file(./inc.yml)}\nresources:\n  Outputs:\n    X:\n"
                                       "      Value: ${self:custom.x}\n",
                                       "shared/inc.yml": "kept-inside\n"})
    (repo / "svc" / "inc.yml").symlink_to(repo / "shared" / "inc.yml")
    monkeypatch.chdir(repo)
    code, out, err = run(["compile", "svc"], capsys, monkeypatch)
    assert code == 0 and "kept-inside" in out, err
