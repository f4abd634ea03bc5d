"""Monorepo benchmark: `promotelint check --base-ref HEAD` over 50 services x 20 functions, all changed.

Builds a temporary git repository (services with http and sqs events, a table, queues, a shared
`${file()}` fragment), commits it, changes every service in the working tree, then times the whole
command line (process start to exit) with one worker and with one per core. Prints figures; it is
not a test. Target on a 2-core machine: <= 3 s for the parallel run.

    python bench/bench_monorepo.py [--services 50] [--functions 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GIT_ENV = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@example.com"}


def service_yml(index: int, functions: int, changed: bool) -> str:
    memory = 512 if changed else 256
    lines = [f"service: svc-{index:02d}", "provider:", "  name: aws", "  runtime: python3.11",
             f"  memorySize: {memory}", "  environment:", "    TABLE: ${self:service}-table",
             "custom: ${file(../../shared/custom.yml)}", "functions:"]
    for f in range(functions):
        lines += [f"  fn{f:02d}:", f"    handler: src/handler.fn{f:02d}", "    events:",
                  f"      - http: {{path: items/fn{f:02d}, method: {'post' if f % 2 else 'get'}}}"]
        if f % 4 == 0:
            lines += ["      - sqs:", f"          arn: !GetAtt Queue{f:02d}.Arn", "          batchSize: 5"]
        if changed:
            lines += ["    environment:", f"      FEATURE_{f:02d}: 'on'"]
    lines += ["resources:", "  Resources:", "    Table:", "      Type: AWS::DynamoDB::Table",
              "      Properties:", "        TableName: ${self:service}-table", "        BillingMode: PAY_PER_REQUEST",
              "        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]",
              "        KeySchema: [{AttributeName: id, KeyType: HASH}]"]
    for f in range(0, functions, 4):
        lines += [f"    Queue{f:02d}:", "      Type: AWS::SQS::Queue", "      Properties:",
                  f"        VisibilityTimeout: {60 if changed else 30}"]
    return "\n".join(lines) + "\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, check=True, capture_output=True)


def build(repo: Path, services: int, functions: int) -> None:
    git(repo, "init", "-q", "-b", "main")
    (repo / "shared").mkdir()
    (repo / "shared" / "custom.yml").write_text("owner: platform\n")
    for i in range(services):
        d = repo / "services" / f"svc-{i:02d}"
        d.mkdir(parents=True)
        (d / "serverless.yml").write_text(service_yml(i, functions, changed=False))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    for i in range(services):
        (repo / "services" / f"svc-{i:02d}" / "serverless.yml").write_text(service_yml(i, functions, changed=True))


def timed(repo: Path, *args: str) -> tuple[float, subprocess.CompletedProcess, float]:
    """Wall time, the process, and the CPU seconds it and its workers used (load-independent)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GITHUB_ACTIONS", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "promotelint", *args], cwd=repo, env=env, capture_output=True,
                          text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, proc, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--functions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "monorepo"
        repo.mkdir()
        build(repo, args.services, args.functions)
        report_file = Path(tmp) / "report.json"
        check = ["check", "--base-ref", "HEAD", "--format", "json", "--output", str(report_file)]
        _, proc, _ = timed(repo, *check)
        if proc.returncode not in (0, 1):
            sys.exit(f"check failed ({proc.returncode}): {proc.stderr.strip()}")
        report = json.loads(report_file.read_text())
        stacks = report["stacks"]
        resources = sum(len(s["changes"]) for s in stacks)
        print(f"monorepo: {args.services} services x {args.functions} functions, all changed; "
              f"{len(stacks)} stacks, {resources} resource changes, exit {proc.returncode}")
        results = {}
        for label, extra in (("1 worker", ["--jobs", "1"]), (f"{cores} workers", ["--jobs", str(cores)])):
            runs = [timed(repo, *check, *extra) for _ in range(args.runs)]
            times = [r[0] for r in runs]
            results[label] = min(times)
            print(f"  check, {label:>10}: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
                  f"wall ({args.runs} runs); CPU {min(r[2] for r in runs):.2f} s")
        serial, parallel = results["1 worker"], results[f"{cores} workers"]
        print(f"  speed-up from parallelism: x{serial / parallel:.2f} on {cores} cores")
        print(f"  target <= 3.00 s: {'met' if parallel <= 3.0 else 'MISSED'} ({parallel:.2f} s)")
        print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {cores} cores "
              "(other processes inflate wall times)")
        startup = min(timed(repo, "--help")[0] for _ in range(args.runs))
        print(f"  cold start (`promotelint --help`): {startup:.2f} s")


if __name__ == "__main__":
    main()
