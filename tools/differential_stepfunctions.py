#!/usr/bin/env python3
"""Differential test of the serverless-step-functions compiler against the real framework and plugin.

    python -m tools.differential_stepfunctions [--seeds 1-50] [--jobs 3] [--node-modules DIR] [--keep DIR]

Each seed makes a random service with state machines: `name` / `id`, definitions calling functions
(by GetAtt, Ref, ARN, lambda:invoke) and service integrations (SQS, SNS, DynamoDB, ECS, Batch, Glue,
Step Functions, EventBridge, S3, Athena, HTTP...), Parallel and Map states, intrinsics and `#{}`
pseudo parameters, logging, tracing, encryption, EXPRESS, given or generated roles, tags, retain,
alarms, notifications, activities, `validate` / `noOutput`, and `http` (CORS, private, authorizers,
lambda_proxy, actions), `schedule` and `cloudwatchEvent` / `eventBridge` events, beside functions
with their own `http` events. Each is packaged by the framework with the plugin installed (DIR, a
node_modules with serverless and serverless-step-functions; default $SLS_NODE_MODULES, else
/work/node/node_modules) offline, and compiled by promotelint; the templates are compared as the
conformance runner does, and the order of resources and outputs too. When the framework fails,
promotelint must fail too. Services that differ are kept under --keep. Nothing here runs in the tests.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STUB = ROOT.parent / "shared" / "corpus" / "oracle-plugins-stub.js"
VOLATILE = re.compile(r"(LambdaVersion|ApiGatewayDeployment)(?!Stage)\w+")
FUNCTIONS = ["hello", "world-fn", "my_func", "Auth"]
ACCOUNT = "123456789012"


class Gen:
    """Random choices, and whether the service still passes the plugin's `validate` (asl-validator)."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.valid_asl = True

    def maybe(self, p: float = 0.5) -> bool:
        return self.rnd.random() < p

    def pick(self, *items):
        return self.rnd.choice(items)


def _task(g: Gen, fns: list[str]) -> dict:
    fn = g.pick(*fns)
    kind = g.pick("getatt", "ref", "arn", "invoke", "invoke_name", "invoke_ref", "sqs", "sns", "dynamodb",
                  "dynamodb_index", "ecs", "batch", "glue", "start", "start_ref", "events", "s3", "athena",
                  "codebuild", "http", "unknown", "sub_arn", "scheduler", "batch_get", "sub")
    if kind == "getatt":
        return {"Resource": {"Fn::GetAtt": [fn, "Arn"]}}
    if kind == "ref":
        return {"Resource": {"Ref": g.pick(fn, "HelloLambdaFunction")}}
    if kind == "arn":
        return {"Resource": g.pick(f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ext",
                                   f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ext:live")}
    if kind == "sub":
        return {"Resource": {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:svc-x"}}
    if kind == "sub_arn":
        g.valid_asl = False
        return {"Resource": "arn:aws:lambda:#{AWS::Region}:#{AWS::AccountId}:function:svc-dev-x"}
    if kind in ("invoke", "invoke_name", "invoke_ref"):
        name = {"invoke": {"Fn::GetAtt": [fn, "Arn"]}, "invoke_name": g.pick("other-fn", f"{ACCOUNT}:function:x"),
                "invoke_ref": {"Ref": fn}}[kind]
        return {"Resource": g.pick("arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken"),
                "Parameters": {"FunctionName": name, "Payload": {"input.$": "$"}}}
    if kind == "sqs":
        url = g.pick({"Ref": "Queue"}, f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/q1")
        return {"Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": url, "MessageBody.$": "$"}}
    if kind == "sns":
        return {"Resource": "arn:aws:states:::sns:publish",
                "Parameters": g.pick({"TopicArn": {"Ref": "Topic"}, "Message.$": "$"},
                                     {"TopicArn.$": "$.topic", "Message.$": "$"})}
    if kind in ("dynamodb", "dynamodb_index"):
        table = g.pick({"Ref": "Table"}, "plain-table")
        parameters = {"TableName": table, "Key": {"id": {"S.$": "$.id"}}}
        if kind == "dynamodb_index":
            parameters = {"TableName": "plain-table", "IndexName": "by-x",
                          "KeyConditionExpression": "x = :x"}
            return {"Resource": "arn:aws:states:::aws-sdk:dynamodb:query", "Parameters": parameters}
        return {"Resource": g.pick("arn:aws:states:::dynamodb:getItem", "arn:aws:states:::dynamodb:putItem"),
                "Parameters": parameters}
    if kind == "batch_get":
        return {"Resource": "arn:aws:states:::aws-sdk:dynamodb:batchGetItem",
                "Parameters": {"RequestItems": {"t1": {"Keys": []}, "t2.$": "$.x"}}}
    if kind == "ecs":
        return {"Resource": g.pick("arn:aws:states:::ecs:runTask.sync", "arn:aws:states:::ecs:runTask"),
                "Parameters": {"LaunchType": "FARGATE", "Cluster": "#{Cluster}"}}
    if kind == "batch":
        return {"Resource": "arn:aws:states:::batch:submitJob.sync",
                "Parameters": {"JobName": "j", "JobQueue": "q", "JobDefinition": "d"}}
    if kind == "glue":
        return {"Resource": "arn:aws:states:::glue:startJobRun", "Parameters": {"JobName": "j"}}
    if kind in ("start", "start_ref"):
        arn = {"Ref": "OtherMachine"} if kind == "start_ref" else \
            f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:other"
        return {"Resource": g.pick("arn:aws:states:::states:startExecution.sync:2",
                                   "arn:aws:states:::states:startExecution"),
                "Parameters": {"StateMachineArn": arn, "Input.$": "$"}}
    if kind == "events":
        return {"Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {"Entries": [{"Detail.$": "$", "DetailType": "t", "Source": "s",
                                            **({"EventBusName": "bus1"} if g.maybe() else {})}]}}
    if kind == "s3":
        return {"Resource": g.pick("arn:aws:states:::aws-sdk:s3:getObject", "arn:aws:states:::aws-sdk:s3:putObject"),
                "Parameters": {"Bucket": g.pick("b1", {"Ref": "Bucket"}), "Key": "k", "Body.$": "$"}}
    if kind == "athena":
        return {"Resource": g.pick("arn:aws:states:::athena:startQueryExecution.sync",
                                   "arn:aws:states:::athena:getQueryResults"),
                "Parameters": {"QueryString": "select 1", "WorkGroup": "primary"}}
    if kind == "codebuild":
        return {"Resource": "arn:aws:states:::codebuild:startBuild.sync", "Parameters": {"ProjectName": "p"}}
    if kind == "http":
        return {"Resource": "arn:aws:states:::http:invoke",
                "Parameters": {"ApiEndpoint": "https://x.example.com", "Method": "GET",
                               "Authentication": {"ConnectionArn": f"arn:aws:events:us-east-1:{ACCOUNT}:connection/c"}}}
    if kind == "scheduler":
        return {"Resource": "arn:aws:states:::aws-sdk:scheduler:createSchedule",
                "Parameters": {"Name": "n", "ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "OFF"},
                               "Target": {"Arn": "arn:aws:sqs:us-east-1:1:q", "RoleArn": {"Fn::GetAtt": ["R", "Arn"]}}}}
    return {"Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"MessageBody": "x"}}


def _states(g: Gen, fns: list[str], prefix: str, depth: int = 0) -> dict:
    count = g.rnd.randint(1, 4)
    names = [f"{prefix}{i}" for i in range(count)]
    states: dict = {}
    for i, name in enumerate(names):
        kind = g.pick("Task", "Task", "Task", "Pass", "Wait", "Parallel", "Map") if depth < 1 else "Task"
        if kind == "Task":
            state = {"Type": "Task", **_task(g, fns)}
            if g.maybe(0.2):
                state["TimeoutSeconds"] = 30
            if g.maybe(0.2):
                state["Retry"] = [{"ErrorEquals": ["States.ALL"], "BackoffRate": 2.0, "MaxAttempts": 2}]
        elif kind == "Pass":
            state = {"Type": "Pass", "Result": {"a": 1, "sub": "#{AWS::Region}" if g.maybe(0.3) else "x"}}
        elif kind == "Wait":
            if g.maybe(0.3):
                g.valid_asl = False
                state = {"Type": "Wait", "Seconds": {"Ref": "WaitSeconds"}}
            else:
                state = {"Type": "Wait", "Seconds": 5}
        elif kind == "Parallel":
            state = {"Type": "Parallel", "Branches": [
                {"StartAt": f"{name}b{j}0", "States": _states(g, fns, f"{name}b{j}", depth + 1)} for j in range(2)]}
        else:
            processor = {"StartAt": f"{name}m0", "States": _states(g, fns, f"{name}m", depth + 1)}
            if g.maybe():
                state = {"Type": "Map", "Iterator": processor}
            else:
                if g.maybe():
                    processor["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
                state = {"Type": "Map", "ItemProcessor": processor}
        if i + 1 < count:
            state["Next"] = names[i + 1]
        else:
            state["End"] = True
        states[name] = state
    return states


def _http_event(g: Gen, fns: list[str], used: set) -> dict | str | None:
    path = g.pick("run", "start/{id}", "", "jobs/run", "Items")
    method = g.pick("post", "GET", "put", "any")
    if (path, method.lower()) in used:
        return None
    used.add((path, method.lower()))
    if g.maybe(0.25):
        return f"{method.upper()} /{path}"
    event: dict = {"path": f"/{path}" if g.maybe() else path, "method": method}
    if g.maybe(0.35):
        event["cors"] = g.pick(True, {"origin": "https://a.example.com"},
                               {"origins": ["https://a.com", "https://b.com"], "allowCredentials": True},
                               {"headers": ["X-One"], "maxAge": 60, "methods": ["GET"]})
    if g.maybe(0.2):
        event["private"] = True
    if g.maybe(0.3):
        event["authorizer"] = g.pick(
            "Auth", "aws_iam", {"name": "Auth", "resultTtlInSeconds": 0, "identitySource": "method.request.header.X"},
            {"arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:ext-auth", "type": g.pick("token", "request")},
            {"arn": f"arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/us-east-1_abc", "scopes": ["s1"]},
            {"type": "COGNITO_USER_POOLS", "authorizerId": {"Ref": "ExternalAuthorizer"}})
    if g.maybe(0.2):
        event["request"] = g.pick({"template": "lambda_proxy"},
                                  {"template": {"application/json": "{\"input\": \"$input.body\"}"}},
                                  {"schemas": {"application/json": {"type": "object"}}})
    if g.maybe(0.1):
        event["action"] = g.pick("StartSyncExecution", "StopExecution")
    if g.maybe(0.1):
        event["iamRole"] = f"arn:aws:iam::{ACCOUNT}:role/api"
    if g.maybe(0.15):
        event["response"] = {"headers": {"X-Custom": "'v'"}, "template": {"application/json": "$input.body"}}
    if g.maybe(0.1):
        event["timeoutInMillis"] = 20000
    return event


def _schedule(g: Gen) -> dict | str:
    if g.maybe(0.3):
        return g.pick("rate(1 hour)", "cron(0 12 * * ? *)")
    event: dict = {"rate": g.pick("rate(10 minutes)", "cron(0 1 * * ? *)")}
    for key, value in (("enabled", g.pick(True, False)), ("name", "sched-x"), ("description", "a schedule"),
                       ("role", f"arn:aws:iam::{ACCOUNT}:role/sched")):
        if g.maybe(0.25):
            event[key] = value
    if g.maybe(0.2):
        event["method"] = "scheduler"
        if g.maybe(0.5):
            event["timezone"] = "Europe/Paris"
        if g.maybe(0.3):
            event["input"] = {"k": "v"}
    else:
        which = g.pick(None, "input", "inputPath", "inputTransformer")
        if which == "input":
            event["input"] = g.pick({"key": "value", "n": 1}, "plain text")
        elif which == "inputPath":
            event["inputPath"] = "$.detail"
        elif which == "inputTransformer":
            event["inputTransformer"] = {"inputPathsMap": {"t": "$.time"}, "inputTemplate": '{"time": <t>}'}
        if g.maybe(0.2):
            event["retryPolicy"] = {"maximumEventAgeInSeconds": 3600, "maximumRetryAttempts": 2}
    return event


def _rule(g: Gen) -> dict:
    event: dict = {"event": {"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}}
    for key, value in (("enabled", False), ("name", "rule-x"), ("description", "a rule"),
                       ("eventBusName", g.pick("custom-bus", {"Ref": "Bus"})),
                       ("iamRole", f"arn:aws:iam::{ACCOUNT}:role/events"),
                       ("deadLetterConfig", f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq"),
                       ("retryPolicy", {"maximumRetryAttempts": 1})):
        if g.maybe(0.2):
            event[key] = value
    which = g.pick(None, "input", "inputPath", "inputTransformer")
    if which == "input":
        event["input"] = g.pick({"a": "b"}, '{"text": "x"}')
    elif which == "inputPath":
        event["inputPath"] = "$.detail"
    elif which == "inputTransformer":
        event["inputTransformer"] = {"inputPathsMap": {"s": "$.detail.state"}, "inputTemplate": '{"state": <s>}'}
    return event


def _notifications(g: Gen) -> dict:
    target = lambda: g.pick(  # noqa: E731
        {"sns": {"Ref": "Topic"}}, {"sns": f"arn:aws:sns:us-east-1:{ACCOUNT}:t"},
        {"sqs": {"Fn::GetAtt": ["Queue", "Arn"]}}, {"sqs": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q"},
        {"sqs": {"arn": {"Fn::GetAtt": ["Fifo", "Arn"]}, "messageGroupId": "g"}},
        {"kinesis": {"arn": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/s", "partitionKeyPath": "$.id"}},
        {"firehose": f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/f"},
        {"lambda": {"Fn::GetAtt": ["hello", "Arn"]}},
        {"stepFunctions": f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:other", "inputPath": "$.detail"})
    return {status: [target() for _ in range(g.rnd.randint(1, 2))]
            for status in g.rnd.sample(["ABORTED", "FAILED", "RUNNING", "SUCCEEDED", "TIMED_OUT"], g.rnd.randint(1, 3))}


def _alarms(g: Gen) -> dict:
    metrics = g.rnd.sample(["executionsTimedOut", "executionsFailed", "executionsAborted", "executionThrottled",
                            "executionsSucceeded"], g.rnd.randint(1, 3))
    if g.maybe(0.3):
        metrics[0] = {"metric": metrics[0], "treatMissingData": "breaching", "period": 300,
                      **({"logicalId": "MyCustomAlarm"} if g.maybe() else {}),
                      **({"alarmName": "my-alarm"} if g.maybe() else {})}
    alarms: dict = {"topics": {g.pick("ok", "alarm", "insufficientData"): {"Ref": "Topic"}}, "metrics": metrics}
    if g.maybe(0.3):
        alarms["nameTemplate"] = "$[stateMachineName]-$[cloudWatchMetricName]"
    if g.maybe(0.2):
        alarms["treatMissingData"] = "ignore"
    return alarms


def _machine(g: Gen, index: int, fns: list[str], used: set) -> dict:
    machine: dict = {"definition": {"Comment": "machine", "StartAt": "s0", "States": _states(g, fns, "s")}}
    if g.maybe(0.4):
        machine["name"] = g.pick(f"machine-{index}-${{sls:stage}}", f"Machine{index}")
    if g.maybe(0.2):
        machine["id"] = f"Custom{index}Id"
    if g.maybe(0.2):
        machine["type"] = "EXPRESS"
    if g.maybe(0.25):
        machine["role"] = g.pick(f"arn:aws:iam::{ACCOUNT}:role/sfn", {"Fn::GetAtt": ["MachineRole", "Arn"]})
    elif g.maybe(0.15):
        machine["iamRoleStatements"] = [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]
    if g.maybe(0.2):
        machine["loggingConfig"] = {"level": g.pick("ALL", "ERROR"), "includeExecutionData": g.pick(True, False),
                                    "destinations": [{"Fn::GetAtt": ["LogGroup", "Arn"]}]}
    if g.maybe(0.2):
        machine["tracingConfig"] = {"enabled": g.pick(True, False)}
    if g.maybe(0.1):
        machine["encryptionConfig"] = {"KmsKeyId": "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/k"}
    if g.maybe(0.1):
        machine["kmsKeyArns"] = [f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k"]
    if g.maybe(0.2):
        machine["tags"] = {"team": "a", "n": 1}
    if g.maybe(0.1):
        machine["inheritGlobalTags"] = False
    if g.maybe(0.15):
        machine["retain"] = True
    if g.maybe(0.15):
        machine["dependsOn"] = g.pick("Queue", ["Queue", "Topic"])
    if g.maybe(0.1):
        machine["useExactVersion"] = True
    if g.maybe(0.1):
        machine["configureTaskTimeouts"] = True
    if g.maybe(0.25):
        machine["alarms"] = _alarms(g)
    if g.maybe(0.25):
        machine["notifications"] = _notifications(g)
    events: list = []
    for _ in range(g.rnd.randint(0, 3)):
        kind = g.pick("http", "http", "schedule", "cloudwatchEvent", "eventBridge")
        if kind == "http":
            event = _http_event(g, fns, used)
            if event is not None:
                events.append({"http": event})
        elif kind == "schedule":
            events.append({"schedule": _schedule(g)})
        else:
            events.append({kind: _rule(g)})
    if events:
        machine["events"] = events
    return machine


def _break(g: Gen, machine: dict) -> None:
    """A setting the plugin refuses (so `serverless package` fails, and promotelint must too)."""
    breakage = g.pick("unknown key", "no rate", "quote", "bad method", "sqs ref", "no definition", "role sub")
    if breakage == "unknown key":
        machine["colour"] = "blue"
    elif breakage == "no rate":
        machine.setdefault("events", []).append({"schedule": {"enabled": True}})
    elif breakage == "quote":
        machine.setdefault("events", []).append({"schedule": {"rate": "rate(1 hour)", "input": {"a": 'say "hi"'}}})
    elif breakage == "bad method":
        machine.setdefault("events", []).append({"http": {"path": "broken", "method": "fetch"}})
    elif breakage == "sqs ref":
        machine["notifications"] = {"FAILED": [{"sqs": {"Ref": "Queue"}}]}
    elif breakage == "no definition":
        machine.pop("definition")
        machine["role"] = f"arn:aws:iam::{ACCOUNT}:role/r"
    else:
        machine["role"] = {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/r"}


RESOURCES = {
    "Queue": {"Type": "AWS::SQS::Queue"}, "Fifo": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": True}},
    "Topic": {"Type": "AWS::SNS::Topic"}, "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
    "Bucket": {"Type": "AWS::S3::Bucket"}, "LogGroup": {"Type": "AWS::Logs::LogGroup"},
    "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "bus"}},
}


def service(seed: int) -> dict:
    """A random service (most of which the framework packages)."""
    g = Gen(seed)
    fns = g.rnd.sample(FUNCTIONS, g.rnd.randint(1, 4))
    if "Auth" not in fns:
        fns.append("Auth")
    provider: dict = {"name": "aws", "runtime": "nodejs18.x", "stage": "dev", "region": "us-east-1"}
    if g.maybe(0.3):
        provider["tags"] = {"owner": "me"}
    if g.maybe(0.15):
        provider["iam"] = {"role": {"path": "/sfn/"}}
    if g.maybe(0.1):
        provider["rolePermissionsBoundary"] = f"arn:aws:iam::{ACCOUNT}:policy/boundary"
    if g.maybe(0.15):
        provider["endpointType"] = g.pick("REGIONAL", "EDGE")
    api: dict = {}
    if g.maybe(0.15):
        api["apiKeys"] = g.pick(["k1"], ["k1", {"name": "k2", "value": "x" * 25}])
        if g.maybe():
            api["usagePlan"] = {"quota": {"limit": 10, "period": "DAY"}, "throttle": {"rateLimit": 5}}
    if g.maybe(0.1):
        api["resourcePolicy"] = [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                                  "Resource": ["execute-api:/*"]}]
    if g.maybe(0.1):
        api["timeoutInMillis"] = 10000
    if g.maybe(0.08):
        api.update(restApiId="ext123", restApiRootResourceId="root1")
        if g.maybe():
            api["restApiResources"] = {"/jobs": "r-jobs"}
    if api:
        provider["apiGateway"] = api
    functions: dict = {}
    used: set = set()
    for name in fns:
        function: dict = {"handler": "handler.x"}
        if g.maybe(0.3):
            function["timeout"] = 20
        if g.maybe(0.3) and name != "Auth":
            event = _http_event(g, fns, used)
            if isinstance(event, dict):
                event.pop("request", None), event.pop("action", None), event.pop("iamRole", None)
                event.pop("response", None)
            if event is not None:
                function["events"] = [{"http": event}]
        functions[name] = function
    machines = {f"machine{i}" if g.maybe(0.7) else f"my-machine_{i}": _machine(g, i, fns, used)
                for i in range(g.rnd.randint(1, 3))}
    section: dict = {"stateMachines": machines}
    if g.maybe(0.2):
        section["activities"] = g.rnd.sample(["act-one", "ActTwo", "act_three"], g.rnd.randint(1, 2))
    if g.maybe(0.2):
        section["noOutput"] = True
    if g.valid_asl and g.maybe(0.4):
        section["validate"] = True
    if g.maybe(0.08):
        _break(g, next(iter(machines.values())))
    resources = {k: v for k, v in RESOURCES.items() if g.maybe(0.8)}
    resources.update({"Queue": RESOURCES["Queue"], "Topic": RESOURCES["Topic"]})
    return {"service": f"sfn{seed}", "frameworkVersion": "3", "provider": provider, "functions": functions,
            "stepFunctions": section, "resources": {"Resources": resources},
            "plugins": ["serverless-step-functions"]}


def node_modules(explicit: str | None) -> Path:
    for candidate in (explicit, os.environ.get("SLS_NODE_MODULES"), "/work/node/node_modules"):
        if candidate and (Path(candidate) / ".bin" / "serverless").exists():
            return Path(candidate)
    raise SystemExit("no node_modules with serverless and serverless-step-functions: pass --node-modules")


def _order(template: dict, section: str) -> list[str]:
    return [VOLATILE.sub(r"\1", k) for k in template.get(section, {})]


def _order_differs(expected: dict, ours: dict) -> str:
    order = [section for section in ("Resources", "Outputs") if _order(expected, section) != _order(ours, section)]
    return f"order of {order}" if order else ""


def check(seed: int, modules: Path, keep: Path) -> str:
    from promotelint.app import compile_path
    from promotelint.model.errors import InputError
    from tools.differential import judge

    config = service(seed)
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as home:
        (Path(scratch) / "node_modules").symlink_to(modules)
        work = Path(scratch) / "svc"
        work.mkdir()
        (work / "serverless.yml").write_text(json.dumps(config, indent=1))  # JSON is YAML
        (work / "handler.js").write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=home)
        if STUB.is_file():
            env["NODE_OPTIONS"] = f"--require {STUB}"
        run = subprocess.run([str(Path(scratch) / "node_modules" / ".bin" / "serverless"), "package", "--stage", "dev",
                              "--region", "us-east-1"], cwd=work, env=env, capture_output=True, text=True)
        try:
            ours = dict(compile_path(work / "serverless.yml", stage="dev", region="us-east-1", env={}).data)
        except InputError as error:
            ours, our_error = None, str(error)
        if run.returncode:
            if ours is None:
                return "same (both fail)"
            shutil.copytree(work, keep / f"seed{seed}", dirs_exist_ok=True)
            return f"DIFFERENT: the framework fails, promotelint compiles ({(run.stdout + run.stderr)[-300:]!r})"
        expected = json.loads((work / ".serverless" / "cloudformation-template-update-stack.json").read_text())
        return judge(seed, work, keep, expected, ours, our_error if ours is None else "", also=_order_differs)


def main() -> int:
    from tools.differential import arguments, run_seeds, seed_range

    args = arguments(__doc__, 3, "differential-stepfunctions-failures",
                     node_modules="node_modules holding serverless and serverless-step-functions")
    modules, keep = node_modules(args.node_modules), Path(args.keep)
    return run_seeds(seed_range(args.seeds), args.jobs, lambda seed: check(seed, modules, keep))


if __name__ == "__main__":
    sys.exit(main())
