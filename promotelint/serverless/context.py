"""State shared by the compile steps of one service, mirroring the framework's `serverless` object.

The compile stage is one function (resolved config -> template); inside it the steps fill one
template in the framework's order, as the framework's plugins do, which keeps the port faithful.
"""

from __future__ import annotations


from promotelint.model.errors import InputError
from promotelint.model.record import field, record
from promotelint.model.template import Origin, UnseenPart, nearest_position
from promotelint.serverless.engines import V3, Engine
from promotelint.serverless.js import lodash_merge

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


@record(frozen=False)
class CompileContext:
    """One compile of a service: its resolved config, the template being built and its origins."""

    config: dict[str, Any]  # the service config with every variable resolved
    stage: str
    region: str
    template: dict[str, Any]  # the template being built, in the framework's key order
    source: str = "serverless.yml"  # display path of the config file, for origins
    # path into the config (("functions", "hello", "events", 0)) -> (line, column) in `source`
    positions: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict)  # logical ID -> where it came from
    warnings: list[str] = field(default_factory=list)
    unseen: list[UnseenPart] = field(default_factory=list)  # what unmodelled plugins make (unmodelled.py)
    engine: Engine = V3  # the framework being modelled (v3, osls, v4) and its version's facts
    # nested stacks a plugin wrote (serverless-plugin-split-stacks): root logical ID -> template
    nested: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The plugins' PluginLoad (serverless/plugins): a plugin hook that opens the service's files (the
    # AppSync schema and mapping templates) reads them through it, inside its boundary.
    plugin_load: Any = None
    # position -> its Origin: the resources one config node makes share one object (the reports'
    # display paths are then made once per object, io/sources._displayed; the pickle is smaller)
    made_origins: dict = field(default_factory=dict, repr=False, compare=False)

    # The config as the steps after normalize.normalize_service read it: `provider` and `functions`
    # are mappings there, and every function a mapping with an `events` list.

    @property
    def provider(self) -> dict[str, Any]:
        return self.config["provider"]

    @property
    def functions(self) -> dict[str, dict[str, Any]]:
        return self.config["functions"]

    @property
    def service_name(self) -> str:
        return str(self.config.get("service"))

    @property
    def resources(self) -> dict[str, Any]:
        return self.template.setdefault("Resources", {})

    @property
    def outputs(self) -> dict[str, Any]:
        return self.template.setdefault("Outputs", {})

    def origin(self, path: tuple) -> Origin:
        """Origin of the config node at `path`, or of its nearest ancestor that has a position."""
        pos = nearest_position(self.positions, path)
        made = self.made_origins.get(pos)
        if made is None:
            made = self.made_origins[pos] = Origin(self.source, pos[0], pos[1]) if pos else Origin(self.source)
        return made

    def add_resource(self, logical_id: str, resource: dict[str, Any], config_path: tuple, *,
                     merge: bool = False) -> dict[str, Any]:
        """Add a resource, or with `merge` lodash-merge it into the one already there (the
        framework's `_.merge(Resources, ...)`), and remember the config node that made it."""
        resources = self.resources
        resources[logical_id] = lodash_merge(resources.get(logical_id), resource) if merge else resource
        if logical_id not in self.origins:  # (the first node to make it is kept: no look-up after)
            self.origins[logical_id] = self.origin(config_path)
        return resources[logical_id]

    def add_output(self, name: str, output: dict[str, Any], config_path: tuple, *,
                   merge: bool = False) -> None:
        """The same for a stack output (its origin is recorded as `Outputs.<name>`)."""
        outputs = self.outputs
        outputs[name] = lodash_merge(outputs.get(name), output) if merge else output
        self.origins.setdefault(f"Outputs.{name}", self.origin(config_path))

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def error(self, path: tuple, message: str, fix: str | None = None) -> InputError:
        """A config error at the node at `path` (or its nearest ancestor with a position)."""
        return InputError(message, file=self.source, line=self.origin(path).line, fix=fix)
