"""Benchmark of the serverless compiler (issue 4). Prints figures; it is not a test.

1. In-process compile of every service under tests/fixtures/serverless and, when present beside the
   clone, ../shared/corpus/dev: median and worst time per service, split into loading + variables
   (compile_service up to the compile steps) and the compile steps (compile_config).
2. Cold CLI `changeset` between two revisions of the largest fixture service.

Run: python bench/bench_compile_corpus.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from promotelint.serverless import pipeline as compiler  # noqa: E402
from promotelint.app import compile_path as compile_service  # noqa: E402


def services() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted((ROOT / "tests" / "fixtures" / "serverless").iterdir()):
        if (path / "serverless.yml").is_file():
            info = json.loads((path / "fixture.json").read_text()) if (path / "fixture.json").is_file() else {}
            found.append((path, info))
    corpus = ROOT.parent / "shared" / "corpus" / "dev"
    for case in sorted(corpus.iterdir()) if corpus.is_dir() else ():
        info = json.loads((case / "case.json").read_text())
        found.append((case / info.get("service_dir", "."), info))
    return found


def in_process(runs: int = 5) -> None:
    steps_time = [0.0]
    original = compiler.compile_config

    def timed(ctx):
        t0 = time.perf_counter()
        original(ctx)
        steps_time[0] += time.perf_counter() - t0

    compiler.compile_config = timed
    totals, steps, sizes = [], [], []
    try:
        for path, info in services():
            best_total, best_steps = float("inf"), float("inf")
            for _ in range(runs):
                steps_time[0] = 0.0
                t0 = time.perf_counter()
                template = compile_service(path, stage=info.get("stage", "dev"), region=info.get("region", "us-east-1"),
                                           env=info.get("env") or {}, params=info.get("params") or {})
                best_total = min(best_total, time.perf_counter() - t0)
                best_steps = min(best_steps, steps_time[0])
            totals.append(best_total)
            steps.append(best_steps)
            sizes.append(len(template.data.get("Resources", {})))
    finally:
        compiler.compile_config = original
    print(f"services compiled: {len(totals)} (resources per service: median {statistics.median(sizes):.0f}, "
          f"max {max(sizes)})")
    print(f"compile_service per service: median {statistics.median(totals) * 1000:.1f} ms, "
          f"worst {max(totals) * 1000:.1f} ms")
    print(f"  of which compile steps:    median {statistics.median(steps) * 1000:.1f} ms, "
          f"worst {max(steps) * 1000:.1f} ms")


def cold_cli(runs: int = 10) -> None:
    fixture = ROOT / "tests" / "fixtures" / "serverless" / "events-schedules"
    cmd = [sys.executable, "-m", "promotelint", "changeset", str(fixture), str(fixture)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(cmd, capture_output=True, env=env)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, env=env)
        times.append(time.perf_counter() - t0)
    print(f"cold CLI changeset serverless.yml -> serverless.yml ({fixture.name}): "
          f"median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    in_process()
    cold_cli()
