#!/usr/bin/env python3
"""Differential test of the serverless-lift compiler against the real framework (v3) with lift 1.37.7.

    python -m tools.differential_lift [--seeds 1-30] [--jobs 2] [--node-modules DIR] [--keep DIR]

Each seed makes a random service with lift constructs of the types promotelint renders (storage,
queue, webhook, static-website, single-page-app, database/dynamodb-single-table) and their options
(encryption, publicPath / allowAcl, cors, lifecycle rules; workers defined inline or naming a
function, fifo, retries, batching, delay, alarms, kmsManaged; secure and insecure webhooks; domains,
certificates, error pages, redirects, versioned assets; LSIs and GSIs), `extensions:` on their
resources, `${construct:id.x}` variables whole and inside strings, `lift.automaticPermissions`, and
role statements in both provider forms. It runs through tools.differential_plugins (the same
packaging, comparison and order check). Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.differential_plugins import run_seeds  # noqa: E402

VARIABLES = {
    "storage": ["bucketName", "bucketArn"],
    "queue": ["queueUrl", "queueArn", "dlqUrl", "dlqArn"],
    "webhook": ["busName"],
    "static-website": ["cname", "assetsBucketName"],
    "single-page-app": ["cname", "assetsBucketName"],
    "database/dynamodb-single-table": ["tableName", "tableArn", "tableStreamArn"],
}
EXTENSIONS = {
    "storage": [("bucket", {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}),
                ("bucket", {"Properties": {"BucketName": "fixed-bucket-name", "Tags": [{"Key": "k", "Value": "v"}]}})],
    "queue": [("queue", {"Properties": {"MaximumMessageSize": 1024}}), ("dlq", {"DeletionPolicy": "Retain"})],
    "webhook": [("bus", {"Properties": {"Name": "my-bus"}}), ("api", {"Properties": {"Description": "hooks"}})],
    "static-website": [("bucket", {"DeletionPolicy": "Retain"}),
                       ("distribution", {"Properties": {"DistributionConfig": {"PriceClass": "PriceClass_100"}}})],
    "single-page-app": [("bucket", {"Properties": {"Tags": [{"Key": "site", "Value": "spa"}]}})],
    "database/dynamodb-single-table": [("table", {"DeletionPolicy": "Delete", "Properties": {"TableName": "t"}})],
}


def _construct(rnd: random.Random, kind: str, functions: dict) -> dict:
    maybe = lambda p: rnd.random() < p  # noqa: E731
    construct: dict = {"type": kind}
    if kind == "storage":
        if maybe(.3):
            construct["encryption"] = rnd.choice(["s3", "kms"])
        if maybe(.3):
            construct["publicPath"] = rnd.choice(["/", "public", "/assets/", "*"])
            if maybe(.5):
                construct["allowAcl"] = True
        if maybe(.3):
            construct["cors"] = rnd.choice(["*", "https://example.com", [
                {"allowedOrigins": ["*"], "allowedMethods": ["GET", "HEAD"], "maxAge": 3000}]])
        if maybe(.3):
            construct["lifecycleRules"] = [{"prefix": "tmp/", "expirationInDays": 2}, {
                "status": "Disabled", "expirationInDays": 30}][:rnd.randint(1, 2)]
    elif kind == "queue":
        if maybe(.3) and functions:
            construct["worker"] = rnd.choice(sorted(functions))
        else:
            construct["worker"] = {"handler": "handler.worker", **({"timeout": rnd.choice([3, 10, 30])}
                                                                  if maybe(.5) else {})}
        fifo = maybe(.3)
        if fifo or maybe(.1):
            construct["fifo"] = fifo
        if maybe(.3):
            construct["maxRetries"] = rnd.choice([1, 5])
        if maybe(.3):
            construct["maxBatchingWindow"] = rnd.choice([0, 5, 60])
        if maybe(.3):
            construct["batchSize"] = rnd.choice([1, 10] if fifo or not construct.get("maxBatchingWindow") else [5, 100])
        if maybe(.2):
            construct["maxConcurrency"] = rnd.choice([2, 10])
        if maybe(.2):
            construct["delay"] = rnd.choice([0, 30, 900])
        if maybe(.2):
            construct["alarm"] = "ops@example.com"
        if maybe(.2):
            construct["encryption"] = "kmsManaged"
    elif kind == "webhook":
        construct["path"] = rnd.choice(["/hook", "/github/{id}"])
        if maybe(.5):
            construct["insecure"] = True
        else:
            construct["authorizer"] = {"handler": "handler.auth", **({"memorySize": 256} if maybe(.3) else {})}
        if maybe(.3):
            construct["method"] = rnd.choice(["PUT", "PATCH", "POST"])
        if maybe(.3):
            construct["eventType"] = "Custom"
    elif kind in ("static-website", "single-page-app"):
        construct["path"] = "public"
        if maybe(.4):
            construct["domain"] = rnd.choice(["www.example.com", ["www.example.com", "example.com"]])
            construct["certificate"] = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
            if maybe(.5):
                construct["redirectToMainDomain"] = True
        if maybe(.3):
            construct["errorPage"] = rnd.choice(["error.html", "/404.html"])
        if maybe(.2):
            construct["versionedAssets"] = True
        if maybe(.2):
            construct["security"] = {"allowIframe": True}
    else:
        if maybe(.4):
            construct["localSecondaryIndexes"] = True
        if maybe(.4):
            construct["gsiCount"] = rnd.choice([1, 3])
    if maybe(.25):
        name, extension = rnd.choice(EXTENSIONS[kind])
        construct["extensions"] = {name: extension}
    return construct


def service(seed: int) -> tuple[dict, dict, dict]:
    rnd = random.Random(seed)
    functions: dict = {}
    for i in range(rnd.randint(0, 2)):
        functions[f"fn{i}"] = {"handler": f"handler.fn{i}", **({"timeout": 20} if rnd.random() < .3 else {})}
    constructs: dict = {}
    for i in range(rnd.randint(1, 4)):
        kind = rnd.choice(sorted(VARIABLES))
        constructs[rnd.choice(["uploads", "jobs", "hook", "site", "db", "assets"]) + str(i)] = \
            _construct(rnd, kind, functions)
    provider: dict = {"name": "aws", "runtime": "nodejs18.x"}
    if rnd.random() < .3:
        provider["iam"] = {"role": {"statements": [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets",
                                                    "Resource": "*"}]}}
    elif rnd.random() < .2:
        provider["iamRoleStatements"] = [{"Effect": "Allow", "Action": ["sns:Publish"], "Resource": "*"}]
    for name, fn in functions.items():
        cid = rnd.choice(sorted(constructs))
        variable = "${construct:" + cid + "." + rnd.choice(VARIABLES[constructs[cid]["type"]]) + "}"
        fn["environment"] = {"WHOLE": variable, **({"INSIDE": f"x-{variable}"} if rnd.random() < .3 else {})}
    config = {"service": f"lift{seed}", "frameworkVersion": "3", "plugins": ["serverless-lift"],
              "provider": provider, "constructs": constructs, "functions": functions}
    if rnd.random() < .15:
        config["lift"] = {"automaticPermissions": False}
    return config, {}, {"stage": rnd.choice(["dev", None]), "env": {}}


if __name__ == "__main__":
    sys.exit(run_seeds(argparse.ArgumentParser(description=__doc__.split("\n\n")[0]), service))
