"""serverless-appsync-plugin 1.x (`custom.appSync`), ported from its src/ at 1.14.0.

One hook, `after:aws:package:finalize:mergeCustomProviderResources` -> addResources: for each API
(`custom.appSync` is one API, or a list of them) index.js addResource assigns, in this order, into
the template's Resources (a logical ID that is already there is replaced in place, as
Object.assign does):

    getGraphQlApiEndpointResource  GraphQlApi, its LambdaAuthorizerPermission, its LogGroup
    getApiKeyResources             GraphQlApiKey<name> (when API_KEY is the auth or an additional one)
    getCloudWatchLogsRole          GraphQlApiCloudWatchLogsPolicy/-Role (logConfig without a role)
    getWafResources                GraphQlWaf, GraphQlWafAssoc (v1_waf)
    getApiCachingResource          GraphQlCaching
    getGraphQLSchemaResource       GraphQlSchema (schema.py: the merged, cleaned schema files)
    getDataSourceIamRolesResouces  GraphQlDs<name>Role
    getDataSourceResources         GraphQlDs<name>
    getFunctionConfigurationResources  GraphQlFunctionConfiguration<name>
    getResolverResources           GraphQlResolver<type><field>

and the outputs GraphQlApiKey<name>, GraphQlApiId, GraphQlApiUrl. With `apiId:` (an API made
elsewhere) the first four are skipped. Several APIs prefix every logical ID with the API's name.

What is not a function of the config:
- an API key's `Expires` is the deploy hour plus a duration (moment.utc()): an opaque value here
  whose text is the duration (`expiresAfter`, 365 days by default), so it changes only when the
  config does; `expiresAt` is a date, computed exactly;
- a `schema:` glob: the files it matches are not listed offline; the schema is then an unseen part.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from promotelint.model.opaque import opaque
from promotelint.model.template import UnseenPart
from promotelint.parse.graphql import GraphQLSyntaxError
from promotelint.serverless.context import CompileContext
from promotelint.serverless.naming import get_lambda_logical_id
from promotelint.serverless.plugins.appsync.common import UNDEFINED as _UNDEFINED
from promotelint.serverless.plugins.appsync.common import either as _or
from promotelint.serverless.plugins.appsync.common import key_of as _get
from promotelint.serverless.plugins.appsync.common import props as _props
from promotelint.serverless.plugins.appsync.common import truthy as _truthy
from promotelint.serverless.plugins.appsync.common import (
    NAME, PluginError, appsync_role, cfn_name, key_expiry, read_service_file, substituted,
)
from promotelint.serverless.plugins.appsync.schema import Unmerged, clean_comments, merged_schema
from promotelint.serverless.unmodelled import fingerprint

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_AUTH_TYPES = ("API_KEY", "AWS_IAM", "AMAZON_COGNITO_USER_POOLS", "OPENID_CONNECT", "AWS_LAMBDA")
_GLOB = re.compile(r"[*?[\]{}!()]")
SECTION = ("custom", "appSync")


def api_configs(ctx: CompileContext) -> list[tuple[tuple, dict]]:
    """get-config.js: the APIs (config path, config) with its defaults, validated."""
    raw = ctx.config.get("custom", {}).get("appSync") if isinstance(ctx.config.get("custom"), dict) else None
    if not raw:
        return []
    if isinstance(raw, list):
        return [(SECTION + (i,), _api_config(ctx, c, SECTION + (i,), single=False)) for i, c in enumerate(raw)]
    return [(SECTION, _api_config(ctx, raw, SECTION, single=True))]


def _api_config(ctx: CompileContext, config: Any, path: tuple, single: bool) -> dict:
    if not isinstance(config, dict):
        raise PluginError("appSync property `authenticationType` is missing or invalid.", path)
    auth = config.get("authenticationType", _UNDEFINED)
    if auth not in _AUTH_TYPES and not _truthy(config.get("apiId", _UNDEFINED)):
        raise PluginError("appSync property `authenticationType` is missing or invalid.", path)
    needs = {"AMAZON_COGNITO_USER_POOLS": "userPoolConfig", "AWS_LAMBDA": "lambdaAuthorizerConfig",
             "OPENID_CONNECT": "openIdConnectConfig"}
    if auth in needs and not _truthy(config.get(needs[auth], _UNDEFINED)):
        raise PluginError(f"appSync property `{needs[auth]}` is required when authenticationType `{auth}` is chosen.",
                          path)
    log = config.get("logConfig", _UNDEFINED)
    if _truthy(log) and not _truthy(_get(log, "level")):
        raise PluginError("logConfig property `level` must be NONE, ERROR, or ALL when logConfig exists.", path)
    if _truthy(config.get("substitutions", _UNDEFINED)) and not isinstance(config["substitutions"], (dict, list)):
        raise PluginError("substitutions property must be an object", path)
    if _truthy(config.get("xrayEnabled", _UNDEFINED)) and not isinstance(config["xrayEnabled"], bool):
        raise PluginError("xrayEnabled must be a boolean", path)
    location = _or(config.get("mappingTemplatesLocation", _UNDEFINED), "mapping-templates")
    out = dict(config)
    out.update(
        name=_or(config.get("name", _UNDEFINED), "api"),
        region=ctx.region,
        additionalAuthenticationProviders=_or(config.get("additionalAuthenticationProviders", _UNDEFINED), []),
        schema=_schema(ctx, config, path),
        dataSources=_data_sources(config.get("dataSources", _UNDEFINED)),
        defaultMappingTemplates=_or(config.get("defaultMappingTemplates", _UNDEFINED), {}),
        mappingTemplatesLocation=location,
        mappingTemplates=_or(config.get("mappingTemplates", _UNDEFINED), []),
        functionConfigurationsLocation=_or(config.get("functionConfigurationsLocation", _UNDEFINED), location),
        functionConfigurations=_or(config.get("functionConfigurations", _UNDEFINED), []),
        substitutions=_or(config.get("substitutions", _UNDEFINED), {}),
        xrayEnabled=_or(config.get("xrayEnabled", _UNDEFINED), False),
        isSingleConfig=single,
        _path=path,
    )
    return out


def _schema(ctx: CompileContext, config: dict, path: tuple) -> Any:
    """The merged schema text, or an opaque value (and an unseen part) when it cannot be read offline."""
    schema = config.get("schema", _UNDEFINED)
    files = schema if isinstance(schema, list) else [_or(schema, "schema.graphql")]
    if any(not isinstance(f, str) for f in files):
        raise PluginError("schema must be a path or a list of paths", path + ("schema",))
    why = None
    if any(_GLOB.search(f) for f in files):
        why = "a schema glob (its files are not listed offline)"
    else:
        texts = []
        for f in files:
            text = read_service_file(ctx, f, path + ("schema",), missing_ok=True)
            if text is not None:  # globby returns nothing for a file that is not there
                texts.append(text)
            else:
                ctx.warn(f"{NAME}: schema file {f} does not exist: its API gets an empty schema")
        try:
            return merged_schema(texts)
        except GraphQLSyntaxError as exc:
            raise PluginError(f"schema: {exc} (line {exc.line} of one of {', '.join(files)})", path + ("schema",))
        except Unmerged as exc:
            why = f"the schema files are merged by @graphql-tools/merge ({exc})"
    ctx.unseen.append(UnseenPart(NAME, ".".join(map(str, path + ("schema",))), fingerprint(files),
                                 ctx.origin(path + ("schema",)), False))
    ctx.warn(f"{NAME}: {why}: promotelint does not model it; a change there is an unseen part")
    return opaque(f"appsync schema {' '.join(files)}")


def _data_sources(value: Any) -> list[dict]:
    def named(mapping: Any) -> list[dict]:  # objectToArrayWithNameProp
        if not isinstance(mapping, dict):
            return []
        return [{"name": key, **(item if isinstance(item, dict) else {})} for key, item in mapping.items()]

    if isinstance(value, list):
        out: list[dict] = []
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(item)
            else:
                out.extend(named(item))
        return out
    return named(value)


def _flat(items: Any) -> list:
    """`items.reduce((acc, x) => acc.concat(x), [])`: one level of nested lists flattened."""
    out: list = []
    for item in items if isinstance(items, list) else []:
        out.extend(item if isinstance(item, list) else [item])
    return out


class _Api:
    """One API's resources (index.js, the methods of ServerlessAppsyncPlugin)."""

    def __init__(self, ctx: CompileContext, config: dict) -> None:
        self.ctx, self.c, self.path = ctx, config, config["_path"]

    def id(self, resource_type: str) -> str:  # getLogicalId
        if self.c["isSingleConfig"]:
            return cfn_name(resource_type)
        name = str(self.c["name"])
        return cfn_name(name[:1].upper() + name[1:] + resource_type)

    def api_id(self) -> Any:
        return _or(self.c.get("apiId", _UNDEFINED), {"Fn::GetAtt": [self.id("GraphQlApi"), "ApiId"]})

    def lambda_arn(self, config: Any) -> Any:  # getLambdaArn
        if _truthy(config) and _truthy(_get(config, "lambdaFunctionArn")):
            return config["lambdaFunctionArn"]
        if _truthy(config) and _truthy(_get(config, "functionName")):
            arn = {"Fn::GetAtt": [get_lambda_logical_id(str(config["functionName"])), "Arn"]}
            alias = config.get("functionAlias", _UNDEFINED)
            return {"Fn::Join": [":", [arn, alias]]} if _truthy(alias) else arn
        raise PluginError("You must specify either `lambdaFunctionArn` or `functionName` for lambda resolvers.",
                          self.path)

    def add(self, logical_id: str, resource: dict, where: tuple = ()) -> None:
        self.ctx.add_resource(logical_id, resource, self.path + where)

    # -- the API
    def api(self) -> None:
        c, api = self.c, self.id("GraphQlApi")
        if c.get("authenticationType") == "AMAZON_COGNITO_USER_POOLS":
            action = _get(c["userPoolConfig"], "defaultAction")
            if not _truthy(action):
                raise PluginError("userPoolConfig defaultAction is required", self.path)
            if action not in ("ALLOW", "DENY"):
                raise PluginError("userPoolConfig defaultAction must be either ALLOW or DENY", self.path)
        log = c.get("logConfig", _UNDEFINED)
        tags = c.get("tags", _UNDEFINED)
        self.add(api, {"Type": "AWS::AppSync::GraphQLApi", "Properties": _props(
            Name=c["name"],
            AuthenticationType=c.get("authenticationType", _UNDEFINED),
            AdditionalAuthenticationProviders=[self.auth_provider(p) for p in c["additionalAuthenticationProviders"]],
            UserPoolConfig=self.user_pool(c) if c.get("authenticationType") == "AMAZON_COGNITO_USER_POOLS" else _UNDEFINED,
            LambdaAuthorizerConfig=self.lambda_authorizer(c) if c.get("authenticationType") == "AWS_LAMBDA" else _UNDEFINED,
            OpenIDConnectConfig=self.oidc(c) if c.get("authenticationType") == "OPENID_CONNECT" else _UNDEFINED,
            LogConfig=_UNDEFINED if not _truthy(log) else _props(
                CloudWatchLogsRoleArn=_or(_get(log, "loggingRoleArn"),
                                          {"Fn::GetAtt": [self.id("GraphQlApiCloudWatchLogsRole"), "Arn"]}),
                FieldLogLevel=_get(log, "level"),
                ExcludeVerboseContent=_get(log, "excludeVerboseContent")),
            XrayEnabled=c["xrayEnabled"],
            Tags=_UNDEFINED if not _truthy(tags) else self.tags()),
        })
        lambda_config = next((p for p in [c, *c["additionalAuthenticationProviders"]]
                              if isinstance(p, dict) and p.get("authenticationType") == "AWS_LAMBDA"), None)
        if lambda_config is not None:
            self.add(f"{api}LambdaAuthorizerPermission", {"Type": "AWS::Lambda::Permission", "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": self.lambda_arn(lambda_config.get("lambdaAuthorizerConfig", _UNDEFINED)),
                "Principal": "appsync.amazonaws.com", "SourceArn": {"Ref": api}}})
        if _truthy(log) and _truthy(_get(log, "level")):
            self.add(f"{api}LogGroup", {"Type": "AWS::Logs::LogGroup", "Properties": _props(
                LogGroupName={"Fn::Join": ["/", ["/aws/appsync/apis", {"Fn::GetAtt": [api, "ApiId"]}]]},
                RetentionInDays=self.ctx.provider.get("logRetentionInDays", _UNDEFINED))})

    def tags(self) -> list:
        tags = self.c["tags"]
        return [{"Key": k, "Value": v} for k, v in tags.items()] if isinstance(tags, dict) else []

    def user_pool(self, provider: dict) -> dict:
        pool = provider["userPoolConfig"]
        out = {"AwsRegion": _or(_get(pool, "awsRegion"), self.c["region"]), "UserPoolId": _get(pool, "userPoolId"),
               "AppIdClientRegex": _get(pool, "appIdClientRegex")}
        if _truthy(_get(pool, "defaultAction")):
            out["DefaultAction"] = pool["defaultAction"]
        return {k: v for k, v in out.items() if v is not _UNDEFINED}

    def oidc(self, provider: dict) -> dict:
        oidc = provider.get("openIdConnectConfig", _UNDEFINED)
        return _props(Issuer=_get(oidc, "issuer"), ClientId=_get(oidc, "clientId"), IatTTL=_get(oidc, "iatTTL"),
                      AuthTTL=_get(oidc, "authTTL"))

    def lambda_authorizer(self, provider: dict) -> dict:
        config = provider.get("lambdaAuthorizerConfig", _UNDEFINED)
        return _props(AuthorizerUri=self.lambda_arn(config),
                      IdentityValidationExpression=_get(config, "identityValidationExpression"),
                      AuthorizerResultTtlInSeconds=_get(config, "authorizerResultTtlInSeconds"))

    def auth_provider(self, provider: Any) -> dict:  # mapAuthenticationProvider
        auth = _get(provider, "authenticationType")
        return _props(AuthenticationType=auth,
                      UserPoolConfig=self.user_pool(provider) if auth == "AMAZON_COGNITO_USER_POOLS" else _UNDEFINED,
                      OpenIDConnectConfig=self.oidc(provider) if auth == "OPENID_CONNECT" else _UNDEFINED,
                      LambdaAuthorizerConfig=self.lambda_authorizer(provider) if auth == "AWS_LAMBDA" else _UNDEFINED)

    # -- API keys
    def has_api_key_auth(self) -> bool:
        return self.c.get("authenticationType") == "API_KEY" or any(
            isinstance(p, dict) and p.get("authenticationType") == "API_KEY"
            for p in self.c["additionalAuthenticationProviders"])

    def api_keys(self) -> list[dict]:  # getApiKeys
        keys = self.c.get("apiKeys", _UNDEFINED)
        if not _truthy(keys):
            return [{"name": "Default", "description": "Auto-generated api key"}]
        if not isinstance(keys, list):
            raise PluginError("apiKeys must be an array.", self.path + ("apiKeys",))
        out, unnamed = [], 1
        for item in keys:
            key = {"name": item} if isinstance(item, str) else dict(item) if isinstance(item, dict) else {}
            if not _truthy(key.get("name", _UNDEFINED)):
                key["name"] = f"Key{unnamed}"
                unnamed += 1
            out.append(key)
        return out

    def key_id(self, name: Any) -> str:
        return self.id("GraphQlApiKey" + str(name))

    def api_key_resources(self) -> None:
        if not self.has_api_key_auth():
            return
        for i, key in enumerate(self.api_keys()):
            self.add(self.key_id(key["name"]), {"Type": "AWS::AppSync::ApiKey", "Properties": _props(
                ApiId={"Fn::GetAtt": [self.id("GraphQlApi"), "ApiId"]},
                Description=_or(key.get("description", _UNDEFINED), key["name"]),
                Expires=key_expiry(key["name"], key.get("expiresAfter", _UNDEFINED), key.get("expiresAt", _UNDEFINED),
                                   naive_is_utc=True),
                ApiKeyId=key.get("apiKeyId", _UNDEFINED))}, ("apiKeys", i) if "apiKeys" in self.c else ())

    def api_key_outputs(self) -> None:
        if self.has_api_key_auth():
            for key in self.api_keys():
                lid = self.key_id(key["name"])
                self.ctx.add_output(lid, {"Value": {"Fn::GetAtt": [lid, "ApiKey"]}}, self.path)

    # -- logging, caching, schema
    def cloudwatch_logs_role(self) -> None:
        log = self.c.get("logConfig", _UNDEFINED)
        if not _truthy(log) or _truthy(_get(log, "loggingRoleArn")):
            return
        role = self.id("GraphQlApiCloudWatchLogsRole")
        self.add(self.id("GraphQlApiCloudWatchLogsPolicy"), {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": f"{role}Policy", "Roles": [{"Ref": role}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [{"Fn::GetAtt": [f"{self.id('GraphQlApi')}LogGroup", "Arn"]}]}]}}}, ("logConfig",))
        self.add(role, {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": appsync_role()}},
                 ("logConfig",))

    def caching(self) -> None:
        caching = self.c.get("caching", _UNDEFINED)
        if not _truthy(caching):
            return
        self.add(self.id("GraphQlCaching"), {"Type": "AWS::AppSync::ApiCache", "Properties": _props(
            ApiCachingBehavior=_get(caching, "behavior"), ApiId=self.api_id(),
            AtRestEncryptionEnabled=_or(_get(caching, "atRestEncryption"), False),
            TransitEncryptionEnabled=_or(_get(caching, "transitEncryption"), False),
            Ttl=_or(_get(caching, "ttl"), 3600), Type=_or(_get(caching, "type"), "T2_SMALL"))}, ("caching",))

    def schema(self) -> None:
        schema = self.c["schema"]
        if isinstance(schema, str):
            schema = clean_comments(schema, _truthy(self.c.get("allowHashDescription", _UNDEFINED)))
        self.add(self.id("GraphQlSchema"), {"Type": "AWS::AppSync::GraphQLSchema", "Properties": {
            "Definition": schema, "ApiId": self.api_id()}}, ("schema",))

    # -- resolvers and pipeline functions
    def template(self, location: Any, tpl: dict, which: str, default_name: str, where: tuple) -> Any:
        """The request/response mapping template of a resolver or function, _UNDEFINED when `false`."""
        given = tpl[which] if which in tpl else self.c["defaultMappingTemplates"].get(which, _UNDEFINED) \
            if isinstance(self.c["defaultMappingTemplates"], dict) else _UNDEFINED
        if given is False:
            return _UNDEFINED
        file = posixpath.normpath(posixpath.join(str(location), given if _truthy(given) else default_name))
        text = read_service_file(self.ctx, file, self.path + where)
        return substituted(text, {**_mapping(self.c["substitutions"]), **_mapping(tpl.get("substitutions"))})

    def sync_config(self, tpl: dict) -> Any:
        sync = tpl.get("sync", _UNDEFINED)
        if sync is True:
            return {"ConflictDetection": "VERSION"}
        if isinstance(sync, dict):
            out = _props(ConflictDetection=sync.get("conflictDetection", _UNDEFINED),
                         ConflictHandler=sync.get("conflictHandler", _UNDEFINED))
            if sync.get("conflictHandler") == "LAMBDA":
                out["LambdaConflictHandlerConfig"] = {"LambdaConflictHandlerArn": self.lambda_arn(sync)}
            return out
        return _UNDEFINED

    def function_configurations(self) -> None:
        for i, tpl in enumerate(_flat(self.c["functionConfigurations"])):
            where = ("functionConfigurations", i)
            name = cfn_name(_get(tpl, "name"))
            props = _props(ApiId=self.api_id(), Name=name,
                           DataSourceName={"Fn::GetAtt": [self.id(_ds_id(_get(tpl, "dataSource"))), "Name"]},
                           Description=tpl.get("description", _UNDEFINED), FunctionVersion="2018-05-29",
                           SyncConfig=self.sync_config(tpl))
            if _truthy(tpl.get("maxBatchSize", _UNDEFINED)):
                props["MaxBatchSize"] = tpl["maxBatchSize"]
            location = self.c["functionConfigurationsLocation"]
            for which, prop in (("request", "RequestMappingTemplate"), ("response", "ResponseMappingTemplate")):
                value = self.template(location, tpl, which, f"{tpl['name']}.{which}.vtl", where)
                if value is not _UNDEFINED:
                    props[prop] = value
            self.add(self.id(f"GraphQlFunctionConfiguration{name}"),
                     {"Type": "AWS::AppSync::FunctionConfiguration", "Properties": props}, where)

    def resolvers(self) -> None:
        caching = self.c.get("caching", _UNDEFINED)
        for i, tpl in enumerate(_flat(self.c["mappingTemplates"])):
            where = ("mappingTemplates", i)
            type_, field = _get(tpl, "type"), _get(tpl, "field")
            props = _props(ApiId=self.api_id(), TypeName=type_, FieldName=field)
            if _truthy(tpl.get("maxBatchSize", _UNDEFINED)):
                props["MaxBatchSize"] = tpl["maxBatchSize"]
            for which, prop in (("request", "RequestMappingTemplate"), ("response", "ResponseMappingTemplate")):
                value = self.template(self.c["mappingTemplatesLocation"], tpl, which, f"{type_}.{field}.{which}.vtl",
                                      where)
                if value is not _UNDEFINED:
                    props[prop] = value
            if _truthy(caching):
                ttl = _or(_get(caching, "ttl"), 3600)
                if tpl.get("caching") is True:
                    props["CachingConfig"] = {"Ttl": ttl}
                elif isinstance(tpl.get("caching"), dict):
                    props["CachingConfig"] = _props(CachingKeys=tpl["caching"].get("keys", _UNDEFINED),
                                                    Ttl=_or(tpl["caching"].get("ttl", _UNDEFINED), ttl))
            sync = self.sync_config(tpl)
            if sync is not _UNDEFINED:
                props["SyncConfig"] = sync
            if tpl.get("kind") == "PIPELINE":
                functions = _get(tpl, "functions")
                props["Kind"] = "PIPELINE"
                props["PipelineConfig"] = {"Functions": [
                    {"Fn::GetAtt": [self.id(f"GraphQlFunctionConfiguration{cfn_name(f)}"), "FunctionId"]}
                    for f in (functions if isinstance(functions, list) else [])]}
            else:
                props["Kind"] = "UNIT"
                props["DataSourceName"] = {"Fn::GetAtt": [self.id(_ds_id(tpl.get("dataSource"))), "Name"]}
            self.add(self.id(f"GraphQlResolver{cfn_name(type_)}{cfn_name(field)}"), {
                "Type": "AWS::AppSync::Resolver", "DependsOn": self.id("GraphQlSchema"), "Properties": props}, where)

    def outputs(self) -> None:
        api, api_id = self.id("GraphQlApi"), self.id("GraphQlApiId")
        self.ctx.add_output(api_id, {"Value": self.api_id(),
                                     "Export": {"Name": {"Fn::Sub": f"${{AWS::StackName}}-{api_id}"}}}, self.path)
        if not _truthy(self.c.get("apiId", _UNDEFINED)):
            url = self.id("GraphQlApiUrl")
            self.ctx.add_output(url, {"Value": {"Fn::GetAtt": [api, "GraphQLUrl"]},
                                      "Export": {"Name": {"Fn::Sub": f"${{AWS::StackName}}-{url}"}}}, self.path)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _ds_id(name: Any) -> str:  # getDataSourceCfnName
    return f"GraphQlDs{cfn_name(name)}"


def add_resources(ctx: CompileContext, data_sources: Callable[[_Api], None], waf: Callable[[_Api], None]) -> None:
    """addResources: every API of custom.appSync."""
    for _, config in api_configs(ctx):
        api = _Api(ctx, config)
        if _truthy(config.get("apiId", _UNDEFINED)):
            ctx.warn(f"{NAME}: apiId {config['apiId']}: the API itself is made elsewhere; its name, "
                     "authentication, logging, keys and WAF here are ignored, as the plugin ignores them")
        else:
            api.api()
            api.api_key_resources()
            api.cloudwatch_logs_role()
            waf(api)
            api.api_key_outputs()
        api.caching()
        api.schema()
        data_sources(api)
        api.function_configurations()
        api.resolvers()
        api.outputs()

