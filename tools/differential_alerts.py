#!/usr/bin/env python3
"""Differential test of the aws-alerts, warmup, python-requirements (`layer:`) and tracing compilers
against the real framework (v3) with the real plugins.

    python -m tools.differential_alerts [--seeds 1-40] [--jobs 3] [--node-modules DIR] [--keep DIR]

Each seed makes a random service that lists some of serverless-plugin-aws-alerts,
serverless-plugin-warmup, serverless-python-requirements and serverless-plugin-tracing (in a random
order), with their options: alarms from definitions, objects, global / function / alarms lists,
pattern and anomaly-detection alarms, name and prefix templates, topics (names, ARNs, references,
named groups, subscriptions), dashboards and `stages` that do or do not hold the stage; warmers
enabled by flag, stage or list, with their names, roles, events, memory, timeouts, environments and
function-level settings; the requirements layer as true, false or settings, with functions
referring to it; boolean and textual tracing on the provider and the functions. DIR must hold the
framework and the four plugins (serverless-plugin-tracing is not in /work/node/node_modules:
`npm install serverless-plugin-tracing@2` in a directory of your own and link it into a copy of that
node_modules). Packaging, comparing and --keep are those of tools/differential_plugins.py. Warmers
never set `tracing` here (the plugin then runs `npm install` in the warmer's folder). Nothing here
runs in the tests.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.differential_plugins import run_seeds  # noqa: E402

PLUGINS = ("serverless-plugin-aws-alerts", "serverless-plugin-warmup", "serverless-python-requirements",
           "serverless-plugin-tracing")
NAMES = ("api", "worker-job", "report_daily", "Upper", "x")
DEFINITIONS = ("functionErrors", "functionThrottles", "functionInvocations", "functionDuration")


def _alarm(rnd: random.Random, custom_names: list[str]) -> object:
    choice = rnd.random()
    if choice < .45:
        return rnd.choice(list(DEFINITIONS) + custom_names)
    alarm: dict = {"name": rnd.choice(["appErrors", "slow-calls", "functionErrors", "p_99"] + custom_names)}
    if alarm["name"] not in DEFINITIONS and alarm["name"] not in custom_names:
        alarm.update(namespace="AWS/Lambda", metric=rnd.choice(["Errors", "duration", "AppErrors"]), threshold=1,
                     statistic=rnd.choice(["Sum", "Maximum", "p95"]), period=60, evaluationPeriods=1,
                     comparisonOperator="GreaterThanThreshold")
    for key, values in (("pattern", ['{$.level > 40}', "ERROR", '"timed out"']), ("enabled", [False, True]),
                        ("threshold", [0, 5, "7"]), ("nameTemplate", ["$[functionName]-$[metricName]", ""]),
                        ("prefixTemplate", ["pre", "", "$[stackName]-x"]), ("treatMissingData", ["breaching"]),
                        ("type", ["anomalyDetection"]), ("alarmActions", [["critical"]]),
                        ("dimensions", [[{"Name": "FunctionName", "Value": "x"}, {"Name": "Env", "Value": "p"}]]),
                        ("omitDefaultDimension", [True]), ("description", ["watch it"])):
        if rnd.random() < .18:
            alarm[key] = rnd.choice(values)
    return alarm


def _alerts(rnd: random.Random, stage: str) -> dict:
    alerts: dict = {}
    if rnd.random() < .5:
        alerts["stages"] = rnd.choice([[stage], ["production", stage], ["production"], stage + "x", "prod"])
    topics: dict = {}
    for key in ("ok", "alarm", "insufficientData"):
        if rnd.random() < .6:
            topics[key] = rnd.choice([f"svc-{key}", "arn:aws:sns:us-east-1:123456789012:t",
                                      {"topic": f"t-{key}", "notifications": [
                                          {"protocol": "email", "endpoint": "a@example.com"},
                                          {"protocol": "sms"}]},
                                      {"topic": {"Ref": "Shared"}}, {"notifications": []}])
    custom_names: list[str] = []
    if rnd.random() < .4:
        topics["critical"] = {"alarm": rnd.choice(["crit", {"topic": "crit", "notifications": [
            {"protocol": "https", "endpoint": "https://x"}]}, "arn:aws:sns:us-east-1:1:c"])}
    if topics or rnd.random() < .3:
        alerts["topics"] = topics
    if rnd.random() < .6:
        definitions: dict = {"functionErrors": {"period": rnd.choice([60, 300])}}
        if rnd.random() < .6:
            custom_names.append("custom_Alarm")
            definitions["custom_Alarm"] = {"namespace": "AWS/Lambda", "metric": "Duration", "threshold": 200,
                                           "statistic": rnd.choice(["Average", "p90"]), "period": 300,
                                           "evaluationPeriods": 1, "comparisonOperator": "GreaterThanThreshold"}
            if "critical" in topics and rnd.random() < .5:
                definitions["custom_Alarm"]["okActions"] = ["critical"]
        alerts["definitions"] = definitions
    for key in ("alarms", "global", "function"):
        if rnd.random() < .45:
            alerts[key] = [rnd.choice(list(DEFINITIONS) + custom_names) for _ in range(rnd.randint(1, 3))]
    for key, values in (("nameTemplate", ["$[functionName]-$[metricId]", "$[functionId]"]),
                        ("prefixTemplate", ["team", ""]),
                        ("dashboards", [True, "vertical", {"stages": [stage]}, {"stages": ["other"]},
                                        {"stages": [stage], "templates": ["vertical", "default"]}, ["default"]])):
        if rnd.random() < .25:
            alerts[key] = rnd.choice(values)
    alerts["_custom"] = custom_names  # taken out by service()
    return alerts


def _warmup(rnd: random.Random, stage: str) -> dict:
    warmers: dict = {}
    for name in rnd.sample(["default", "officeHours", "second"], rnd.randint(1, 2)):
        warmer: dict = {}
        for key, values in (("enabled", [True, False, "true", stage, [stage, "other"], "other"]),
                            ("name", ["custom-warmer"]), ("roleName", ["warm-role"]), ("memorySize", [256, "512"]),
                            ("timeout", [20]), ("events", [[{"schedule": "rate(10 minutes)"}],
                                                           [{"schedule": "cron(0/5 8-17 ? * MON-FRI *)"},
                                                            {"schedule": "rate(1 hour)"}]]),
                            ("role", ["arn:aws:iam::123456789012:role/warmer", "IamRoleLambdaExecution"]),
                            ("environment", [{"A": "1"}]), ("logRetentionInDays", [7]), ("architecture", ["arm64"]),
                            ("tags", [{"team": "a"}]), ("folderName", ["warmers/x"]), ("concurrency", [2]),
                            ("package", [{"individually": False}, {"patterns": ["extra/**"]}]),
                            ("payload", [{"a": 1}])):
            if rnd.random() < (.6 if key == "enabled" else .15):
                warmer[key] = rnd.choice(values)
        warmers[name] = warmer
    return warmers


def service(seed: int) -> tuple[dict, dict[str, str], dict]:
    rnd = random.Random(seed)
    stage = rnd.choice(["dev", "prod", "production"])
    plugins = rnd.sample(PLUGINS, rnd.randint(1, 4))
    python = "serverless-python-requirements" in plugins
    provider: dict = {"name": "aws", "runtime": "python3.11" if python else "nodejs18.x"}
    if rnd.random() < .3:
        provider["environment"] = {"TABLE": "t", "LEVEL": "info"}
    if "serverless-plugin-tracing" in plugins and rnd.random() < .6:
        provider["tracing"] = rnd.choice([True, "true", False])
    if rnd.random() < .15:
        provider["stackName"] = f"custom-{seed}"
    custom: dict = {}
    layer = False
    if "serverless-plugin-aws-alerts" in plugins:
        custom["alerts"] = _alerts(rnd, stage)
    custom_names = custom.get("alerts", {}).pop("_custom", [])
    if "serverless-plugin-warmup" in plugins:
        custom["warmup"] = _warmup(rnd, stage)
    if python:
        layer = rnd.choice([True, False, {"name": "deps"}, {"description": "d", "compatibleRuntimes": ["python3.11"]},
                            {"allowedAccounts": ["123456789012"]}])
        custom["pythonRequirements"] = {"layer": layer, "pythonBin": "python3"}
    functions: dict = {}
    for name in rnd.sample(NAMES, rnd.randint(1, 3)):
        fn: dict = {"handler": f"handler.{name}"}
        if rnd.random() < .4:
            fn["events"] = [rnd.choice([{"http": {"path": name, "method": "get"}}, {"schedule": "rate(1 day)"}])]
        if "serverless-plugin-aws-alerts" in plugins and rnd.random() < .6:
            fn["alarms"] = [_alarm(rnd, custom_names) for _ in range(rnd.randint(1, 3))]
        if "serverless-plugin-warmup" in plugins and rnd.random() < .5:
            warmer = rnd.choice(list(custom["warmup"]))
            fn["warmup"] = {warmer: rnd.choice([{"enabled": True}, {"enabled": False}, {"enabled": [stage]},
                                                {"concurrency": 3}, {}])}
        if "serverless-plugin-tracing" in plugins and rnd.random() < .4:
            fn["tracing"] = rnd.choice([True, False, "true", "false", "Active", "PassThrough"])
        if layer and rnd.random() < .6:
            fn["layers"] = [{"Ref": "PythonRequirementsLambdaLayer"}]
        if rnd.random() < .1:
            fn["name"] = f"named-{name}-{seed}"
        functions[name] = fn
    config: dict = {"service": f"diff-alerts-{seed}", "frameworkVersion": "3", "provider": provider,
                    "plugins": plugins, "functions": functions}
    if custom:
        config["custom"] = custom
    config["resources"] = {"Resources": {"Shared": {"Type": "AWS::SNS::Topic"}}}
    files = {"handler.py": "", "requirements.txt": ""} if python else {}
    return config, files, {"stage": stage, "env": {}}


if __name__ == "__main__":
    sys.exit(run_seeds(argparse.ArgumentParser(description=__doc__.split("\n\n")[0]), service))
