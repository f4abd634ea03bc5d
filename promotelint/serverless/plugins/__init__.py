"""Plugins that add or change the template, compiled natively (offline, as the plugin does).

One module per plugin, each defining `PLUGIN = Plugin(...)`: the npm package it ports, the plugin
versions it follows, and its hooks into the `serverless package` lifecycle (pipeline.LIFECYCLE),
where the real plugin registers them (its `this.hooks`). PLUGINS lists the modules; a service gets
the ones its `plugins:` lists, in that order, which is the order the framework loads and runs them.
The modules are imported only for services that list them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

Step = Callable[[Any], None]  # a compile step over the CompileContext


@dataclass(frozen=True)
class Plugin:
    name: str  # the npm package, as a service's `plugins:` names it
    versions: str  # the plugin versions this port follows (an npm range)
    hooks: tuple[tuple[str, Step], ...]  # (lifecycle hook, step), in the plugin's own order


# (npm package, module defining PLUGIN). Explicit, in no particular order: a service's `plugins:`
# decides the order in which its plugins run.
PLUGINS: tuple[tuple[str, str], ...] = (
    ("serverless-step-functions", "promotelint.serverless.plugins.step_functions"),
)


def listed_plugins(config: dict) -> list[str]:
    """The plugins a service lists (`plugins: [...]` or `plugins: {modules: [...]}`), in order."""
    plugins = config.get("plugins")
    if isinstance(plugins, dict):
        plugins = plugins.get("modules")
    return [p for p in plugins if isinstance(p, str)] if isinstance(plugins, list) else []


MODELLED = frozenset(name for name, _ in PLUGINS)


def service_plugins(config: dict) -> tuple[Plugin, ...]:
    """The modelled plugins the service lists, in the order it lists them."""
    modules = dict(PLUGINS)
    return tuple(importlib.import_module(modules[name]).PLUGIN for name in listed_plugins(config)
                 if name in modules)
