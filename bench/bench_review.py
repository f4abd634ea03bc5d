"""The review at monorepo scale (issue 15): a change to 120 services, a few of them blocked.

Builds bench_monorepo's repository (every service changed; here every Nth also renames its table,
which blocks it), then times the command line: one `check --format json`, the same split into
`--shard I/4` runs, and `promotelint report` merging the shards into markdown (the pull-request
comment), text and SARIF. Prints the times and the markdown's size against GitHub's comment limit,
and whether the blocked services come first. Prints figures; it is not a test.

    python bench/bench_review.py [--services 120] [--functions 4] [--blocked-every 30] [--shards 4]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_monorepo import build, timed  # noqa: E402

GITHUB_COMMENT_LIMIT = 65_536


def main() -> None:
    parser = argparse.ArgumentParser()
    for option, default in (("--services", 120), ("--functions", 4), ("--blocked-every", 30), ("--shards", 4)):
        parser.add_argument(option, type=int, default=default)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "monorepo"
        repo.mkdir()
        build(repo, args.services, args.functions)
        blocked = []
        for i in range(args.blocked_every - 1, args.services, args.blocked_every):
            path = repo / "services" / f"svc-{i:02d}" / "serverless.yml"
            path.write_text(path.read_text().replace("TableName: ${self:service}-table",
                                                     "TableName: ${self:service}-table-v2"))
            blocked.append(f"svc-{i:02d}-dev")
        whole = Path(tmp) / "whole.json"
        wall, proc, cpu = timed(repo, "check", "--base-ref", "HEAD", "-f", "json", "-o", str(whole))
        stacks = json.loads(whole.read_text())["stacks"]
        print(f"{args.services} services x {args.functions} functions changed, {len(blocked)} blocked: "
              f"{len(stacks)} stacks, {sum(len(s['changes']) for s in stacks)} resource changes, exit {proc.returncode}")
        print(f"  check, whole run:  {wall:.2f} s wall, CPU {cpu:.2f} s")
        shards, times = [], []
        for index in range(1, args.shards + 1):
            shards.append(Path(tmp) / f"shard-{index}.json")
            wall, proc, cpu = timed(repo, "check", "--base-ref", "HEAD", "--shard", f"{index}/{args.shards}",
                                    "-f", "json", "-o", str(shards[-1]))
            times.append(wall)
        sizes = [len(json.loads(s.read_text())["stacks"]) for s in shards]
        print(f"  check --shard I/{args.shards}: {' + '.join(f'{t:.2f}' for t in times)} s wall "
              f"(the slowest shard {max(times):.2f} s); stacks per shard {sizes}")
        for fmt in ("markdown", "text", "sarif"):
            out = Path(tmp) / f"merged.{fmt}"
            wall, proc, cpu = timed(repo, "report", *map(str, shards), "-f", fmt, "-o", str(out))
            print(f"  report (merge {args.shards} shards) -f {fmt}: {wall:.2f} s wall, CPU {cpu:.2f} s, exit {proc.returncode}, "
                  f"{len(out.read_text()):,} characters")
        comment = (Path(tmp) / "merged.markdown").read_text()
        headings = re.findall(r"^### `(\S+)`", comment, re.M)
        rows = re.findall(r"^\| (?::x:|:warning:)? \| `(\S+)` \| \d+ to add", comment, re.M)
        print(f"  comment: {len(comment):,} of {GITHUB_COMMENT_LIMIT:,} characters "
              f"({'fits' if len(comment) <= GITHUB_COMMENT_LIMIT else 'TOO LONG'}); {len(headings)} stacks in "
              f"sections, {len(rows)} in the summary table; blocked first: {set(headings[:len(blocked)]) == set(blocked)} "
              f"({', '.join(headings[:len(blocked)])})")
        print(f"  load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other processes inflate wall times)")


if __name__ == "__main__":
    main()
