"""Every built-in rule's YAML cases (tests/rules/<rule-id>.yml): inline base/head, expected findings.

Each case runs the whole pipeline short of the CLI (predict, facts, all built-in rules) and compares
the findings of the rule under test with the case's `expect` list, in order. A case's `imports`
lists who in the repository depends on which outputs: `{export: NAME-or-GLOB, service, file}` (an
Fn::ImportValue), `{stack: GLOB, output: KEY, service, file}` (a ${cf:}), `{unread: FILE}`.
"""

from pathlib import Path

import pytest

from promotelint.model.imports import ImportIndex, Importer
from promotelint.model.template import Provenance, Template, UnseenPart
from promotelint.app import PredictOptions, predict_stacks
from promotelint.io.packaged import builtin_rules_dir, load_builtin_rules, rule_from_data
from promotelint.ruleengine.evaluate import evaluate, ordered
from promotelint.parse.documents import load_text

CASES_DIR = Path(__file__).parent / "rules"
RULES = load_builtin_rules()


def _cases():
    for path in sorted(CASES_DIR.glob("*.yml")):
        doc = load_text(path.read_text(), str(path)).data
        for case in doc["cases"]:
            yield pytest.param(doc["rule"], case, id=f"{doc['rule']}:{case['name']}")


def _side(case, side):
    # `<side>-unseen`: the plugin parts its compiler could not predict (a compiled side's, so offline)
    # `<side>-nested`: nested stacks' templates by their logical ID (serverless-plugin-split-stacks')
    unseen = tuple(UnseenPart(**part) for part in case.get(f"{side}-unseen", ()))
    nested = {lid: Template(data=data, source=f"{side}.yml ({lid})") for lid, data in case.get(f"{side}-nested", {}).items()}
    return Template(data=case[side], source=f"{side}.yml", stack_name=case.get(f"{side}-stack-name"),
                    unseen=unseen, provenance=Provenance("offline" if unseen else "template"), nested=nested)


def _imports(case) -> ImportIndex:
    index = ImportIndex()
    for entry in case.get("imports", ()):
        if "unread" in entry:
            index |= ImportIndex(unread=(entry["unread"],))
            continue
        how = "Fn::ImportValue" if "export" in entry else "${cf:}"
        importer = Importer(entry["service"], entry["file"], how)
        if "export" in entry and "*" in entry["export"]:
            index |= ImportIndex(patterns=((entry["export"], importer),))
        elif "export" in entry:
            index |= ImportIndex(exports={entry["export"]: (importer,)})
        else:
            index |= ImportIndex(outputs=(((entry["stack"], entry["output"]), importer),))
    return index


@pytest.mark.parametrize("rule_id,case", list(_cases()))
def test_rule_case(rule_id, case):
    changeset = predict_stacks(_side(case, "base"), _side(case, "head"), PredictOptions())[0]  # the root's
    found = [f for f in evaluate(RULES, changeset, {}, _imports(case)) if f.rule == rule_id]
    expected = case["expect"]
    assert len(found) == len(expected), [f.message for f in found]
    for finding, want in zip(found, expected):
        for key, value in want.items():
            if key == "message-contains":
                assert value in finding.message
            else:
                actual = {"severity": finding.severity, "logical-id": finding.logical_id,
                          "message": finding.message, "fix": finding.fix}[key]
                assert actual == value, key


@pytest.mark.parametrize("rule_id,case", list(_cases()))
def test_own_and_output_findings_ordered_are_all_findings(rule_id, case):
    """A stack's own subjects are judged where it is predicted, its outputs once the repository's
    imports are known (app.check_pairs): together, in order, they are every finding."""
    changeset = predict_stacks(_side(case, "base"), _side(case, "head"), PredictOptions())[0]
    own = evaluate(RULES, changeset, {}, _imports(case), "own")
    outputs = evaluate(RULES, changeset, {}, _imports(case), "outputs")
    assert ordered(own + outputs) == evaluate(RULES, changeset, {}, _imports(case))
    assert all(not (f.logical_id or "").startswith("Outputs.") for f in own)
    assert all((f.logical_id or "").startswith("Outputs.") for f in outputs)
    with pytest.raises(ValueError, match="part must be one of"):
        evaluate(RULES, changeset, {}, _imports(case), "resources")


def test_every_builtin_rule_has_pass_and_fail_cases():
    for rule in RULES:
        path = CASES_DIR / f"{rule.id}.yml"
        assert path.is_file(), f"no cases for {rule.id}"
        cases = load_text(path.read_text(), str(path)).data["cases"]
        assert any(c["expect"] for c in cases) and any(not c["expect"] for c in cases), rule.id


def test_builtin_rule_files_are_valid_and_named_after_their_id():
    files = sorted(builtin_rules_dir().glob("*.yml"))
    assert len(files) == len(RULES) >= 10
    for path in files:
        doc = load_text(path.read_text(), str(path))
        rule = rule_from_data(doc.data, str(path), doc.line)
        assert path.stem == rule.id


def test_ids_of_the_interface_are_all_there():
    assert {r.id for r in RULES} >= {
        "stateful-resource-removed", "stateful-resource-replaced", "custom-name-replacement",
        "update-will-fail", "export-removed", "stack-renamed", "deletion-policy-weakened",
        "retained-resource-orphaned", "bucket-removed-not-empty", "unpredictable-change"}


def test_rules_bundle_is_current():
    from promotelint.io.packaged import BUNDLE_NAME, rules_bundle

    assert (builtin_rules_dir() / BUNDLE_NAME).read_text() == rules_bundle(), \
        "rules/bundle.json is stale: run `python -m promotelint rules --format json > rules/bundle.json`"


def test_bundle_and_yaml_give_the_same_rules():
    from promotelint.io.packaged import load_rule_file

    for rule in RULES:
        from_yaml = load_rule_file(Path(rule.source), validate=False)
        assert (from_yaml.raw, from_yaml.message, from_yaml.cases and len(from_yaml.cases)) == (
            rule.raw, rule.message, rule.cases and len(rule.cases))
