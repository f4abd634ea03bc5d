"""The wheel's package list is explicit (see pyproject.toml); it must name every subpackage."""

from __future__ import annotations

from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")
ROOT = Path(__file__).resolve().parents[1]


def test_every_package_directory_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(d.relative_to(ROOT).parts) for d in (ROOT / "promotelint").rglob("*")
               if d.is_dir() and d.name != "__pycache__" and any(f.is_file() for f in d.iterdir())}
    on_disk.add("promotelint")
    assert on_disk <= listed
    assert config["package-dir"]["promotelint.builtin_rules"] == "rules"
    assert any((ROOT / "rules").glob("*.yml"))


def test_wheel_data_globs_cover_rules_and_schemas():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = config["package-data"]["*"]
    assert "*.yml" in patterns and "*.json" in patterns  # rules/*.yml, rules/bundle.json, schema/*.json
    assert "*.js" in patterns and (ROOT / "promotelint" / "io" / "framework_preload.js").is_file()  # the preload
    assert (ROOT / "rules" / "bundle.json").is_file() and any((ROOT / "promotelint" / "schema").glob("*.json"))
