"""serverless-appsync-plugin 2.x (the top-level `appSync:`), ported from its lib/ at 2.13.0.

Its hook `before:package:initialize` loads the config (getAppSyncConfig.js), compiles the API
(resources/Api.js `compile`, lodash-merged in this order: the GraphQL API, the schema, the custom
domain, the log group and its role, the Lambda authorizer's permission, the WAF, the cache, the API
keys, the data sources and their roles, the pipeline functions, the resolvers) and merges the
result into the service's `resources.Resources` (after the user's own), and the functions it
embeds (`function:` in a data source, authorizer or sync config) into `functions:`, which the
framework then compiles like any other. v2 makes no outputs.

Logical IDs carry no API name (resources/Naming.js): `GraphQlApi`, `GraphQlApi<key name>` for a
key (v1 said `GraphQlApiKey<name>`: moving from 1.x to 2.x replaces every key), `GraphQlDs<name>`.

Not a function of the config, as in 1.x: a key's `Expires` (the deploy hour plus a duration: an
opaque value of the duration); a JS resolver bundled by esbuild (the default): an opaque value of
the entry file's text (what it imports is not followed). Not ported, so unseen parts: a
schema of several files (merged and printed by @graphql-tools/merge 8 + graphql 16), a schema
that redeclares AppSync's own directives or scalars (reprinted by graphql 16).
"""

from __future__ import annotations

import copy
import posixpath
import re

from promotelint.model.digest import sha256
from promotelint.model.opaque import is_opaque, opaque
from promotelint.model.template import UnseenPart
from promotelint.parse.graphql import GraphQLSyntaxError, parse_sdl
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_truthy, lodash_merge
from promotelint.serverless.naming import get_lambda_logical_id
from promotelint.serverless.plugins.appsync.common import UNDEFINED as _U
from promotelint.serverless.plugins.appsync.common import either as _or
from promotelint.serverless.plugins.appsync.common import key_of as _g
from promotelint.serverless.plugins.appsync.common import props as _p
from promotelint.serverless.plugins.appsync.common import truthy as _t
from promotelint.serverless.plugins.appsync.common import (
    NAME, PluginError, appsync_role, cfn_name, key_expiry, read_service_file, substituted,
)
from promotelint.serverless.unmodelled import fingerprint
from promotelint.serverless.values import drop_none

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

SECTION = ("appSync",)
DEFAULT_JS_RESOLVERS = ("\nexport function request() {\n  return {};\n}\n\nexport function response(ctx) {\n"
                        "  return ctx.prev.result;\n}\n")
# AppSync's own directives and scalars (Schema.js AWS_TYPES): a schema that redeclares one is reprinted.
_RESERVED = {"aws_iam", "aws_oidc", "aws_api_key", "aws_lambda", "aws_auth", "aws_cognito_user_pools",
             "aws_subscribe", "canonical", "hidden", "renamed", "AWSDate", "AWSTime", "AWSDateTime",
             "AWSTimestamp", "AWSEmail", "AWSJSON", "AWSURL", "AWSPhone", "AWSIPAddress"}


def _flatten_maps(value: Any) -> dict:
    """getAppSyncConfig flattenMaps: a list of maps lodash-merged into one."""
    out: dict = {}
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            lodash_merge(out, copy.deepcopy(item))
    return out


def _resource_name(name: str) -> str:  # toResourceName: the FIRST non-letter becomes `_`
    return re.sub(r"[^a-z_]", "_", name, count=1, flags=re.IGNORECASE)


def app_sync_config(raw: dict) -> dict:
    """getAppSyncConfig."""
    data_sources: dict = {}
    resolvers: dict = {}
    functions: dict = {}
    for name, ds in _flatten_maps(raw.get("dataSources")).items():
        data_sources[name] = {**(ds if isinstance(ds, dict) else {}), "name": name}
    for key, resolver in _flatten_maps(raw.get("resolvers")).items():
        type_, _, field = key.partition(".")
        field = field.split(".")[0] if field else _U
        if isinstance(resolver, str):
            resolvers[key] = {"dataSource": resolver, "kind": "UNIT", "type": type_, "field": field}
            continue
        if not isinstance(resolver, dict):
            raise PluginError(f"resolver {key} must be a data source name or a mapping", SECTION + ("resolvers",))
        unit = resolver.get("kind") == "UNIT"
        if unit and isinstance(resolver.get("dataSource"), dict):
            name = _resource_name(key)
            data_sources[name] = {**resolver["dataSource"], "name": name}
        out = {**resolver, "type": _or(resolver.get("type", _U), type_), "field": _or(resolver.get("field", _U), field)}
        if unit:
            out["kind"] = "UNIT"
            out["dataSource"] = _resource_name(key) if isinstance(resolver.get("dataSource"), dict) \
                else resolver.get("dataSource", _U)
        else:
            out["kind"] = "PIPELINE"
            steps = resolver.get("functions")
            if not isinstance(steps, list):
                raise PluginError(f"resolver {key}: Cannot read properties of undefined (reading 'map')",
                                  SECTION + ("resolvers",))
            names = []
            for index, f in enumerate(steps):
                if isinstance(f, str):
                    names.append(f)
                    continue
                f = f if isinstance(f, dict) else {}
                name = f"{_resource_name(key)}_{index}"
                functions[name] = {**f, "name": name,
                                   "dataSource": f["dataSource"] if isinstance(f.get("dataSource"), str) else name}
                if isinstance(f.get("dataSource"), dict):
                    data_sources[name] = {**f["dataSource"], "name": name}
                names.append(name)
            out["functions"] = names
        resolvers[key] = {k: v for k, v in out.items() if v is not _U}
    for name, func in _flatten_maps(raw.get("pipelineFunctions")).items():
        func = func if isinstance(func, dict) else {}
        if isinstance(func.get("dataSource"), dict):
            data_sources[name] = {**func["dataSource"], "name": name}
        functions[name] = {**func, "dataSource": func["dataSource"] if isinstance(func.get("dataSource"), str)
                           else name, "name": name}
    additional = _or(raw.get("additionalAuthentications", _U), [])
    keys = None
    if _g(raw.get("authentication"), "type") == "API_KEY" or any(
            isinstance(a, dict) and a.get("type") == "API_KEY" for a in additional):
        keys = {}
        for key in _or(raw.get("apiKeys", _U), []):
            if isinstance(key, str):
                keys[key] = {"name": key}
            elif isinstance(key, dict):
                keys[str(key.get("name"))] = key
    schema = raw.get("schema")
    return {**raw, "additionalAuthentications": additional, "apiKeys": keys,
            "schema": schema if isinstance(schema, list) else [_or(schema if schema is not None else _U,
                                                                   "schema.graphql")],
            "dataSources": data_sources, "resolvers": resolvers, "pipelineFunctions": functions}


class _Api:
    """resources/Api.js and the classes it uses."""

    def __init__(self, ctx: CompileContext, config: dict) -> None:
        self.ctx, self.c = ctx, config
        self.functions: dict[str, Any] = {}
        self.resources: dict[str, Any] = {}

    def merge(self, resources: dict) -> None:
        lodash_merge(self.resources, resources)

    @property
    def api_id(self) -> dict:
        return {"Fn::GetAtt": ["GraphQlApi", "ApiId"]}

    def lambda_arn(self, config: Any, embedded: str) -> Any:  # getLambdaArn
        if not isinstance(config, dict):
            raise PluginError("Cannot use 'in' operator to search for 'functionArn'")
        if "functionArn" in config:
            return config["functionArn"]
        if "functionName" in config:
            return self.generate_lambda_arn(config["functionName"], config.get("functionAlias", _U))
        if "function" in config:
            self.functions[embedded] = config["function"]
            return self.generate_lambda_arn(embedded)
        raise PluginError("You must specify either `functionArn`, `functionName` or `function` for lambda definitions.")

    @staticmethod
    def generate_lambda_arn(name: Any, alias: Any = _U) -> Any:
        arn = {"Fn::GetAtt": [get_lambda_logical_id(str(name)), "Arn"]}
        return {"Fn::Join": [":", [arn, alias]]} if _t(alias) else arn

    # -- the API
    def auth_provider(self, provider: Any, additional: bool = False) -> dict:
        kind = _g(provider, "type")
        out: dict = {"AuthenticationType": kind}
        config = provider.get("config", _U)
        if kind == "AMAZON_COGNITO_USER_POOLS":
            pool = _p(AwsRegion=_or(_g(config, "awsRegion"), {"Fn::Sub": "${AWS::Region}"}),
                      UserPoolId=_g(config, "userPoolId"), AppIdClientRegex=_g(config, "appIdClientRegex"))
            if not additional:
                pool["DefaultAction"] = _or(_g(config, "defaultAction"), "ALLOW")
            out["UserPoolConfig"] = pool
        elif kind == "OPENID_CONNECT" and _t(config):
            out["OpenIDConnectConfig"] = _p(Issuer=_g(config, "issuer"), ClientId=_g(config, "clientId"),
                                            IatTTL=_g(config, "iatTTL"), AuthTTL=_g(config, "authTTL"))
        elif kind == "AWS_LAMBDA" and _t(config):
            out["LambdaAuthorizerConfig"] = _p(
                AuthorizerUri=self.lambda_arn(config, f"{self.c['name']}Authorizer"),
                IdentityValidationExpression=_g(config, "identityValidationExpression"),
                AuthorizerResultTtlInSeconds=_g(config, "authorizerResultTtlInSeconds"))
        return out

    def endpoint(self) -> None:
        c = self.c
        tags = c.get("tags", _U)
        props = _p(Name=c["name"], XrayEnabled=_or(c.get("xrayEnabled", _U), False),
                   Tags=[{"Key": k, "Value": v} for k, v in tags.items()] if isinstance(tags, dict) and tags else _U,
                   EnvironmentVariables=c.get("environment", _U))
        props.update(self.auth_provider(c.get("authentication")))
        if c["additionalAuthentications"]:
            props["AdditionalAuthenticationProviders"] = [self.auth_provider(p, True)
                                                          for p in c["additionalAuthentications"]]
        logging = c.get("logging", _U)
        if _t(logging) and logging.get("enabled") is not False:
            props["LogConfig"] = _p(CloudWatchLogsRoleArn=_or(logging.get("roleArn", _U),
                                                              {"Fn::GetAtt": ["GraphQlApiLogGroupRole", "Arn"]}),
                                    FieldLogLevel=logging.get("level", _U),
                                    ExcludeVerboseContent=logging.get("excludeVerboseContent", _U))
        if _t(c.get("visibility", _U)):
            props["Visibility"] = c["visibility"]
        metrics = c.get("enhancedMetrics", _U)
        if _t(metrics):
            props["EnhancedMetricsConfig"] = _p(**{k: metrics.get(k, _U) for k in (
                "DataSourceLevelMetricsBehavior", "OperationLevelMetricsConfig", "ResolverLevelMetricsBehavior")})
        if "introspection" in c:
            props["IntrospectionConfig"] = "ENABLED" if js_truthy(c["introspection"]) else "DISABLED"
        for key, prop in (("queryDepthLimit", "QueryDepthLimit"), ("resolverCountLimit", "ResolverCountLimit")):
            if key in c:
                props[prop] = c[key]
        self.merge({"GraphQlApi": {"Type": "AWS::AppSync::GraphQLApi", "Properties": props}})

    def schema(self) -> None:
        self.merge({"GraphQlSchema": {"Type": "AWS::AppSync::GraphQLSchema", "Properties": {
            "Definition": self.definition(), "ApiId": self.api_id}}})

    def definition(self) -> Any:
        files = self.c["schema"]
        why = None
        if any(not isinstance(f, str) for f in files):
            raise PluginError("schema must be a path or a list of paths", SECTION + ("schema",))
        if any(ch in f for f in files for ch in "*?[]{}!"):
            why = "a schema glob (its files are not listed offline)"
        else:
            texts = [read_service_file(self.ctx, f, SECTION + ("schema",), missing_ok=True) for f in files]
            texts = [t for t in texts if t is not None]
            if len(texts) == 1:
                try:
                    definitions = parse_sdl(texts[0])
                except GraphQLSyntaxError as exc:
                    raise PluginError(f"schema: {exc} (line {exc.line} of {files[0]})", SECTION + ("schema",))
                if not any(d.get("name") in _RESERVED for d in definitions):
                    return texts[0]
                why = "a schema that redeclares AppSync's directives or scalars (reprinted by graphql 16)"
            else:
                why = f"a schema of {len(texts)} files (merged and printed by @graphql-tools/merge 8)"
        self.ctx.unseen.append(UnseenPart(NAME, "appSync.schema", fingerprint(files),
                                          self.ctx.origin(SECTION + ("schema",)), False))
        self.ctx.warn(f"{NAME}: {why}: promotelint does not model it; a change there is an unseen part")
        return opaque(f"appsync schema {' '.join(files)}")

    def domain(self) -> None:
        domain = self.c.get("domain", _U)
        if not _t(domain) or domain.get("enabled") is False or domain.get("useCloudFormation") is False:
            return
        policy = "Retain" if _t(domain.get("retain", _U)) else "Delete"
        name = domain.get("name", _U)
        resources = {
            "GraphQlDomainName": {"Type": "AWS::AppSync::DomainName", "DeletionPolicy": policy, "Properties": _p(
                CertificateArn=_or(domain.get("certificateArn", _U), {"Ref": "GraphQlDomainCertificate"}),
                DomainName=name)},
            "GraphQlDomainAssociation": {"Type": "AWS::AppSync::DomainNameApiAssociation", "DeletionPolicy": policy,
                                         "Properties": _p(ApiId=self.api_id, DomainName=name),
                                         "DependsOn": ["GraphQlDomainName"]}}
        if not _t(domain.get("certificateArn", _U)):
            resources["GraphQlDomainCertificate"] = {
                "Type": "AWS::CertificateManager::Certificate", "DeletionPolicy": policy, "Properties": _p(
                    DomainName=name, ValidationMethod="DNS",
                    DomainValidationOptions=[_p(DomainName=name, HostedZoneId=domain.get("hostedZoneId", _U))])}
        if domain.get("route53") is not False:
            zone = ({"HostedZoneId": domain["hostedZoneId"]} if _t(domain.get("hostedZoneId", _U)) else
                    {"HostedZoneName": _or(domain.get("hostedZoneName", _U), _hosted_zone_name(str(name)))})
            resources["GraphQlDomainRoute53Record"] = {
                "Type": "AWS::Route53::RecordSet", "DeletionPolicy": policy, "Properties": {
                    **zone, "Name": name, "Type": "A", "AliasTarget": {
                        "HostedZoneId": {"Fn::GetAtt": ["GraphQlDomainName", "HostedZoneId"]},
                        "DNSName": {"Fn::GetAtt": ["GraphQlDomainName", "AppSyncDomainName"]},
                        "EvaluateTargetHealth": False}}}
        self.merge({k: _without_undefined(v) for k, v in resources.items()})

    def log_group(self) -> None:
        logging = self.c.get("logging", _U)
        if not _t(logging) or logging.get("enabled") is False:
            return
        group = {"Type": "AWS::Logs::LogGroup", "Properties": _p(
            LogGroupName={"Fn::Join": ["/", ["/aws/appsync/apis", {"Fn::GetAtt": ["GraphQlApi", "ApiId"]}]]},
            RetentionInDays=_or(logging.get("retentionInDays", _U),
                                self.ctx.provider.get("logRetentionInDays", _U)))}
        if _t(logging.get("roleArn", _U)):
            self.merge({"GraphQlApiLogGroup": group})
            return
        self.merge({"GraphQlApiLogGroup": group, "GraphQlApiLogGroupPolicy": {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "GraphQlApiLogGroupPolicy", "Roles": [{"Ref": "GraphQlApiLogGroupRole"}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [{"Fn::GetAtt": ["GraphQlApiLogGroup", "Arn"]}]}]}}},
            "GraphQlApiLogGroupRole": {"Type": "AWS::IAM::Role",
                                       "Properties": {"AssumeRolePolicyDocument": appsync_role()}}})

    def lambda_authorizer_permission(self) -> None:
        auth = next((a for a in [*self.c["additionalAuthentications"], self.c.get("authentication")]
                     if isinstance(a, dict) and a.get("type") == "AWS_LAMBDA"), None)
        if auth is None:
            return
        self.merge({"LambdaAuthorizerPermission": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": self.lambda_arn(auth.get("config", _U), f"{self.c['name']}Authorizer"),
            "Principal": "appsync.amazonaws.com", "SourceArn": {"Ref": "GraphQlApi"}}}})

    def waf(self) -> None:
        waf = self.c.get("waf", _U)
        if _t(waf) and waf.get("enabled") is not False:
            from promotelint.serverless.plugins.appsync.v2_waf import waf_resources

            self.merge(_without_undefined(waf_resources(self, waf)))

    def caching(self) -> None:
        caching = self.c.get("caching", _U)
        if not _t(caching) or caching.get("enabled") is False:
            return
        self.merge({"GraphQlCaching": {"Type": "AWS::AppSync::ApiCache", "Properties": _p(
            ApiCachingBehavior=caching.get("behavior", _U), ApiId=self.api_id,
            AtRestEncryptionEnabled=_or(caching.get("atRestEncryption", _U), False),
            TransitEncryptionEnabled=_or(caching.get("transitEncryption", _U), False),
            Ttl=_or(caching.get("ttl", _U), 3600), Type=_or(caching.get("type", _U), "T2_SMALL"))}})

    def api_key(self, key: dict) -> None:
        name = key.get("name")
        expires = key_expiry(name, key.get("expiresAfter", _U), key.get("expiresAt", _U), naive_is_utc=False)
        self.merge({cfn_name(f"GraphQlApi{name}"): {"Type": "AWS::AppSync::ApiKey", "Properties": _p(
            ApiId=self.api_id, Description=_or(key.get("description", _U), name), Expires=expires,
            ApiKeyId=key.get("apiKeyId", _U))}})

    # -- data sources
    def data_source(self, ds: dict) -> None:
        kind, config = ds.get("type", _U), ds.get("config", _U)
        props = _p(ApiId=self.api_id, Name=ds["name"], Description=ds.get("description", _U), Type=kind)
        if kind == "AWS_LAMBDA":
            props["LambdaConfig"] = {"LambdaFunctionArn": self.lambda_arn(config, ds["name"])}
        elif kind == "AMAZON_DYNAMODB":
            dynamo = _p(AwsRegion=_or(_g(config, "region"), {"Ref": "AWS::Region"}), TableName=_g(config, "tableName"),
                        UseCallerCredentials=_t(_g(config, "useCallerCredentials")))
            delta = _g(config, "deltaSyncConfig")
            if _t(_g(config, "versioned")) and _t(delta):
                dynamo.update(Versioned=True, DeltaSyncConfig=_p(
                    BaseTableTTL=_or(delta.get("baseTableTTL", _U), 43200),
                    DeltaSyncTableName=delta.get("deltaSyncTableName", _U),
                    DeltaSyncTableTTL=_or(delta.get("deltaSyncTableTTL", _U), 1440)))
            props["DynamoDBConfig"] = dynamo
        elif kind == "AMAZON_OPENSEARCH_SERVICE":
            endpoint = _or(_g(config, "endpoint"), _t(_g(config, "domain")) and {"Fn::Join": ["", [
                "https://", {"Fn::GetAtt": [config["domain"], "DomainEndpoint"]}]]})
            if not _t(endpoint):
                raise PluginError("Specify eithe rendpoint or domain")
            props["OpenSearchServiceConfig"] = {"AwsRegion": _or(_g(config, "region"), {"Ref": "AWS::Region"}),
                                                "Endpoint": endpoint}
        elif kind == "RELATIONAL_DATABASE":
            region = _or(_g(config, "region"), {"Ref": "AWS::Region"})
            props["RelationalDatabaseConfig"] = {
                "RdsHttpEndpointConfig": _p(
                    AwsRegion=region, DbClusterIdentifier={"Fn::Join": [":", [
                        "arn", {"Ref": "AWS::Partition"}, "rds", region, {"Ref": "AWS::AccountId"}, "cluster",
                        _g(config, "dbClusterIdentifier")]]},
                    DatabaseName=_g(config, "databaseName"), Schema=_g(config, "schema"),
                    AwsSecretStoreArn=_g(config, "awsSecretStoreArn")),
                "RelationalDatabaseSourceType": _or(_g(config, "relationalDatabaseSourceType"), "RDS_HTTP_ENDPOINT")}
        elif kind == "HTTP":
            http = _p(Endpoint=_g(config, "endpoint"))
            auth = _g(config, "authorizationConfig")
            if _t(auth):
                iam = _g(auth, "awsIamConfig")
                http["AuthorizationConfig"] = _p(AuthorizationType=auth.get("authorizationType", _U), AwsIamConfig=_p(
                    SigningRegion=_or(_g(iam, "signingRegion"), {"Ref": "AWS::Region"}),
                    SigningServiceName=_g(iam, "signingServiceName")))
            props["HttpConfig"] = http
        elif kind == "AMAZON_EVENTBRIDGE":
            props["EventBridgeConfig"] = _p(EventBusArn=_g(config, "eventBusArn"))
        resources = {f"GraphQlDs{cfn_name(ds['name'])}": {"Type": "AWS::AppSync::DataSource", "Properties": props}}
        if isinstance(config, dict) and _t(config.get("serviceRoleArn", _U)):
            props["ServiceRoleArn"] = config["serviceRoleArn"]
        else:
            statements = self.data_source_statements(ds)
            if statements:
                role = f"GraphQlDs{cfn_name(ds['name'] + 'Role')}"
                props["ServiceRoleArn"] = {"Fn::GetAtt": [role, "Arn"]}
                resources[role] = {"Type": "AWS::IAM::Role", "Properties": {
                    "AssumeRolePolicyDocument": appsync_role(),
                    "Policies": [{"PolicyName": f"AppSync-Datasource-{ds['name']}",
                                  "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}}
        self.merge(resources)

    def data_source_statements(self, ds: dict) -> Any:
        kind, config = ds.get("type"), ds.get("config", _U)
        auth = config.get("authorizationConfig", _U) if isinstance(config, dict) else _U
        if (kind == "HTTP" and _t(config) and _t(auth) and auth.get("authorizationType") == "AWS_IAM"
                and not _t(config.get("iamRoleStatements", _U))):
            raise PluginError(f"{ds['name']}: When using AWS_IAM signature, you must also specify the required "
                              "iamRoleStatements")
        if isinstance(config, dict) and _t(config.get("iamRoleStatements", _U)):
            return config["iamRoleStatements"]
        from promotelint.serverless.plugins.appsync.v2_statements import default_statements

        return default_statements(self, ds)

    # -- mapping templates, code, functions, resolvers
    def template(self, name: Any, substitutions: Any) -> Any:
        file = posixpath.normpath(str(name))
        text = read_service_file(self.ctx, file, SECTION)
        if text is None:  # pragma: no cover - read_service_file raises
            raise PluginError(f"Mapping template file '{name}' does not exist")
        return substituted(text, {**_mapping(self.c.get("substitutions")), **_mapping(substitutions)},
                           drop_empty=True)

    def code(self, path: Any, substitutions: Any) -> Any:
        file = posixpath.normpath(str(path))
        text = read_service_file(self.ctx, file, SECTION)
        if self.c.get("esbuild") is False:
            return substituted(text or "", {**_mapping(self.c.get("substitutions")), **_mapping(substitutions)},
                               drop_empty=True, marker="#")
        self.ctx.warn(f"{NAME}: {path} is bundled by esbuild: the resolver code is an opaque value of the file's "
                      "text (what it imports is not followed)")
        digest = sha256((text or "").encode()).hexdigest()[:16]
        return opaque(f"{NAME}: esbuild bundle of {path} ({digest})")

    def sync_config(self, config: dict, embedded: str) -> Any:
        sync = config.get("sync", _U)
        if not _t(sync):
            return _U
        sync = sync if isinstance(sync, dict) else {}
        detection = sync.get("conflictDetection", "VERSION")
        handler = sync.get("conflictHandler", "OPTIMISTIC_CONCURRENCY")
        out: dict = {"ConflictDetection": detection}
        if detection == "VERSION":
            out["ConflictHandler"] = handler
            if handler == "LAMBDA":
                out["LambdaConflictHandlerConfig"] = {"LambdaConflictHandlerArn": self.lambda_arn(sync, embedded)}
        return out

    def vtl_or_code(self, config: dict, props: dict) -> None:
        for which, prop in (("request", "RequestMappingTemplate"), ("response", "ResponseMappingTemplate")):
            if _t(config.get(which, _U)):
                props[prop] = self.template(config[which], config.get("substitutions"))

    def pipeline_function(self, func: dict) -> None:
        if func["dataSource"] not in self.c["dataSources"]:
            raise PluginError(f"Pipeline Function '{func['name']}' references unknown DataSource "
                              f"'{func['dataSource']}'", SECTION + ("pipelineFunctions",))
        props = _p(ApiId=self.api_id, Name=func["name"],
                   DataSourceName={"Fn::GetAtt": [f"GraphQlDs{cfn_name(func['dataSource'])}", "Name"]},
                   Description=func.get("description", _U), FunctionVersion="2018-05-29",
                   MaxBatchSize=func.get("maxBatchSize", _U))
        if _t(func.get("code", _U)):
            props["Code"] = self.code(func["code"], func.get("substitutions"))
            props["Runtime"] = {"Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"}
        else:
            self.vtl_or_code(func, props)
        if _t(func.get("sync", _U)):
            props["SyncConfig"] = self.sync_config(func, f"{func['name']}_Sync")
        self.merge({cfn_name(f"GraphQlFunctionConfiguration{func['name']}"): {
            "Type": "AWS::AppSync::FunctionConfiguration", "Properties": _without_undefined(props)}})

    def resolver(self, r: dict) -> None:
        type_, field = r.get("type"), r.get("field", _U)
        props: dict = {"ApiId": self.api_id, "TypeName": type_, "FieldName": field}
        if _t(self.c.get("enhancedMetrics", _U)):
            props["MetricsConfig"] = _or(r.get("metricsConfig", _U), "DISABLED")
        vtl = "request" in r or "response" in r
        if "code" in r or (not vtl and r.get("kind") != "UNIT"):
            props["Code"] = self.code(r["code"], r.get("substitutions")) if _t(r.get("code", _U)) \
                else DEFAULT_JS_RESOLVERS
            props["Runtime"] = {"Name": "APPSYNC_JS", "RuntimeVersion": "1.0.0"}
        elif vtl:
            self.vtl_or_code(r, props)
        caching = r.get("caching", _U)
        api_ttl = _g(self.c["caching"], "ttl") if _t(self.c.get("caching", _U)) else _U
        if caching is True:
            props["CachingConfig"] = {"Ttl": _or(api_ttl, 3600)}
        elif isinstance(caching, dict):
            props["CachingConfig"] = _p(CachingKeys=caching.get("keys", _U),
                                        Ttl=_or(caching.get("ttl", _U), api_ttl, 3600))
        if _t(r.get("sync", _U)):
            sync_name = f"{r['name']}_Sync" if "name" in r else f"{type_}_{field}_Sync"
            props["SyncConfig"] = self.sync_config(r, sync_name)
        where = f"{type_}.{field if field is not _U else 'undefined'}"
        if r.get("kind") == "UNIT":
            if r.get("dataSource") not in self.c["dataSources"]:
                raise PluginError(f"Resolver '{where}' references unknown DataSource '{r.get('dataSource')}'",
                                  SECTION + ("resolvers",))
            props.update(Kind="UNIT", DataSourceName={"Fn::GetAtt": [f"GraphQlDs{cfn_name(r['dataSource'])}", "Name"]},
                         MaxBatchSize=r.get("maxBatchSize", _U))
        else:
            functions = []
            for name in r["functions"]:
                if name not in self.c["pipelineFunctions"]:
                    raise PluginError(f"Resolver '{where}' references unknown Pipeline function '{name}'",
                                      SECTION + ("resolvers",))
                functions.append({"Fn::GetAtt": [cfn_name(f"GraphQlFunctionConfiguration{name}"), "FunctionId"]})
            props.update(Kind="PIPELINE", PipelineConfig={"Functions": functions})
        self.merge({cfn_name(f"GraphQlResolver{type_}{field if field is not _U else 'undefined'}"): {
            "Type": "AWS::AppSync::Resolver", "DependsOn": ["GraphQlSchema"], "Properties": _without_undefined(props)}})

    def compile(self) -> dict:
        self.endpoint()
        self.schema()
        self.domain()
        self.log_group()
        self.lambda_authorizer_permission()
        self.waf()
        self.caching()
        for key in (self.c["apiKeys"] or {}).values():
            self.api_key(key)
        for ds in self.c["dataSources"].values():
            self.data_source(ds)
        for func in self.c["pipelineFunctions"].values():
            self.pipeline_function(func)
        for resolver in self.c["resolvers"].values():
            self.resolver(resolver)
        return self.resources


def _hosted_zone_name(domain: str) -> str:  # utils.js getHostedZoneName
    parts = domain.split(".")
    return ".".join(parts[1:] if len(parts) > 2 else parts) + "."


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _without_undefined(value: Any) -> Any:
    return drop_none(value, _U)


def build_and_append_resources(ctx: CompileContext) -> None:
    """loadConfig + buildAndAppendResources (`before:package:initialize`)."""
    raw = ctx.config.get("appSync")
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise PluginError("appSync must be an object", SECTION)
    for key in ("name", "authentication"):
        if key not in raw:
            raise PluginError(f"/appSync: must have required property '{key}'", SECTION)
    api = _Api(ctx, app_sync_config(raw))
    resources = _without_undefined(api.compile())
    for logical_id in resources:
        ctx.origins.setdefault(logical_id, ctx.origin(SECTION))
    config_resources = ctx.config.get("resources")
    if not isinstance(config_resources, dict):
        config_resources = ctx.config["resources"] = {}
    if not isinstance(config_resources.get("Resources"), dict):
        config_resources["Resources"] = {}
    lodash_merge(config_resources["Resources"], resources)
    for name, function in api.functions.items():
        # merged into serverless.service.functions, then setFunctionNames: compiled as the service's own
        fn = lodash_merge(ctx.functions.get(name), copy.deepcopy(function)) if isinstance(function, dict) else function
        if isinstance(fn, dict):
            fn.setdefault("events", [])
            if not fn.get("name"):
                fn["name"] = f"{ctx.service_name}-{ctx.stage}-{name}"
        ctx.functions[name] = fn


def resolve_appsync_variables(config: Any) -> Any:
    """`${appsync:id|arn|url|apiKey.<name>}`, the plugin's variable source (index.js resolveVariable):
    the resolver left them opaque (an unknown source to it); here they become their GetAtt."""
    if isinstance(config, dict):
        if is_opaque(config):
            text = next(iter(config.values()))
            address = text[len("${appsync:"):-1] if text.startswith("${appsync:") and text.endswith("}") else None
            attributes = {"id": "ApiId", "arn": "Arn", "url": "GraphQLUrl"}
            if address in attributes:
                return {"Fn::GetAtt": ["GraphQlApi", attributes[address]]}
            if address and address.startswith("apiKey."):
                return {"Fn::GetAtt": [cfn_name(f"GraphQlApi{address.split('.')[1]}"), "ApiKey"]}
            return config
        return {k: resolve_appsync_variables(v) for k, v in config.items()}
    if isinstance(config, list):
        return [resolve_appsync_variables(v) for v in config]
    return config
