#!/usr/bin/env python3
"""Differential test of the core compilers against the real Serverless Framework (v3).

    python -m tools.differential_core [--seeds 1-50] [--jobs 4] [--serverless PATH] [--keep DIR]

Each seed makes a random service mixing function settings (memory, runtime, environment, tags,
URLs, destinations, VPC, roles, versions, provisioned concurrency, logs), provider settings,
layers and every non-API event type. Each is packaged by the framework offline (with the corpus'
DescribeStacks stub for layers) and compiled by promotelint; the templates are compared as the
conformance runner does, and the order of resources and outputs too. Services that differ are
kept under --keep for a closer look. Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STUB = ROOT.parent / "shared" / "corpus" / "oracle-describe-stacks-stub.js"
VOLATILE = re.compile(r"(LambdaVersion|ApiGatewayDeployment|WebsocketsDeployment)(?!Stage)\w+|(?<=LambdaLayer)[0-9a-f]{40}|(?<=LambdaLayerPermission)[0-9a-f]{40}")
# Layers are compiled concurrently and land in the order their zips are read: the order of their
# resources and of their outputs (QualifiedArn, Hash, S3Key) is not compared.
LAYER = re.compile(r"LambdaLayer(?:Permission)?(?:[0-9a-f]{40})?$|LambdaLayer(?:QualifiedArn|Hash|S3Key)$")


def _events(rnd: random.Random, name: str, i: int) -> dict:
    bucket = f"bucket-{name.lower().replace('_', '-')}-{i}"
    return rnd.choice([
        {"schedule": rnd.choice(["rate(1 hour)", {"rate": ["rate(2 hours)", "cron(0 1 * * ? *)"], "enabled": False},
                                 {"rate": "rate(5 minutes)", "input": {"a": 1}},
                                 {"rate": "rate(1 day)", "method": "scheduler", "timezone": "UTC"}])},
        {"sqs": rnd.choice([f"arn:aws:sqs:us-east-1:123456789012:q{i}",
                            {"arn": {"Fn::GetAtt": ["Q", "Arn"]}, "batchSize": 3, "maximumBatchingWindow": 5}])},
        {"sns": rnd.choice([f"topic-{rnd.randint(1, 2)}", "arn:aws:sns:us-east-1:123456789012:ext",
                            {"topicName": "ft", "filterPolicy": {"k": ["v"]}}, {"arn": {"Ref": "T"}, "topicName": "reft"}])},
        {"stream": rnd.choice([f"arn:aws:kinesis:us-east-1:123456789012:stream/s{i}",
                               {"type": "dynamodb", "arn": {"Fn::GetAtt": ["D", "StreamArn"]}, "startingPosition": "LATEST"},
                               {"type": "kinesis", "arn": "arn:aws:kinesis:us-east-1:123456789012:stream/c", "consumer": True}])},
        {"s3": rnd.choice(["pb", bucket, {"bucket": f"ex-bucket-{i}", "existing": True, "event": "s3:ObjectRemoved:*"},
                           {"bucket": f"rules-{bucket}", "rules": [{"suffix": ".png"}]}])},
        {"cloudwatchLog": rnd.choice([f"/aws/lambda/x{i}", {"logGroup": "/aws/lambda/y", "filter": "ERROR"}])},
        {"cloudwatchEvent": {"event": {"source": ["aws.ec2"]}, "enabled": rnd.choice([True, False])}},
        {"eventBridge": rnd.choice([{"pattern": {"source": ["s"]}}, {"eventBus": f"bus-{rnd.randint(1, 2)}", "schedule": "rate(1 hour)"}])},
        {"iot": {"sql": "SELECT * FROM 't'", "enabled": rnd.choice([True, False])}},
        rnd.choice([{"alexaSkill": "amzn1.ask.skill.x"}, {"alexaSmartHome": "amzn1.ask.skill.y"}]),
        {"cognitoUserPool": {"pool": f"P{rnd.randint(1, 2)}", "trigger": rnd.choice(["PreSignUp", "CustomMessage"])}},
        {"cognitoUserPool": {"pool": "Existing", "trigger": "PreSignUp", "existing": True}},
        {"alb": {"listenerArn": {"Ref": "L"}, "priority": 10 * (i + 1) + rnd.randint(0, 5),
                 "conditions": rnd.choice([{"path": f"/p{i}"}, {"host": [f"h{i}.example.com"], "method": "GET"}])}},
        {"kafka": {"topic": f"t{i}", "bootstrapServers": ["b:9092"],
                   "accessConfigurations": {"saslScram512Auth": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s"}}},
        {"msk": {"arn": "arn:aws:kafka:us-east-1:123456789012:cluster/c/x", "topic": f"m{i}"}},
        {rnd.choice(["activemq", "rabbitmq"]): {"arn": "arn:aws:mq:us-east-1:123456789012:broker:b:x", "queue": f"q{i}",
                                                "basicAuthArn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:m"}},
        {"iotFleetProvisioning": {"templateBody": {"Resources": {}},
                                  "provisioningRoleArn": "arn:aws:iam::123456789012:role/p"}},
    ])


def _function(rnd: random.Random, name: str, i: int, layers: list[str]) -> dict:
    maybe = lambda p: rnd.random() < p  # noqa: E731
    fn: dict = {"handler": f"handler.{name}"}
    options = [
        (.3, "memorySize", lambda: rnd.choice([128, 256, 1024])), (.3, "timeout", lambda: rnd.choice([3, 30])),
        (.2, "runtime", lambda: rnd.choice(["python3.11", "java17", "provided.al2"])),
        (.3, "environment", lambda: {"A": "x", "N": rnd.choice([1, "2", True])}), (.3, "tags", lambda: {"t": "v"}),
        (.2, "description", lambda: "desc"), (.15, "reservedConcurrency", lambda: rnd.choice([0, 5])),
        (.15, "provisionedConcurrency", lambda: 1),
        (.2, "url", lambda: rnd.choice([True, {"authorizer": "aws_iam"}, {"cors": True}, {"cors": {"allowedMethods": ["GET"]}}])),
        (.2, "destinations", lambda: rnd.choice([{"onSuccess": "arn:aws:sqs:us-east-1:123456789012:q"},
                                                 {"onFailure": {"type": "sqs", "arn": {"Fn::GetAtt": ["Q", "Arn"]}}}])),
        (.15, "vpc", lambda: {"securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1"]}),
        (.1, "onError", lambda: "arn:aws:sns:us-east-1:123456789012:dlq"),
        (.1, "kmsKeyArn", lambda: "arn:aws:kms:us-east-1:123456789012:key/k"), (.1, "tracing", lambda: "Active"),
        (.15, "name", lambda: f"custom-{name}"), (.1, "disableLogs", lambda: True), (.1, "versionFunction", lambda: False),
        (.15, "architecture", lambda: "arm64"),
        (.1, "role", lambda: rnd.choice(["arn:aws:iam::123456789012:role/x", "R", {"Fn::GetAtt": ["R", "Arn"]}])),
        (.15, "maximumRetryAttempts", lambda: rnd.choice([0, 2])), (.1, "logRetentionInDays", lambda: 7),
    ]
    for probability, key, value in options:
        if maybe(probability):
            fn[key] = value()
    local = [{"Ref": layer[0].upper() + layer[1:].replace("-", "Dash") + "LambdaLayer"} for layer in layers if maybe(.4)]
    if local:
        fn["layers"] = local
    events = [_events(rnd, name, i) for _ in range(rnd.choice([0, 1, 1, 2, 3]))]
    if events:
        fn["events"] = events
    return fn


def service(seed: int) -> dict:
    rnd = random.Random(seed)
    maybe = lambda p: rnd.random() < p  # noqa: E731
    provider: dict = {"name": "aws", "runtime": "nodejs18.x"}
    for probability, key, value in [
        (.3, "memorySize", 512), (.3, "environment", {"P": "1"}), (.2, "tags", {"pt": "v"}),
        (.2, "versionFunctions", False), (.2, "logRetentionInDays", 14), (.1, "tracing", {"lambda": True}),
        (.2, "iam", {"role": {"statements": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}),
        (.1, "vpc", {"securityGroupIds": ["sg-p"], "subnetIds": ["subnet-p"]}),
        (.2, "deploymentBucket", rnd.choice([{"name": "dep-bucket"}, {"versioning": True, "tags": {"a": "b"}}])),
        (.15, "s3", {"pb": {"name": "provider-bucket-xyz", "versioningConfiguration": {"Status": "Enabled"}}}),
        (.15, "eventBridge", {"useCloudFormation": rnd.choice([True, False])}),
    ]:
        if maybe(probability):
            provider[key] = value
    layers = {name: {"path": "layer", **({"retain": True} if maybe(.3) else {}),
                     **({"allowedAccounts": ["*"]} if maybe(.3) else {})}
              for name in ["libA", "lib-b"][: rnd.randint(0, 2)]}
    functions = {name: _function(rnd, name, i, list(layers))
                 for i, name in enumerate(["alpha", "beta-fn", "gamma_x"][: rnd.randint(1, 3)])}
    resources = {"Q": {"Type": "AWS::SQS::Queue"}, "T": {"Type": "AWS::SNS::Topic"},
                 "R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}},
                 "D": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
                 "L": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {}}}
    return {"service": f"core{seed}", "frameworkVersion": "3", "provider": provider, "functions": functions,
            **({"layers": layers} if layers else {}), "resources": {"Resources": resources}}


def run(seed: int, serverless: str, keep: Path | None) -> tuple[int, str, str]:
    from promotelint.model.errors import InputError
    from promotelint.app import compile_path as compile_service
    from tools.conformance import compare
    from tools.differential import pin_framework

    root = Path(tempfile.mkdtemp(prefix=f"core{seed}-"))
    scratch = root / "service"
    try:
        pin_framework(root, serverless)
        (scratch / "layer").mkdir(parents=True)
        (scratch / "serverless.yml").write_text(json.dumps(service(seed), indent=1))
        (scratch / "handler.js").write_text("")
        (scratch / "layer" / "x.txt").write_text("x")
        with tempfile.TemporaryDirectory() as home:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=home)
            if STUB.is_file():
                env["NODE_OPTIONS"] = f"--require {STUB}"
            done = subprocess.run([serverless, "package", "--stage", "dev", "--region", "us-east-1"], cwd=scratch,
                                  env=env, capture_output=True, text=True)
        try:
            ours = dict(compile_service(scratch, stage="dev", region="us-east-1", env={}).data)
        except InputError as exc:
            return seed, "both failed" if done.returncode else "ours failed", str(exc)
        if done.returncode:
            return seed, "framework failed", (done.stdout + done.stderr)[-400:]
        expected = json.loads((scratch / ".serverless" / "cloudformation-template-update-stack.json").read_text())
        result = compare(expected, ours)
        if result.missing or result.extra or result.diffs:
            return seed, "differ", json.dumps({"missing": result.missing, "extra": result.extra,
                                               "diffs": result.diffs[:6]}, indent=1)
        for section in ("Resources", "Outputs"):
            order = [[VOLATILE.sub(r"\1", k) for k in template.get(section, {}) if not LAYER.search(k)]
                     for template in (expected, ours)]
            if order[0] != order[1]:
                return seed, "order differs", f"{section}:\n{order[0]}\n{order[1]}"
        return seed, "same", ""
    finally:
        if keep is not None and scratch.exists():
            shutil.copytree(scratch, keep / root.name, dirs_exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-20", help="a range like 1-50")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--serverless", default=os.environ.get("SERVERLESS_BIN",
                                                               "/work/sls-ref/node_modules/.bin/serverless"))
    parser.add_argument("--keep", type=Path, help="copy differing services here")
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    bad = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        for seed, status, detail in pool.map(lambda s: run(s, args.serverless, args.keep), seeds):
            ok = status in ("same", "both failed")
            bad += not ok
            print(f"seed {seed}: {status}" + ("" if ok else f"\n{detail}"), flush=True)
    print(f"{len(seeds) - bad}/{len(seeds)} seeds agree with the framework")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
