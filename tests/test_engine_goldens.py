"""Issue 11: `--engine osls` against templates osls itself packaged for the shared corpus.

tests/fixtures/engines/osls.json holds, per corpus case and stage, how osls's template differs from
the corpus's serverless 3.40.0 one (or that osls refuses the service), made by
tools/regen_engine_goldens.py; tools/conformance.py applies it. Needs ../shared/corpus/dev.
"""

import json
from pathlib import Path

import pytest

from tools.conformance import run

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev"
GOLDENS = ROOT / "tests" / "fixtures" / "engines" / "osls.json"


@pytest.mark.conformance
@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus/dev not present")
def test_osls_engine_matches_what_osls_packages():
    goldens = json.loads(GOLDENS.read_text())
    lines = []
    totals = run(CORPUS, goldens=goldens, out=lines.append)
    print("\n" + lines[-1])
    assert totals.cases == len(goldens["cases"]) > 0
    assert totals.compiled == totals.cases, [line for line in lines if line.startswith("FAIL")]
    assert totals.exact_ratio >= 0.98, "exact logical ID + type sets (or refused as osls refuses)"
    assert totals.equal_resources / totals.resources >= 0.995, "equal resources"
    assert totals.refused > 0  # osls refuses what v3 packaged: the measure checks that we refuse it too


def test_osls_goldens_name_their_engine_and_differ_from_v3():
    goldens = json.loads(GOLDENS.read_text())
    assert (goldens["engine"], goldens["package"], goldens["version"]) == ("osls", "osls", "3.77.1")
    patches = [p for stages in goldens["cases"].values() for p in stages.values() if isinstance(p, list) and p]
    assert patches, "osls changes some templates (its custom-resource runtime, URL permissions)"


def test_osls_engine_on_the_projects_own_real_services():
    # tests/fixtures/realworld packaged by osls 3.77.1 (tools/regen_engine_goldens.py --corpus
    # tests/fixtures/realworld --out osls-realworld.json): no corpus needed
    goldens = json.loads((GOLDENS.parent / "osls-realworld.json").read_text())
    lines = []
    totals = run(ROOT / "tests" / "fixtures" / "realworld", goldens=goldens, out=lines.append)
    assert totals.cases == len(goldens["cases"]) >= 20
    assert totals.exact == totals.cases and totals.equal_resources == totals.resources, lines
