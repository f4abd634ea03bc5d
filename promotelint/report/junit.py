"""The junit format: one test suite per stack, one failing test case per blocking finding, for CI
systems that only show test reports (GitLab's merge-request widget). Predictions without a verdict
(`changeset`) have no test cases: a passing one would read as "checked, safe"."""

from __future__ import annotations

from collections.abc import Sequence

from promotelint.model.changeset import blind_spots
from promotelint.model.findings import StackReport
from promotelint.report.base import Format, RenderOptions, findings_of, location


def render_junit(reports: Sequence[StackReport], options: RenderOptions = RenderOptions()) -> str:
    from xml.sax.saxutils import escape as xml_escape, quoteattr  # imports urllib: only here

    suites = []
    total = failures = 0
    for r in reports:
        name = r.changeset.name or r.changeset.head_source
        cases = []
        for f in findings_of(r, options):
            where = location(f, r)
            label = f"{f.rule} {f.logical_id or ''}".strip()
            body = xml_escape(f"{f.message}\n{where}" + (f"\nfix: {f.fix}" if f.fix else ""))
            if f.severity == "error":
                inner = f"<failure message={quoteattr(f.summary)} type={quoteattr(f.rule)}>{body}</failure>"
            else:
                inner = f"<system-out>{body}</system-out>"
            cases.append(f'    <testcase classname={quoteattr(name)} name={quoteattr(label)} '
                         f'file={quoteattr(where.file)}>{inner}</testcase>')
        # What was not predicted is never a pass: each is a skipped test case.
        cases += [f'    <testcase classname={quoteattr(name)} name={quoteattr("not predicted: " + spot)}>'
                  f'<skipped message={quoteattr(spot)}/></testcase>' for spot in blind_spots(r.changeset)]
        if not cases and options.exit_code is not None:  # predictions only: no passing test
            cases.append(f"    <testcase classname={quoteattr(name)} name=\"promotion\"/>")
        cs = r.changeset
        properties = [("base", f"{cs.base_source} ({cs.base_provenance})"),
                      ("head", f"{cs.head_source} ({cs.head_provenance})")]
        properties += [("warning", w) for w in cs.warnings if w not in blind_spots(cs)]
        head = "    <properties>" + "".join(f"<property name={quoteattr(k)} value={quoteattr(v)}/>"
                                            for k, v in properties) + "</properties>"
        failed = sum(f.severity == "error" for f in findings_of(r, options))
        skipped = len(blind_spots(cs))
        total += len(cases)
        failures += failed
        suites.append(f"  <testsuite name={quoteattr(name)} tests=\"{len(cases)}\" failures=\"{failed}\" "
                      f"skipped=\"{skipped}\">\n" + "\n".join([head] + cases) + "\n  </testsuite>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="promotelint" tests="{total}" failures="{failures}">\n'
            + "\n".join(suites) + "\n</testsuites>\n")


FORMAT = Format("junit", render_junit, escape_controls=True)
