"""The wheel must carry every package directory, the rule files and the JSON Schemas."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _setuptools_config():
    if sys.version_info < (3, 11):
        tomllib = pytest.importorskip("tomli")
    else:
        import tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_directory_is_listed():
    listed = set(_setuptools_config()["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "promotelint").rglob("*")
               if p.suffix in (".py", ".json", ".yml") and "__pycache__" not in p.parts}
    assert on_disk - listed == set(), "add these packages to pyproject.toml [tool.setuptools] packages"


def test_rules_dir_ships_as_builtin_rules_with_its_data():
    config = _setuptools_config()
    assert config["package-dir"]["promotelint.builtin_rules"] == "rules"
    assert "*.yml" in config["package-data"]["*"] and "*.json" in config["package-data"]["*"]
    assert any((ROOT / "rules").glob("*.yml"))
