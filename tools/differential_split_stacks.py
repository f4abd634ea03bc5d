#!/usr/bin/env python3
"""Differential test of the split-stacks compiler against the real framework (v3) with
serverless-plugin-split-stacks 1.15.

    python -m tools.differential_split_stacks [--seeds 1-50] [--jobs 3] [--node-modules DIR] [--keep DIR]

Each seed makes a random service listing serverless-plugin-split-stacks (sometimes with
serverless-iam-roles-per-function): functions with REST endpoints (shared and single paths, CORS),
SNS, SQS, stream and schedule events, versions on or off; `resources:` with tables, queues and their
policies, alarms and metric filters (a condition, a DependsOn), `Fn::Sub` strings and outputs
referring to what moves; and random `custom.splitStacks` settings: perType, perFunction,
perGroupFunction with nestedStackCount, stackConcurrency, resourceConcurrency, and a custom stacks
map in JSON or YAML (destinations, allowSuffix, `false`). It runs the services as
tools/differential_plugins.py does (its `run`: the root template, its order, and every nested
template the plugin wrote, each compared with promotelint's nested stack of that logical ID).
Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.differential_plugins import run_seeds  # noqa: E402

MAP_TYPES = ("AWS::DynamoDB::Table", "AWS::SQS::Queue", "AWS::Lambda::Permission", "AWS::Logs::LogGroup",
             "AWS::IAM::Role", "AWS::SNS::Topic", "AWS::Lambda::Function", "AWS::CloudWatch::Alarm")


def _http(rnd: random.Random, name: str) -> dict:
    path = rnd.choice(["items", "items/{id}", f"{name}", f"{name}/sub", "shared", "shared/{id}/x", "/"])
    event: dict = {"path": path, "method": rnd.choice(["get", "post", "any"])}
    if rnd.random() < .3:
        event["cors"] = True
    return {"http": event}


def _events(rnd: random.Random, name: str, i: int) -> list:
    options = [lambda: _http(rnd, name), lambda: _http(rnd, name), lambda: {"sns": f"topic-{i % 2}"},
               lambda: {"sqs": {"arn": {"Fn::GetAtt": ["Queue", "Arn"]}}},
               lambda: {"stream": {"type": "dynamodb", "arn": {"Fn::GetAtt": ["Table", "StreamArn"]}}},
               lambda: {"schedule": "rate(1 hour)"}]
    return [rnd.choice(options)() for _ in range(rnd.randint(0, 3))]


def _settings(rnd: random.Random) -> dict:
    maybe = lambda p: rnd.random() < p  # noqa: E731
    settings: dict = {}
    for key in ("perType", "perFunction", "perGroupFunction"):
        if maybe(.5):
            settings[key] = rnd.choice([True, False])
    if settings.get("perGroupFunction"):
        settings["nestedStackCount"] = rnd.choice([2, 3, 5])
    if maybe(.3):
        settings["stackConcurrency"] = rnd.choice([1, 2, 3])
    if maybe(.3):
        settings["resourceConcurrency"] = rnd.choice([1, 2, 4])
    return settings


def _stacks_map(rnd: random.Random) -> dict:
    out: dict = {}
    for kind in rnd.sample(MAP_TYPES, rnd.randint(1, 3)):
        out[kind] = False if rnd.random() < .15 else {
            "destination": rnd.choice(["Data", "Queues", "Misc"]), **({"allowSuffix": True} if rnd.random() < .3 else {})}
    return out


def service(seed: int) -> tuple[dict, dict[str, str], dict]:
    rnd = random.Random(seed)
    maybe = lambda p: rnd.random() < p  # noqa: E731
    plugins = ["serverless-plugin-split-stacks"]
    if maybe(.25):
        plugins.insert(rnd.randint(0, 1), "serverless-iam-roles-per-function")
    provider: dict = {"name": "aws", "runtime": "nodejs18.x", "environment": {"QUEUE": {"Ref": "Queue"}}}
    if maybe(.3):
        provider["versionFunctions"] = False
    functions = {}
    for i, name in enumerate(["alpha", "beta", "gammaFn", "alphaBeta"][: rnd.randint(1, 4)]):
        fn: dict = {"handler": f"handler.{name}"}
        events = _events(rnd, name, i)
        if events:
            fn["events"] = events
        if "serverless-iam-roles-per-function" in plugins and maybe(.5):
            fn["iamRoleStatements"] = [{"Effect": "Allow", "Action": ["sqs:SendMessage"],
                                        "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}]
        functions[name] = fn
    first = next(iter(functions))
    lambda_id = first[0].upper() + first[1:] + "LambdaFunction"
    resources: dict = {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}}},
        "QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": {
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                           "Resource": {"Fn::Sub": rnd.choice(["${Queue.Arn}", "${Queue.Arn}-${!Literal}-${AWS::Region}"])}}]}}},
    }
    conditions = {}
    if maybe(.6):
        alarm: dict = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            "Namespace": "AWS/Lambda", "MetricName": "Errors", "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1,
            "Threshold": 1, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": lambda_id}}]}}
        if maybe(.5):
            conditions["IsDev"] = {"Fn::Equals": ["${sls:stage}", "dev"]}
            alarm["Condition"] = "IsDev"
        resources["ErrorsAlarm"] = alarm
    if maybe(.5):
        resources["Filter"] = {"Type": "AWS::Logs::MetricFilter", "DependsOn": first[0].upper() + first[1:] + "LogGroup",
                               "Properties": {"LogGroupName": {"Ref": first[0].upper() + first[1:] + "LogGroup"},
                                              "FilterPattern": "ERROR", "MetricTransformations": [
                                                  {"MetricName": "e", "MetricNamespace": "n", "MetricValue": "1"}]}}
    outputs = {"QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}},
               "Both": {"Value": {"Fn::Sub": "${Table}/${" + lambda_id + ".Arn}"}}}
    config: dict = {"service": f"split{seed}", "frameworkVersion": "3", "plugins": plugins, "provider": provider,
                    "functions": functions, "resources": {"Resources": resources, "Outputs": outputs}}
    if conditions:
        config["resources"]["Conditions"] = conditions
    files: dict[str, str] = {}
    settings = _settings(rnd)
    if maybe(.4):
        stacks_map = _stacks_map(rnd)
        if maybe(.5):
            settings["custom"] = "stacks-map.json"
            files["stacks-map.json"] = json.dumps(stacks_map)
        else:
            settings["custom"] = "config/split.yml"
            files["config/split.yml"] = "".join(
                f"{k}: false\n" if v is False else f"{k}:\n" + "".join(f"  {a}: {json.dumps(b)}\n" for a, b in v.items())
                for k, v in stacks_map.items())
    if settings or maybe(.5):
        config["custom"] = {"splitStacks": settings}
    return config, files, {"stage": "dev", "env": {}}


if __name__ == "__main__":
    sys.exit(run_seeds(argparse.ArgumentParser(description=__doc__.split("\n\n")[0]), service))
