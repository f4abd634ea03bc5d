"""Architecture measures: import circles, imports against the stage order, module sizes.

    python tools/architecture.py [--json]

Reads the package's sources with `ast` (every import, function-level ones too; nothing is run)
and prints:
- lines per module (the largest first) and the largest module's size;
- import circles between modules (strongly connected components of the import graph);
- imports from a lower stage to a higher one, in the order of STAGES below (a stage may import
  the stages after it in the list, and itself, never one before it);
- the CLI's size; and, when the `duplicates` command is on PATH, its pair count for the tree.

tests/test_architecture.py asserts the same limits, so a change that breaks them fails the suite.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "promotelint"

# The stages, top to bottom: data flows from the command line down through the pipeline, and an
# import may only point down this list (or stay inside its own stage). `model` is the plain data
# every stage shares; `parse` turns text into data; `io` is the only code that touches the disk,
# the environment or git.
STAGES = ("__main__", "cli", "app", "io", "serverless", "predict", "ruleengine", "verdict", "report",
          "parse", "model", "__init__")

# duplicate_pairs: 8 since the typing guard (`TYPE_CHECKING = False` / `if TYPE_CHECKING:` / `from
# typing import Any`) heads most modules: two pairs of event and plugin modules match by that
# header's shape and the constants after it, no logic.
LIMITS = {"cli_lines": 200, "module_lines": 700, "circles": 0, "upward_imports": 0, "duplicate_pairs": 8}


@dataclass(frozen=True)
class Measures:
    lines: dict[str, int]  # module -> lines
    circles: list[list[str]]
    upward: list[tuple[str, str]]  # (importer, imported)
    unknown_stage: list[str]  # modules in no stage of STAGES

    def as_dict(self) -> dict:
        return {"modules": len(self.lines), "lines": sum(self.lines.values()),
                "largest_module": max(self.lines.items(), key=lambda kv: kv[1]),
                "cli_lines": self.lines.get("promotelint.cli.commands", 0), "circles": self.circles,
                "upward_imports": self.upward, "unknown_stage": self.unknown_stage}


def module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path, modules: set[str], root: Path = ROOT) -> set[str]:
    """The package's modules this file imports (the most specific module each import names)."""
    name = module_name(path, root)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()

    def add(target: str) -> None:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, path.name == "__init__.py", node)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                add(full if full in modules else base)
    return {m for m in found if m.startswith("promotelint")}


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1] if parts[1] in STAGES else None


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def measure(package: Path = PACKAGE, root: Path = ROOT) -> Measures:
    files = sorted(p for p in package.rglob("*.py"))
    modules = {module_name(p, root) for p in files}
    graph = {module_name(p, root): imports_of(p, modules, root) for p in files}
    lines = {module_name(p, root): len(p.read_text(encoding="utf-8").splitlines()) for p in files}
    upward = []
    unknown = sorted(m for m in modules if stage_of(m) is None)
    for importer, targets in graph.items():
        a = stage_of(importer)
        for target in targets:
            b = stage_of(target)
            if a in STAGES and b in STAGES and STAGES.index(b) < STAGES.index(a):
                upward.append((importer, target))
    return Measures(lines, _circles(graph), sorted(upward), unknown)


def duplicate_pairs(repo: Path = ROOT) -> int | None:
    """The `duplicates` command's pair count over the tree, or None where it is not installed."""
    command = shutil.which("duplicates")
    if command is None:
        return None
    out = subprocess.run([command, "--repo", str(repo), "--seconds", "60"], capture_output=True, text=True).stdout
    first = out.splitlines()[0] if out else ""
    if first.startswith("no duplicates"):
        return 0
    m = re.match(r"(\d+) pairs?", first)
    return int(m.group(1)) if m else None


def main(argv: list[str]) -> int:
    m = measure()
    pairs = duplicate_pairs()
    if "--json" in argv:
        print(json.dumps({**m.as_dict(), "duplicate_pairs": pairs}, indent=2))
        return 0
    print(f"{len(m.lines)} modules, {sum(m.lines.values())} lines")
    for name, n in sorted(m.lines.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {n:5d}  {name}")
    largest = max(m.lines.items(), key=lambda kv: kv[1])
    rows = [
        ("circles", len(m.circles), LIMITS["circles"]),
        ("imports from a lower stage to a higher one", len(m.upward), LIMITS["upward_imports"]),
        ("cli/commands.py lines", m.lines.get("promotelint.cli.commands", 0), LIMITS["cli_lines"]),
        (f"largest module lines ({largest[0]})", largest[1], LIMITS["module_lines"]),
    ]
    if pairs is not None:
        rows.append(("duplicate pairs (duplicates, 6+ lines, whole tree)", pairs, LIMITS["duplicate_pairs"]))
    for label, value, limit in rows:
        print(f"{label}: {value} (limit {limit}) {'ok' if value <= limit else 'OVER'}")
    for circle in m.circles:
        print("  circle: " + " -> ".join(circle))
    for importer, target in m.upward:
        print(f"  upward: {importer} imports {target}")
    for name in m.unknown_stage:
        print(f"  module in no stage: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
