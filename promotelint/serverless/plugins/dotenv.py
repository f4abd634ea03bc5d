"""serverless-dotenv-plugin 6: the functions' environment from the `.env*` files the plugin loads.

A port of its src/index.js. Everything happens in its constructor (`load`): the framework builds
plugins once the config's variables are resolved, so `${env:}` never sees these files (only
`useDotenv` does, serverless/service.py); what the plugin changes is `provider.environment`, into
which it writes every variable it loaded (overwriting a key the config sets there, which keeps its
place), so every function gets them (a function's own `environment` still wins), and the process
environment. It always leaves `provider.environment` set, `{}` when nothing was loaded, and so
every function gets an `Environment`, as with the real plugin.

Which files (`resolveEnvFileNames`): `custom.dotenv.path` (one or a list, as given, missing ones
skipped), else those of `.env.<env>.local`, `.env.<env>`, `.env.local` (not for env `test`) and
`.env` that exist, each prefixed with `basePath`, where <env> is NODE_ENV, else the `--stage`
given on the command line (not provider.stage), else `development`. Each is read with dotenv and,
unless `variableExpansion: false`, expanded with dotenv-expand: a variable already set in the
environment (or by an earlier file) wins. The files' values merge, a later file's over an earlier
one's (so with expansion the first file wins, through the environment). `include` (a list, or a
string matched as a substring, as JavaScript's `includes`) keeps only those; else `exclude`
drops those. `required.file` / `required.env` stop the framework when no file / a variable is
missing. A custom `dotenvParser` is JavaScript and is not run: warned. `logging` changes nothing
here. An error the plugin does not flag as fatal only prints in the real tool, which carries on
without the variables (unless `v4BreakingChanges: true`): warned here the same way.
"""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.serverless.dotenv import ExpansionError, dotenv_load
from promotelint.serverless.js import js_string, js_truthy
from promotelint.serverless.plugins import Plugin, PluginLoad
from promotelint.serverless.values import text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_DEFAULTS = {"exclude": [], "include": "*", "logging": True, "required": {}, "variableExpansion": True,
             "v4BreakingChanges": False}
_SETTINGS = ("custom", "dotenv")


class _Halt(Exception):
    """An error the plugin marks HALT: the framework stops."""


class _PluginError(Exception):
    """Any other error inside the plugin's loadEnv: printed, then the plugin carries on."""


def load_env(load: PluginLoad) -> None:
    """The plugin's constructor."""
    config = load.config
    provider = config.get("provider")
    if isinstance(provider, str):  # the framework's Service has made `provider: aws` an object by then
        provider = config["provider"] = {"name": provider}
    elif not isinstance(provider, dict):
        provider = config["provider"] = {}
    if not js_truthy(provider.get("environment")):
        provider["environment"] = {}
    custom = config.get("custom")
    given = custom.get("dotenv") if isinstance(custom, dict) else None
    if is_opaque(given):
        load.warn(f"serverless-dotenv-plugin: custom.dotenv ({text(given)}) is not known offline: the "
                  "prediction reads the .env files with the plugin's default settings")
    settings = {**_DEFAULTS, **(given if isinstance(given, dict) and not is_opaque(given) else {})}
    if settings.get("dotenvParser"):
        load.warn(f"serverless-dotenv-plugin: custom.dotenv.dotenvParser ({text(settings['dotenvParser'])}) is "
                  "JavaScript, not run offline: the variables it gives the functions are not in the prediction")
        return
    try:
        names = _env_file_names(load, settings, _env_name(load))
        if not names and _get(settings.get("required"), "file") is True:
            raise _Halt("DOTENV: Could not find .env file.")
        variables = _parse_env_files(load, names, settings)
        _check_required(load, settings, variables)
        _set_provider_env(provider, settings, variables, load.secrets)
    except _Halt as exc:
        raise load.error(_SETTINGS, f"serverless-dotenv-plugin: {exc}",
                         "add the file or variable, or change custom.dotenv.required") from None
    except _PluginError as exc:
        if settings.get("v4BreakingChanges") is True:
            raise load.error(_SETTINGS, f"serverless-dotenv-plugin: {exc}", "fix custom.dotenv") from None
        load.warn(f"serverless-dotenv-plugin fails ({exc}) and carries on: the functions get none of its "
                  "variables, as with the real plugin")


def _env_name(load: PluginLoad) -> str:
    """`process.env.NODE_ENV || options.env || options.stage || 'development'`."""
    for value in (load.env.get("NODE_ENV"), load.options.get("env"), load.options.get("stage")):
        if value:
            return str(value)
    return "development"


def _get(value: Any, key: str) -> Any:
    """`value[key]` in JavaScript, where reading a key of null throws."""
    if value is None:
        raise _PluginError(f"Cannot read properties of null (reading '{key}')")
    return value.get(key) if isinstance(value, dict) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else js_string(value)


def _env_file_names(load: PluginLoad, settings: dict, env: str) -> list[str]:
    path = settings.get("path")
    if js_truthy(path):
        return [_text(p) for p in path] if isinstance(path, list) else [_text(path)]
    base = _text(settings.get("basePath")) if js_truthy(settings.get("basePath")) else ""
    # `env !== 'test' && '.env.local'` is `false` for env test, and `basePath + false` is "…false".
    candidates = [f".env.{env}.local", f".env.{env}", ".env.local" if env != "test" else "false", ".env"]
    return [base + name for name in candidates
            if load.exists(load.service_file(base + name, _SETTINGS + ("basePath",)))]


def _parse_env_files(load: PluginLoad, names: list[str], settings: dict) -> dict[str, str]:
    merged: dict[str, str] = {}
    for name in names:
        if name.startswith("~"):  # dotenv reads it from the home directory
            raise load.error(_SETTINGS + ("path",), f"{name} is in the home directory: promotelint reads only "
                             "the repository's files", "keep the file inside the repository")
        file = load.service_file(name, _SETTINGS + ("path",))
        if not load.exists(file):
            continue  # dotenv.config returns the error, and no values
        try:
            expand = js_truthy(settings.get("variableExpansion"))
            merged.update(dotenv_load(load.read_text(file), load.env, expand=expand))
        except ExpansionError as exc:
            raise _PluginError(f"{name}: {exc}") from None
    return merged


def _check_required(load: PluginLoad, settings: dict, variables: dict[str, str]) -> None:
    required = _get(settings.get("required"), "env") or []
    if not isinstance(required, list):
        raise _PluginError("custom.dotenv.required.env is not a list ((this.config.required.env || [])"
                           ".filter is not a function)")
    missing = [_text(name) for name in required if not (variables.get(_text(name)) or load.env.get(_text(name)))]
    if missing:
        raise _Halt(f"Missing the following required environment variables: {','.join(missing)}")


def _includes(container: Any, key: str, setting: str) -> bool:
    """JavaScript `container.includes(key)`: a list has it, a string contains it."""
    if isinstance(container, list):
        return key in container
    if isinstance(container, str):
        return key in container
    raise _PluginError(f"custom.dotenv.{setting} is neither a list nor a string ({setting}.includes is "
                       "not a function)")


def _set_provider_env(provider: dict, settings: dict, variables: dict[str, str], secrets: set[str]) -> None:
    include = settings.get("include")
    exclude = settings.get("exclude") or []
    if include != "*":
        variables = {k: v for k, v in variables.items() if _includes(include, k, "include")}
    elif isinstance(exclude, (list, str)) and len(exclude) > 0:
        variables = {k: v for k, v in variables.items() if not _includes(exclude, k, "exclude")}
    environment = provider["environment"]
    # An environment only known at deploy time (`${ssm:...}`) is still a string when the plugin
    # runs: setting keys on it fails, and the plugin carries on without its variables.
    if isinstance(environment, dict) and not is_opaque(environment):
        environment.update(variables)
        secrets.update(variables.values())  # a .env file's values: the reports mask them


PLUGIN = Plugin("serverless-dotenv-plugin", ">=6.0.0 <7", load=load_env)
