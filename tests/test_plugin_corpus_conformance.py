"""CI gate for issue 9: the plugin compilers against the framework + plugins' own output.

Every case of ../shared/corpus/plugins-dev whose plugins are all modelled
(promotelint.serverless.plugins.MODELLED) must come out exactly as the framework packaged it with
those plugins: the same logical IDs and types, and every resource equal, and so must every nested
template serverless-plugin-split-stacks wrote (case.json `nested_stacks`, `expected-nested/`). Cases with a plugin nobody
models yet are reported by `python -m tools.conformance ../shared/corpus/plugins-dev`, not failed.
"""

import json
from pathlib import Path

import pytest

from promotelint.serverless.plugins import MODELLED
from tools.conformance import run_case

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "plugins-dev"

pytestmark = pytest.mark.conformance


def _modelled_cases() -> list[str]:
    if not CORPUS.is_dir():
        return []
    cases = []
    for case in sorted(p for p in CORPUS.iterdir() if (p / "case.json").is_file()):
        plugins = json.loads((case / "case.json").read_text()).get("plugins") or {}
        if plugins and all(name in MODELLED for name in plugins):
            cases.append(case.name)
    return cases


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus/plugins-dev not present")
def test_the_modelled_plugins_have_cases():
    covered = {name for case in _modelled_cases()
               for name in json.loads((CORPUS / case / "case.json").read_text())["plugins"]}
    # No plugins-dev service lists these (its README): their plugin-warmup-* / plugin-pyreq-* fixtures
    # and tools/differential_alerts.py hold them.
    without_cases = {"serverless-plugin-warmup", "serverless-python-requirements"}
    assert covered == set(MODELLED) - without_cases


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus ../shared/corpus/plugins-dev not present")
@pytest.mark.parametrize("case", _modelled_cases())
def test_case_with_modelled_plugins_is_exact(case):
    result = run_case(CORPUS / case)
    assert result.variants
    for variant in result.variants:
        assert variant.error is None, variant.error
        comparison = variant.comparison
        assert comparison.missing == [] and comparison.extra == [], variant.stage
        assert comparison.equal_resources == comparison.expected_ids, (variant.stage, comparison.diffs)
        assert comparison.diffs == [], variant.stage
        # split-stacks' nested templates (expected-nested/, stage dev): every one, exact too
        info = json.loads((CORPUS / case / "case.json").read_text())
        if variant.stage == "dev":
            assert [name for name, _, _ in variant.nested] == list(info.get("nested_stacks") or [])
        for name, lid, nested in variant.nested:
            assert nested is not None, f"no nested stack {lid} ({name})"
            assert nested.missing == [] and nested.extra == [], (name, nested.missing, nested.extra)
            assert nested.equal_resources == nested.expected_ids and nested.diffs == [], (name, nested.diffs)
            assert nested.outputs_equal == nested.outputs_expected, name
