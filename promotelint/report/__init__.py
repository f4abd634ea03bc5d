"""The reports: one module per output format over a small shared base (base.py), each a pure
function from the stacks' reports to a string. FORMATS is the explicit list the CLI offers."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from promotelint.report.base import Format, Render, RenderOptions

# Format name -> its module: a run imports only the formats it writes (a cold start is mostly imports).
MODULES = {"text": "text", "json": "json_report", "sarif": "sarif", "github": "github", "markdown": "markdown",
           "junit": "junit"}


class _Formats(Mapping[str, Render]):
    def __getitem__(self, name: str) -> Format:
        return importlib.import_module(f"promotelint.report.{MODULES[name]}").FORMAT

    def __iter__(self) -> Iterator[str]:
        return iter(MODULES)

    def __len__(self) -> int:
        return len(MODULES)


FORMATS: Mapping[str, Render] = _Formats()  # each renders what may be shown

__all__ = ["FORMATS", "Format", "RenderOptions"]
