#!/usr/bin/env python3
"""Regenerate the golden files of tests/fixtures/serverless/<name>/ with the real Serverless Framework (v3):
expected.json (`serverless package`'s cloudformation-template-update-stack.json) and, for the vars-*
fixtures, resolved.json (the config with its variables resolved, from `serverless print --format json`).

    python -m tools.regen_goldens [--serverless PATH] [--node-modules DIR] [--check] [NAME ...]

PATH is the framework's `serverless` executable (default: $SERVERLESS_BIN, else
$SLS_NODE_MODULES/.bin/serverless with SLS_NODE_MODULES a node_modules directory, else
`npx --no-install serverless`). The plugin-* fixtures list plugins: DIR (--node-modules, else
$SLS_NODE_MODULES) is a node_modules directory with the framework and those plugins (e.g.
/work/node/node_modules); it is linked beside the scratch copy, where the framework finds them,
and its `serverless` is the default PATH. Each fixture is
copied to a scratch directory without its expected*.json / fixture.json and packaged there offline
(no AWS variables, empty HOME), with the stage, region, env and params from its optional fixture.json
(`"stage": null` passes no --stage), which may also list `standins` (empty files to create, e.g. a
prebuilt artifact under the ignored dist/) and a `service_dir` (the service inside the fixture: a
monorepo's services/api). Layers need the corpus's DescribeStacks stub ($SLS_DESCRIBE_STACKS_STUB or
../shared/corpus/oracle-describe-stacks-stub.js); fixtures with plugins use the plugin corpus' preload,
which also answers split-stacks (oracle-plugins-stub.js); the nested templates split-stacks writes go
to the fixture's expected-nested/ (their file names as written). Nothing here runs in the tests; the tests only read
the committed goldens. `--check` compares instead of writing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.differential import pin_framework  # noqa: E402
FIXTURES = ROOT / "tests" / "fixtures" / "serverless"
SKIP = {"expected.json", "expected.prod.json", "fixture.json", "resolved.json", "expected-nested"}
NESTED = "expected-nested"  # the nested templates serverless-plugin-split-stacks wrote, by file name


def serverless_command(explicit: str | None, node_modules: str | None = None) -> list[str]:
    if explicit:
        return [explicit]
    if os.environ.get("SERVERLESS_BIN"):
        return [os.environ["SERVERLESS_BIN"]]
    if node_modules or os.environ.get("SLS_NODE_MODULES"):
        return [str(Path(node_modules or os.environ["SLS_NODE_MODULES"]) / ".bin" / "serverless")]
    return ["npx", "--no-install", "serverless"]


class PackagingFailed(Exception):
    pass


def describe_stacks_stub(plugins: bool = False) -> str | None:
    corpus = ROOT.parent / "shared" / "corpus"
    candidates = [str(corpus / "oracle-plugins-stub.js")] if plugins else []
    candidates += [os.environ.get("SLS_DESCRIBE_STACKS_STUB"), str(corpus / "oracle-describe-stacks-stub.js")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def package(fixture: Path, command: list[str], node_modules: str | None = None) -> tuple[dict, dict, dict]:
    """The packaged template, the resolved config (`serverless print`) and the nested templates
    (file name -> template: serverless-plugin-split-stacks' `*nested-stack*.json`) of one fixture."""
    info = json.loads((fixture / "fixture.json").read_text()) if (fixture / "fixture.json").is_file() else {}
    service_dir = info.get("service_dir", ".")  # (the service inside the fixture)
    plugins = "\nplugins:" in "\n" + (fixture / service_dir / "serverless.yml").read_text()
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as home:
        if plugins:
            if not node_modules:
                raise PackagingFailed(f"{fixture.name}: lists plugins: pass --node-modules (or set SLS_NODE_MODULES)")
            # Node finds the plugins (and the framework finds them) in a node_modules of a parent dir.
            (Path(scratch) / "node_modules").symlink_to(Path(node_modules).resolve(), target_is_directory=True)
        elif Path(command[0]).exists():  # (not npx: that runs the install it finds)
            pin_framework(Path(scratch), command[0])
        # The service sits one level down so that `${file(../x)}` fixtures can reach a sibling file.
        service = Path(scratch) / "repo" / "service"
        shutil.copytree(fixture, service, ignore=lambda d, names: [n for n in names if n in SKIP and Path(d) == fixture])
        for name in info.get("standins") or ():
            # Empty artifacts and handlers the framework needs but git does not keep (dist/ is ignored).
            (service / name).parent.mkdir(parents=True, exist_ok=True)
            (service / name).touch()
        for name, text in (info.get("outside") or {}).items():
            (service.parent / name).write_text(text)
        service = service / service_dir
        # No AWS variables, nor the ones that change what the framework or a plugin reads.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") and k not in ("NODE_ENV", "DOTENV_KEY", "SLS_DEBUG")}
        env.update(SLS_TELEMETRY_DISABLED="1", SLS_NOTIFICATIONS_MODE="off", CI="1", HOME=home)
        env.update(info.get("env") or {})
        stub = describe_stacks_stub(plugins)
        if stub:
            # Layers make `package` ask CloudFormation for the deployed stack; answer "does not exist".
            env["NODE_OPTIONS"] = f"{env.get('NODE_OPTIONS', '')} --require {stub}".strip()
        stage = info.get("stage", "dev")
        args = (["--stage", stage] if stage is not None else []) + ["--region", info.get("region", "us-east-1")]
        for key, value in (info.get("params") or {}).items():
            args.append(f"--param={key}={value}")
        for key, value in (info.get("options") or {}).items():
            args.append(f"--{key}={value}")
        printed = _run(command + ["print", "--format", "json"] + args, service, env, fixture)
        _run(command + ["package"] + args, service, env, fixture)
        out = service / ".serverless"
        template = json.loads((out / "cloudformation-template-update-stack.json").read_text())
        nested = {p.name: json.loads(p.read_text()) for p in sorted(out.glob("cloudformation-template-*nested-stack*.json"))}
        # raw_decode: serverless-appsync-plugin 2.x prints a note after the config on every command
        return template, json.JSONDecoder().raw_decode(printed.strip())[0], nested


def _run(args: list[str], cwd: Path, env: dict, fixture: Path) -> str:
    run = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if run.returncode:
        raise PackagingFailed(f"{fixture.name}: {' '.join(args[1:3])} failed:\n{run.stdout}\n{run.stderr}")
    return run.stdout


def _service_dir(fixture: Path) -> str | None:
    info = fixture / "fixture.json"
    return json.loads(info.read_text()).get("service_dir") if info.is_file() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--serverless", help="path to the serverless executable")
    parser.add_argument("--node-modules", default=os.environ.get("SLS_NODE_MODULES"),
                        help="node_modules with the framework and the plugins the plugin-* fixtures list")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; compare the framework's output with the committed goldens")
    parser.add_argument("names", nargs="*", help="fixtures to regenerate (default: all)")
    args = parser.parse_args()
    command = serverless_command(args.serverless, args.node_modules)
    fixtures = sorted(p for p in FIXTURES.iterdir() if (p / "serverless.yml").is_file() or _service_dir(p))
    if args.names:
        fixtures = [p for p in fixtures if p.name in args.names]
    failed = False
    for fixture in fixtures:
        try:
            template, resolved, nested = package(fixture, command, args.node_modules)
        except PackagingFailed as exc:
            if not args.check:
                raise SystemExit(str(exc)) from None
            failed = True
            print(str(exc).split("\n")[0], "(see fixture.json `standins`?)" if "ENOENT" in str(exc) else "")
            continue
        if args.check:
            from tools.conformance import compare

            goldens = {p.name: p for p in sorted((fixture / NESTED).glob("*.json"))}
            for name, wanted, got in [("", fixture / "expected.json", template)] + [
                    (f" {n}", goldens.get(n), t) for n, t in nested.items()]:
                if wanted is None:
                    failed = True
                    print(f"{fixture.name}{name}: no golden")
                    continue
                result = compare(json.loads(wanted.read_text()), got)
                same = result.exact_ids and not result.diffs
                failed |= not same
                print(f"{fixture.name}{name}: {'same' if same else 'DIFFERENT'} {result.missing} {result.extra} "
                      f"{result.diffs[:5]}")
            if set(goldens) - set(nested):
                failed = True
                print(f"{fixture.name}: nested goldens the framework no longer writes: {sorted(set(goldens) - set(nested))}")
            continue
        (fixture / "expected.json").write_text(json.dumps(template, indent=2) + "\n")
        if nested or (fixture / NESTED).is_dir():
            shutil.rmtree(fixture / NESTED, ignore_errors=True)
            (fixture / NESTED).mkdir()
            for name, data in nested.items():
                (fixture / NESTED / name).write_text(json.dumps(data, indent=2) + "\n")
        if fixture.name.startswith("vars-") or (fixture / "resolved.json").is_file():
            # Only the variables fixtures keep the resolved config (test_golden_fixtures.py).
            (fixture / "resolved.json").write_text(json.dumps(resolved, indent=2) + "\n")
        print(f"{fixture.name}: {len(template.get('Resources', {}))} resources")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
