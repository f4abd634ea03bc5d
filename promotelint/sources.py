"""Source readers: turn what the user points at into a Template. The only I/O besides the CLI.

Accepted: a CloudFormation template (JSON or YAML), a Serverless build directory (`.serverless/`,
or a service directory holding one when it has no serverless.yml), the output of
`aws cloudformation get-template` (with its TemplateBody wrapper), and a serverless.yml (or the
directory holding it), which is compiled offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from promotelint.model.errors import InputError
from promotelint.model.template import Origin, Template
from promotelint.parse.documents import load_text, load_yaml

BUILD_TEMPLATE = "cloudformation-template-update-stack.json"
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml")


@dataclass(frozen=True)
class CompileSettings:
    """How to compile a serverless.yml side (stage, region, --param, env)."""

    stage: str | None = None
    region: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] | None = None
    env_file: Path | None = None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file or directory", file=str(path), fix="check the path") from None
    except IsADirectoryError:
        raise InputError("is a directory without a template or serverless.yml", file=str(path),
                         fix="point at a template, a serverless.yml or a .serverless directory") from None
    except (PermissionError, OSError) as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path),
                         fix="check the file's permissions") from None
    except UnicodeDecodeError:
        raise InputError("not a text file (not UTF-8)", file=str(path),
                         fix="pass a JSON or YAML template") from None


def resolve_input(path: Path) -> tuple[str, Path]:
    """Classify a path: ("serverless", config path) or ("template", template path)."""
    if path.is_dir():
        for name in SERVERLESS_NAMES:
            if (path / name).is_file():
                return "serverless", path / name
        for candidate in (path / BUILD_TEMPLATE, path / ".serverless" / BUILD_TEMPLATE):
            if candidate.is_file():
                return "template", candidate
        raise InputError("no serverless.yml, template or .serverless build here", file=str(path),
                         fix="point at a template, a serverless.yml or a .serverless directory")
    if path.name in SERVERLESS_NAMES:
        return "serverless", path
    return "template", path


def read_source(path: Path, settings: CompileSettings = CompileSettings()) -> Template:
    kind, target = resolve_input(path)
    if kind == "serverless":
        from promotelint.io.files import FilesystemReader, environment
        from promotelint.serverless.service import compile_service

        return compile_service(target, reader=FilesystemReader(), env=environment(settings.env, settings.env_file),
                               stage=settings.stage, region=settings.region, params=dict(settings.params))
    return template_from_text(read_text(target), str(target))


def template_from_text(text: str, source: str) -> Template:
    doc = load_text(text, source)
    data: Any = doc.data
    positions = doc.positions
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
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        if isinstance(data, dict) and "service" in data and "provider" in data:
            raise InputError("this is a serverless.yml, not a template", file=source,
                             fix="name it serverless.yml or pass its directory")
        raise InputError("not a CloudFormation template: no Resources mapping", file=source, line=1,
                         fix="pass a template with a Resources section, or a serverless.yml")
    origins = {}
    for key, (line, column) in positions.items():
        if len(key) == 2 and key[0] == "Resources":
            origins[key[1]] = Origin(source, line, column)
        elif len(key) == 2 and key[0] == "Outputs":
            origins[f"Outputs.{key[1]}"] = Origin(source, line, column)
    return Template(data=data, source=source, origins=origins, positions=positions)
