"""What the differential tools share: judging one random service's two templates, the seeds, and
the framework they run (pin_framework, which regen_goldens uses too)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from tools.conformance import compare


def seed_range(text: str) -> range:
    """`1-50` (or `7`) as the seeds it names."""
    first, _, last = text.partition("-")
    return range(int(first), int(last or first) + 1)


def judge(seed: int, work: Path, keep: Path, expected: dict, ours: dict | None, our_error: str,
          also: Callable[[dict, dict], str] = lambda expected, ours: "") -> str:
    """"same (N resources)", or "DIFFERENT: ..." with the service (and the framework's template as
    expected.json) kept under keep/seed<N>. `also`: a further difference to look for (or "")."""
    if ours is None:
        shutil.copytree(work, keep / f"seed{seed}", dirs_exist_ok=True)
        return f"DIFFERENT: promotelint fails: {our_error}"
    result = compare(expected, ours)
    more = also(expected, ours)
    if result.missing or result.extra or result.diffs or more:
        shutil.rmtree(work / ".serverless", ignore_errors=True)
        (work / "expected.json").write_text(json.dumps(expected, indent=2))
        shutil.copytree(work, keep / f"seed{seed}", dirs_exist_ok=True)
        return f"DIFFERENT: {result.missing} {result.extra} {result.diffs[:3]} {more}".rstrip()
    return f"same ({len(expected.get('Resources', {}))} resources)"


def pin_framework(scratch: Path, serverless: str) -> None:
    """Make the framework whose CLI is `serverless` the one that runs for services under `scratch`.

    Its CLI hands over to any install of `serverless` that Node resolves from the service's
    directory (the framework's "local fallback"): a node_modules in a parent of the temporary
    directory (a stray /tmp/node_modules) would then run another framework, maybe another version,
    and without the preloaded stub (as seen: every service with layers "failed" for want of AWS
    credentials). A node_modules link in `scratch` to the install's own resolves to it instead; the
    services must sit below `scratch`, not in it, or the framework would package that link."""
    cli = Path(os.path.realpath(serverless))  # .../node_modules/serverless/bin/serverless(.js)
    modules = next((parent for parent in cli.parents if parent.name == "node_modules"), None)
    if modules is not None and not os.path.lexists(scratch / "node_modules"):
        (scratch / "node_modules").symlink_to(modules, target_is_directory=True)


def arguments(doc: str, jobs: int, keep: str, **tool: str) -> argparse.Namespace:
    """The options every differential tool takes (--seeds, --jobs, --keep), plus the tool's own
    (`name=help`: `--name`, a string)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--seeds", default="1-50", help="a range, for example 1-50")
    parser.add_argument("--jobs", type=int, default=jobs)
    for name, text in tool.items():
        parser.add_argument(f"--{name.replace('_', '-')}", help=text)
    parser.add_argument("--keep", default=keep, help="where services that differ are kept")
    return parser.parse_args()


def run_seeds(seeds: range, jobs: int, check: Callable[[int], str]) -> int:
    """Check every seed (`jobs` at a time), print each outcome and the totals; 1 if any differs."""
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(lambda s: (s, check(s)), seeds))
    for seed, outcome in results:
        print(f"seed {seed}: {outcome}")
    different = sum(1 for _, outcome in results if outcome.startswith("DIFFERENT"))
    both_fail = sum(1 for _, outcome in results if outcome == "same (both fail)")
    print(f"{len(results)} services, {len(results) - different} same ({both_fail} of them both fail), "
          f"{different} different")
    return 1 if different else 0
