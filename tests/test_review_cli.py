"""The review (issue 15) through the command line: what changes, at a glance, in the terminal and in
the pull request. Run in process (tests.helpers.run_cli: exactly what the console script runs)."""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest

from promotelint import __version__
from tests.gitrepo import Repo, service
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "notes-api"
REPORT_SCHEMA = json.loads((ROOT / "promotelint" / "schema" / "report.schema.json").read_text())
ESC = "\033["


@pytest.fixture
def cli(capsys, monkeypatch):
    """cli(*argv, cwd=, env=) -> (exit code, stdout, stderr), with a clean environment."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str, cwd: Path = ROOT, env: dict | None = None):
        monkeypatch.chdir(cwd)
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        try:
            return run_cli([str(a) for a in argv], capsys, monkeypatch)
        finally:
            for key in env or {}:
                monkeypatch.delenv(key, raising=False)
    return run


def example(change: str) -> tuple[str, str]:
    return str(EXAMPLES / "deployed"), str(EXAMPLES / change)


def block_of(out: str, logical_id: str) -> list[str]:
    """The change line of `logical_id` and the changed values listed under it."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"\s+[~+-] \w+\?? +{logical_id} ", line))
    end = start + 1
    while end < len(lines) and lines[end].startswith("        "):
        end += 1
    return lines[start:end]


# --- what changes: before → after --------------------------------------------------------------


def test_a_memory_change_shows_memory_size_with_both_values(cli):
    code, out, _ = cli("check", *example("safe-change"), "--stage", "prod", "--show-all", "-f", "text")
    assert code == 0
    assert block_of(out, "ListLambdaFunction")[1:] == ["        ~ MemorySize: 512 → 1024"]
    assert "        ~ VisibilityTimeout: 60 → 120" in block_of(out, "ThumbnailQueue")
    # the same in `changeset`, and without --show-all the minor changes stay folded
    code, out, _ = cli("changeset", *example("safe-change"), "--stage", "prod", "--show-all")
    assert code == 0 and "        ~ MemorySize: 512 → 1024" in out
    code, out, _ = cli("check", *example("safe-change"), "--stage", "prod", "-f", "text")
    assert "MemorySize" not in out and "--show-all lists them" in out


def test_a_key_change_shows_the_old_and_new_key_names_and_what_forces_the_replacement(cli):
    code, out, _ = cli("check", *example("dangerous-change"), "--stage", "prod", "-f", "text")
    assert code == 1
    block = block_of(out, "NotesTable")
    assert block[0].strip().startswith("~ Replace  NotesTable  AWS::DynamoDB::Table")
    assert "        ~ KeySchema[1].AttributeName: noteId → id (requires replacement)" in block
    assert "        ~ AttributeDefinitions[1].AttributeName: noteId → id" in block  # changes, replaces nothing
    # a minor change's values only with --show-all: an IAM statement removed reads as a sentence, and
    # the policy that takes the replaced table's ARN is known after apply
    code, out, _ = cli("check", *example("dangerous-change"), "--stage", "prod", "-f", "text", "--show-all")
    assert block_of(out, "IamRoleLambdaExecution")[1:] == [
        "        - Policies[0].PolicyDocument.Statement[3]: Allow s3:GetObject, s3:PutObject on "
        "!Sub ${AttachmentsBucket.Arn}/*",
        "        ~ Policies: known after apply (NotesTable is replaced)"]


NESTED_BASE = """Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: fn
      Role: arn:aws:iam::123456789012:role/r
      Code: {ZipFile: "exports.h = () => 1"}
      Handler: index.h
      Runtime: nodejs18.x
      Environment: {Variables: {STAGE: dev, OLD: x}}
      Layers: [arn:aws:lambda:us-east-1:1:layer:a:1, arn:aws:lambda:us-east-1:1:layer:b:1]
      Tags: [{Key: team, Value: red}, {Key: cost, Value: "1"}]
      Description: "%s"
"""


def test_nested_paths_list_items_tags_and_long_values(cli, tmp_path):
    long_before, long_after = "a" * 150 + "-old-end", "a" * 150 + "-new-end"
    base = NESTED_BASE % long_before
    head = (NESTED_BASE % long_after).replace("{STAGE: dev, OLD: x}", "{STAGE: prod, NEW: y}").replace(
        "layer:b:1]", "layer:b:2, arn:aws:lambda:us-east-1:1:layer:c:1]").replace("Value: red", "Value: blue")
    (tmp_path / "base.yml").write_text(base)
    (tmp_path / "head.yml").write_text(head)
    code, out, _ = cli("changeset", "base.yml", "head.yml", "--show-all", cwd=tmp_path)
    values = [line.strip() for line in block_of(out, "Fn")[1:]]
    assert values[:3] == ["~ Environment.Variables.STAGE: dev → prod", "- Environment.Variables.OLD: x",
                          "+ Environment.Variables.NEW: y"]
    assert "- Layers[1]: arn:aws:lambda:us-east-1:1:layer:b:1" in values
    assert "+ Layers[1]: arn:aws:lambda:us-east-1:1:layer:b:2" in values
    assert "+ Layers[2]: arn:aws:lambda:us-east-1:1:layer:c:1" in values
    assert "~ Tags.team: red → blue" in values
    [description] = [v for v in values if v.startswith("~ Description: ")]
    before, after = description.removeprefix("~ Description: ").split(" → ")
    assert len(before) == len(after) == 60 and "…" in before and before.endswith("-old-end")
    assert after.endswith("-new-end")


# --- counts, order, the last line ------------------------------------------------------------


def queue_service(name: str, timeout: int, table: str = "t1") -> str:
    """tests.gitrepo's service with its queue's VisibilityTimeout set (at whatever indent it has)."""
    text = service(name, table=table)
    out = re.sub(r"^( *)Queue:\n\1  Type: AWS::SQS::Queue\n",
                 lambda m: f"{m[0]}{m[1]}  Properties:\n{m[1]}    VisibilityTimeout: {timeout}\n", text, flags=re.M)
    assert out != text, "tests.gitrepo.service no longer declares the queue this test changes"
    return out


@pytest.fixture
def three(tmp_path):
    """Three services: alpha and gamma change a queue (safe), beta renames its table (blocked)."""
    repo = Repo(tmp_path / "repo")
    for name in ("alpha", "beta", "gamma"):
        repo.write(f"{name}/serverless.yml", queue_service(name, 30))
    repo.commit("first")
    repo.write("alpha/serverless.yml", queue_service("alpha", 60))
    repo.write("beta/serverless.yml", queue_service("beta", 30, table="t2"))
    repo.write("gamma/serverless.yml", queue_service("gamma", 90))
    return repo


def test_blocked_stacks_first_counts_per_stack_and_in_total_and_the_last_line(cli, three):
    code, out, _ = cli("check", "--base-ref", "HEAD", "--stage", "prod", "--jobs", "1", "-f", "text",
                       cwd=three.path)
    assert code == 1
    stacks = re.findall(r"^Stack (\S+)", out, re.M)
    assert stacks == ["beta-prod", "alpha-prod", "gamma-prod"]
    counts = re.findall(r"^  (\d+ to add, \d+ to modify, \d+ to replace, \d+ to remove)$", out, re.M)
    assert counts == ["0 to add, 0 to modify, 1 to replace, 0 to remove",
                      "0 to add, 1 to modify, 0 to replace, 0 to remove",
                      "0 to add, 1 to modify, 0 to replace, 0 to remove"]
    lines = out.splitlines()
    assert lines[-2] == "Total: 0 to add, 2 to modify, 1 to replace, 0 to remove"
    assert lines[-1] == "Promotion blocked: 1 error (exit 1). 3 stacks checked; blocked: beta-prod."
    assert out.endswith(".\n")
    assert "        ~ VisibilityTimeout: 30 → 60" not in out  # a queue's timeout is minor: folded
    # the markdown and JSON say the same
    code, out, _ = cli("check", "--base-ref", "HEAD", "--stage", "prod", "--jobs", "1", "-f", "markdown",
                       cwd=three.path)
    assert re.findall(r"^### `(\S+)`", out, re.M) == ["beta-prod", "alpha-prod", "gamma-prod"]
    assert "**0 to add, 2 to modify, 1 to replace, 0 to remove** in total" in out
    assert "Blocked: beta-prod." in out and "### `beta-prod` :x: blocked" in out
    code, out, _ = cli("check", "--base-ref", "HEAD", "--stage", "prod", "--jobs", "1", "-f", "json",
                       cwd=three.path)
    report = json.loads(out)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["counts"] == {"add": 0, "modify": 2, "replace": 1, "remove": 0}
    assert [(s["name"], s["blocked"]) for s in report["stacks"]] == [
        ("alpha-prod", False), ("beta-prod", True), ("gamma-prod", False)]


def test_suppressed_findings_are_listed_with_rule_resource_reason_and_expiry(cli, three):
    # beta renames its table (replaced: stateful-resource-replaced); gamma changes its table's key
    # and keeps the name (the replacement would collide with it: custom-name-replacement)
    three.write("gamma/serverless.yml", queue_service("gamma", 30).replace("AttributeName: id", "AttributeName: pk"))
    three.write(".promotelint.yml", "allow:\n  - rule: stateful-resource-replaced\n    resource: Table\n"
                "    reason: the v2 table is migrated first (PROJ-7)\n    expires: 2099-12-31\n"
                "  - rule: custom-name-replacement\n    reason: the old table is emptied first\n")
    args = ("check", "--base-ref", "HEAD", "beta", "gamma", "--stage", "prod")
    code, out, _ = cli(*args, "-f", "text", cwd=three.path)
    assert code == 0
    assert [line for line in out.splitlines() if "suppressed" in line] == [
        "suppressed: stateful-resource-replaced on Table: the v2 table is migrated first (PROJ-7) (expires 2099-12-31)",
        "suppressed: custom-name-replacement on Table: the old table is emptied first"]
    code, out, _ = cli(*args, "-f", "markdown", cwd=three.path)
    assert "- suppressed: stateful-resource-replaced on Table: the v2 table is migrated first (PROJ-7) " \
           "(expires 2099-12-31)" in out.splitlines()
    assert "- suppressed: custom-name-replacement on Table: the old table is emptied first" in out.splitlines()
    code, out, _ = cli(*args, "-f", "json", cwd=three.path)
    found = {f["rule"]: f for s in json.loads(out)["stacks"] for f in s["findings"]}
    assert found["stateful-resource-replaced"]["suppressionExpires"] == "2099-12-31"
    assert found["custom-name-replacement"]["suppressionReason"] == "the old table is emptied first"


# --- the stage ---------------------------------------------------------------------------------


STAGED = """service: staged
provider:
  name: aws
  runtime: nodejs18.x
params:
  dev: {memory: 256}
  staging: {memory: 512}
custom:
  timeout: {dev: 6, staging: 10}
functions:
  hello:
    handler: h.h
    memorySize: ${param:memory}
    timeout: ${self:custom.timeout.${sls:stage}}
"""


def test_the_report_says_which_stage_it_assumed_and_an_undefined_stage_is_named(cli, tmp_path):
    for side, memory in (("base", "256"), ("head", "257")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "serverless.yml").write_text(STAGED.replace("{memory: 256}", f"{{memory: {memory}}}"))
    code, out, _ = cli("check", "base", "head", "-f", "text", cwd=tmp_path)
    assert code == 0 and "  stage dev assumed (the default; no --stage given)" in out
    code, out, _ = cli("check", "base", "head", "-f", "markdown", cwd=tmp_path)
    assert "> stage dev assumed (the default; no --stage given)" in out
    code, out, _ = cli("check", "base", "head", "--stage", "staging", "-f", "text", cwd=tmp_path)
    assert code == 0 and "assumed" not in out
    code, out, err = cli("check", "base", "head", "--stage", "prod", cwd=tmp_path)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert 'the stage "prod" is not defined in params (it defines dev, staging) (check --stage, or add ' \
           'params.prod (or params.default))' in err and "serverless.yml:13" in err
    (tmp_path / "head" / "serverless.yml").write_text(STAGED.replace("${param:memory}", "128"))
    code, _, err = cli("compile", "head", "--stage", "prod", cwd=tmp_path)
    assert code == 2 and 'the stage "prod" is not defined in custom.timeout (it defines dev, staging)' in err
    assert "(check --stage, or add custom.timeout.prod)" in err and "serverless.yml:14" in err


# --- the terminal: version, colour, progress, a final newline ------------------------------------


def test_version(cli):
    assert cli("--version") == (0, f"promotelint {__version__}\n", "")


def test_force_color_and_no_color(cli):
    args = ("check", *example("dangerous-change"), "--stage", "prod", "-f", "text")
    assert ESC not in cli(*args)[1]  # not a terminal
    assert ESC + "31m" in cli(*args, env={"FORCE_COLOR": "1"})[1]
    assert ESC not in cli(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})[1]
    assert ESC not in cli(*args, env={"FORCE_COLOR": "0"})[1]
    assert ESC not in cli("check", *example("dangerous-change"), "--stage", "prod", "-f", "json",
                          env={"FORCE_COLOR": "1"})[1]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "markdown", "junit"])
def test_every_report_ends_with_a_newline(cli, fmt):
    for command in ("check", "changeset"):
        code, out, _ = cli(command, *example("dangerous-change"), "--stage", "prod", "-f", fmt)
        assert out.endswith("\n") and not out.endswith("\n\n"), (command, fmt)


def test_progress_on_a_terminal_only(cli, three, monkeypatch):
    from promotelint.cli.output import Progress

    args = ("check", "--base-ref", "HEAD", "--stage", "prod", "--jobs", "2", "-f", "json")
    code, _, err = cli(*args, cwd=three.path)
    assert code == 1 and err == ""  # stderr is not a terminal: nothing
    monkeypatch.setattr(Progress, "DELAY", 0.0)  # as if the run had taken more than a second
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    code, out, err = cli(*args, cwd=three.path)
    assert code == 1 and json.loads(out)["stacks"]
    assert [m for m in re.findall(r"(\d)/3 services checked", err)] == ["1", "2", "3"]
    assert err.endswith("\r\033[K")  # the line is cleared before the report


# --- compile -----------------------------------------------------------------------------------


def test_compile_warns_of_placeholders_for_values_only_known_in_aws(cli, tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  environment:\n    DB: ${ssm:/db/url}\n"
        "functions:\n  hello:\n    handler: h.h\n")
    code, out, err = cli("compile", ".", cwd=tmp_path)
    assert code == 0 and json.loads(out)["Resources"]
    warnings = err.splitlines()
    # the deploy-time source is masked as everywhere (issue 13): the warning names where, not what
    assert ("promotelint: warning: Resources.HelloLambdaFunction.Properties.Environment.Variables.DB is only known "
            'in AWS (****): written as a {"promotelint:opaque": ...} placeholder') in warnings
    assert "/db/url" not in out + err
    assert any(".Properties.CodeSha256 is only known in AWS (CodeSha256 of s.zip)" in w for w in warnings)
    (tmp_path / "serverless.yml").write_text("service: s\nprovider:\n  name: aws\nresources:\n  Resources:\n"
                                             "    Q: {Type: AWS::SQS::Queue}\n")
    assert cli("compile", ".", cwd=tmp_path)[2] == ""


# --- the pull request: Mermaid, one comment for any number of stacks -----------------------------


CASCADE = """Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: orders-v1}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: worker}
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      {MetricName: ApproximateAgeOfOldestMessage, Namespace: AWS/SQS, Statistic: Maximum, Period: 60,
       EvaluationPeriods: 1, Threshold: 300, ComparisonOperator: GreaterThanThreshold,
       Dimensions: [{Name: QueueName, Value: !GetAtt Queue.QueueName}]}
"""


def test_a_replacement_that_cascades_is_drawn_as_a_mermaid_graph(cli, tmp_path):
    (tmp_path / "base.yml").write_text(CASCADE)
    (tmp_path / "head.yml").write_text(CASCADE.replace("orders-v1", "orders-v2"))
    code, out, _ = cli("changeset", "base.yml", "head.yml", "-f", "markdown", cwd=tmp_path)
    graph = out.split("```mermaid\n", 1)[1].split("```", 1)[0].splitlines()
    assert graph == [
        "flowchart LR",
        '  r0["Queue<br/>AWS::SQS::Queue<br/>replaced"]',
        '  r1["Alarm<br/>AWS::CloudWatch::Alarm<br/>modified"]',
        '  r2["Mapping<br/>AWS::Lambda::EventSourceMapping<br/>maybe replaced"]',
        '  r0 -->|"Dimensions"| r1',
        '  r0 -->|"EventSourceArn"| r2',
        "  classDef replaced fill:#fdd,stroke:#c00",
        "  class r0,r2 replaced"]
    assert "! EventSourceArn: known after apply (Queue is replaced) (requires replacement)" in out
    # no cascade, no graph
    (tmp_path / "head.yml").write_text(CASCADE.replace("Threshold: 300", "Threshold: 600"))
    assert "mermaid" not in cli("changeset", "base.yml", "head.yml", "-f", "markdown", cwd=tmp_path)[1]


def shard_reports(cli, repo: Repo, count: int, tmp_path: Path) -> list[Path]:
    files = []
    for index in range(1, count + 1):
        code, out, err = cli("check", "--base-ref", "HEAD", "--stage", "prod", "--jobs", "1", "-f", "json",
                             "--shard", f"{index}/{count}", cwd=repo.path)
        assert code in (0, 1), err
        files.append(tmp_path / f"shard-{index}.json")
        files[-1].write_text(out)
    return files


def test_shards_split_the_services_and_report_merges_them_in_any_format(cli, three, tmp_path):
    files = shard_reports(cli, three, 2, tmp_path)
    names = [[s["name"] for s in json.loads(f.read_text())["stacks"]] for f in files]
    assert names == [["alpha-prod", "gamma-prod"], ["beta-prod"]]  # by path, dealt round robin
    (tmp_path / "again").mkdir()
    again = shard_reports(cli, three, 2, tmp_path / "again")
    assert [f.read_text() for f in again] == [f.read_text() for f in files]  # deterministic
    assert [json.loads(f.read_text())["summary"]["exit_code"] for f in files] == [0, 1]
    # the merged shards read exactly as the whole run (the blocked stacks first, then the run's order)
    for fmt in ("text", "markdown"):
        whole = cli("check", "--base-ref", "HEAD", "--stage", "prod", "--jobs", "1", "-f", fmt, cwd=three.path)
        merged = cli("report", *files, "-f", fmt, cwd=tmp_path)
        assert merged[0] == whole[0] == 1 and merged[1] == whole[1], fmt
    code, out, _ = cli("report", *files, "-f", "json", cwd=tmp_path)
    assert code == 1 and [s["name"] for s in json.loads(out)["stacks"]] == ["alpha-prod", "gamma-prod", "beta-prod"]
    jsonschema.validate(json.loads(out), REPORT_SCHEMA)
    # --output writes the merged report, the terminal gets the text
    code, out, _ = cli("report", *files, "-f", "sarif", "-o", tmp_path / "merged.sarif", cwd=tmp_path)
    assert code == 1 and out.rstrip().endswith("3 stacks checked; blocked: beta-prod.")
    assert len(json.loads((tmp_path / "merged.sarif").read_text())["runs"][0]["results"]) == 1


def test_bad_shards_and_reports_are_usage_errors(cli, three, tmp_path):
    for bad in ("0/2", "3/2", "2", "a/b"):
        code, out, err = cli("check", "--base-ref", "HEAD", "--shard", bad, cwd=three.path)
        assert code == 2 and out == "" and f"--shard {bad!r} is not I/N with 1 <= I <= N" in err
    (tmp_path / "not.json").write_text("{\"stacks\": 3}\n")
    code, _, err = cli("report", tmp_path / "not.json", cwd=tmp_path)
    assert code == 2 and "not.json" in err and "Traceback" not in err
    (tmp_path / "a.json").write_text(cli("changeset", *example("safe-change"), "--stage", "prod", "-f", "json")[1])
    (tmp_path / "b.json").write_text(cli("check", *example("safe-change"), "--stage", "prod", "-f", "json")[1])
    code, _, err = cli("report", tmp_path / "a.json", tmp_path / "b.json", cwd=tmp_path)
    assert code == 2 and "cannot merge `changeset` reports with `check` reports" in err


def _renamed(change: dict, k: int) -> dict:
    out = copy.deepcopy(change)
    out["ResourceChange"]["LogicalResourceId"] += f"{k}"
    return out


def test_a_120_service_change_fits_one_github_comment_with_the_blocked_services_first(cli, three, tmp_path):
    """120 stacks (shards of a real run, the stacks copied under other names): the complete markdown
    would be far over GitHub's limit; the comment keeps the blocked ones first and complete."""
    from promotelint.report import RenderOptions
    from promotelint.report.json_report import read_report
    from promotelint.report.markdown import render_markdown

    [whole] = shard_reports(cli, three, 1, tmp_path)
    run = json.loads(whole.read_text())
    safe, stop = ([s for s in run["stacks"] if s["blocked"] is b] for b in (False, True))
    files = []
    for shard in range(4):  # 4 shards of 30 stacks; the blocked ones are the last of each shard
        stacks = []
        for i in range(30):
            n = shard * 30 + i
            source = copy.deepcopy(stop[0] if i == 29 else safe[n % len(safe)])
            source["name"] = f"svc{n:03d}-prod"
            if i != 29:  # a busier service: its queue change twice, under other names
                source["changes"] = [_renamed(c, k) for c in source["changes"] for k in range(2)]
            stacks.append(source)
        files.append(tmp_path / f"part-{shard}.json")
        files[-1].write_text(json.dumps({**run, "stacks": stacks}))
    options = RenderOptions(show_all=True, exit_code=1)
    complete = sum(len(render_markdown([r], options)) for f in files for r in read_report(json.loads(f.read_text())).reports)
    assert complete > 65_536  # the test is about fitting
    code, out, _ = cli("report", *files, "-f", "markdown", "--show-all", cwd=tmp_path)
    assert code == 1 and len(out) <= 65_536 and out.endswith("\n")
    blocked = ["svc029-prod", "svc059-prod", "svc089-prod", "svc119-prod"]
    assert f"Blocked: {', '.join(blocked)}." in out
    headings = re.findall(r"^### `(\S+)`", out, re.M)
    assert headings[:4] == blocked
    for name in blocked:  # complete: findings, the major changes and their values
        section = out.split(f"### `{name}` :x: blocked", 1)[1].split("\n### ", 1)[0]
        assert "**error** `stateful-resource-replaced`" in section
        assert "! TableName: t1 → t2 (requires replacement)" in section
    summarised = re.findall(r"^\|  \| `(svc\d+-prod)` \| 0 to add, 2 to modify", out, re.M)
    assert not set(headings) & set(summarised)  # every stack once: a section, else a row
    assert sorted(headings + summarised) == [f"svc{n:03d}-prod" for n in range(120)]


def test_the_comment_fits_when_every_service_fails_to_read(cli, tmp_path):
    """The services that could not be read are listed as far as the comment allows."""
    code, out, _ = cli("check", *example("safe-change"), "--stage", "prod", "-f", "json")
    run = json.loads(out)
    errors = [f"services/s{n:03d}/serverless.yml:3: " + "x" * 1_000 for n in range(300)]
    (tmp_path / "run.json").write_text(json.dumps({**run, "inputErrors": errors,
                                                   "summary": {**run["summary"], "exit_code": 2}}))
    code, out, _ = cli("report", tmp_path / "run.json", "-f", "markdown", cwd=tmp_path)
    assert code == 2 and len(out) <= 65_536
    listed = re.findall(r"^- services/s(\d+)/serverless.yml:3: x+…$", out, re.M)
    assert listed == [f"{n:03d}" for n in range(50)]
    assert "- and 250 more: the job log has every one." in out and "### `notes-api-prod`" in out


def test_an_error_let_through_by_fail_on_is_never_called_safe(cli):
    args = ("check", *example("dangerous-change"), "--stage", "prod", "--fail-on", "never")
    code, out, _ = cli(*args, "-f", "markdown")
    assert code == 0 and out.startswith("## :warning: promotelint: no blocking findings\n")
    code, out, _ = cli(*args, "-f", "github")
    assert out.rstrip().splitlines()[-1] == (
        "promotelint: no blocking findings (1 error, 1 warning). 1 stack checked; none blocked.")
    code, out, _ = cli(*args, "-f", "text")
    assert out.rstrip().splitlines()[-1] == "No blocking findings: 1 error, 1 warning. 1 stack checked; none blocked."
    code, out, _ = cli("check", *example("safe-change"), "--stage", "prod", "-f", "github")  # no finding at all
    assert out.rstrip().splitlines()[-1] == "promotelint: promotion looks safe. 1 stack checked; none blocked."


def test_changed_values_are_shown_masked_where_they_are_secrets(cli, tmp_path):
    """Values from the environment (here each side's .env) change; they show as **** (issue 13), and
    a property whose only differences are masked still reads as changed."""
    service_yml = ("useDotenv: true\nservice: svc\nprovider:\n  name: aws\n  runtime: nodejs18.x\n  environment:\n"
                   "    DB_PASSWORD: ${env:DB_PASSWORD}\n    LEVEL: ${env:LEVEL}\nfunctions:\n  f:\n    handler: h.f\n")
    for side, password, level in (("base", "old-secret-value", "info"), ("head", "new-secret-value", "debug")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "serverless.yml").write_text(service_yml)
        (tmp_path / side / ".env").write_text(f"DB_PASSWORD={password}\nLEVEL={level}\n")
    for fmt in ("text", "markdown"):
        code, out, _ = cli("changeset", "base", "head", "--stage", "prod", "--show-all", "-f", fmt, cwd=tmp_path)
        assert code == 0 and "secret-value" not in out
        marker = "~" if fmt == "text" else "!"
        # both values are masked to the same text: the change is said where it is, never dropped
        assert f"{marker} Environment: **** → ****" in out, fmt
        assert "info" not in out and "debug" not in out  # every value read from the environment is masked
