"""serverless-appsync-plugin: an AWS AppSync GraphQL API, compiled as the plugin does, in either of
its two config formats:

- 1.x (`custom.appSync`, one API or a list): v1.py, v1_data_sources.py, v1_waf.py (src/ at 1.14.0);
- 2.x (the top-level `appSync:`, one API): v2.py, v2_statements.py (lib/ at 2.13.0).

Which one a service runs is the plugin version it installs: the version its package-lock.json
records for node_modules/serverless-appsync-plugin, else the major of the range its package.json
asks for; a service with neither is taken at its config's word (`appSync:` is 2.x, `custom.appSync`
1.x). Serverless v4's bundled copy (a top-level `appSync` the service does not list) is of a
version not known offline: an unseen part. The schema files and mapping templates the plugin reads
are read through the compiler's reader, inside the repository (schema.py prints the schema as the plugin's GraphQL libraries do).

1.x assigns its resources into the template at `after:aws:package:finalize:mergeCustomProviderResources`;
2.x merges its into the service's `resources:` (and embedded functions into `functions:`) at
`before:package:initialize`, so the framework compiles them with the rest.
"""

from __future__ import annotations

import json
import os
import re

from promotelint.model.template import UnseenPart
from promotelint.serverless.context import CompileContext
from promotelint.serverless.plugins import Plugin, PluginLoad, listed_plugins
from promotelint.serverless.plugins.appsync.common import NAME, PluginError
from promotelint.serverless.unmodelled import fingerprint, plugin_warning


def installed_major(load: PluginLoad) -> int | None:
    """The plugin's major version as the service's package-lock.json / package.json declare it."""
    lock = os.path.join(load.service_dir, "package-lock.json")
    if load.exists(lock):
        try:
            packages = json.loads(load.read_text(lock)).get("packages") or {}
            version = (packages.get(f"node_modules/{NAME}") or {}).get("version")
            if isinstance(version, str) and version[:1].isdigit():
                return int(version.split(".")[0])
        except (ValueError, AttributeError):
            pass
    manifest = os.path.join(load.service_dir, "package.json")
    if load.exists(manifest):
        try:
            data = json.loads(load.read_text(manifest))
        except ValueError:
            return None
        for section in ("dependencies", "devDependencies", "optionalDependencies"):
            deps = data.get(section) if isinstance(data, dict) else None
            spec = deps.get(NAME) if isinstance(deps, dict) else None
            match = re.search(r"\d+", spec) if isinstance(spec, str) else None
            if match:
                return int(match.group())
    return None


def load(load: PluginLoad) -> None:
    major = installed_major(load)
    if major is None:
        major = 2 if "appSync" in load.config else 1
    load.state[NAME] = {"major": major}
    if major >= 2 and "appSync" in load.config:
        from promotelint.serverless.plugins.appsync.v2 import resolve_appsync_variables

        # the plugin's variable source, which the framework resolves once the plugins are loaded
        load.config.update(resolve_appsync_variables(load.config))


def major(ctx: CompileContext) -> int:
    state = ctx.plugin_load.state.get(NAME) if ctx.plugin_load is not None else None
    return state["major"] if state else (2 if "appSync" in ctx.config else 1)


def _step(compile_step):  # type: ignore[no-untyped-def]
    """A hook whose plugin errors (what the plugin throws for this config) are input errors."""
    def step(ctx: CompileContext) -> None:
        try:
            compile_step(ctx)
        except PluginError as exc:
            raise ctx.error(exc.path or _section(ctx), f"{NAME}: {exc}",
                            "see the plugin's README: `serverless package` fails on this too") from None
    step.__name__ = compile_step.__name__
    return step


def listed(ctx: CompileContext) -> bool:
    return NAME in listed_plugins(ctx.config)


def build_v2(ctx: CompileContext) -> None:
    """2.x: `before:package:initialize`, into the service's resources and functions."""
    if not listed(ctx):
        _bundled(ctx)
    elif major(ctx) >= 2:
        from promotelint.serverless.plugins.appsync.v2 import build_and_append_resources

        build_and_append_resources(ctx)


def add_resources_v1(ctx: CompileContext) -> None:
    """1.x: `after:aws:package:finalize:mergeCustomProviderResources`, into the template."""
    if listed(ctx) and major(ctx) < 2:
        from promotelint.serverless.plugins.appsync.v1 import add_resources
        from promotelint.serverless.plugins.appsync.v1_data_sources import data_sources
        from promotelint.serverless.plugins.appsync.v1_waf import waf_resources

        add_resources(ctx, data_sources, waf_resources)


def _bundled(ctx: CompileContext) -> None:
    """Serverless v4 runs its own bundled copy of the plugin for a top-level `appSync` the service
    does not list: which version that is is not known offline, so it stays an unseen part."""
    value = ctx.config.get("appSync")
    if value is not None:
        ctx.unseen.append(UnseenPart(NAME, "appSync", fingerprint(value), ctx.origin(("appSync",)), False))
        ctx.warn(plugin_warning(NAME, ctx.engine.label))


def _section(ctx: CompileContext) -> tuple:
    return ("appSync",) if "appSync" in ctx.config else ("custom", "appSync")


PLUGIN = Plugin(NAME, ">=1.14.0 <3", load=load, hooks=(
    ("before:package:initialize", _step(build_v2)),
    ("after:aws:package:finalize:mergeCustomProviderResources", _step(add_resources_v1)),
))
