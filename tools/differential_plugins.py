#!/usr/bin/env python3
"""Differential test of the plugin compilers against the real framework (v3) with the real plugins.

    python -m tools.differential_plugins [--seeds 1-50] [--jobs 3] [--node-modules DIR] [--keep DIR]

Each seed makes a random service that lists some of serverless-iam-roles-per-function,
serverless-pseudo-parameters and serverless-dotenv-plugin (in a random order), with their options
(inheritance, names, boundaries, VPC, stream / SQS / MSK events, onError; `#{...}` references,
escapes and region names with both settings; `.env*` files with expansion, include / exclude /
path / basePath, NODE_ENV, with and without --stage), plus `useDotenv` and provider statements in
both forms. DIR is a node_modules with the framework and the plugins (default $SLS_NODE_MODULES,
else /work/node/node_modules); it is linked beside each scratch service. Each service is packaged
offline (with the plugin corpus' preload, ../shared/corpus/oracle-plugins-stub.js) and compiled by
promotelint; the templates are compared as the conformance runner does, and the order of resources
and outputs too. A service both refuse counts as agreeing. Services that differ are kept under
--keep. Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.differential_core import VOLATILE  # noqa: E402

STUB = ROOT.parent / "shared" / "corpus" / "oracle-plugins-stub.js"
PLUGINS = ("serverless-iam-roles-per-function", "serverless-pseudo-parameters", "serverless-dotenv-plugin")
KEYS = ("A", "B", "SHARED", "API_URL", "N1")


def _statement(rnd: random.Random, pseudo: bool) -> dict:
    resource = rnd.choice([
        "*", ["*"], ["arn:aws:s3:::bucket/*"], "arn:aws:s3:::bucket", ["Table"], [{"Fn::GetAtt": ["Table", "Arn"]}],
        ["arn:aws:s3:::a", "arn:aws:s3:::b"], {"Ref": "Topic"}, ["x y"],
        *(["arn:aws:sqs:#{AWS::Region}:#{AWS::AccountId}:q", ["arn:aws:s3:::#{Bucket}/*"],
           "arn:aws:ssm:us-east-1:#{AWS::AccountId}:parameter/#@{raw}"] if pseudo else []),
    ])
    statement = {"Effect": rnd.choice(["Allow", "Deny"]),
                 rnd.choice(["Action", "Action", "NotAction"]): rnd.choice(["s3:GetObject", ["sqs:SendMessage"]])}
    statement["Resource" if rnd.random() < .85 else "NotResource"] = resource
    if rnd.random() < .1:
        statement["Sid"] = rnd.choice(["One", 7])
    return statement


def _events(rnd: random.Random, i: int) -> list:
    options = [
        {"sqs": f"arn:aws:sqs:us-east-1:123456789012:q{i}"},
        {"sqs": {"arn": {"Fn::GetAtt": ["Queue", "Arn"]}, "batchSize": 2}},
        {"stream": {"type": "dynamodb", "arn": {"Fn::GetAtt": ["Table", "StreamArn"]}}},
        {"stream": f"arn:aws:kinesis:us-east-1:123456789012:stream/s{i}"},
        {"stream": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"},
        {"msk": {"arn": "arn:aws:kafka:us-east-1:123456789012:cluster/c/x", "topic": f"t{i}"}},
        {"schedule": "rate(1 hour)"},
        {"sns": f"topic-{i}"},
    ]
    return [rnd.choice(options) for _ in range(rnd.choice([0, 0, 1, 2]))]


def _pseudo_text(rnd: random.Random) -> str:
    return rnd.choice(["#{AWS::AccountId}", "arn:aws:sqs:#{AWS::Region}:#{AWS::AccountId}:q", "#{Bucket}",
                       "#{Bucket.Arn}", "#@{literal}", "x-#{AWS::Region}-#@{y}", "in us-east-1 and eu-west-1",
                       "https://us-east-2.example.com", "plain", "#{AWS::StackName}-us-west-2"])


def _env_file(rnd: random.Random) -> str:
    lines = []
    for key in rnd.sample(KEYS, rnd.randint(1, 4)):
        value = rnd.choice(["v1", "from-${A}", "$B-x", "${MISSING:-dflt}", '"quoted value"', "'${A}'", "\\$A",
                            "with # hash", "#{AWS::Region}"])
        lines.append(f"{rnd.choice(['', 'export '])}{key}={value}")
    return "\n".join(lines) + "\n"


def service(seed: int) -> tuple[dict, dict[str, str], dict]:
    """The config, the extra files (name -> text) and the run settings (stage, env) of one seed."""
    rnd = random.Random(seed)
    maybe = lambda p: rnd.random() < p  # noqa: E731
    plugins = rnd.sample(PLUGINS, rnd.randint(1, 3))
    pseudo = "serverless-pseudo-parameters" in plugins
    provider: dict = {"name": "aws", "runtime": "nodejs18.x"}
    if maybe(.5):
        provider["environment"] = {"SHARED": "from-yml", "P": _pseudo_text(rnd) if pseudo else "p"}
    statements = [_statement(rnd, pseudo) for _ in range(rnd.randint(0, 2))]
    if statements and maybe(.7):
        role: dict = {"statements": statements}
        if maybe(.15):
            role["name"] = "custom-role-name"
        if maybe(.2):
            role.update(path="/svc/", tags={"team": "x"})
        if maybe(.2):
            role["managedPolicies"] = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        provider["iam"] = {"role": role}
    elif statements:
        provider["iamRoleStatements"] = statements
    if maybe(.15):
        provider["vpc"] = {"securityGroupIds": ["sg-p"], "subnetIds": ["subnet-p"]}
    if maybe(.15):
        provider["versionFunctions"] = False
    custom: dict = {}
    if "serverless-iam-roles-per-function" in plugins and maybe(.4):
        custom["serverless-iam-roles-per-function"] = {
            k: v for k, v in (("defaultInherit", rnd.choice([True, False])),
                              ("iamGlobalPermissionsBoundary", "arn:aws:iam::123456789012:policy/g")) if maybe(.6)}
    if pseudo and maybe(.5):
        custom["pseudoParameters"] = {k: rnd.choice([True, False]) for k in ("skipRegionReplace", "allowReferences")
                                      if maybe(.7)}
    files: dict[str, str] = {}
    if "serverless-dotenv-plugin" in plugins:
        for name in rnd.sample([".env", ".env.dev", ".env.local", ".env.dev.local", ".env.development",
                                "config/.env", "config/.env.dev", "extra.env"], rnd.randint(0, 4)):
            files[name] = _env_file(rnd)
        dotenv: dict = {}
        if maybe(.3):
            dotenv["include"] = rnd.sample(KEYS, 2)
        elif maybe(.3):
            dotenv["exclude"] = rnd.sample(KEYS, 2)
        if maybe(.2):
            dotenv["path"] = rnd.choice(["extra.env", ["extra.env", ".env"], "missing.env"])
        elif maybe(.2):
            dotenv["basePath"] = "config/"
        if maybe(.2):
            dotenv["variableExpansion"] = False
        if maybe(.1):
            dotenv["required"] = {"env": ["A"]}
        if dotenv:
            custom["dotenv"] = dotenv
    functions = {}
    for i, name in enumerate(["alpha", "beta-fn", "gamma_x"][: rnd.randint(1, 3)]):
        fn: dict = {"handler": f"handler.{name}"}
        if "serverless-iam-roles-per-function" in plugins and maybe(.75):
            fn["iamRoleStatements"] = rnd.choice([[], [_statement(rnd, pseudo) for _ in range(rnd.randint(1, 2))]])
            for key, value in (("iamRoleStatementsInherit", rnd.choice([True, False, "true"])),
                               ("iamRoleStatementsName", f"role-{name}-${{sls:stage}}"),
                               ("iamPermissionsBoundary", "arn:aws:iam::123456789012:policy/f")):
                if maybe(.25):
                    fn[key] = value
        if maybe(.15):
            fn["vpc"] = {"securityGroupIds": ["sg-1"], "subnetIds": ["subnet-1"]}
        if maybe(.15):
            fn["onError"] = "arn:aws:sns:us-east-1:123456789012:dlq"
        if maybe(.15):
            fn["name"] = f"custom-{name}"
        if maybe(.1):
            fn["role"] = "arn:aws:iam::123456789012:role/own"
        if maybe(.3):
            fn["environment"] = {"A": "fn", **({"F": _pseudo_text(rnd)} if pseudo else {})}
        events = _events(rnd, i)
        if events:
            fn["events"] = events
        functions[name] = fn
    resources: dict = {
        "Queue": {"Type": "AWS::SQS::Queue"}, "Topic": {"Type": "AWS::SNS::Topic"},
        "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}}},
        "Bucket": {"Type": "AWS::S3::Bucket"}}
    outputs: dict = {}
    if pseudo:
        resources["Bucket"]["Properties"] = {"BucketName": _pseudo_text(rnd), "Tags": [
            {"Key": "k", "Value": {"Fn::Join": ["-", [_pseudo_text(rnd), {"Ref": "AWS::Region"}]]}},
            {"Key": "s", "Value": {"Fn::Sub": rnd.choice(["#{AWS::Region}-${AWS::AccountId}",
                                                           ["#{Prefix}-x", {"Prefix": "p"}]])}}]}
        outputs["Out"] = {"Value": _pseudo_text(rnd)}
    config = {"service": f"plugins{seed}", "frameworkVersion": "3", "plugins": plugins, "provider": provider,
              "functions": functions, "resources": {"Resources": resources}}
    if outputs:
        config["resources"]["Outputs"] = outputs
    if custom:
        config["custom"] = custom
    if maybe(.2):
        config["useDotenv"] = True
        provider.setdefault("environment", {})["VIA_ENV"] = "${env:A, 'none'}"
    settings = {"stage": rnd.choice(["dev", "dev", None]), "env": {"NODE_ENV": "development"} if maybe(.1) else {}}
    return config, files, settings


def run(seed: int, node_modules: Path, keep: Path | None, make=None) -> tuple[int, str, str]:
    """One seed's service (`make(seed)`, default `service`) through the framework and promotelint."""
    from promotelint.app import compile_path
    from promotelint.model.errors import InputError
    from tools.conformance import compare

    scratch = Path(tempfile.mkdtemp(prefix=f"plugins{seed}-"))
    try:
        (scratch / "node_modules").symlink_to(node_modules, target_is_directory=True)
        svc = scratch / "svc"
        svc.mkdir()
        config, files, settings = (make or service)(seed)
        (svc / "serverless.yml").write_text(json.dumps(config, indent=1))
        (svc / "handler.js").write_text("")
        for name, text in files.items():
            (svc / name).parent.mkdir(parents=True, exist_ok=True)
            (svc / name).write_text(text)
        stage = ["--stage", settings["stage"]] if settings["stage"] else []
        with tempfile.TemporaryDirectory() as home:
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith("AWS_") and k not in ("NODE_ENV", "DOTENV_KEY", "SLS_DEBUG")}
            env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=home, **settings["env"])
            if STUB.is_file():
                env["NODE_OPTIONS"] = f"--require {STUB}"
            command = [str(node_modules / ".bin" / "serverless"), "package", *stage, "--region", "us-east-1"]
            done = subprocess.run(command, cwd=svc, env=env, capture_output=True, text=True)
        try:
            ours = compile_path(svc, stage=settings["stage"], region="us-east-1", env=dict(settings["env"]))
        except InputError as exc:
            return seed, "both failed" if done.returncode else "ours failed", str(exc)
        if done.returncode:
            return seed, "framework failed", (done.stdout + done.stderr)[-600:]
        expected = json.loads((svc / ".serverless" / "cloudformation-template-update-stack.json").read_text())
        result = compare(expected, dict(ours.data))
        if result.missing or result.extra or result.diffs:
            return seed, "differ", json.dumps({"missing": result.missing, "extra": result.extra,
                                               "diffs": result.diffs[:6]}, indent=1)
        for section in ("Resources", "Outputs"):
            order = [[VOLATILE.sub(r"\1", k) for k in template.get(section, {})] for template in (expected, ours.data)]
            if order[0] != order[1]:
                return seed, "order differs", f"{section}:\n{order[0]}\n{order[1]}"
        return seed, "same", ""
    finally:
        if keep is not None and scratch.exists():
            shutil.copytree(scratch, keep / scratch.name, dirs_exist_ok=True, symlinks=True)
        shutil.rmtree(scratch, ignore_errors=True)


def main(make=None) -> int:  # another plugin's differential tool passes its own service maker
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-20", help="a range like 1-50")
    parser.add_argument("--jobs", type=int, default=3)
    parser.add_argument("--node-modules", type=Path,
                        default=Path(os.environ.get("SLS_NODE_MODULES", "/work/node/node_modules")))
    parser.add_argument("--keep", type=Path, help="copy differing services here")
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    node_modules = args.node_modules.resolve()
    bad = 0
    counts: dict[str, int] = {}
    with ThreadPoolExecutor(args.jobs) as pool:
        for seed, status, detail in pool.map(lambda s: run(s, node_modules, args.keep, make), seeds):
            ok = status in ("same", "both failed")
            bad += not ok
            counts[status] = counts.get(status, 0) + 1
            print(f"seed {seed}: {status}" + ("" if ok else f"\n{detail}"), flush=True)
    print(f"{len(seeds) - bad}/{len(seeds)} seeds agree with the framework and its plugins "
          f"({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
