"""Benchmark of the serverless-appsync-plugin port (issue 10). Prints figures; not a test.

1. In-process compile of each appsync service (tests/fixtures/serverless/plugin-appsync-*, and the
   plugin corpus' appsync cases when ../shared/corpus is there): median of N runs, in ms.
2. The schema printer on a generated 2,000-type schema (parse, merge, print, clean), in ms.

Run: python bench/bench_appsync.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from promotelint.app import compile_path  # noqa: E402
from promotelint.serverless.plugins.appsync.schema import clean_comments, merged_schema  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "plugins-dev"


def services() -> list[Path]:
    found = sorted((ROOT / "tests" / "fixtures" / "serverless").glob("plugin-appsync-*"))
    if CORPUS.is_dir():
        found += [case for case in sorted(CORPUS.iterdir()) if (case / "case.json").is_file()
                  and "serverless-appsync-plugin" in json.loads((case / "case.json").read_text()).get("plugins", {})]
    return found


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for service in services():
        ms = timed(lambda: compile_path(service, stage="dev", region="us-east-1", env={}), args.runs)
        print(f"compile {service.name}: {ms:.1f} ms (median of {args.runs})")
    schema = "\n".join(f'"""\nType {i}\n"""\ntype T{i} @aws_iam {{\n  # id\n  id: ID!\n  f(a: Int = 1): [T{i}!]!\n}}'
                       for i in range(2000)) + "\ntype Query { t: T0 }\n"
    ms = timed(lambda: clean_comments(merged_schema([schema]), False), args.runs)
    print(f"schema of 2000 types ({len(schema) // 1024} KiB): {ms:.1f} ms (median of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
