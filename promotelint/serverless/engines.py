"""The engines a team runs to package a serverless.yml, and what each one changes in the template.

Serverless Framework v3 (its last release, 3.40.0, is what the compiler ports), the community fork
osls (npm `osls`: a drop-in v3 successor) and Serverless Framework v4 compile the same serverless.yml
into different templates. An Engine is the frozen description of one of them at one version: only the
facts that differ, each read from that engine's own source (the npm tarball of each release, and for
v4 packages/serverless and packages/sf-core of serverless/serverless). The compiler receives it as an
argument; promotelint.io chooses it (the framework package installed for the service, else
`frameworkVersion`, else v3).

Facts that changed between releases are keyed by the first release that has them, as seen in the
published packages. The npm registry skips some osls versions (3.56-3.58, 3.61, 3.64-3.76): for a
version inside such a gap where a fact changed, the compiler warns that it assumed the older value.
"""

from __future__ import annotations

import re

from promotelint.model.record import field, record, replace

ENGINES = ("v3", "osls", "v4")
# The version each engine is taken to be when only its name (or major) is known: the latest release
# modelled here. v3 is the framework's last release; `frameworkVersion: 4` auto-updates to v4's latest.
LATEST = {"v3": "3.40.0", "osls": "3.77.1", "v4": "4.43.0"}


@record
class Engine:
    """One engine at one version: the template-changing facts where it departs from v3.40."""

    name: str = "v3"  # v3 | osls | v4
    version: str = "3.40.0"  # the release modelled (when only the engine is known: its LATEST)
    # The runtime of a function that sets none, provider.runtime included (provider.js getRuntime).
    default_runtime: str = "nodejs16.x"
    # The framework's own custom-resource Lambda (custom-resources/index.js): its runtime, whether it
    # takes a nodejs provider runtime instead (osls >= 3.48), and provider.architecture (osls 3.77).
    custom_resource_runtime: str = "nodejs18.x"
    custom_resource_follows_provider: bool = False
    custom_resource_architecture: bool = False
    # A function URL with `authorizer: NONE` also gets a lambda:InvokeFunction permission with
    # InvokedViaFunctionUrl (AWS's 2025 change): the permission's logical-ID suffix, or None.
    url_invoke_permission: str | None = None
    # .env files: "useDotenv" (v3, osls: only with `useDotenv: true`; .env.<stage>, else .env;
    # expanded) or "always" (v4: .env.<stage> then .env, first value wins, not expanded).
    dotenv: str = "useDotenv"
    stage_params: bool = False  # v4: `stages.<stage>.params` beside `params.<stage>`
    builtin_plugins: bool = False  # v4 bundles plugins, active by config (builtin_plugins below)
    # provider.role / iamRoleStatements / iamManagedPolicies / rolePermissionsBoundary / cfnRole:
    # "supported", "deprecated" (osls 4: a warning; removal delayed to osls 5, osls#286), "removed".
    provider_iam_keys: str = "supported"
    # The schema's awsLambdaRuntime enum: with `configValidationMode: error` any other runtime makes
    # the engine refuse the service (osls dropped the deprecated runtimes from it).
    runtimes: tuple[str, ...] = ()
    # Settings this engine compiles (v3.40 only warns about them) that promotelint does not model:
    # each present one is named in a warning, so the prediction is never silently short.
    unmodelled: tuple[str, ...] = ()
    chosen_by: str = "default"  # how it was chosen: --engine, a package.json path, frameworkVersion
    version_known: bool = True  # False: only the engine was named, LATEST[name] is modelled
    notes: tuple[str, ...] = field(default=(), compare=False)  # warnings about the choice itself

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def _runtimes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_V3_38 = "dotnet6 go1.x java17 java11 java8 java8.al2 nodejs14.x nodejs16.x nodejs18.x nodejs20.x provided provided.al2 " \
    "provided.al2023 python3.7 python3.8 python3.9 python3.10 python3.11 ruby2.7 ruby3.2"
_V3_40 = _V3_38.replace("java17", "java21 java17")
_OSLS_62 = "dotnet6 dotnet8 dotnet9 dotnet10 go1.x java21 java17 java11 java8 java8.al2 nodejs14.x nodejs16.x nodejs18.x " \
    "nodejs20.x nodejs22.x nodejs24.x provided provided.al2 provided.al2023 python3.7 python3.8 python3.9 python3.10 " \
    "python3.11 python3.12 python3.13 python3.14 ruby2.7 ruby3.2 ruby3.3 ruby3.4"
_OSLS_77 = "dotnet8 dotnet9 dotnet10 java25 java21 java17.al2023 java17 java11.al2023 java11 java8.al2023 java8.al2 " \
    "nodejs20.x nodejs22.x nodejs24.x provided.al2 provided.al2023 python3.10 python3.11 python3.12 python3.13 " \
    "python3.14 ruby3.3 ruby3.4 ruby4.0"
_V4 = _OSLS_62.replace("dotnet8 dotnet9", "dotnet8").replace("java21", "java25 java21") + " ruby4.0"
V3 = Engine(runtimes=_runtimes(_V3_40))
# osls functions.js (Ipv6AllowedForDualStack 3.44.2, LoggingConfig 3.59.2, RecursiveLoop 3.63.2) and
# naming.js getHttpApiDescription (3.49.0); v4: its schema's function and provider properties that
# v3.40's lacks (packages/serverless/lib/plugins/aws/provider.js).
_OSLS_44 = ("provider.vpc.ipv6AllowedForDualStack", "functions.*.vpc.ipv6AllowedForDualStack")
_OSLS_49 = _OSLS_44 + ("provider.httpApi.description",)
_OSLS_59 = _OSLS_49 + ("functions.*.logs", "provider.logs.lambda")
_V4_SETTINGS = ("functions.*.recursiveLoop", "functions.*.iam", "functions.*.capacityProvider",
                "functions.*.durableConfig", "functions.*.tenancy", "provider.capacityProviders", "provider.domain",
                "provider.domains")

# (first release with the facts, the last release seen without them, facts). The facts accumulate.
_HISTORY: dict[str, tuple[tuple[str, str | None, dict], ...]] = {
    "v3": (
        ("3.0.0", None, dict(default_runtime="nodejs14.x", custom_resource_runtime="nodejs16.x",
                             runtimes=_runtimes(_V3_38))),
        ("3.39.0", "3.38.0", dict(default_runtime="nodejs16.x", custom_resource_runtime="nodejs18.x",
                                  runtimes=_runtimes(_V3_40))),
    ),
    "osls": (
        ("3.40.2", None, dict()),  # forked from v3.40
        ("3.41.0", None, dict(runtimes=_runtimes(_V3_40.replace("dotnet6", "dotnet6 dotnet8") + " python3.12 ruby3.3"))),
        ("3.42.0", None, dict(runtimes=_runtimes(_V3_40.replace("dotnet6", "dotnet6 dotnet8")
                                                 + " python3.12 python3.13 ruby3.3"))),
        ("3.43.0", None, dict(runtimes=_runtimes(_OSLS_62.replace(" dotnet9 dotnet10", "").replace(" nodejs24.x", "")
                                                 .replace(" python3.14", "").replace(" ruby3.4", "")))),
        ("3.44.2", "3.44.1", dict(unmodelled=_OSLS_44)),
        ("3.48.0", "3.47.0", dict(default_runtime="nodejs18.x", custom_resource_follows_provider=True)),
        ("3.49.0", "3.48.0", dict(unmodelled=_OSLS_49)),
        ("3.51.0", "3.50.0", dict(runtimes=_runtimes(_OSLS_62.replace(" dotnet9 dotnet10", "").replace(" nodejs24.x", "")
                                                     .replace(" python3.14", "")))),
        ("3.59.2", "3.55.0", dict(custom_resource_runtime="nodejs22.x", url_invoke_permission="LambdaPermissionFn",
                                  unmodelled=_OSLS_59)),
        ("3.60.0", "3.59.2", dict(runtimes=_runtimes(_OSLS_62.replace(" dotnet9 dotnet10", "").replace(" nodejs24.x", "")))),
        ("3.62.0", "3.60.0", dict(custom_resource_runtime="nodejs24.x", runtimes=_runtimes(_OSLS_62))),
        ("3.63.2", "3.62.1", dict(unmodelled=_OSLS_59 + ("functions.*.recursiveLoop",))),
        ("3.77.1", "3.63.2", dict(default_runtime="nodejs24.x", custom_resource_architecture=True,
                                  runtimes=_runtimes(_OSLS_77))),
        ("4.0.0", None, dict(provider_iam_keys="deprecated")),
        ("5.0.0", None, dict(provider_iam_keys="removed")),
    ),
    "v4": (
        ("4.0.0", None, dict(default_runtime="nodejs20.x", custom_resource_runtime="nodejs22.x",
                             url_invoke_permission="LambdaPermissionFnUrlInvokeFunction", dotenv="always",
                             stage_params=True, builtin_plugins=True, runtimes=_runtimes(_V4),
                             unmodelled=_OSLS_59 + _V4_SETTINGS)),
    ),
}


def version_tuple(version: str) -> tuple[int, ...]:
    """(major, minor, patch) of a version ("3.77.1", "4": 4.0.0; a pre-release counts as its release)."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("-")[0])[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))


def engine(name: str, version: str | None = None, chosen_by: str = "default") -> Engine:
    """The engine `name` at `version` (None: its latest release modelled here)."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}")
    known, version = version is not None, version or LATEST[name]
    wanted = version_tuple(version)
    facts: dict = {}
    notes: list[str] = []
    for since, seen_before, changes in _HISTORY[name]:
        if wanted >= version_tuple(since):
            facts.update(changes)
        elif seen_before and wanted > version_tuple(seen_before):
            notes.append(f"{name} {version}: no release between {seen_before} and {since} was published to "
                         f"check ({', '.join(changes)} changed there); the {seen_before} values are assumed")
    return replace(V3, name=name, version=version, chosen_by=chosen_by, notes=tuple(notes), version_known=known,
                   **facts)


def refuses_framework_version(engine: Engine, declared: str) -> bool:
    """The framework refuses a service whose `frameworkVersion` range its own version does not
    satisfy (lib/classes/service.js; osls too). With only the engine known, any release of its major
    will do. v4 is left alone (its installer picks the framework to run)."""
    if engine.name == "v4":
        return False
    major = version_tuple(engine.version)[0]
    candidates = [engine.version]
    if not engine.version_known:  # the versions the range itself names, of the engine's major, and its ends
        named = [".".join(map(str, version_tuple(v))) for v in re.findall(r"\d+(?:\.\d+){0,2}", declared)]
        candidates += [v for v in named if version_tuple(v)[0] == major] + [f"{major}.0.0", f"{major}.999.999"]
    results = [satisfies(v, declared) for v in candidates]
    return None not in results and not any(results)


# v4's bundled plugins (packages/serverless/lib/classes/plugin-manager.js bundledPluginDefinitions and
# each plugin's shouldLoad / hooks), as the npm package whose compiler they share, when they change
# the packaged template. The prune plugin and the domains plugin act after deploy, esbuild on the
# code; python-requirements changes the template only with its `layer` option (python/lib/layer.js).
def builtin_plugins(config: dict) -> tuple[str, ...]:
    """The v4 bundled plugins the config activates, by the npm name of the plugin they replace."""
    custom = config.get("custom") if isinstance(config.get("custom"), dict) else {}
    active = []
    if custom.get("alerts"):  # alerts/index.js compile(): nothing without custom.alerts
        active.append("serverless-plugin-aws-alerts")
    proxies = custom.get("apiGatewayServiceProxies")  # shouldLoad: present, or a true boolean
    if proxies is not None and proxies is not False:
        active.append("serverless-apigateway-service-proxy")
    if config.get("appSync"):  # appsync/index.js shouldLoad: top-level appSync (the plugin's v2 syntax)
        active.append("serverless-appsync-plugin")
    python = custom.get("pythonRequirements")
    if isinstance(python, dict) and python.get("enabled") is not False and python.get("layer"):
        active.append("serverless-python-requirements")
    return tuple(active)


def active_plugins(config: dict, engine: Engine) -> list[str]:
    """The plugins that run for the service: those its `plugins:` lists, in order (the framework
    loads and runs them in that order), then for v4 the bundled ones its config activates."""
    from promotelint.serverless.plugins import listed_plugins

    names = listed_plugins(config)
    if engine.builtin_plugins:
        names += [name for name in builtin_plugins(config) if name not in names]
    return names


# The IAM settings directly under `provider`, moved under provider.iam in v3 (osls 4 warns about
# them; their removal was put off to osls 5: oss-serverless/osls#286).
PROVIDER_IAM_KEYS = {"role": "iam.role", "rolePermissionsBoundary": "iam.role.permissionsBoundary",
                     "iamManagedPolicies": "iam.role.managedPolicies", "iamRoleStatements": "iam.role.statements",
                     "cfnRole": "iam.deploymentRole"}


def satisfies(version: str, declared: str) -> bool | None:
    """npm semver's `satisfies(version, range)` for the ranges services write in `frameworkVersion`
    ("3", "^3.38.0", "~3.1", ">=2.24.0 <4", "3.x", "*", alternatives with ||); None for a range
    this does not read (nothing is refused then)."""
    wanted = version_tuple(version)
    alternatives = []
    for alternative in declared.split("||"):
        bounds = []
        for part in alternative.split() or ["*"]:
            m = re.fullmatch(r"(\^|~|>=|<=|>|<|=)?v?(\*|x|\d+)(?:\.(\*|x|\d+))?(?:\.(\*|x|\d+))?", part)
            if not m:
                return None
            op, parts = m.group(1) or "", [p for p in m.groups()[1:] if p not in (None, "*", "x")]
            numbers = [int(p) for p in parts]
            if not numbers:
                continue  # *, x: any version
            low = tuple(numbers + [0] * (3 - len(numbers)))
            # the first version past the range a partial or caret/tilde version names
            cut = len(numbers) - 1 if len(numbers) < 3 else 2
            if op == "^":
                cut = next((i for i, n in enumerate(numbers) if n), len(numbers) - 1)
            elif op == "~":
                cut = min(len(numbers) - 1, 1)
            past = tuple(low[:cut] + (low[cut] + 1,) + (0,) * (2 - cut))
            exact = len(numbers) == 3 and op in ("", "=", ">", "<=")
            if op in ("", "=", "^", "~"):
                bounds.append(wanted == low if exact else low <= wanted < past)
            elif op in (">=", "<"):
                bounds.append((wanted >= low) == (op == ">="))
            else:  # > and <= a partial version ("> 3") mean past it / not past it
                bounds.append((wanted > low if exact else wanted >= past) == (op == ">"))
        alternatives.append(all(bounds))
    return any(alternatives)
