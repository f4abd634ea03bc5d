"""The one pipeline, and the library API: sources -> compile -> predict -> judge -> reports.

    compile_path(path, stage=..., ...) -> Template
"""

from __future__ import annotations

import os
from typing import Mapping

from promotelint.model.template import Template


def compile_path(path: str | os.PathLike, *, stage: str | None = None, region: str | None = None,
                 params: Mapping[str, str] | None = None, env: Mapping[str, str] | None = None,
                 env_file: str | os.PathLike | None = None) -> Template:
    """The template `serverless package` writes for the service at `path` in the working tree.
    `env` replaces this process's environment for `${env:}`; `env_file` (dotenv) adds to it."""
    from promotelint.io.files import FilesystemReader, environment
    from promotelint.serverless.service import compile_service

    return compile_service(path, reader=FilesystemReader(), env=environment(env, env_file), stage=stage,
                           region=region, params=params)
