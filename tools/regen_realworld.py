#!/usr/bin/env python3
"""Package the project's own real services (tests/fixtures/realworld) with Serverless Framework v3.

    python -m tools.regen_realworld [--serverless PATH] [--check] [CASE ...]

Each case is a service from a public repository (case.json: repo, commit, path, the edits made so it
packages offline, the plugins removed, empty handler `standins`, the `env` it needs), packaged the way
the shared corpus was (tools/regen_engine_goldens.package_case: a scratch copy, empty HOME, no AWS
variables) for stage dev, and prod where case.json `stages` has it: expected.json / expected.prod.json,
which tests/test_realworld.py measures the compiler against. PATH defaults to serverless 3.40.0 in
$SLS_NODE_MODULES (else /work/node/node_modules). Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.conformance import compare  # noqa: E402
from tools.regen_engine_goldens import engine_version, package_case  # noqa: E402

CASES = ROOT / "tests" / "fixtures" / "realworld"
NAMES = {"dev": "expected.json", "prod": "expected.prod.json"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    modules = Path(os.environ.get("SLS_NODE_MODULES", "/work/node/node_modules"))
    parser.add_argument("--serverless", default=str(modules / ".bin" / "serverless"))
    parser.add_argument("--check", action="store_true", help="write nothing; compare with the committed goldens")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    print("packaging with", *engine_version(args.serverless))
    failed = False
    for case in sorted(p for p in CASES.iterdir() if (p / "case.json").is_file()):
        if args.cases and case.name not in args.cases:
            continue
        for stage in json.loads((case / "case.json").read_text())["stages"]:
            template = package_case(case, args.serverless, stage)
            target = case / NAMES[stage]
            if args.check:
                result = compare(json.loads(target.read_text()), template)
                same = result.exact_ids and not result.diffs
                failed |= not same
                print(f"{case.name} [{stage}]: {'same' if same else 'DIFFERENT'}")
                continue
            target.write_text(json.dumps(template, indent=2) + "\n")
            print(f"{case.name} [{stage}]: {len(template.get('Resources', {}))} resources")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
