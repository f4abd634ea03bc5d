"""The libyaml path (parse/cyaml.py) reads YAML exactly as the ruamel path does (issue 14).

Same data (by repr: 1, 1.0 and True differ), same positions, same errors (message and line), for
both builders (CloudFormation's reading and the framework's js-yaml one), on every YAML file of the
corpus and the fixtures, the smaller JSON files, broken variants of the fixtures and the edge cases
below. `python -m tools.differential_yaml` runs the same comparison on every file, large ones too.
"""

from __future__ import annotations

import re

import pytest

from promotelint.parse import cyaml, documents, jsyaml
from tools import differential_yaml

CORPUS = differential_yaml.SOURCES[0]
FIXTURES = differential_yaml.SOURCES[1]

# Scalars YAML 1.1 and 1.2 read differently, scalars ruamel refuses to construct, and the
# structures the builder checks (merges, aliases, duplicates, tags, depth).
SNIPPETS = [
    "a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: Yes\nh: TRUE\ni: false\nj: True\n",
    "a: 010\nb: 0o10\nc: 0x1F\nd: 0b101\ne: 1_000\nf: -0\ng: +12\nh: 0_1\ni: 08\nj: 1:20\nk: 190:20:30\n",
    "a: 1.5\nb: 1e3\nc: 1E-3\nd: .5\ne: -.inf\nf: .NaN\ng: 1.\nh: 6.8523015e+5\ni: 1_000.5\nj: .5e+3\nk: 1e\n",
    "a: ~\nb: null\nc: Null\nd:\ne: NULL\nf: ''\ng: \"\"\nh: nUll\n",
    "a: 2012-10-17\nb: 2001-12-14t21:59:43.10-05:00\nc: 2001-12-14 21:59:43.10 -5\nd: 2012-13-45\n"
    "e: 2002-12-14\nf: 2001-12-15T02:59:43.1Z\ng: 2012-1-1\n",
    "a: =\n",
    "a: _\n",
    "a: 0x_\n",
    "a: 0b\n",
    "n: " + "9" * 5000 + "\n",
    "n: 1" + "0" * 400 + ".5\n",
    "base: &b {x: 1, y: [1, 2]}\nother:\n  <<: *b\n  y: 3\nmore:\n  <<: [*b, {z: 1}]\n",
    "a: &x [1, *x]\n",
    "a: *undefined\n",
    "a: &x 1\nb: &x 2\nc: *x\n",
    "k: 1\nk: 2\n",
    "? [a, b]\n: 1\n",
    "? {a: 1}\n: 1\n",
    "1: a\ntrue: b\nnull: c\n1.5: d\n~: e\n",
    "a: !Ref X\nb: !GetAtt A.B\nc: !Sub [x, {y: 1}]\nd: !GetAZs\ne: !Join [',', [a, b]]\nf: !Transform {Name: x}\n",
    "a: !Unknown x\n",
    "a: ! 12\nb: ! yes\nc: !!str 12\nd: !!int '12'\n",
    "a: !<tag:yaml.org,2002:str> 12\n",
    "%YAML 1.1\n---\na: yes\nb: 010\n",
    "--- a\n--- b\n",
    "---\n...\n",
    "",
    "# only a comment\n",
    "[1, 2, {a: b}]\n",
    "- a\n- b: c\n  d: e\n-   - f\n    - g\n",
    "a:\n  - b\n  -\n    c: d\n",
    "a: 'it''s'\nb: \"esc \\t \\u00e9 \\/ \\x41\"\nc: |\n  lit\n   eral\nd: >-\n  fold\n  ed\n",
    "a: plain: colon\n",
    "a: b\n c: d\n",
    "a:\tb\n",
    "a: b\t\nc: [1]\t\n",
    "key\t: tabbed\n",
    "a: [1, 2\nb: 3\n",
    "a: {x: 1\n",
    "a: 'unterminated\n",
    "a: \"bad \\q escape\"\n",
    "a: b\r\nc: [1,\r\n  2]\r\n",
    "a: b\rc: d\r",
    "\ufeffa: b\n",
    "a: b\u2028c: d\n",
    "a: caf\u00e9\nb: \U0001f600 x\n\u00e9: 1\n",
    "a: \x07\n",
    "[" * 150 + "]" * 150 + "\n",
    "- " * 3000 + "x\n",  # libyaml stops at 1,000 levels (its own limit): never a C stack overflow
    "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 110)),
    "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n",
    "{\"a\":1, \"b\": [true, null]}\n",
    "{\"a\": 1, // comment\n \"b\": !Ref X}\n",
    "a: @x\n",
    "a: `x\n",
    "- &anchor a\n- *anchor\n- ? complex\n  : key\n",
]


@pytest.mark.filterwarnings("ignore:\\s*found duplicate anchor")  # ruamel's, for `&x` given twice
@pytest.mark.parametrize("load", [documents.load_yaml, jsyaml.load_js_yaml], ids=["cloudformation", "js-yaml"])
def test_edge_cases_read_alike(load):
    differences = []
    for number, text in enumerate(SNIPPETS):
        fast, slow = differential_yaml.both(text, f"snippet{number}.yml", load)
        if fast != slow:
            differences.append(f"{number} {text[:60]!r}: libyaml {fast} | ruamel {slow}")
    assert differences == []


def test_libyaml_composes_the_common_cases():
    # Not vacuous: libyaml takes these (with ruamel's 1.2 answers), and leaves what it cannot vouch for.
    assert cyaml.compose(SNIPPETS[0]) is not cyaml.UNDECIDED
    assert documents.load_yaml(SNIPPETS[0], "s.yml").data["a"] == "yes"
    assert documents.load_yaml(SNIPPETS[1], "s.yml").data["a"] == 10
    assert cyaml.compose("a: b\r\nc: d\r\n") is not cyaml.UNDECIDED
    for unsure in ("a:\tb\n", "%YAML 1.1\n---\na: 1\n", "a: !!str 1\n", "a: b\rc: d\r", "a: [1, 2\n",
                   "a: &x 1\nb: &x 2\n"):
        assert cyaml.compose(unsure) is cyaml.UNDECIDED, unsure


def test_resolver_table_is_ruamels_for_yaml_1_2():
    from ruamel.yaml.resolver import implicit_resolvers

    ruamel = [(tag, regexp.pattern, set(first)) for versions, tag, regexp, first in implicit_resolvers
              if (1, 2) in versions]
    ours = [(tag, re.compile(pattern, re.X).pattern, set(first)) for tag, pattern, first in cyaml._IMPLICIT_1_2]
    assert ours == ruamel


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus not present beside the clone")
def test_corpus_files_read_alike():
    paths = differential_yaml.files((CORPUS,), max_json_bytes=1_000, max_yaml_bytes=24_000)
    count, decided, problems = differential_yaml.check(paths, variants=False, crlf=False)
    assert problems == []
    assert count > 100 and decided >= count - 10


def test_fixture_files_and_broken_variants_read_alike():
    paths = differential_yaml.files((FIXTURES,), max_json_bytes=4_000)
    count, decided, problems = differential_yaml.check(paths, crlf=False)
    assert problems == []
    assert count > 50 and decided >= count - 5


def test_the_class_put_for_pyyamls_reader_matches_the_same_characters():
    """cyaml answers PyYAML's import-time compile of its reader's class with the class of the other
    characters: both must find exactly the same code points (re.UNICODE, the default for text, only
    makes re compile PyYAML's own pattern instead of taking the answer from its cache)."""
    text = "".join(map(chr, range(0x110000)))
    theirs = re.compile(cyaml.PYYAML_NON_PRINTABLE, re.UNICODE)
    ours = re.compile(cyaml.NON_PRINTABLE)
    found = [m.start() for m in ours.finditer(text)]
    assert found == [m.start() for m in theirs.finditer(text)]
    assert len(found) == 2048 + 2 + 9 + 2 + 18 + 6 + 26  # surrogates, U+FFFE/F, and the C0/C1 controls


def test_the_pattern_is_pyyamls_and_its_import_takes_the_compiled_class():
    import ast
    import subprocess
    import sys

    import yaml.reader

    tree = ast.parse(open(yaml.reader.__file__, encoding="utf-8").read())
    [source] = [ast.literal_eval(node.value.args[0]) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["NON_PRINTABLE"]]
    assert source == cyaml.PYYAML_NON_PRINTABLE  # else PyYAML changed it: the class put for it is not asked
    code = "import promotelint.parse.cyaml as c, yaml.reader as r; print(r.Reader.NON_PRINTABLE.pattern == c.NON_PRINTABLE)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"
