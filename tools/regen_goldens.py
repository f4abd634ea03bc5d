#!/usr/bin/env python3
"""Regenerate the golden files of tests/fixtures/serverless/<name>/ with the real Serverless Framework (v3):
expected.json (`serverless package`'s cloudformation-template-update-stack.json) and, for the vars-*
fixtures, resolved.json (the config with its variables resolved, from `serverless print --format json`).

    python -m tools.regen_goldens [--serverless PATH] [--check] [NAME ...]

PATH is the framework's `serverless` executable (default: $SERVERLESS_BIN, else
$SLS_NODE_MODULES/.bin/serverless with SLS_NODE_MODULES a node_modules directory, else
`npx --no-install serverless`). Each fixture is
copied to a scratch directory without its expected*.json / fixture.json and packaged there offline
(no AWS variables, empty HOME), with the stage, region, env and params from its optional fixture.json,
which may also list `standins` (empty files to create, e.g. a prebuilt artifact under the ignored
dist/). Layers need the corpus's DescribeStacks stub ($SLS_DESCRIBE_STACKS_STUB or
../shared/corpus/oracle-describe-stacks-stub.js). Nothing here runs in the tests; the tests only read
the committed goldens. `--check` compares instead of writing.

A fixture whose serverless.yml lists `plugins:` is packaged with them: its scratch copy's parent gets a
`node_modules` link to $SLS_NODE_MODULES (else the node_modules the serverless executable is in),
where the framework finds them, and the corpus' plugins preload (../shared/corpus/
oracle-plugins-stub.js) answers the calls plugins make to AWS before a first deploy.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT / "tests" / "fixtures" / "serverless"
SKIP = {"expected.json", "expected.prod.json", "fixture.json", "resolved.json"}


def serverless_command(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    if os.environ.get("SERVERLESS_BIN"):
        return [os.environ["SERVERLESS_BIN"]]
    if os.environ.get("SLS_NODE_MODULES"):
        return [str(Path(os.environ["SLS_NODE_MODULES"]) / ".bin" / "serverless")]
    return ["npx", "--no-install", "serverless"]


class PackagingFailed(Exception):
    pass


def describe_stacks_stub() -> str | None:
    for candidate in (os.environ.get("SLS_DESCRIBE_STACKS_STUB"),
                      str(ROOT.parent / "shared" / "corpus" / "oracle-describe-stacks-stub.js")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def plugin_modules(command: list[str]) -> Path | None:
    """The node_modules that holds the framework and the plugins the fixtures list."""
    if os.environ.get("SLS_NODE_MODULES"):
        return Path(os.environ["SLS_NODE_MODULES"])
    executable = Path(command[0])
    return executable.parent.parent if executable.parent.name == ".bin" else None


def plugins_stub() -> str | None:
    stub = ROOT.parent / "shared" / "corpus" / "oracle-plugins-stub.js"
    return str(stub) if stub.is_file() else None


def package(fixture: Path, command: list[str]) -> tuple[dict, dict]:
    """The packaged template and the resolved config (`serverless print`) of one fixture."""
    info = json.loads((fixture / "fixture.json").read_text()) if (fixture / "fixture.json").is_file() else {}
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as home:
        # The service sits one level down so that `${file(../x)}` fixtures can reach a sibling file.
        service = Path(scratch) / "repo" / "service"
        shutil.copytree(fixture, service, ignore=lambda d, names: [n for n in names if n in SKIP and Path(d) == fixture])
        for name in info.get("standins") or ():
            # Empty artifacts and handlers the framework needs but git does not keep (dist/ is ignored).
            (service / name).parent.mkdir(parents=True, exist_ok=True)
            (service / name).touch()
        for name, text in (info.get("outside") or {}).items():
            (service.parent / name).write_text(text)
        with_plugins = bool(re.search(r"^plugins:", (service / "serverless.yml").read_text(), re.M))
        if with_plugins and plugin_modules(command):
            (service.parent / "node_modules").symlink_to(plugin_modules(command))
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=home)
        env.update(info.get("env") or {})
        stub = (with_plugins and plugins_stub()) or describe_stacks_stub()
        if stub:
            # Layers make `package` ask CloudFormation for the deployed stack; answer "does not exist".
            env["NODE_OPTIONS"] = f"{env.get('NODE_OPTIONS', '')} --require {stub}".strip()
        args = ["--stage", info.get("stage", "dev"), "--region", info.get("region", "us-east-1")]
        for key, value in (info.get("params") or {}).items():
            args.append(f"--param={key}={value}")
        for key, value in (info.get("options") or {}).items():
            args.append(f"--{key}={value}")
        printed = _run(command + ["print", "--format", "json"] + args, service, env, fixture)
        _run(command + ["package"] + args, service, env, fixture)
        template = json.loads((service / ".serverless" / "cloudformation-template-update-stack.json").read_text())
        return template, json.loads(printed)


def _run(args: list[str], cwd: Path, env: dict, fixture: Path) -> str:
    run = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if run.returncode:
        raise PackagingFailed(f"{fixture.name}: {' '.join(args[1:3])} failed:\n{run.stdout}\n{run.stderr}")
    return run.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serverless", help="path to the serverless executable")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; compare the framework's output with the committed goldens")
    parser.add_argument("names", nargs="*", help="fixtures to regenerate (default: all)")
    args = parser.parse_args()
    command = serverless_command(args.serverless)
    fixtures = sorted(p for p in FIXTURES.iterdir() if (p / "serverless.yml").is_file())
    if args.names:
        fixtures = [p for p in fixtures if p.name in args.names]
    failed = False
    for fixture in fixtures:
        try:
            template, resolved = package(fixture, command)
        except PackagingFailed as exc:
            if not args.check:
                raise SystemExit(str(exc)) from None
            failed = True
            print(str(exc).split("\n")[0], "(see fixture.json `standins`?)" if "ENOENT" in str(exc) else "")
            continue
        if args.check:
            from tools.conformance import compare

            result = compare(json.loads((fixture / "expected.json").read_text()), template)
            same = result.exact_ids and not result.diffs
            failed |= not same
            print(f"{fixture.name}: {'same' if same else 'DIFFERENT'} {result.missing} {result.extra} {result.diffs[:5]}")
            continue
        (fixture / "expected.json").write_text(json.dumps(template, indent=2) + "\n")
        if fixture.name.startswith("vars-") or (fixture / "resolved.json").is_file():
            # Only the variables fixtures keep the resolved config (test_golden_fixtures.py).
            (fixture / "resolved.json").write_text(json.dumps(resolved, indent=2) + "\n")
        print(f"{fixture.name}: {len(template.get('Resources', {}))} resources")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
