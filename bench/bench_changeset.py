"""Benchmark of `promotelint changeset` (issue 2). Prints figures; it is not a test.

1. Cold CLI run on a typical serverless service's template pair (target <= 0.25 s wall).
2. In-process prediction on a 500-resource pair (target <= 50 ms, peak memory <= 100 MB).

Run: python bench/bench_changeset.py
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import cli_env  # noqa: E402
from bench.templates import changed, count_for, service_template  # noqa: E402


def cold_cli(runs: int = 15) -> None:
    base = service_template(functions=8)
    head = changed(base)
    with tempfile.TemporaryDirectory() as tmp:
        b, h = Path(tmp, "base.json"), Path(tmp, "head.json")
        b.write_text(json.dumps(base, indent=2))
        h.write_text(json.dumps(head, indent=2))
        env = cli_env(tmp)
        cmd = [sys.executable, "-m", "promotelint", "changeset", str(b), str(h)]
        subprocess.run(cmd, check=True, capture_output=True, env=env)  # warm the OS file cache
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - t0)
        bare = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
            bare.append(time.perf_counter() - t0)
    print(f"cold `promotelint changeset`, {len(base['Resources'])}-resource serverless template pair "
          f"({runs} runs): median {statistics.median(times):.3f} s, min {min(times):.3f} s "
          f"(target <= 0.25 s; bare `python -c pass`: median {statistics.median(bare):.3f} s)")


def in_process(resources: int = 500, runs: int = 20) -> None:
    from promotelint.model.template import Template
    from promotelint.app import predict
    from promotelint.io.catalog import type_facts

    base_data = service_template(functions=count_for(resources))
    head_data = changed(base_data)
    n = len(base_data["Resources"])
    base, head = Template(base_data, "base.json"), Template(head_data, "head.json")
    predict(base, head)  # first call reads the schemas of the types present (cached afterwards)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = predict(base, head)
        times.append(time.perf_counter() - t0)
    type_facts.cache_clear()
    tracemalloc.start()
    t0 = time.perf_counter()
    predict(base, head)
    first = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"in-process prediction, {n}-resource pair, {len(result.changes)} changes ({runs} runs): "
          f"median {statistics.median(times) * 1000:.1f} ms, min {min(times) * 1000:.1f} ms "
          f"(target <= 50 ms); first call incl. schema reads {first * 1000:.1f} ms")
    print(f"peak memory: {peak / 2**20:.1f} MB traced during prediction, process max RSS {rss:.1f} MB "
          f"(target <= 100 MB)")


if __name__ == "__main__":
    cold_cli()
    in_process()
