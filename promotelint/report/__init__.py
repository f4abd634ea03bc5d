"""The reports: one module per output format over a small shared base (base.py), each a pure
function from the stacks' reports to a string. FORMATS is the explicit list the CLI offers."""

from __future__ import annotations

from promotelint.report import github, json_report, junit, markdown, sarif, text
from promotelint.report.base import Format, RenderOptions, Render

ALL_FORMATS: tuple[Format, ...] = (text.FORMAT, json_report.FORMAT, sarif.FORMAT, github.FORMAT,
                                   markdown.FORMAT, junit.FORMAT)
FORMATS: dict[str, Render] = {f.name: f for f in ALL_FORMATS}  # each renders what may be shown

__all__ = ["ALL_FORMATS", "FORMATS", "Format", "RenderOptions"]
