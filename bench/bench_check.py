"""Figures for `promotelint check`: cold CLI start against `changeset`, rule loading, rule evaluation.

Run from the repository root: `python bench/bench_check.py`. Prints figures; asserts nothing.
Uses the corpus beside the clone (../shared/corpus) when present for a large template.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cli_env  # noqa: E402

SCRATCH = tempfile.mkdtemp(prefix="promotelint-bench-")
SMALL_BASE = "Resources:\n  T: {Type: AWS::DynamoDB::Table, Properties: {TableName: t}}\n  Q: {Type: AWS::SQS::Queue}\n"
SMALL_HEAD = "Resources:\n  Q: {Type: AWS::SQS::Queue, Properties: {FifoQueue: true}}\n"


def cold(args: list[str], runs: int = 11) -> tuple[float, float, float]:
    """Fastest and median wall time, and the least CPU time (user + sys: steadier on a busy machine)."""
    env = cli_env(SCRATCH)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "promotelint", *args], env=env, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(walls), statistics.median(walls), min(cpus)


def largest_corpus_template() -> Path | None:
    corpus = ROOT.parent / "shared" / "corpus" / "dev"
    if not corpus.is_dir():
        return None
    return max(corpus.glob("*/expected.json"), key=lambda p: p.stat().st_size, default=None)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base, head = Path(tmp, "base.yml"), Path(tmp, "head.yml")
        base.write_text(SMALL_BASE)
        head.write_text(SMALL_HEAD)
        python = cold(["--help"])
        changeset = cold(["changeset", str(base), str(head)])
        check = cold(["check", str(base), str(head)])
        for name, (fast, median, cpu) in (("--help", python), ("changeset", changeset), ("check", check)):
            print(f"cold start {name}: wall fastest {fast * 1000:.0f} ms, median {median * 1000:.0f} ms; "
                  f"CPU {cpu * 1000:.0f} ms (11 runs)")
        print(f"check - changeset: CPU {(check[2] - changeset[2]) * 1000:.0f} ms")

    from promotelint.io.packaged import load_builtin_rules
    from promotelint.ruleengine.evaluate import evaluate

    start = time.perf_counter()
    rules = load_builtin_rules()
    print(f"load_builtin_rules (in process, first call): {(time.perf_counter() - start) * 1000:.1f} ms "
          f"for {len(rules)} rules")

    big = largest_corpus_template()
    if big is None:
        print("corpus not found beside the clone: evaluation figure skipped")
        return
    from promotelint.app import predict
    from promotelint.parse.template import template_from_text

    data = json.loads(big.read_text())
    # Worst case for the rules: every resource of a large service removed, every output gone.
    base_t = template_from_text(json.dumps(data), "base.json")
    head_t = template_from_text(json.dumps({"Resources": {"Keep": {"Type": "AWS::SNS::Topic"}}}), "head.json")
    changeset = predict(base_t, head_t)
    evaluate(rules, changeset)  # warm the schema caches
    runs = 20
    start = time.perf_counter()
    for _ in range(runs):
        findings = evaluate(rules, changeset)
    per = (time.perf_counter() - start) / runs
    print(f"evaluate: {per * 1000:.2f} ms for {len(changeset.changes)} changes, {len(rules)} rules "
          f"({len(findings)} findings) on {big.parent.name} ({len(data['Resources'])} resources)")


if __name__ == "__main__":
    main()
