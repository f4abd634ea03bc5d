"""The project's own golden fixtures: small services packaged by the real framework.

tests/fixtures/serverless/<name>/ holds serverless.yml (+ files it includes), fixture.json (stage,
region, env, params), resolved.json (`serverless print`: the config after variables) and
expected.json (`serverless package`). tools/regen_goldens.py regenerates both with the framework.
"""

import json
from pathlib import Path

import pytest

from promotelint.app import compile_path
from promotelint.io.files import FilesystemReader
from promotelint.serverless.service import resolve_service
from tools.conformance import compare
from promotelint.parse.documents import load_text

FIXTURES = Path(__file__).parent / "fixtures" / "serverless"
# resolved.json exists where tools/regen_goldens.py ran `serverless print` (the variables fixtures).
NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "resolved.json").is_file())


def _settings(name):
    path = FIXTURES / name / "fixture.json"
    info = json.loads(path.read_text()) if path.is_file() else {}
    return dict(stage=info.get("stage", "dev"), region=info.get("region", "us-east-1"),
                params=info.get("params") or {}, env=info.get("env") or {})


def _framework_view(printed, raw):
    """`serverless print` also shows what the framework adds later (function names, empty events,
    versionFunctions); keep only the keys the file itself has, and whole values where it had a variable."""
    if isinstance(printed, dict) and isinstance(raw, dict):
        return {k: _framework_view(v, raw[k]) for k, v in printed.items() if k in raw}
    if isinstance(printed, list) and isinstance(raw, list) and len(printed) == len(raw):
        return [_framework_view(p, r) for p, r in zip(printed, raw)]
    return printed


@pytest.mark.parametrize("name", NAMES)
def test_variables_resolve_like_the_framework(name):
    fixture = FIXTURES / name
    service = resolve_service(fixture, reader=FilesystemReader(), **_settings(name))
    raw = load_text((fixture / "serverless.yml").read_text(), "serverless.yml").data
    raw["provider"].update(stage=None, region=None)  # both set by the framework, and by resolve_service
    expected = _framework_view(json.loads((fixture / "resolved.json").read_text()), raw)
    assert service.config == expected


@pytest.mark.parametrize("name", NAMES)
def test_compiles_like_the_framework(name):
    fixture = FIXTURES / name
    template = compile_path(fixture, **_settings(name))
    result = compare(json.loads((fixture / "expected.json").read_text()), dict(template.data))
    assert result.exact_ids, (result.missing, result.extra)
    assert not result.diffs, result.diffs
