"""State shared by the compile steps of one service, mirroring the framework's `serverless` object.

The compile stage is one function (resolved config -> template); inside it the steps fill one
template in the framework's order, as the framework's plugins do, which keeps the port faithful.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from promotelint.model.template import Origin, nearest_position


@dataclass
class CompileContext:
    config: dict[str, Any]  # the service config with every variable resolved
    stage: str
    region: str
    template: dict[str, Any]  # the template being built, in the framework's key order
    source: str = "serverless.yml"  # display path of the config file, for origins
    service_dir: Path | None = None
    # path into the config (("functions", "hello", "events", 0)) -> (line, column) in `source`
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)  # logical ID -> where it came from
    warnings: list[str] = field(default_factory=list)

    def origin(self, path: tuple) -> Origin:
        """Origin of the config node at `path`, or of its nearest ancestor that has a position."""
        pos = nearest_position(self.positions, path)
        return Origin(self.source, pos[0], pos[1]) if pos else Origin(self.source)

    def add_resource(self, logical_id: str, resource: dict[str, Any], config_path: tuple) -> None:
        """Add or replace a resource and remember the config node that made it."""
        self.template.setdefault("Resources", {})[logical_id] = resource
        self.origins.setdefault(logical_id, self.origin(config_path))
