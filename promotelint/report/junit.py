"""The junit format: one test suite per stack, one failing test case per blocking finding, for CI
systems that only show test reports (GitLab's merge-request widget). Predictions without a verdict
(`changeset`) have no test cases: a passing one would read as "checked, safe"."""

from __future__ import annotations

from typing import Sequence

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
        if not cases and options.exit_code is not None:  # predictions only: no passing test
            cases.append(f"    <testcase classname={quoteattr(name)} name=\"promotion\"/>")
        failed = sum(f.severity == "error" for f in findings_of(r, options))
        total += len(cases)
        failures += failed
        suites.append(f"  <testsuite name={quoteattr(name)} tests=\"{len(cases)}\" failures=\"{failed}\">\n"
                      + "\n".join(cases) + "\n  </testsuite>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="promotelint" tests="{total}" failures="{failures}">\n'
            + "\n".join(suites) + "\n</testsuites>\n")


FORMAT = Format("junit", render_junit)
