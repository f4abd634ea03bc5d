"""Differential check of the libyaml path (parse/cyaml.py) against ruamel.yaml (issue 14).

Every YAML and JSON file of the corpus and the fixtures is composed by both parsers and built by
both builders (documents.Builder, CloudFormation's reading; jsyaml's, the framework's): the data
(compared by repr, so 1, 1.0 and True differ), every position and every error (message and line)
must be the same. Each YAML file is also read with CRLF line ends, and a few broken variants of it
(cut short, a key repeated, a bracket left open, a tab, a bad indent) must fail alike.
tests/test_cyaml.py runs it on the YAML files and the smaller JSON files; this tool on all.

Run: python -m tools.differential_yaml [--max-json-bytes N] [PATH ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

from promotelint.model.errors import InputError
from promotelint.parse import cyaml, documents, jsyaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT.parent / "shared" / "corpus", ROOT / "tests" / "fixtures")
BUILDERS = (documents.Builder, jsyaml._JsYamlBuilder)


def files(roots: tuple[Path, ...] = SOURCES, max_json_bytes: int | None = None,
          max_yaml_bytes: int | None = None) -> list[Path]:
    """The YAML and JSON files under `roots`, each content once (the corpus repeats services)."""
    found, seen = [], set()
    for root in roots:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.suffix not in (".yml", ".yaml", ".json") or not path.is_file():
                continue
            limit = max_json_bytes if path.suffix == ".json" else max_yaml_bytes
            if limit is not None and path.stat().st_size > limit:
                continue
            content = path.read_bytes()
            if content not in seen:
                seen.add(content)
                found.append(path)
    return found


def outcome(build: Callable[[], Any]) -> tuple:
    try:
        document = build()
    except InputError as exc:
        return ("error", exc.message, exc.line)
    return ("ok", repr(document.data), repr(sorted(document.positions.items(), key=repr)))


def ruamel_only(text: str) -> Any:
    return cyaml.UNDECIDED


def both(text: str, source: str, load: Callable[[str, str], Any]) -> tuple[tuple, tuple]:
    """`load(text, source)` with libyaml allowed, then with ruamel alone."""
    fast = outcome(lambda: load(text, source))
    compose, cyaml.compose = cyaml.compose, ruamel_only
    try:
        slow = outcome(lambda: load(text, source))
    finally:
        cyaml.compose = compose
    return fast, slow


def built_alike(text: str, source: str) -> list[str]:
    """Differences between the two parsers' nodes for `text`, built by both builders: one compose
    each, so that ruamel's slow composer runs once per file."""
    fast_node = cyaml.compose(text)
    if fast_node is cyaml.UNDECIDED:
        return []  # ruamel reads it on both paths
    try:
        slow_node, constructor = documents._ruamel_compose(text, source)
    except InputError as exc:
        return [f"{source}: libyaml read what ruamel refuses ({exc.message}, line {exc.line})"]
    problems = []
    for builder in BUILDERS:
        def build(node: Any, constructor: Any) -> Any:
            if node is None:
                return documents.Document(None, source)
            positions: dict = {}
            data = builder(constructor, source, positions, limit=len(text) + documents.ALIAS_ALLOWANCE).build(node, ())
            return documents.Document(data, source, positions)
        fast = outcome(lambda: build(fast_node, cyaml.Constructor()))
        slow = outcome(lambda: build(slow_node, constructor))
        if fast != slow:
            problems.append(f"{source} ({builder.__name__}): libyaml {str(fast)[:300]} | ruamel {str(slow)[:300]}")
    return problems


def broken(text: str) -> Iterator[str]:
    """Variants of a YAML text that are (mostly) bad input, to compare the errors."""
    lines = text.split("\n")
    yield "\n".join(lines[: len(lines) // 2]) + "\n  - [unclosed, {\n"
    keys = [line for line in lines if line and not line[0].isspace() and ":" in line and not line.startswith("#")]
    if keys:
        yield text + "\n" + keys[0] + "\n"  # a repeated top-level key
    if len(lines) > 3:
        middle = len(lines) // 2
        yield "\n".join(lines[:middle] + ["   odd: indent", " bad:  [1, 2"] + lines[middle:])
        yield "\n".join(lines[:middle] + ["key\t: tabbed", "k: v\t# tab"] + lines[middle:])
    yield text.replace(": ", ": &a ", 1).replace(": ", ": *a ", 1)


def check(paths: list[Path], variants: bool = True, crlf: bool = True) -> tuple[int, int, list[str]]:
    """(files, texts libyaml composed, problems); `variants`: the broken variants of each YAML file
    too, `crlf`: each YAML file with CRLF line ends too."""
    problems: list[str] = []
    decided = 0
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        source = str(path)
        problems += built_alike(text, source)
        decided += cyaml.compose(text) is not cyaml.UNDECIDED
        if path.suffix == ".json":
            continue
        if crlf:
            problems += built_alike(text.replace("\n", "\r\n"), source + " (CRLF)")
        for number, variant in enumerate(broken(text) if variants else ()):
            if cyaml.compose(variant) is cyaml.UNDECIDED:
                continue  # libyaml refused it (or was not asked): ruamel reads it on both paths
            for load in (documents.load_yaml, jsyaml.load_js_yaml):
                fast, slow = both(variant, source, load)
                if fast != slow:
                    problems.append(f"{source} (variant {number}, {load.__name__}): "
                                    f"libyaml {str(fast)[:200]} | ruamel {str(slow)[:200]}")
    return len(paths), decided, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="files or directories (default: corpus and fixtures)")
    parser.add_argument("--max-json-bytes", type=int, help="skip JSON files larger than this")
    args = parser.parse_args()
    paths = files(tuple(args.paths) or SOURCES, args.max_json_bytes)
    count, decided, problems = check(paths)
    for problem in problems:
        print(problem)
    print(f"{count} files, {decided} composed by libyaml, {len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
