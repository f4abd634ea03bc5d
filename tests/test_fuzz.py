"""Property: whatever the templates and services, promotelint answers 0, 1 or 2 — never an internal
error (3) or a traceback — and an input error is one line. A short seeded run here; tools/fuzz.py
runs the same properties longer and prints the figures."""

from __future__ import annotations

from hypothesis import HealthCheck, given, seed, settings

from tests.fuzz_inputs import PAIRS, SERVICES, dump
from tests.helpers import run_cli as outcome

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


def assert_answered(code: int, err: str) -> None:
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("promotelint: error: "), err


@seed(20261129)
@FUZZ
@given(pair=PAIRS)
def test_any_pair_of_templates_is_answered(pair, tmp_path_factory, capsys, monkeypatch):
    directory = tmp_path_factory.mktemp("pair")
    base, head = directory / "base.json", directory / "head.json"
    base.write_text(dump(pair[0]), encoding="utf-8")
    head.write_text(dump(pair[1]), encoding="utf-8")
    for argv in (["check", str(base), str(head), "--format", "json"],
                 ["check", str(base), str(head), "--format", "text", "--show-all"]):
        code, _, err = outcome(argv, capsys, monkeypatch)
        assert_answered(code, err)


@seed(20261129)
@FUZZ
@given(base=SERVICES, head=SERVICES)
def test_any_pair_of_services_is_answered(base, head, tmp_path_factory, capsys, monkeypatch):
    directory = tmp_path_factory.mktemp("services")
    for side, service in (("base", base), ("head", head)):
        (directory / side).mkdir()
        (directory / side / "serverless.yml").write_text(dump(service), encoding="utf-8")
        (directory / side / "x.yml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setenv("HOME", str(directory))
    code, _, err = outcome(["check", str(directory / "base"), str(directory / "head")], capsys, monkeypatch)
    assert_answered(code, err)
