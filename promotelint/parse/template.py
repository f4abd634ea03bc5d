"""A CloudFormation template's text (JSON or YAML, short tags, or `aws cloudformation get-template`
output) into a Template with the line of each resource and output."""

from __future__ import annotations


from promotelint.model.errors import InputError
from promotelint.model.template import LineOrigins, Template
from promotelint.parse.documents import load_text, load_yaml

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def template_from_text(text: str, source: str, like: Template | None = None) -> Template:
    """`like`: the other side of a pair, already read: this one shares the values of the resources
    written alike in both (parse.entries)."""
    doc = load_text(text, source, like.entries if like is not None else None)
    data: Any = doc.data
    positions = doc.positions
    entries = doc.entries
    if isinstance(data, dict) and "TemplateBody" in data and "Resources" not in data:
        # `aws cloudformation get-template` output: the template is inside TemplateBody, as an
        # object (JSON templates) or as text (YAML templates).
        body = data["TemplateBody"]
        if isinstance(body, str):
            # a YAML template's body is YAML text even inside a .json file
            inner = load_text(body, source) if body.lstrip().startswith(("{", "[")) else load_yaml(body, source)
            data, positions = inner.data, inner.positions
        else:
            data = body
            positions = {k[1:]: v for k, v in positions.items() if k and k[0] == "TemplateBody"}
        entries = None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        if isinstance(data, dict) and "service" in data and "provider" in data:
            raise InputError("this is a serverless.yml, not a template", file=source,
                             fix="name it serverless.yml or pass its directory")
        raise InputError("not a CloudFormation template: no Resources mapping", file=source, line=1,
                         fix="pass a template with a Resources section, or a serverless.yml")
    return Template(data=data, source=source, origins=LineOrigins(source, positions), positions=positions,
                    entries=entries)
