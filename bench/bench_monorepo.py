"""Monorepo benchmark: `promotelint check --base-ref HEAD` over 50 services x 20 functions, all changed.

Builds a temporary git repository (services with http and sqs events, a table, queues, a shared
`${file()}` fragment), commits it, changes every service in the working tree, then times the whole
command line (process start to exit) with one worker and with one per core. Prints figures; it is
not a test. Target on a 2-core machine: <= 3 s for the parallel run.

    python bench/bench_monorepo.py [--services 50] [--functions 20] [--runs 3] [--importers 10]

`--importers N`: the first N services `Fn::ImportValue` an export of the next service, so the run
also reads the repository's imports (the export rule's index: one `git grep`, then each importing
service compiled); the time of that step alone is printed too.
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


def service_yml(index: int, functions: int, changed: bool, imports: bool = False) -> str:
    memory = 512 if changed else 256
    lines = [f"service: svc-{index:02d}", "provider:", "  name: aws", "  runtime: python3.11",
             f"  memorySize: {memory}", "  environment:", "    TABLE: ${self:service}-table"]
    if imports:  # an export of the next service, as another team would import it
        lines += [f"    NEXT: !ImportValue sls-svc-{index + 1:02d}-${{sls:stage}}-Fn00LambdaFunctionQualifiedArn"]
    lines += ["custom: ${file(../../shared/custom.yml)}", "functions:"]
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


def build(repo: Path, services: int, functions: int, importers: int = 0) -> None:
    git(repo, "init", "-q", "-b", "main")
    (repo / "shared").mkdir()
    (repo / "shared" / "custom.yml").write_text("owner: platform\n")
    for i in range(services):
        d = repo / "services" / f"svc-{i:02d}"
        d.mkdir(parents=True)
        (d / "serverless.yml").write_text(service_yml(i, functions, changed=False, imports=i < importers))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    for i in range(services):
        (repo / "services" / f"svc-{i:02d}" / "serverless.yml").write_text(
            service_yml(i, functions, changed=True, imports=i < importers))


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
    parser.add_argument("--importers", type=int, default=0)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "monorepo"
        repo.mkdir()
        build(repo, args.services, args.functions, args.importers)
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
        modes = {"1 worker": ["--jobs", "1"], f"{cores} workers": ["--jobs", str(cores)]}
        runs: dict[str, list] = {label: [] for label in modes}
        for _ in range(args.runs):  # interleaved, so both modes see the same background load
            for label, extra in modes.items():
                runs[label].append(timed(repo, *check, *extra))
        results = {}
        for label, measured in runs.items():
            times = [r[0] for r in measured]
            results[label] = min(times)
            print(f"  check, {label:>10}: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
                  f"wall ({args.runs} runs); CPU {min(r[2] for r in measured):.2f} s")
        serial, parallel = results["1 worker"], results[f"{cores} workers"]
        print(f"  speed-up from parallelism: x{serial / parallel:.2f} on {cores} cores")
        print(f"  target <= 3.00 s: {'met' if parallel <= 3.0 else 'MISSED'} ({parallel:.2f} s)")
        print(f"  load average during the run: {os.getloadavg()[0]:.1f} on {cores} cores "
              "(other processes inflate wall times)")
        startup = min(timed(repo, "--help")[0] for _ in range(args.runs))
        print(f"  cold start (`promotelint --help`): {startup:.2f} s")
        imports_step(repo, args.runs)


def imports_step(repo: Path, runs: int) -> None:
    """The repository's imports alone, in this process: what reading them adds to a run."""
    sys.path.insert(0, str(ROOT))
    from promotelint.io import git
    from promotelint.io.discovery import repository_imports

    best, index = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        index = repository_imports(str(repo), git.WORKTREE)
        best = min(best, time.perf_counter() - start)
    found = sum(len(v) for v in index.exports.values()) + len(index.patterns)
    print(f"  repository imports (read once per run when an output changes): best {best:.2f} s wall, "
          f"{found} imports found")


if __name__ == "__main__":
    main()
