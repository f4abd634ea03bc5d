"""Plugins that add or change the template, compiled natively (offline, as the plugin does).

One module per plugin, each defining `PLUGIN = Plugin(...)`: the npm package it ports, the plugin
versions it follows, and what it does at the two moments a plugin acts:

- `load`, the plugin's constructor. The framework (v3, scripts/serverless.js) resolves the config's
  variables from every source it has before it loads the plugins (`serverless.init()`), then
  constructs each plugin in `plugins:` order, then resolves what only the plugins' and AWS' sources
  can. A constructor sees the resolved config and the process environment and may change both
  (serverless-dotenv-plugin puts its `.env*` files into `provider.environment` and `process.env`
  there; `${env:}` is already resolved by then). `load(PluginLoad)` runs in
  serverless/service.py right after resolution, before the schema's coercion, as in the framework.
- `schema`, what it adds to the config schema, whose type coercion then applies to those settings.
- `hooks`, its hooks into the `serverless package` lifecycle (pipeline.LIFECYCLE), where the real
  plugin registers them (its `this.hooks`), as steps over the CompileContext.

PLUGINS lists the modules (sorted by package name); a service gets the ones its `plugins:` lists, in
that order, which is the order the framework loads and runs them. The modules are imported only
for services that list them.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable

from promotelint.model.errors import InputError
from promotelint.model.record import field, record
from promotelint.serverless.variables.resolve import is_within

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

Step = Callable[["Any"], None]  # a compile step over the CompileContext


@record(frozen=False)
class PluginLoad:
    """What a plugin's constructor works with: the resolved config and the process environment,
    both of which it may change, and the service's files (read through the compiler's reader)."""

    config: dict[str, Any]  # the config, its variables resolved
    options: dict[str, Any]  # the CLI options as given (`stage`, `region` only when passed)
    env: dict[str, str]  # process.env, after the framework's own `.env` loading
    service_dir: str
    root: str  # files outside it are not read (the repository, or the service dir's parent)
    read_text: Callable[[str], str]
    exists: Callable[[str], bool]
    error: Callable[..., InputError]  # error(config path, message, fix): a config error there
    warnings: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=set)  # values a plugin read from .env files and the like
    state: dict[str, Any] = field(default_factory=dict)  # by plugin name: what its constructor keeps for its hooks

    def service_file(self, name: str, setting: tuple) -> str:
        """The path of a file the plugin opens relative to the service dir (its cwd), which must stay
        inside `root`; `setting` is the config path that names it, for the error."""
        path = os.path.normpath(os.path.join(self.service_dir, name))
        if not is_within(path, self.root):  # either may be relative to the current directory
            raise self.error(setting, f"{name} is outside {self.root}: promotelint reads only the repository's files",
                             "keep the file inside the repository")
        return path

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


@record
class Plugin:
    """A modelled plugin: its npm name, the versions it follows, its hooks and schema lines."""

    name: str  # the npm package, as a service's `plugins:` names it
    versions: str  # the plugin versions this port follows (an npm range)
    hooks: tuple[tuple[str, Step], ...] = ()  # (lifecycle hook, step), in the plugin's own order
    load: Callable[[PluginLoad], None] | None = None  # its constructor, where it changes the config
    # What the plugin adds to the config schema (defineFunctionProperties, defineCustomProperties),
    # as lines of serverless/coerce.py's table: the framework's validation coerces those values too.
    schema: tuple[str, ...] = ()
    # The variable sources it adds (configurationVariablesSources): (name, address -> value). The
    # framework resolves them once the plugins are built; their values here stand in until a step
    # of the plugin replaces them (serverless-lift's `${construct:}` tokens).
    sources: tuple[tuple[str, Callable[[Any], Any]], ...] = ()


# (npm package, module defining PLUGIN), sorted by package; a service's `plugins:` decides the order
# in which its plugins run.
PLUGINS: tuple[tuple[str, str], ...] = (
    ("serverless-appsync-plugin", "promotelint.serverless.plugins.appsync"),
    ("serverless-dotenv-plugin", "promotelint.serverless.plugins.dotenv"),
    ("serverless-iam-roles-per-function", "promotelint.serverless.plugins.iam_roles_per_function"),
    ("serverless-lift", "promotelint.serverless.plugins.lift"),
    ("serverless-plugin-aws-alerts", "promotelint.serverless.plugins.aws_alerts"),
    ("serverless-plugin-split-stacks", "promotelint.serverless.plugins.split_stacks"),
    ("serverless-plugin-tracing", "promotelint.serverless.plugins.tracing"),
    ("serverless-plugin-warmup", "promotelint.serverless.plugins.warmup"),
    ("serverless-pseudo-parameters", "promotelint.serverless.plugins.pseudo_parameters"),
    ("serverless-python-requirements", "promotelint.serverless.plugins.python_requirements"),
    ("serverless-step-functions", "promotelint.serverless.plugins.step_functions"),
)


def plugin_errors(name: str, error: type[Exception], fix: str) -> Callable[[Step], Step]:
    """A decorator of a plugin's steps: the errors the plugin throws for a config (`error`, whose
    `path` is the setting; `serverless package` fails on them too) become input errors there."""
    def wrap(step: Step) -> Step:
        @functools.wraps(step)
        def run(ctx: Any) -> None:
            try:
                step(ctx)
            except error as exc:
                raise ctx.error(exc.path, f"{name}: {exc}", fix) from None  # type: ignore[attr-defined]
        return run
    return wrap


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


def load_plugins(load: PluginLoad) -> tuple[Plugin, ...]:
    """Construct the service's modelled plugins, in order, as the framework does once the config's
    variables are resolved; returns them."""
    plugins = service_plugins(load.config)
    for plugin in plugins:
        if plugin.load is not None:
            plugin.load(load)
    return plugins
