"""Small builders shared by the tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from promotelint.model.template import Template
from promotelint.parse.documents import load_text

FIXTURES = Path(__file__).parent / "fixtures"


def template(data: Any, source: str = "template.yml") -> Template:
    if isinstance(data, str):
        doc = load_text(data, source)
        return Template(data=doc.data, source=source, positions=doc.positions)
    return Template(data=copy.deepcopy(data), source=source)


def fixture_template(name: str) -> Template:
    path = FIXTURES / name
    doc = load_text(path.read_text(), str(path))
    return Template(data=doc.data, source=str(path), positions=doc.positions)
