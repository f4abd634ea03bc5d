"""The built-in rules over the real serverless templates of the corpus (../shared/corpus, if present)."""

from pathlib import Path

import pytest

from promotelint.model.errors import InputError
from promotelint.app import predict
from promotelint.io.packaged import load_builtin_rules
from promotelint.parse.template import template_from_text
from promotelint.ruleengine.evaluate import evaluate

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dev"
CASES = sorted(p for p in CORPUS.glob("*/expected.json")) if CORPUS.is_dir() else []
RULES = load_builtin_rules()
EMPTY = template_from_text('{"Resources": {"Keep": {"Type": "AWS::SNS::Topic"}}}', "head.json")

pytestmark = pytest.mark.skipif(not CASES, reason="corpus not found beside the clone (../shared)")


def _template(path):
    t = template_from_text(path.read_text(), str(path))
    try:
        predict(t, t)
    except InputError as exc:  # a template the prediction refuses is the prediction's business
        pytest.skip(f"prediction refuses it: {exc}")
    return t


@pytest.mark.parametrize("path", CASES, ids=[p.parent.name for p in CASES])
def test_no_change_no_finding_and_every_deleted_data_resource_is_named(path):
    t = _template(path)
    assert evaluate(RULES, predict(t, t)) == ()
    removal = predict(t, EMPTY)
    findings = evaluate(RULES, removal)
    expected = {c.logical_id for c in removal.changes
                if c.action == "Remove" and c.stateful == "data" and c.policy_action == "Delete"}
    # A bucket cannot be deleted while it holds objects: its one finding says so (issue 12).
    buckets = {c.logical_id for c in removal.changes if c.logical_id in expected
               and c.resource_type in removal.catalog.delete_requires_empty}
    named = {f.logical_id for f in findings if f.rule == "stateful-resource-removed" and f.severity == "error"}
    assert named == expected - buckets
    assert buckets <= {f.logical_id for f in findings if f.rule == "bucket-removed-not-empty"}
    assert not any(f.logical_id in {c.logical_id for c in removal.changes if c.volatile} for f in findings)
