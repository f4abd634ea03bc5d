"""Benchmark of `promotelint compile` against `serverless package` (issue 4). Prints figures; not a test.

1. Cold `python -m promotelint compile` of a typical service vs `serverless package` of it
   (target: >= 12x faster).
2. Cold compile of a pair (`python -m promotelint changeset base/ head/`, which compiles both
   sides and predicts) vs packaging both sides (target: >= 20x faster).

The framework is found at --serverless PATH, $SERVERLESS_BIN, $SLS_NODE_MODULES/.bin/serverless or
/work/sls-ref/node_modules/.bin/serverless; without it the framework side is skipped with a message.

Run: python bench/bench_compile.py [--runs N] [--serverless PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cli_env  # noqa: E402
DEFAULT_FRAMEWORK = Path("/work/sls-ref/node_modules/.bin/serverless")

# A typical service: REST and SQS events, a table and a queue in `resources`, IAM statements,
# per-stage settings through variables and a `${file()}` fragment.
SERVICE = """\
service: orders-api
frameworkVersion: '3'

provider:
  name: aws
  runtime: nodejs18.x
  stage: ${opt:stage, 'dev'}
  region: ${opt:region, 'us-east-1'}
  memorySize: ${self:custom.memory.${sls:stage}, 512}
  timeout: 10
  logRetentionInDays: 14
  environment:
    TABLE: ${self:custom.table}
    QUEUE_URL: !Ref OrdersQueue
    STAGE: ${sls:stage}
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:GetItem, dynamodb:PutItem, dynamodb:Query, dynamodb:UpdateItem]
          Resource: !GetAtt OrdersTable.Arn
        - Effect: Allow
          Action: sqs:SendMessage
          Resource: !GetAtt OrdersQueue.Arn

custom:
  table: ${self:service}-${sls:stage}-orders
  memory:
    prod: 1024
  settings: ${file(./config/${sls:stage}.yml)}

functions:
  create:
    handler: handler.create
    events:
      - http: {path: orders, method: post, cors: true}
  get:
    handler: handler.get
    events:
      - http: {path: 'orders/{id}', method: get, cors: true}
  list:
    handler: handler.list
    events:
      - http: {path: orders, method: get, cors: true}
  update:
    handler: handler.update
    events:
      - http: {path: 'orders/{id}', method: put, cors: true}
  remove:
    handler: handler.remove
    events:
      - http: {path: 'orders/{id}', method: delete, cors: true}
  process:
    handler: handler.process
    timeout: ${self:custom.settings.processTimeout}
    events:
      - sqs: {arn: !GetAtt OrdersQueue.Arn, batchSize: 10}
  report:
    handler: handler.report
    events:
      - schedule: rate(1 hour)
  notify:
    handler: handler.notify
    events:
      - sns: ${self:service}-${sls:stage}-notifications

resources:
  Resources:
    OrdersTable:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: ${self:custom.table}
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions:
          - {AttributeName: id, AttributeType: S}
        KeySchema:
          - {AttributeName: id, KeyType: HASH}
    OrdersQueue:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: ${self:service}-${sls:stage}-orders
        VisibilityTimeout: 60
  Outputs:
    OrdersTableName:
      Value: !Ref OrdersTable
"""
FRAGMENT = "processTimeout: 30\n"


def write_service(directory: Path, memory_for_dev: int | None = None) -> Path:
    (directory / "config").mkdir(parents=True, exist_ok=True)
    text = SERVICE if memory_for_dev is None else SERVICE.replace("    prod: 1024\n",
                                                                   f"    prod: 1024\n    dev: {memory_for_dev}\n")
    (directory / "serverless.yml").write_text(text)
    (directory / "config" / "dev.yml").write_text(FRAGMENT)
    (directory / "handler.js").write_text("")  # stand-in: nothing to zip otherwise
    return directory


def timed(cmd: list[str], runs: int, cwd: Path | None = None, env: dict | None = None) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        run = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if run.returncode:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    return times


def framework(explicit: str | None) -> Path | None:
    for candidate in (explicit, os.environ.get("SERVERLESS_BIN"),
                      os.environ.get("SLS_NODE_MODULES") and str(Path(os.environ["SLS_NODE_MODULES"]) / ".bin" / "serverless"),
                      str(DEFAULT_FRAMEWORK)):
        if candidate and Path(candidate).is_file() and shutil.which("node"):
            return Path(candidate)
    return None


def describe(label: str, times: list[float]) -> list[float]:
    print(f"  {label}: median {statistics.median(times):.3f} s, min {min(times):.3f} s ({len(times)} runs)")
    return times


def ratio(theirs: list[float], ours: list[float], target: int) -> str:
    # Both medians and minimums: on a busy machine the minimum is the steadier estimate of the cost.
    return (f"  => {statistics.median(theirs) / statistics.median(ours):.1f}x faster by median, "
            f"{min(theirs) / min(ours):.1f}x by minimum (target >= {target}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of promotelint per figure")
    parser.add_argument("--framework-runs", type=int, default=3, help="runs of serverless package per figure")
    parser.add_argument("--serverless", help="path to the serverless executable")
    args = parser.parse_args()
    sls = framework(args.serverless)
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as home:
        env = cli_env(tmp)
        base = write_service(Path(tmp) / "base")
        head = write_service(Path(tmp) / "head", memory_for_dev=768)
        ours_one = [sys.executable, "-m", "promotelint", "compile", str(base), "--stage", "dev", "--region", "us-east-1"]
        ours_pair = [sys.executable, "-m", "promotelint", "changeset", str(base), str(head), "--stage", "dev",
                     "--region", "us-east-1"]
        timed(ours_one, 1, cwd=ROOT, env=env)  # warm the OS file cache and .pyc files

        print("1. one typical service (8 functions: http, sqs, schedule, sns; table and queue)")
        one = describe("promotelint compile (cold process)", timed(ours_one, args.runs, cwd=ROOT, env=env))
        describe("bare `python -c pass` (interpreter start alone)", timed([sys.executable, "-c", "pass"], args.runs))
        sls_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        sls_env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=home)
        package = [str(sls), "package", "--stage", "dev", "--region", "us-east-1"] if sls else None
        if package:
            timed(package, 1, cwd=base, env=sls_env)  # the framework caches its schema validator in HOME
            framework_one = describe("serverless package", timed(package, args.framework_runs, cwd=base, env=sls_env))
            print(ratio(framework_one, one, 12))
        else:
            print("  serverless package: skipped (framework node_modules not found; pass --serverless PATH)")

        print("2. a pair (base and head differ in memorySize)")
        pair = describe("promotelint changeset base head (cold process, compiles both)",
                        timed(ours_pair, args.runs, cwd=ROOT, env=env))
        compile_both = [sys.executable, "-c", "import sys; from promotelint.app import compile_path; "
                        "[compile_path(p, stage='dev', region='us-east-1') for p in sys.argv[1:]]",
                        str(base), str(head)]
        pair_only = describe("compile_path on both sides alone (cold process, no CLI, no prediction)",
                             timed(compile_both, args.runs, cwd=ROOT, env=env))
        if package:
            both = [a + b for a, b in zip(timed(package, args.framework_runs, cwd=base, env=sls_env),
                                          timed(package, args.framework_runs, cwd=head, env=sls_env))]
            framework_pair = describe("serverless package, both sides", both)
            print(ratio(framework_pair, pair, 20))
            print(ratio(framework_pair, pair_only, 20).replace("=>", "=> compile alone:"))
        else:
            print("  serverless package x2: skipped (framework node_modules not found)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
