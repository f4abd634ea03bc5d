"""Which engine packages a service: --engine, else the framework installed for it, else its
`frameworkVersion`, else Serverless Framework v3 (promotelint.serverless.engines has what each does).

`auto` looks for node_modules/serverless/package.json or node_modules/osls/package.json from the
service's directory upward, in the working tree (node_modules is not committed, so a git revision
of the service uses what is installed now), no higher than the directory `${file()}` may read.
"""

from __future__ import annotations

import json
import os
import re

from promotelint.model.errors import InputError
from promotelint.serverless.engines import ENGINES, Engine, engine

ENGINE_CHOICES = ("auto",) + ENGINES
_PACKAGES = {"serverless": None, "osls": "osls"}  # npm package -> engine (serverless: by major)
_FRAMEWORK_VERSION = re.compile(r"""^frameworkVersion\s*:\s*['"]?([^'"#\n]*)""", re.M)


def choose_engine(requested: str | None, config_path: str, config_text: str, limit: str | None) -> Engine:
    """The engine for the service whose config is at `config_path` (its text: `config_text`).
    `requested` is --engine (None or auto: detect); `limit` is the highest directory to look in."""
    requested, _, pinned = (requested or "auto").partition("@")
    if requested not in ENGINE_CHOICES or (pinned and not re.fullmatch(r"\d+(\.\d+){0,2}", pinned)):
        raise InputError(f"unknown engine {requested + ('@' + pinned if pinned else '')!r}",
                         fix="use --engine auto, v3, osls or v4, optionally with a version: osls@3.77.1")
    if pinned:
        return engine(requested, pinned, f"--engine {requested}@{pinned}")
    installed = installed_framework(os.path.dirname(os.path.abspath(config_path)), limit)
    if requested != "auto":
        # an explicit engine takes the installed version when it is that engine
        if installed and installed[0] == requested:
            return engine(requested, installed[1], f"--engine {requested}, version from {installed[2]}")
        return engine(requested, None, f"--engine {requested}")
    if installed:
        return engine(installed[0], installed[1], installed[2])
    declared = framework_version(config_text)
    if declared:
        major = re.search(r"\d+", declared)
        if major and int(major.group()) >= 4:
            exact = re.fullmatch(r"\s*=?\s*(4\.\d+\.\d+)\s*", declared)
            return engine("v4", exact.group(1) if exact else None, f"frameworkVersion {declared.strip()}")
        return engine("v3", None, f"frameworkVersion {declared.strip()}")
    return engine("v3", None, "default")


def installed_framework(start: str, limit: str | None) -> tuple[str, str, str] | None:
    """(engine, version, package.json path) of the framework installed for a service at `start`."""
    directory = os.path.abspath(start)
    top = os.path.abspath(limit) if limit else None
    while True:
        for package, name in _PACKAGES.items():
            manifest = os.path.join(directory, "node_modules", package, "package.json")
            if os.path.isfile(manifest):
                try:
                    with open(manifest, encoding="utf-8") as f:
                        version = str(json.load(f).get("version") or "")
                except (OSError, ValueError):
                    continue
                major = re.match(r"(\d+)", version)
                if not major:
                    continue
                return name or ("v4" if int(major.group(1)) >= 4 else "v3"), version, os.path.relpath(manifest)
        parent = os.path.dirname(directory)
        if directory == top or parent == directory:
            return None
        directory = parent


def framework_version(config_text: str) -> str | None:
    """The top-level `frameworkVersion` of a serverless.yml, as written (a semver range)."""
    m = _FRAMEWORK_VERSION.search(config_text)
    return m.group(1).strip() or None if m else None
