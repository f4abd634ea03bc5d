#!/usr/bin/env python3
"""Differential test of the API Gateway compilers against the real Serverless Framework (v3).

    python -m tools.differential_api [--seeds 1-50] [--jobs 8] [--serverless PATH] [--keep DIR]

Each seed makes a random service mixing REST `http` (paths, CORS variants, authorizers of every
kind, integrations, request parameters and schemas, API keys and usage plans, external APIs),
`httpApi` (CORS, JWT/request/IAM authorizers, logs) and `websocket` events. Each is packaged by the
framework offline and compiled by promotelint; the two templates are compared as the conformance
runner does. When the framework fails, promotelint must fail too (with an InputError). Services
that differ are kept under --keep for a closer look. Nothing here runs in the tests.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PATHS = ["", "users", "users/{id}", "users/{id}/posts", "a-b/c_d", "v1.0/x", "{proxy+}",
         "users/{id}/posts/{postId}", "Items", "items/list"]
METHODS = ["get", "post", "put", "delete", "patch", "any", "GET", "head", "options"]
FUNCTIONS = ["hello", "world-fn", "my_func", "Auth", "other"]


def service(seed: int) -> dict:
    """A random service; the framework must be able to package most of them."""
    rnd = random.Random(seed)
    ch, maybe = (lambda *items: rnd.choice(items)), (lambda p=0.5: rnd.random() < p)
    provider: dict = {"name": "aws", "runtime": "nodejs18.x", "stage": "dev",
                      "region": "us-east-1"}
    ag: dict = {}
    if maybe(0.3):
        ag["shouldStartNameWithService"] = True
    if maybe(0.2):
        ag["binaryMediaTypes"] = ch("image/png", ["image/png", "*/*"])
    if maybe(0.2):
        ag["apiKeySourceType"] = ch("HEADER", "authorizer")
    if maybe(0.2):
        ag["minimumCompressionSize"] = ch(0, 100)
    if maybe(0.3):
        ag["apiKeys"] = [ch("k1", {"name": "k2", "value": "x" * 25}), "k3"][: rnd.randint(1, 2)]
        if maybe():
            ag["usagePlan"] = {"quota": {"limit": 10, "period": "DAY"}}
    if maybe(0.2):
        ag["resourcePolicy"] = [{
            "Effect": "Allow", "Principal": "*",
            "Action": ch("execute-api:Invoke", ["execute-api:Invoke"]),
            "Resource": ch(["execute-api:/*"], "execute-api:/*/GET/*",
                           ["execute-api:/a", "execute-api:/b"])}]
    if maybe(0.15):
        ag.update(restApiId="ext123", restApiRootResourceId="root1")
        if maybe():
            ag["restApiResources"] = {"/users": "r-users"}
    if maybe(0.1):
        ag["websocketApiId"] = "ws1"
    if maybe(0.2):
        ag["stage"] = "v9"
    if maybe(0.2):
        ag["request"] = {"schemas": {"m-one": {"schema": {"type": "object"}, "name": "MOne"},
                                     "plain": {"schema": {"type": "string"}}}}
    if maybe(0.2):
        ag["apiKeys"] = [{"free": ["fk1", {"name": "fk2", "enabled": False}]}, {"paid": ["pk1"]}]
        ag["usagePlan"] = [{"free": {"throttle": {"rateLimit": 1}}},
                           {"paid": {"quota": {"limit": 5, "offset": 1, "period": "WEEK"}}}]
    if ag:
        provider["apiGateway"] = ag
    if maybe(0.1):
        provider.update(websocketsApiName="wsname", websocketsDescription="d")
    if maybe(0.1):
        provider["apiName"] = "custom-name"
    if maybe(0.2):
        provider["endpointType"] = ch("REGIONAL", "edge", "EDGE")
    if maybe(0.3):
        provider["tags"] = {"a": "b"}
    if maybe(0.2):
        provider["logs"] = ch({"restApi": True}, {"websocket": True}, {"httpApi": True},
                              {"httpApi": {"format": "$context.requestId"}},
                              {"websocket": {"level": "INFO", "accessLogging": False}})
    if maybe(0.2):
        provider["logRetentionInDays"] = 7

    http_api: dict = {}
    if maybe(0.3):
        http_api["cors"] = ch(True, {"allowedOrigins": "https://x.com", "allowCredentials": True},
                              {"allowedMethods": ["GET"], "maxAge": 10})
    if maybe(0.3):
        http_api["payload"] = "1.0"
    if maybe(0.2):
        http_api["metrics"] = True
    if maybe(0.1):
        http_api["id"] = "httpext"
        http_api.pop("cors", None)
    authorizers: dict = {}
    if maybe(0.3):
        authorizers["jwt"] = {"identitySource": "$request.header.Authorization",
                              "issuerUrl": "https://issuer", "audience": ch("aud", ["a", "b"])}
    if maybe(0.3):
        authorizers["req"] = {"type": "request", "functionName": "Auth",
                              "identitySource": "$request.header.X"}
        if maybe():
            authorizers["req"]["resultTtlInSeconds"] = 0
        if maybe():
            authorizers["req"]["enableSimpleResponses"] = True
    if authorizers and not http_api.get("id"):
        http_api["authorizers"] = authorizers
    else:
        authorizers = {}
    if http_api:
        provider["httpApi"] = http_api

    functions: dict = {}
    routes: set = set()
    for name in rnd.sample(FUNCTIONS, rnd.randint(1, 4)):
        function: dict = {"handler": "handler.x", "events": []}
        if maybe(0.15):
            function["provisionedConcurrency"] = 1
        for _ in range(rnd.randint(0, 3)):
            kind = ch("http", "http", "http", "httpApi", "websocket")
            if kind == "http":
                event = _http_event(rnd, functions)
                if event:
                    function["events"].append({"http": event})
            elif kind == "httpApi":
                route = ch("GET /x", "POST /x", "*", "GET /users/{id}", "ANY /any", "PUT /x/y")
                if route in routes:
                    continue
                routes.add(route)
                if maybe() or route == "*":
                    function["events"].append({"httpApi": route})
                    continue
                method, path = route.split(" ")
                event = {"method": method.lower(), "path": path}
                if authorizers and maybe():
                    auth = rnd.choice(list(authorizers))
                    event["authorizer"] = {"name": auth}
                    if auth == "jwt" and maybe():
                        event["authorizer"]["scopes"] = ["s"]
                elif maybe(0.2):
                    event["authorizer"] = {"type": "aws_iam"}
                function["events"].append({"httpApi": event})
            else:
                route = ch("$connect", "$default", "msg", "a-b.c", "$disconnect")
                if route in routes:
                    continue
                routes.add(route)
                if maybe():
                    function["events"].append({"websocket": route})
                    continue
                event = {"route": route}
                if maybe(0.3):
                    event["routeResponseSelectionExpression"] = "$default"
                if route == "$connect" and maybe(0.6):
                    event["authorizer"] = ch(
                        "Auth", "arn:aws:lambda:us-east-1:1:function:ws",
                        {"name": "Auth", "identitySource": ["route.request.header.X"]},
                        {"arn": {"Fn::GetAtt": ["AuthLambdaFunction", "Arn"]}, "name": "extws"})
                function["events"].append({"websocket": event})
        functions[name] = function
    functions.setdefault("Auth", {"handler": "handler.auth"})
    functions.setdefault("world-fn", {"handler": "handler.world"})
    return {"service": f"svc{seed}", "frameworkVersion": "3", "provider": provider,
            "functions": functions}


def _http_event(rnd: random.Random, functions: dict) -> dict | str:
    ch, maybe = (lambda *items: rnd.choice(items)), (lambda p=0.5: rnd.random() < p)
    path, method = ch(*PATHS), ch(*METHODS)
    if maybe(0.3):
        return f"{method.upper()} {path or '/'}"
    event: dict = {"path": path or "/", "method": method}
    if maybe(0.4):
        event["cors"] = ch(True, {"origin": "https://a.com"},
                           {"origins": ["https://a.com", "https://*.b.com"],
                            "allowCredentials": True},
                           {"headers": ["X-A"], "maxAge": 5},
                           {"methods": ["GET", "ANY"], "cacheControl": "no-cache"})
    if maybe(0.2):
        event["private"] = True
    if maybe(0.15):
        event["operationId"] = f"op{rnd.randint(1, 9)}"
    if maybe(0.3):
        event["authorizer"] = ch(
            "Auth", "aws_iam",
            {"name": "Auth", "resultTtlInSeconds": 0, "type": "request",
             "identitySource": "method.request.header.X"},
            "arn:aws:lambda:us-east-1:1:function:ext-auth",
            {"arn": "arn:aws:cognito-idp:us-east-1:1:userpool/p", "scopes": ["s"]},
            {"type": "CUSTOM", "authorizerId": "abc"},
            {"arn": "arn:aws:lambda:us-east-1:1:function:svc-dev-managed",
             "managedExternally": True, "identityValidationExpression": "^x$"},
            {"name": "world-fn", "type": "token"},
            {"type": "COGNITO_USER_POOLS", "name": "pool", "arn": {"Fn::GetAtt": ["UP", "Arn"]},
             "claims": ["email", "custom:x"]})
    if isinstance(event.get("authorizer"), dict) and event["authorizer"].get("claims"):
        event["integration"] = "lambda"
    elif maybe(0.3):
        event["integration"] = ch("lambda", "lambda-proxy", "mock", "LAMBDA", "http", "http-proxy")
    if event.get("integration") in ("http", "http-proxy"):
        event["request"] = {"uri": "https://example.com/x"}
        if maybe():
            event["request"]["method"] = "post"
        if maybe(0.3):
            event.update(connectionType="vpc-link", connectionId="cid")
    if maybe(0.3):
        request = dict(event.get("request") or {})
        if maybe():
            request["parameters"] = {"querystrings": {"q": ch(True, False, {"required": False})},
                                     "headers": {"H": True}}
        if maybe(0.3):
            request["schemas"] = {"application/json": ch({"type": "object"}, {
                "name": "N", "schema": {"type": "object"}})}
        if event.get("integration") in ("lambda", "LAMBDA") and maybe():
            request["template"] = {"text/plain": "x"}
        if request:
            event["request"] = request
    if event.get("integration") in ("lambda", "LAMBDA", "mock", "http") and maybe():
        event["response"] = ch({"headers": {"X-Y": "'z'"}},
                               {"statusCodes": {"200": {"pattern": ""},
                                                "400": {"pattern": ".*bad.*"}}})
    if maybe(0.1):
        event["async"] = True
        event.pop("integration", None)
    return event


def serverless_command(explicit: str | None) -> list[str]:
    for candidate in (explicit, os.environ.get("SERVERLESS_BIN"),
                      "/work/sls-ref/node_modules/.bin/serverless"):
        if candidate and Path(candidate).exists():
            return [candidate]
    return ["npx", "--no-install", "serverless"]


def check(seed: int, command: list[str], keep: Path) -> str:
    from promotelint.model.errors import InputError
    from promotelint.app import compile_path as compile_service
    from tools.differential import judge, pin_framework

    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as home:
        if Path(command[0]).exists():  # (not npx: that runs the install it finds)
            pin_framework(Path(scratch), command[0])
        work = Path(scratch) / "svc"
        work.mkdir()
        # JSON is YAML: the framework reads it as serverless.yml
        (work / "serverless.yml").write_text(json.dumps(service(seed), indent=1))
        (work / "handler.js").write_text("")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=home)
        run = subprocess.run(command + ["package", "--stage", "dev", "--region", "us-east-1"],
                             cwd=work, env=env, capture_output=True, text=True)
        try:
            ours = dict(compile_service(work / "serverless.yml", stage="dev", region="us-east-1",
                                        env={}).data)
        except InputError as error:
            ours = None
            our_error = str(error)
        if run.returncode:
            if ours is None:
                return "same (both fail)"
            shutil.copytree(work, keep / f"seed{seed}", dirs_exist_ok=True)
            return f"DIFFERENT: the framework fails, promotelint compiles ({run.stdout[-300:]!r})"
        expected = json.loads(
            (work / ".serverless" / "cloudformation-template-update-stack.json").read_text())
        return judge(seed, work, keep, expected, ours, our_error if ours is None else "")


def main() -> int:
    from tools.differential import arguments, run_seeds, seed_range

    args = arguments(__doc__, 8, "differential-api-failures", serverless="path to the serverless executable")
    command, keep = serverless_command(args.serverless), Path(args.keep)
    return run_seeds(seed_range(args.seeds), args.jobs, lambda seed: check(seed, command, keep))


if __name__ == "__main__":
    sys.exit(main())
