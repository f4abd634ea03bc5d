"""The targets of issue 14, each measured side by side in one run, with its ratio and PASS / FAIL.

Prints figures; it is not a test. Measure a REGULAR install (the machine sets
PYTHONDONTWRITEBYTECODE: an editable install recompiles every module on each start):

    python3 -m venv /tmp/v && /tmp/v/bin/pip install .
    /tmp/v/bin/python bench/bench_targets.py [--runs 7] [--framework-runs 3] [--only compile,check,...]

The command line runs as `<python> -m promotelint` from a scratch directory, so the installed package
is timed, not this checkout (the install kind is printed). The framework (serverless@3, found at
$SLS_NODE_MODULES or ../node/node_modules) and cdk's cloudformation-diff ($CDK_DIFF_MODULE, else
../node/node_modules or /tmp/node_modules; `npm install @aws-cdk/cloudformation-diff` under /tmp)
are timed the same way, cold, one process per run; a target whose tool is missing is skipped.

Targets:
  compile   cold `compile` >= 20x `serverless package`, typical service; >= 15x at 300 functions
  check     cold `check` of a pair >= 30x the framework packaging both sides
  changeset cold `changeset` on two compiled templates >= 10x cdk's diff, also at 2,000 resources
  inproc    a 500-resource pair read + predicted + judged in process <= 25 ms
  monorepo  a 50-service monorepo check <= 1.5 s (median, 2 workers); peak memory <= 64 MB at 2,000
            resources (max RSS of a cold `check` of a 2,000-resource pair)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_compile import write_service  # noqa: E402
from bench.bench_monorepo import build as build_monorepo  # noqa: E402
from bench.templates import changed, count_for, service_template  # noqa: E402

NODE_MODULES = Path(os.environ.get("SLS_NODE_MODULES") or ROOT.parent / "node" / "node_modules")
CDK_CANDIDATES = [os.environ.get("CDK_DIFF_MODULE"), str(NODE_MODULES / "@aws-cdk" / "cloudformation-diff"),
                  "/tmp/node_modules/@aws-cdk/cloudformation-diff"]
CDK_SCRIPT = """
const fs = require('fs');
const diff = require(process.argv[1]);
const a = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const b = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const d = diff.fullDiff(a, b);
diff.formatDifferences(process.stdout, d);
"""
RESULTS: list[tuple[str, bool | None, str]] = []


def speed_probe() -> float:
    """Milliseconds of a fixed pure-Python loop (median of 7): a VM's speed can change by 2x from
    one quarter of an hour to the next, with no load to show it; printed at the start and the end
    of a run, it tells runs taken in a slow phase from runs of slower code."""
    def loop() -> int:
        counts: dict[int, int] = {}
        for i in range(200_000):
            counts[i % 997] = counts.get(i % 997, 0) + i
        return len(counts)

    times = []
    for _ in range(7):
        start = time.perf_counter()
        loop()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run(cmd: list[str], cwd: Path, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and max RSS (KiB) of one cold process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stdout[-1500:]}\n"
                         f"{proc.stderr[-1500:]}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, after.ru_maxrss


class Times(list):
    """Wall seconds of each run, with `cpu`: the CPU seconds of each (steadier on a busy machine)."""

    def __init__(self, measured: list[tuple[float, float]]) -> None:
        super().__init__(wall for wall, _ in measured)
        self.cpu = [cpu for _, cpu in measured]

    def __add__(self, other: list) -> Times:
        return Times(list(zip(self, self.cpu)) + list(zip(other, getattr(other, "cpu", other))))


def runs(cmd: list[str], n: int, cwd: Path, env: dict | None = None, ok: tuple[int, ...] = (0,)) -> Times:
    return Times([run(cmd, cwd, env, ok)[:2] for _ in range(n)])


def med(times: list[float]) -> float:
    return statistics.median(times)


def target(name: str, passed: bool | None, detail: str) -> None:
    RESULTS.append((name, passed, detail))
    print(f"  [{'PASS' if passed else 'SKIP' if passed is None else 'FAIL'}] {name}: {detail}", flush=True)


def ratio_target(name: str, theirs: Times, ours: Times, goal: float) -> None:
    """PASS / FAIL on the ratio of wall-time medians; the CPU-time ratio and the ratio of the
    fastest runs are printed beside it (on a machine with steal time the medians wander)."""
    r = med(theirs) / med(ours)
    cpu = med(theirs.cpu) / med(ours.cpu)
    best = min(theirs) / min(ours)
    target(name, r >= goal, f"{r:.1f}x wall (target >= {goal:g}x), {cpu:.1f}x CPU, {best:.1f}x fastest runs: "
                            f"median {med(ours) * 1000:.0f} ms (min {min(ours) * 1000:.0f}, {med(ours.cpu) * 1000:.0f} "
                            f"ms CPU, {len(ours)} runs) vs {med(theirs):.2f} s (min {min(theirs):.2f}, "
                            f"{med(theirs.cpu):.2f} s CPU, {len(theirs)} runs)")


class Tools:
    def __init__(self, python: str, scratch: Path) -> None:
        self.python = python
        self.scratch = scratch
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GITHUB_ACTIONS")}
        # A compile cache of its own, outside the scratch directory (a cache inside the directory
        # being checked is not used).
        self.cache = Path(tempfile.mkdtemp(prefix="promotelint-bench-cache-"))
        env["PROMOTELINT_CACHE_DIR"] = str(self.cache)
        self.env = env
        self.sls = NODE_MODULES / ".bin" / "serverless"
        if not (self.sls.is_file() and shutil.which("node")):
            self.sls = None
        self.cdk = next((c for c in CDK_CANDIDATES if c and Path(c, "package.json").is_file()), None)
        if not shutil.which("node"):
            self.cdk = None
        home = scratch / "home"
        home.mkdir()
        self.sls_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.sls_env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=str(home))

    def ours(self, *args: str) -> list[str]:
        return [self.python, "-m", "promotelint", *args]

    def package(self, service: Path) -> tuple[float, float]:
        """Wall and CPU seconds of one cold `serverless package` of `service`."""
        return run([str(self.sls), "package", "--stage", "dev", "--region", "us-east-1"], service, self.sls_env)[:2]

    def install_kind(self) -> str:
        where = subprocess.run([self.python, "-c", "import promotelint; print(promotelint.__file__)"],
                               cwd=self.scratch, env=self.env, capture_output=True, text=True).stdout.strip()
        kind = "checkout or editable install" if str(ROOT) in where else "regular install"
        return f"{kind} ({where})"


def big_service(directory: Path, functions: int) -> Path:
    """A service with `functions` functions (http, every fourth sqs), a table and queues."""
    directory.mkdir(parents=True)
    lines = ["service: big-api", "frameworkVersion: '3'", "provider:", "  name: aws", "  runtime: nodejs18.x",
             "  stage: ${opt:stage, 'dev'}", "  environment:", "    TABLE: ${self:service}-${sls:stage}",
             "functions:"]
    for f in range(functions):
        lines += [f"  fn{f:03d}:", f"    handler: src/h.fn{f:03d}", "    events:",
                  f"      - http: {{path: 'items/fn{f:03d}/{{id}}', method: {'post' if f % 2 else 'get'}}}"]
        if f % 4 == 0:
            lines += ["      - sqs:", f"          arn: !GetAtt Queue{f:03d}.Arn"]
    lines += ["resources:", "  Resources:", "    Table:", "      Type: AWS::DynamoDB::Table", "      Properties:",
              "        BillingMode: PAY_PER_REQUEST", "        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]",
              "        KeySchema: [{AttributeName: id, KeyType: HASH}]"]
    for f in range(0, functions, 4):
        lines += [f"    Queue{f:03d}:", "      Type: AWS::SQS::Queue"]
    (directory / "serverless.yml").write_text("\n".join(lines) + "\n")
    (directory / "src").mkdir()
    (directory / "src" / "h.js").write_text("exports.handler = async () => ({});\n")  # something to package
    return directory


def interleaved(ours: list[Callable[[], tuple[float, float]]], theirs: list[Callable[[], tuple[float, float]]],
                n: int, fn: int) -> tuple[list[Times], list[Times]]:
    """Each of `ours` run n times and each of `theirs` fn times, interleaved round by round: on a
    machine whose speed wanders (steal time), both sides of a ratio are measured in the same moments."""
    mine: list[list] = [[] for _ in ours]
    other: list[list] = [[] for _ in theirs]
    for r in range(max(n, fn)):
        for i, run_one in enumerate(ours):
            if r < n:
                mine[i].append(run_one())
        if r * fn // max(n, fn) != (r + 1) * fn // max(n, fn) or fn >= n:  # fn rounds spread over n
            for i, run_one in enumerate(theirs):
                if len(other[i]) < fn:
                    other[i].append(run_one())
    return [Times(m) for m in mine], [Times(o) for o in other]


def compile_targets(t: Tools, n: int, fn: int, with_check: bool) -> dict:
    """The compile targets and, with `with_check`, the check targets, run round by round with the
    framework packaging the same services."""
    print("compile: cold `promotelint compile` vs `serverless package`" + (
        "; check: cold `promotelint check base head` (both compiled, rules judged)" if with_check else ""), flush=True)
    base = write_service(t.scratch / "svc" / "base")
    head = write_service(t.scratch / "svc" / "head", memory_for_dev=768)
    big = big_service(t.scratch / "big", 300)
    opts = ["--stage", "dev", "--region", "us-east-1", "--compiler", "offline"]
    ours = t.ours("compile", str(base), *opts)
    large_cmd = t.ours("compile", str(big), *opts)
    check_cmd = t.ours("check", str(base), str(head), *opts)
    runs(ours, 1, t.scratch, t.env)  # warm the OS file cache (and the compile cache)
    runs(large_cmd, 1, t.scratch, t.env)
    runs(check_cmd, 1, t.scratch, t.env, ok=(0, 1))
    text = (head / "serverless.yml").read_text()
    promoted_count = [0]

    def promoted() -> tuple[float, float]:
        # A gate's run: the base side unchanged since the last run (cached), the head side new each time.
        promoted_count[0] += 1
        (head / "serverless.yml").write_text(text.replace("    dev: 768\n", f"    dev: {800 + promoted_count[0]}\n"))
        try:
            return run(check_cmd, t.scratch, t.env, ok=(0, 1))[:2]
        finally:
            (head / "serverless.yml").write_text(text)

    def one(cmd: list[str], ok: tuple = (0,)):
        return lambda: run(cmd, t.scratch, t.env, ok)[:2]

    ours_runs = [one(ours + ["--no-cache"]), one(large_cmd + ["--no-cache"]), one(ours), one(large_cmd)]
    if with_check:
        ours_runs += [one(check_cmd + ["--no-cache"], ok=(0, 1)), promoted]
    theirs_runs = []
    if t.sls is not None:
        t.package(base)  # the framework caches its schema validator in HOME
        theirs_runs = [lambda: t.package(base), lambda: t.package(big)] + (
            [lambda: t.package(head)] if with_check else [])
    mine, theirs = interleaved(ours_runs, theirs_runs, n, fn if t.sls is not None else 0)
    typical, large, cached, large_cached = mine[:4]
    print(f"  promotelint compile, no cache: typical {med(typical) * 1000:.0f} ms, 300 functions "
          f"{med(large) * 1000:.0f} ms; unchanged, from the cache: {med(cached) * 1000:.0f} ms and "
          f"{med(large_cached) * 1000:.0f} ms (medians of {n})")
    if with_check:
        uncached, promoted_runs = mine[4:6]
        print(f"  promotelint check: no cache {med(uncached) * 1000:.0f} ms; base cached, head new each run "
              f"{med(promoted_runs) * 1000:.0f} ms (medians of {n})")
    if t.sls is None:
        for name in ("compile typical >= 20x", "compile 300 functions >= 15x") + (("check >= 30x",) * with_check):
            target(name, None, "framework not found")
        return {}
    framework_base, framework_big = theirs[:2]
    ratio_target("compile, typical service (8 functions), no cache, >= 20x", framework_base, typical, 20)
    ratio_target("compile, 300-function service, no cache, >= 15x", framework_big, large, 15)
    print(f"  (from the cache: {med(framework_base) / med(cached):.1f}x and "
          f"{med(framework_big) / med(large_cached):.1f}x)")
    if with_check:
        framework_head = theirs[2]
        both = Times([(a + b, c + d) for a, b, c, d in zip(framework_base, framework_head, framework_base.cpu,
                                                           framework_head.cpu)])
        ratio_target("check of a pair, no cache, >= 30x the framework packaging both sides", both, uncached, 30)
        ratio_target("check of a pair, base side cached, >= 30x the framework packaging both sides", both,
                     promoted_runs, 30)
    return {}


def changeset_target(t: Tools, n: int) -> None:
    print("changeset: cold `promotelint changeset` on two compiled templates vs cdk's cloudformation-diff", flush=True)
    for functions, label in ((8, "typical"), (count_for(2000), "2,000 resources")):
        base = service_template(functions=functions)
        head = changed(base)
        b, h = t.scratch / f"base-{functions}.json", t.scratch / f"head-{functions}.json"
        b.write_text(json.dumps(base, indent=2))
        h.write_text(json.dumps(head, indent=2))
        ours_cmd = t.ours("changeset", str(b), str(h))
        if t.cdk is None:
            runs(ours_cmd, n, t.scratch, t.env)
            target(f"changeset {label} >= 10x", None, "@aws-cdk/cloudformation-diff not found")
            continue
        cdk_cmd = ["node", "-e", CDK_SCRIPT, t.cdk, str(b), str(h)]
        [ours], [theirs] = interleaved([lambda: run(ours_cmd, t.scratch, t.env)[:2]],
                                       [lambda: run(cdk_cmd, t.scratch)[:2]], n, n)
        ratio_target(f"changeset, {label} ({len(base['Resources'])} resources), >= 10x cdk diff", theirs, ours, 10)


def inprocess_target(t: Tools, n: int) -> None:
    print("inproc: a 500-resource pair read + predicted + judged, in process (the installed package)", flush=True)
    code = """
import json, statistics, sys, time, datetime
sys.path.remove('') if '' in sys.path else None
from promotelint.app import judge, predict, setup
from promotelint.parse.template import template_from_text
base_text, head_text = open(sys.argv[1]).read(), open(sys.argv[2]).read()
config, rules = setup(None, __import__('pathlib').Path(sys.argv[3]))
today = datetime.date(2026, 1, 1)
def once():  # as the CLI reads a pair: the head's unchanged resources are the base's (parse/entries.py)
    base = template_from_text(base_text, 'base.json')
    head = template_from_text(head_text, 'head.json', base)
    return judge([predict(base, head)], rules, config, today)
def probe():  # speed_probe's loop, once: this machine's speed beside each sample
    counts = {}
    for i in range(200_000):
        counts[i % 997] = counts.get(i % 997, 0) + i
once()
times, probes = [], []
for _ in range(int(sys.argv[4])):
    start = time.perf_counter(); once(); times.append(time.perf_counter() - start)
    start = time.perf_counter(); probe(); probes.append(time.perf_counter() - start)
print(json.dumps([times, probes]))
"""
    base = service_template(functions=count_for(500))
    b, h = t.scratch / "base500.json", t.scratch / "head500.json"
    b.write_text(json.dumps(base, indent=2))
    h.write_text(json.dumps(changed(base), indent=2))
    out = subprocess.run([t.python, "-c", code, str(b), str(h), str(t.scratch), str(max(n, 20))], cwd=t.scratch,
                         env=t.env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    times, probes = json.loads(out.stdout)
    # (an absolute time: the speed probe's loop, timed after each sample, tells whether the
    # machine ran them in one of its slow phases)
    target(f"in process, {len(base['Resources'])}-resource pair read + predicted + judged, <= 25 ms",
           med(times) <= 0.025, f"median {med(times) * 1000:.1f} ms, min {min(times) * 1000:.1f} ms ({len(times)} runs;"
           f" speed probe between them {med(probes) * 1000:.1f} ms)")


def monorepo_target(t: Tools, n: int) -> None:
    print("monorepo: `check --base-ref HEAD` over 50 services x 20 functions, all changed; peak memory", flush=True)
    repo = t.scratch / "monorepo"
    repo.mkdir()
    build_monorepo(repo, 50, 20)
    cmd = t.ours("check", "--base-ref", "HEAD", "--jobs", "2", "--format", "json", "--output", str(t.scratch / "r.json"))
    times = runs(cmd + ["--no-cache"], n, repo, t.env, ok=(0, 1))
    target("50-service monorepo check, 2 workers, no cache, <= 1.5 s (median)", med(times) <= 1.5,
           f"median {med(times):.2f} s, min {min(times):.2f} s ({n} runs)")
    runs(cmd, 1, repo, t.env, ok=(0, 1))
    cached = runs(cmd, n, repo, t.env, ok=(0, 1))
    print(f"  (a repeated run, every side from the cache: median {med(cached):.2f} s)")
    base = service_template(functions=count_for(2000))
    b, h = t.scratch / "base2000.json", t.scratch / "head2000.json"
    b.write_text(json.dumps(base, indent=2))
    h.write_text(json.dumps(changed(base), indent=2))
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure in a fresh helper process.
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    peaks = [int(subprocess.run([sys.executable, "-c", probe, *t.ours("check", str(b), str(h))], cwd=t.scratch,
                                env=t.env, capture_output=True, text=True).stdout) for _ in range(3)]
    peak = statistics.median(peaks) / 1024
    target(f"peak memory, cold check of a {len(base['Resources'])}-resource pair, <= 64 MB", peak <= 64,
           f"max RSS {peak:.1f} MB (median of 3)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter with promotelint installed")
    parser.add_argument("--runs", type=int, default=7, help="runs of promotelint (and cdk) per figure")
    parser.add_argument("--framework-runs", type=int, default=3, help="runs of serverless package per figure")
    parser.add_argument("--only", default="compile,check,changeset,inproc,monorepo")
    args = parser.parse_args()
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="promotelint-targets-") as tmp:
        t = Tools(args.python, Path(tmp))
        print(f"promotelint: {t.install_kind()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
              f"speed probe {speed_probe():.1f} ms")
        if only & {"compile", "check"}:
            compile_targets(t, args.runs, args.framework_runs, with_check="check" in only)
        if "changeset" in only:
            changeset_target(t, args.runs)
        if "inproc" in only:
            inprocess_target(t, args.runs)
        if "monorepo" in only:
            monorepo_target(t, args.runs)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}; speed probe {speed_probe():.1f} ms")
        shutil.rmtree(t.cache, ignore_errors=True)
    print("\nsummary:")
    for name, passed, detail in RESULTS:
        print(f"  {'PASS' if passed else 'SKIP' if passed is None else 'FAIL'}  {name}: {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
