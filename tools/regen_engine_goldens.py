#!/usr/bin/env python3
"""Package the shared corpus with another engine (osls, ...) and keep what it makes as goldens.

    python -m tools.regen_engine_goldens --engine osls --serverless PATH [--corpus DIR] [--jobs N] [--check] [CASE ...]

PATH is that engine's `serverless` executable (e.g. /tmp/engines/osls/node_modules/.bin/serverless after
`npm install osls@3` there); its version is read from the package.json above it. Each case of the corpus
(default ../shared/corpus/dev) is packaged the way the corpus itself was made (its README): a scratch
copy holding only the service files and stand-ins (no case.json, no expected*.json, every file mode
0644), an empty HOME, no AWS_* variables, the case's `env`, stage dev (and prod where the case has
expected.prod.json), region us-east-1, and the corpus's DescribeStacks preload where `oracle_stub` says so.

The corpus files are not copied into the project: tests/fixtures/engines/<engine>.json keeps, per case
and stage, the difference between the corpus's v3 template and this engine's (both normalised as
tools/conformance.py does: clock and zip-hash fields masked) as a short list of JSON-patch operations
(tools.conformance.apply_patch). `python -m tools.conformance DIR --goldens FILE` measures the compiler
against them; tests/test_engine_goldens.py holds the thresholds. `--check` compares instead of writing.
Nothing here runs in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.conformance import make_patch, normalize  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
STUB = ROOT.parent / "shared" / "corpus" / "oracle-describe-stacks-stub.js"
GOLDENS = ROOT / "tests" / "fixtures" / "engines"
BUILD = ".serverless/cloudformation-template-update-stack.json"


def engine_version(executable: str) -> tuple[str, str]:
    """(npm package name, version) of the framework the executable belongs to."""
    here = Path(os.path.realpath(shutil.which(executable) or executable)).parent
    for directory in (here, *here.parents):
        manifest = directory / "package.json"
        if manifest.is_file():
            data = json.loads(manifest.read_text())
            if data.get("name") in ("serverless", "osls"):
                return data["name"], data["version"]
    raise SystemExit(f"{executable}: no serverless/osls package.json above it")


def package_case(case: Path, executable: str, stage: str) -> dict:
    """The template the engine packages for one corpus case and stage (raises RuntimeError)."""
    info = json.loads((case / "case.json").read_text())
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as home:
        copy = Path(scratch) / case.name
        shutil.copytree(case, copy, ignore=lambda d, names: [
            n for n in names if n == "case.json" or (n.startswith("expected") and n.endswith(".json"))])
        service = copy / info.get("service_dir", ".")
        for name in info.get("standins") or ():  # empty handlers (the corpus keeps them as files)
            (service / name).parent.mkdir(parents=True, exist_ok=True)
            (service / name).touch()
        for path in copy.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "NODE_OPTIONS"}
        env.update(HOME=home, CI="1", SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off")
        env.update(info.get("env") or {})
        if info.get("oracle_stub"):
            env["NODE_OPTIONS"] = f"--require {STUB}"
        run = subprocess.run([executable, "package", "--stage", stage, "--region", info.get("region", "us-east-1")],
                             cwd=service, env=env, capture_output=True, text=True, timeout=300)
        if run.returncode:
            lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
            start = next((i + 1 for i, line in enumerate(lines) if line.strip() == "Error:"), max(0, len(lines) - 6))
            raise RuntimeError(" | ".join(lines[start:start + 6]))
        return json.loads((service / BUILD).read_text())


def golden(case: Path, executable: str) -> dict:
    """{stage: patch or {"error": text}} for one case (its expected.json / expected.prod.json)."""
    service = case / json.loads((case / "case.json").read_text()).get("service_dir", ".")
    out: dict = {}
    for stage, name in (("dev", "expected.json"), ("prod", "expected.prod.json")):
        if not (service / name).is_file():
            continue
        try:
            template = package_case(case, executable, stage)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            out[stage] = {"error": str(exc)[:2000]}
            continue
        out[stage] = make_patch(normalize(json.loads((service / name).read_text())), normalize(template))
    return out


def _where(corpus: Path) -> str:
    """The corpus as the tests reach it: inside the project, or beside it (../shared/corpus)."""
    corpus = corpus.resolve()
    return os.path.relpath(corpus, ROOT if corpus.is_relative_to(ROOT) else ROOT.parent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", required=True, help="the engine's name in promotelint (osls, v4)")
    parser.add_argument("--serverless", required=True, help="the engine's serverless executable")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="default ../shared/corpus/dev; the project's "
                        "own real services: tests/fixtures/realworld (tools/regen_realworld.py)")
    parser.add_argument("--out", help="the goldens' file name under tests/fixtures/engines (default: ENGINE.json)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--check", action="store_true", help="write nothing; report cases whose golden changed")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    package_name, version = engine_version(args.serverless)
    cases = sorted(p for p in args.corpus.iterdir() if (p / "case.json").is_file())
    if args.cases:
        cases = [c for c in cases if c.name in args.cases]
    target = GOLDENS / (args.out or f"{args.engine}.json")
    previous = json.loads(target.read_text()) if target.is_file() else {}
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = dict(zip((c.name for c in cases), pool.map(lambda c: golden(c, args.serverless), cases)))
    for name, stages in results.items():
        changes = {s: ("error" if isinstance(p, dict) else len(p)) for s, p in stages.items()}
        print(f"{name}: {changes}")
    if args.check:
        changed = [n for n, s in results.items() if previous.get("cases", {}).get(n) != s]
        print(f"{len(changed)} of {len(results)} cases differ from {target.name}: {changed}")
        return 1 if changed else 0
    merged = dict(previous.get("cases", {})) if args.cases else {}
    merged.update(results)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({
        "engine": args.engine, "package": package_name, "version": version,
        "corpus": f"{_where(args.corpus)} (serverless 3.40.0 expected*.json)",
        "made_by": "python -m tools.regen_engine_goldens", "cases": dict(sorted(merged.items())),
    }, indent=1) + "\n")
    print(f"wrote {target} ({len(results)} cases, {time.perf_counter() - start:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
