"""Issue 11's held-out-style measure: real services gathered for this project (not in the shared
corpus), each with the template serverless 3.40.0 packaged for it (tools/regen_realworld.py; the
source repository, commit, path and edits are in each case.json)."""

from pathlib import Path

from tools.conformance import run

CASES = Path(__file__).parent / "fixtures" / "realworld"


def test_real_services_compile_like_the_framework():
    lines = []
    totals = run(CASES, out=lines.append)
    print("\n" + lines[-1])
    assert totals.cases >= 20
    assert totals.compiled == totals.cases, [line for line in lines if line.startswith("FAIL")]
    assert totals.exact == totals.cases, [line for line in lines if not line.startswith("ok")]
    assert totals.equal_resources == totals.resources, [line for line in lines if not line.startswith("ok")]
