#!/usr/bin/env python3
"""Differential test of the serverless-appsync-plugin port against the real plugin (both majors).

    python -m tools.differential_appsync [--seeds 1-40] [--jobs 2] [--node-modules DIR]
                                         [--node-modules-v2 DIR] [--keep DIR]

Each seed makes a random service in one of the two formats: 1.x `custom.appSync` (one API or a
list of them) run with DIR (default /work/node/node_modules: serverless 3 + the plugin 1.14.0), or
2.x top-level `appSync:` run with the v2 DIR (a node_modules with serverless 3 and the plugin 2.x:
e.g. /work/node/node_modules's entries linked beside `npm install serverless-appsync-plugin@2`).
A seed varies the authentication (main and additional providers, Lambda authorizers by name, ARN or
embedded function), API keys (names, descriptions, durations), logging, caching, tags, X-Ray, WAF
(1.x), custom domains (2.x), data sources of every type with and without roles, statements and
regions, VTL resolvers (unit, pipeline, defaults, substitutions, caching, sync, batching), pipeline
functions, JS resolvers (2.x, `esbuild: false`: the bundler does not run under the offline stub), and
a random schema (types, interfaces, unions, enums, inputs, scalars, directives, default values,
descriptions of both styles, `#` comments, several files in 1.x). Each is packaged offline by the
real framework + plugin and compiled by promotelint, and compared as tools/differential_plugins
does (the key expiry is a clock reading: masked). A service both refuse counts as agreeing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.differential_plugins import run  # noqa: E402

SCALARS = ("String", "Int", "ID", "Boolean", "Float", "AWSDateTime")


def _schema(rnd: random.Random, roots: dict[str, list[str]], files: int) -> list[str]:
    """Random SDL split over `files` texts; `roots` are the Query/Mutation fields resolvers use."""
    types = [f"T{i}" for i in range(rnd.randint(1, 4))]
    defs: list[str] = []

    def desc(indent: str = "") -> str:
        pick = rnd.random()
        if pick < .15:
            return f'{indent}"""\n{indent}Doc of it\n{indent}  indented\n{indent}"""\n'
        if pick < .25:
            return f'{indent}"short doc"\n'
        if pick < .4:
            return f"{indent}# a comment\n{indent}# second line\n"
        return ""

    def type_ref() -> str:
        base = rnd.choice(SCALARS + tuple(types))
        return rnd.choice([base, f"{base}!", f"[{base}]", f"[{base}!]!"])

    def field(name: str) -> str:
        args = ""
        if rnd.random() < .3:
            kinds = ["Int = 3", 'String = "x & y"', "ID!", "[Int] = [1, 2]"]
            args = "(" + ", ".join(f"a{j}: {rnd.choice(kinds)}" for j in range(rnd.randint(1, 2))) + ")"
        directive = rnd.choice(["", "", " @aws_api_key", " @aws_iam @aws_api_key", ' @deprecated(reason: "old")'])
        return f"{desc('  ')}  {name}{args}: {type_ref()}{directive}"

    iface = rnd.random() < .4
    if iface:
        defs.append(f"{desc()}interface Node {{\n  id: ID!\n}}")
    for t in types:
        implements = " implements Node" if iface and rnd.random() < .6 else ""
        fields = ["  id: ID!"] if implements else []
        fields += [field(f"f{j}") for j in range(rnd.randint(1, 3))]
        defs.append(f"{desc()}type {t}{implements}{rnd.choice(['', ' @aws_iam'])} {{\n" + "\n".join(fields) + "\n}")
    if rnd.random() < .4:
        defs.append(f"{desc()}enum Color {{\n{desc('  ')}  RED\n  GREEN @deprecated\n}}")
    if rnd.random() < .3 and len(types) > 1:
        defs.append(f"union U = {' | '.join(types)}")
    if rnd.random() < .3:
        defs.append("input In {\n  x: Int = 1\n  y: String!\n}")
    if rnd.random() < .2:
        defs.append("scalar Instant")
    for root, fields in roots.items():
        if fields:
            defs.append(f"type {root} {{\n" + "\n".join(f"  {f}: {rnd.choice(types)}" for f in fields) + "\n}")
    if rnd.random() < .2:
        defs.insert(0, "schema {\n  query: Query\n}")
    rnd.shuffle(defs) if rnd.random() < .3 else None
    chunks = [[] for _ in range(files)]
    for i, d in enumerate(defs):
        chunks[i % files].append(d)
    return ["\n\n".join(c) + "\n" for c in chunks if c]


def _vtl(rnd: random.Random, subs: list[str]) -> str:
    body = rnd.choice(['{"version": "2018-05-29", "payload": $util.toJson($ctx.args)}', "$util.toJson($ctx.result)",
                       '{"version": "2017-02-28", "operation": "Invoke"}'])
    for name in subs:
        if rnd.random() < .5:
            body += f' ## ${{{name}}}'
    return body + rnd.choice(["", "\n"])


def _lambda(rnd: random.Random, v2: bool, fns: list[str], i: int) -> dict:
    pick = rnd.random()
    if pick < .4:
        return {"functionName": rnd.choice(fns)} | ({"functionAlias": "live"} if rnd.random() < .2 else {})
    if pick < .7 or not v2:
        key = "functionArn" if v2 else "lambdaFunctionArn"
        return {key: rnd.choice([f"arn:aws:lambda:us-east-1:123456789012:function:ext{i}",
                                 {"Fn::GetAtt": [f"{fns[0].capitalize()}LambdaFunction", "Arn"]}])}
    return {"function": {"handler": f"handler.embedded{i}"}}


def _data_source(rnd: random.Random, v2: bool, fns: list[str], i: int) -> dict:
    kind = rnd.choice(["AWS_LAMBDA", "AWS_LAMBDA", "AMAZON_DYNAMODB", "NONE", "HTTP", "RELATIONAL_DATABASE",
                       "AMAZON_OPENSEARCH_SERVICE"] + (["AMAZON_EVENTBRIDGE"] if v2 else ["AMAZON_ELASTICSEARCH"]))
    ds: dict = {"type": kind}
    if rnd.random() < .4:
        ds["description"] = f"source {i}"
    config: dict = {}
    if kind == "AWS_LAMBDA":
        config = _lambda(rnd, v2, fns, i)
    elif kind == "AMAZON_DYNAMODB":
        config = {"tableName": rnd.choice([f"table{i}", {"Ref": "Table"}])}
        if rnd.random() < .3:
            config["region"] = "eu-west-1"
        if rnd.random() < .2:
            config["useCallerCredentials"] = True
        if rnd.random() < .2:
            config.update(versioned=True, deltaSyncConfig={"deltaSyncTableName": "delta", "baseTableTTL": 10})
    elif kind == "HTTP":
        config = {"endpoint": "https://example.com"}
        if rnd.random() < .3:
            config["authorizationConfig"] = {"authorizationType": "AWS_IAM",
                                             "awsIamConfig": {"signingServiceName": "lambda"}}
            config["iamRoleStatements"] = [{"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": "*"}]
    elif kind == "RELATIONAL_DATABASE":
        config = {"dbClusterIdentifier": "cluster", "awsSecretStoreArn": "arn:aws:secretsmanager:us-east-1:1:secret:s",
                  "databaseName": "db"}
    elif kind in ("AMAZON_OPENSEARCH_SERVICE", "AMAZON_ELASTICSEARCH"):
        config = rnd.choice([{"domain": "Search"}, {"endpoint": "https://search-abc.us-east-1.es.amazonaws.com"}])
    elif kind == "AMAZON_EVENTBRIDGE":
        config = {"eventBusArn": "arn:aws:events:us-east-1:123456789012:event-bus/default"}
    if config and rnd.random() < .2:
        config["serviceRoleArn"] = "arn:aws:iam::123456789012:role/appsync"
    if config:
        ds["config"] = config
    return ds


def _auth(rnd: random.Random, v2: bool, fns: list[str]) -> list[dict]:
    kinds = rnd.sample(["API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA"],
                       rnd.randint(1, 3))
    out = []
    for kind in kinds:
        if v2:
            auth: dict = {"type": kind}
            if kind == "AMAZON_COGNITO_USER_POOLS":
                auth["config"] = {"userPoolId": "us-east-1_x"} | ({"defaultAction": "DENY"} if rnd.random() < .3 else {})
            elif kind == "OPENID_CONNECT":
                auth["config"] = {"issuer": "https://i.example.com", "clientId": "c"}
            elif kind == "AWS_LAMBDA":
                auth["config"] = _lambda(rnd, True, fns, 99) | {"authorizerResultTtlInSeconds": 10}
        else:
            auth = {"authenticationType": kind}
            if kind == "AMAZON_COGNITO_USER_POOLS":
                auth["userPoolConfig"] = {"userPoolId": "us-east-1_x", "defaultAction": "ALLOW"}
            elif kind == "OPENID_CONNECT":
                auth["openIdConnectConfig"] = {"issuer": "https://i.example.com"}
            elif kind == "AWS_LAMBDA":
                auth["lambdaAuthorizerConfig"] = {"functionName": rnd.choice(fns)}
        out.append(auth)
    return out


def _keys(rnd: random.Random, v2: bool) -> list:
    keys: list = []
    for i in range(rnd.randint(0, 3)):
        if rnd.random() < .4:
            keys.append(f"key{i}")
        else:
            key = {"name": f"key{i}"} if v2 or rnd.random() < .8 else {}
            if rnd.random() < .5:
                key["description"] = f"key {i}"
            if rnd.random() < .5:
                key["expiresAfter"] = rnd.choice(["30d", "48h", "6M", 24])
            keys.append(key)
    return keys


def _providers_keys_substitutions(rnd: random.Random, api: dict, auth: list[dict], v2: bool) -> None:
    if auth[1:]:
        api["additionalAuthentications" if v2 else "additionalAuthenticationProviders"] = auth[1:]
    keys = _keys(rnd, v2)
    if keys:
        api["apiKeys"] = keys
    if rnd.random() < .3:
        api["substitutions"] = {"table": "t1", "stage": {"Ref": "AWS::Region"}}


def _common(rnd: random.Random, api: dict, v2: bool) -> None:
    if rnd.random() < .3:
        api["xrayEnabled"] = True
    if rnd.random() < .3:
        api["tags"] = {"team": "x", "env": "dev"}
    if rnd.random() < .3:
        api["caching"] = {"behavior": "FULL_REQUEST_CACHING", "ttl": rnd.choice([60, 600])}
    if rnd.random() < .3:
        level = rnd.choice(["ALL", "ERROR"])
        api["logging" if v2 else "logConfig"] = {"level": level} | (
            {"roleArn" if v2 else "loggingRoleArn": "arn:aws:iam::1:role/logs"} if rnd.random() < .4 else {})


def service(seed: int) -> tuple[dict, dict[str, str], dict]:
    rnd = random.Random(seed)
    v2 = seed % 2 == 0
    fns = [f"fn{i}" for i in range(rnd.randint(1, 3))]
    config: dict = {"service": f"appsync-diff-{seed}", "frameworkVersion": "3", "plugins": ["serverless-appsync-plugin"],
                    "provider": {"name": "aws", "runtime": "nodejs18.x"},
                    "functions": {f: {"handler": f"handler.{f}"} for f in fns},
                    "resources": {"Resources": {"Table": {"Type": "AWS::DynamoDB::Table", "Properties": {
                        "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "id",
                                                                                  "AttributeType": "S"}],
                        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}}}}}
    if rnd.random() < .3:
        config["provider"]["logRetentionInDays"] = 14
    files: dict[str, str] = {}
    subs = ["table", "stage"]
    data_sources = {f"ds{i}": _data_source(rnd, v2, fns, i) for i in range(rnd.randint(1, 4))}
    fields = {"Query": [f"q{i}" for i in range(rnd.randint(1, 3))], "Mutation": [f"m{i}" for i in range(rnd.randint(0, 2))]}
    schema_files = _schema(rnd, fields, 1 if v2 else rnd.choice([1, 1, 2]))
    for i, text in enumerate(schema_files):
        files[f"graphql/s{i}.graphql"] = text
    schema: list | str = [f"graphql/s{i}.graphql" for i in range(len(schema_files))]
    if len(schema) == 1:
        schema = schema[0]
    auth = _auth(rnd, v2, fns)
    names = list(data_sources)
    if v2:
        api: dict = {"name": f"api{seed}", "schema": schema, "authentication": auth[0], "esbuild": False,
                     "dataSources": data_sources}
        _providers_keys_substitutions(rnd, api, auth, True)
        if rnd.random() < .2:
            api["domain"] = {"name": "api.example.com"} | rnd.choice(
                [{"hostedZoneId": "Z1"}, {"certificateArn": "arn:aws:acm:us-east-1:1:certificate/x", "route53": False},
                 {"retain": True, "hostedZoneName": "example.com."}])
        _common(rnd, api, True)
        functions: dict = {}
        if rnd.random() < .5:
            for i in range(rnd.randint(1, 2)):
                fn: dict = {"dataSource": rnd.choice(names)}
                if rnd.random() < .4:
                    files[f"js/f{i}.js"] = "export function request(ctx) { return {t: '#table#'}; }\n"
                    fn["code"] = f"js/f{i}.js"
                else:
                    files[f"vtl/f{i}.req.vtl"] = _vtl(rnd, subs)
                    fn["request"] = f"vtl/f{i}.req.vtl"
                functions[f"func{i}"] = fn
            api["pipelineFunctions"] = functions
        resolvers: dict = {}
        for root, root_fields in fields.items():
            for f in root_fields:
                pick = rnd.random()
                if pick < .3:
                    resolvers[f"{root}.{f}"] = rnd.choice(names)
                    continue
                r: dict = {}
                if functions and pick < .55:
                    r["functions"] = rnd.sample(list(functions), rnd.randint(1, len(functions)))
                else:
                    r.update(kind="UNIT", dataSource=rnd.choice(names))
                    if rnd.random() < .6:
                        files[f"vtl/{f}.req.vtl"] = _vtl(rnd, subs)
                        r["request"] = f"vtl/{f}.req.vtl"
                    if rnd.random() < .3:
                        r["maxBatchSize"] = 5
                if rnd.random() < .2 and api.get("caching"):
                    r["caching"] = rnd.choice([True, {"keys": ["$context.arguments.id"], "ttl": 30}])
                if rnd.random() < .15:
                    r["sync"] = rnd.choice([{"conflictDetection": "VERSION"}, {"conflictDetection": "NONE"}])
                resolvers[f"{root}.{f}"] = r
        api["resolvers"] = resolvers
        config["appSync"] = api
    else:
        api = {"name": f"api{seed}", "schema": schema, **auth[0], "dataSources": [
            {"name": n, **ds} if rnd.random() < .7 else {n: ds} for n, ds in data_sources.items()]}
        _providers_keys_substitutions(rnd, api, auth, False)
        _common(rnd, api, False)
        if rnd.random() < .25:
            api["wafConfig"] = {"rules": rnd.sample(["throttle", "disableIntrospection", {"throttle": 200},
                                                     {"name": "geo", "action": "Block", "statement": {
                                                         "geoMatchStatement": {"countryCodes": ["US"]}}}], 2)}
        api["mappingTemplatesLocation"] = "vtl"
        functions = []
        if rnd.random() < .4:
            for i in range(rnd.randint(1, 2)):
                files[f"vtl/func{i}.request.vtl"] = _vtl(rnd, subs)
                files[f"vtl/func{i}.response.vtl"] = _vtl(rnd, subs)
                functions.append({"name": f"func{i}", "dataSource": rnd.choice(names)})
            api["functionConfigurations"] = functions
        templates = []
        for root, root_fields in fields.items():
            for f in root_fields:
                t: dict = {"type": root, "field": f}
                if functions and rnd.random() < .3:
                    t.update(kind="PIPELINE", functions=[fn["name"] for fn in functions], request=False, response=False)
                else:
                    t["dataSource"] = rnd.choice(names)
                    for which in ("request", "response"):
                        if rnd.random() < .3:
                            t[which] = False
                        else:
                            files[f"vtl/{root}.{f}.{which}.vtl"] = _vtl(rnd, subs)
                if rnd.random() < .2 and api.get("caching"):
                    t["caching"] = rnd.choice([True, {"keys": ["$context.arguments.id"]}])
                if rnd.random() < .1:
                    t["sync"] = True
                templates.append(t)
        api["mappingTemplates"] = templates
        config.setdefault("custom", {})["appSync"] = [api] if rnd.random() < .2 else api
    return config, files, {"stage": "dev", "env": {}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-20", help="a range like 1-40 (odd seeds 1.x, even 2.x)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--node-modules", type=Path, default=Path("/work/node/node_modules"))
    parser.add_argument("--node-modules-v2", type=Path, default=Path(os.environ.get("APPSYNC2_NODE_MODULES",
                                                                                     "/tmp/nm-appsync2/node_modules")))
    parser.add_argument("--keep", type=Path, help="copy differing services here")
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    modules = {1: args.node_modules.resolve(), 2: args.node_modules_v2.absolute()}
    counts: dict[str, int] = {}
    bad = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        for seed, status, detail in pool.map(lambda s: run(s, modules[2 if s % 2 == 0 else 1], args.keep, service),
                                             seeds):
            ok = status in ("same", "both failed")
            bad += not ok
            counts[status] = counts.get(status, 0) + 1
            print(f"seed {seed} ({'2.x' if seed % 2 == 0 else '1.x'}): {status}" + ("" if ok else f"\n{detail}"),
                  flush=True)
    print(f"{len(seeds) - bad}/{len(seeds)} seeds agree with the framework and serverless-appsync-plugin "
          f"({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
