"""Time and peak memory of promotelint on hostile and oversized input (issue 13): a ~50 MB template
pair (indented, and minified: one line a side), a head naming one resource 20,000 times against
a base whose resource of that name is 1 MB, YAML alias bombs (template, serverless.yml, a `${file()}` include), self-doubling variables
(strings and lists), 10,000-deep nesting. Each case is one cold `python -m promotelint` process;
its wall time, exit code and maximum resident set size are printed. Nothing is asserted: the tests
assert the exit codes and messages (tests/test_bad_input.py), this prints what they cost.

    python -m bench.bench_hostile [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, cli_env
from bench.templates import changed, service_template

SERVICE = "service: svc\nprovider:\n  name: aws\n  runtime: nodejs18.x\nfunctions:\n  f:\n    handler: h.f\n"


def bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def doubling(levels: int, as_list: bool) -> str:
    lines = ["custom:", "  l0: abcdefghij"]
    for i in range(1, levels + 1):
        ref = f"${{self:custom.l{i - 1}}}"
        lines.append(f"  l{i}: ['{ref}', '{ref}']" if as_list else f"  l{i}: {ref}{ref}")
    return SERVICE + "\n".join(lines) + f"\nresources:\n  Outputs:\n    T:\n      Value: ${{self:custom.l{levels}}}\n"


def write_big(work: Path, functions: int = 9_000) -> None:
    """The ~50 MB pair (~54,000 resources a side), written by a child process: a process's peak
    memory on Linux starts from its parent's at fork, so this one must stay small."""
    big = service_template(functions=functions)
    (work / "big-base.json").write_text(json.dumps(big, indent=2))
    (work / "big-head.json").write_text(json.dumps(changed(big), indent=2))
    (work / "big-base-minified.json").write_text(json.dumps(big))  # one line of ~40 MB
    (work / "big-head-minified.json").write_text(json.dumps(changed(big)))


def cases(work: Path) -> dict[str, list[str]]:
    """name -> the command's arguments, its files written under `work`."""
    out: dict[str, list[str]] = {}
    subprocess.run([sys.executable, "-c", f"from bench.bench_hostile import write_big; "
                    f"from pathlib import Path; write_big(Path({str(work)!r}))"], check=True, cwd=ROOT)
    out["~50 MB template pair (changeset)"] = ["changeset", "big-base.json", "big-head.json"]
    out["~50 MB template pair (check)"] = ["check", "big-base.json", "big-head.json"]
    out["~40 MB minified template pair, one line a side (changeset)"] = [
        "changeset", "big-base-minified.json", "big-head-minified.json"]
    # the head names one resource 20,000 times, each written as the base's 1 MB one starts
    # (parse/entries.py compares the texts of the base's resources where the head has them)
    one = lambda size: {"Resources": {"Big": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x" * size}}}}  # noqa: E731
    (work / "one-big.json").write_text(json.dumps(one(2**20), indent=2))
    entry = json.dumps(one(64), indent=2).split("{\n    ", 1)[1].rsplit("\n  }", 1)[0]
    (work / "named-20000-times.json").write_text('{\n  "Resources": {\n    ' + ",\n    ".join([entry] * 20_000)
                                                 + "\n  }\n}\n")
    out["a resource named 20,000 times against a 1 MB one (changeset)"] = [
        "changeset", "one-big.json", "named-20000-times.json"]
    # 4,000 queues, each named after the one before's Arn: renaming the first replaces them all, a
    # wave of the fixed point each (predict/diff.py: _DiffContext._candidates)
    for side, first in (("base", "a"), ("head", "b")):
        chained = {"Q0": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": first}}}
        for i in range(1, 4_000):
            chained[f"Q{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {
                "Fn::Join": ["-", ["q", {"Fn::GetAtt": [f"Q{i - 1}", "Arn"]}]]}}}
        (work / f"chain-{side}.json").write_text(json.dumps({"Resources": chained}, indent=2))
    out["a chain of 4,000 replacements (changeset)"] = ["changeset", "chain-base.json", "chain-head.json"]
    # 8,000 queues, each renamed: each removed one is a likely rename of an added one (predict/renames.py)
    for side, prefix in (("base", "A"), ("head", "B")):
        queues = {f"{prefix}{i}": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": i % 7}} for i in range(8_000)}
        (work / f"renamed-{side}.json").write_text(json.dumps({"Resources": queues}, indent=2))
    out["8,000 resources renamed (changeset)"] = ["changeset", "renamed-base.json", "renamed-head.json"]
    (work / "bomb.yml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n"
                                   + "".join("      " + line + "\n" for line in bomb().splitlines()))
    (work / "ok.json").write_text(json.dumps({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}))
    out["template alias bomb (10^9 values)"] = ["changeset", "ok.json", "bomb.yml"]
    for name, files in {
        "serverless.yml alias bomb": {"serverless.yml": SERVICE + "custom:\n"
                                      + "".join("  " + line + "\n" for line in bomb().splitlines())},
        "${file()} alias bomb": {"serverless.yml": SERVICE + "custom: ${file(./b.yml)}\n", "b.yml": bomb()},
        "self-doubling strings (30 levels)": {"serverless.yml": doubling(30, as_list=False)},
        "self-doubling lists (40 levels)": {"serverless.yml": doubling(40, as_list=True)},
        "serverless.yml nested 10,000 deep": {"serverless.yml": SERVICE + "custom:\n  d: " + "[" * 10_000
                                              + "x" + "]" * 10_000 + "\n"},
    }.items():
        service = work / name.replace(" ", "-").replace("$", "").replace("{", "").replace("}", "")
        service = service.with_name(service.name.replace("(", "").replace(")", "").replace(",", ""))
        service.mkdir()
        for rel, text in files.items():
            (service / rel).write_text(text)
        out[name] = ["compile", service.name]
    return out


def run(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """(seconds, exit code, max RSS in MiB) of one cold run."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "promotelint", *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, proc.returncode, usage.ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="run the cases whose name holds this text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "work"
        work.mkdir()
        env = cli_env(scratch)
        run(["--help"], work, env)  # byte-compile once, outside the figures
        for name, argv in cases(work).items():
            if args.only and args.only not in name:
                continue
            size = sum((work / f).stat().st_size for f in argv[1:3]) if "MB" in name and argv[0] != "compile" \
                else None
            seconds, code, rss = run(argv, work, env)
            extra = f", input {size / 2**20:.0f} MiB" if size else ""
            print(f"{name}: exit {code}, {seconds:.2f} s, peak RSS {rss} MiB{extra}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
