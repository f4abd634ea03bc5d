"""CI gate for issue 4: the compiler against the framework's own output on the corpus.

Run alone with `python -m pytest -m conformance -s`. Needs ../shared/corpus/dev beside the clone.
"""

from pathlib import Path

import pytest

from tools.conformance import run

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dev"

pytestmark = pytest.mark.conformance


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus/dev not present")
def test_corpus_conformance_thresholds():
    lines = []
    totals = run(CORPUS, out=lines.append)
    print("\n" + lines[-1])
    assert totals.cases > 0
    assert totals.compiled == totals.cases, "every case compiles"
    assert totals.exact_ratio >= 0.98, "exact logical ID + type sets"
    assert totals.properties_ratio >= 0.95, "resources with equal properties"
