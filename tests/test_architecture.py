"""The shape of the code (docs/architecture.md): no import circles, imports only point down the
stage order, a thin CLI, no module too long to read. tools/architecture.py prints the same figures."""

from tools.architecture import LIMITS, STAGES, measure

MEASURES = measure()


def test_no_import_circles():
    assert MEASURES.circles == []


def test_imports_point_down_the_stage_order():
    assert MEASURES.upward == [], f"stage order: {' > '.join(STAGES)}"


def test_every_module_belongs_to_a_stage():
    assert MEASURES.unknown_stage == []


def test_the_cli_is_thin():
    assert MEASURES.lines["promotelint.cli.commands"] <= LIMITS["cli_lines"]


def test_no_module_is_too_long_to_read():
    long = {name: n for name, n in MEASURES.lines.items() if n > LIMITS["module_lines"]}
    assert long == {}


def test_the_measure_sees_an_upward_import_and_a_circle(tmp_path):
    # The measure itself works: a small package with both faults is caught.
    package = tmp_path / "promotelint"
    (package / "model").mkdir(parents=True)
    (package / "report").mkdir()
    (package / "__init__.py").write_text("")
    (package / "model" / "__init__.py").write_text("")
    (package / "report" / "__init__.py").write_text("")
    (package / "model" / "a.py").write_text("from promotelint.report import b\n")
    (package / "report" / "b.py").write_text("import promotelint.model.a\n")
    found = measure(package, root=tmp_path)
    assert found.circles == [["promotelint.model.a", "promotelint.report.b"]]
    assert found.upward == [("promotelint.model.a", "promotelint.report.b")]
