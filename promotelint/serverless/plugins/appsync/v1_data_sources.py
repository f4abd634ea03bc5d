"""serverless-appsync-plugin 1.x data sources: index.js getDataSourceIamRolesResouces (a role per
data source without `serviceRoleArn`, with the given `iamRoleStatements` or the default statements
of its type) and getDataSourceResources (`AWS::AppSync::DataSource`)."""

from __future__ import annotations

import re

from promotelint.serverless.plugins.appsync.common import (
    DYNAMODB_ACTIONS, ES_ACTIONS, RDS_ACTIONS, PluginError, appsync_role,
)
from promotelint.serverless.plugins.appsync.v1 import _UNDEFINED, _Api, _ds_id, _get, _or, _props, _truthy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_ES_ENDPOINT = re.compile(r"^https://([a-z0-9-]+\.\w{2}-[a-z]+-\d\.es\.amazonaws\.com)$")


def _config(ds: dict) -> Any:
    return ds.get("config", _UNDEFINED)


def _region(api: _Api, config: Any) -> Any:
    return _or(_get(config, "region"), api.c["region"])


def _default_statements(api: _Api, ds: dict) -> list | None:
    """getDefaultDataSourcePolicyStatements (None: no default for the type, so no role)."""
    config, kind = _config(ds), ds.get("type")
    if kind == "AWS_LAMBDA":
        arn = api.lambda_arn(config)
        return [{"Action": ["lambda:invokeFunction"], "Effect": "Allow",
                 "Resource": [arn, {"Fn::Join": [":", [arn, "*"]]}]}]
    if kind == "AMAZON_DYNAMODB":
        arn = {"Fn::Join": [":", ["arn", "aws", "dynamodb", _region(api, config), {"Ref": "AWS::AccountId"},
                                  {"Fn::Join": ["/", ["table", _get(config, "tableName")]]}]]}
        return [{"Action": list(DYNAMODB_ACTIONS), "Effect": "Allow",
                 "Resource": [arn, {"Fn::Join": ["/", [arn, "*"]]}]}]
    if kind == "RELATIONAL_DATABASE":
        arn = {"Fn::Join": [":", ["arn", "aws", "rds", _region(api, config), {"Ref": "AWS::AccountId"}, "cluster",
                                  _get(config, "dbClusterIdentifier")]]}
        secret = _get(config, "awsSecretStoreArn")
        return [{"Effect": "Allow", "Action": list(RDS_ACTIONS), "Resource": [arn, {"Fn::Join": [":", [arn, "*"]]}]},
                {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
                 "Resource": [secret, {"Fn::Join": [":", [secret, "*"]]}]}]
    if kind in ("AMAZON_ELASTICSEARCH", "AMAZON_OPENSEARCH_SERVICE"):
        if _truthy(_get(config, "domain")):
            arn: Any = {"Fn::Join": ["/", [{"Fn::GetAtt": [config["domain"], "Arn"]}, "*"]]}
        elif _truthy(_get(config, "endpoint")) and isinstance(config["endpoint"], str):
            match = _ES_ENDPOINT.match(config["endpoint"])
            if not match:
                raise PluginError(f"Invalid AWS OpenSearch/ElasticSearch endpoint: '{config['endpoint']}")
            arn = {"Fn::Join": [":", ["arn", "aws", "es", _region(api, config), {"Ref": "AWS::AccountId"},
                                      f"domain/{match.group(1)}/*"]]}
        else:
            raise PluginError(f"Could not determine the Arn for dataSource '{ds.get('name')}")
        return [{"Action": list(ES_ACTIONS), "Effect": "Allow", "Resource": [arn]}]
    return None


def data_source_roles(api: _Api) -> None:
    for i, ds in enumerate(api.c["dataSources"]):
        config = _config(ds)
        if _truthy(config) and _truthy(_get(config, "serviceRoleArn")):
            continue
        auth = _get(config, "authorizationConfig") if _truthy(config) else _UNDEFINED
        if (ds.get("type") == "HTTP" and _truthy(config) and _truthy(auth)
                and _get(auth, "authorizationType") == "AWS_IAM" and not _truthy(_get(config, "iamRoleStatements"))):
            raise PluginError(f"{ds.get('name')}: When using AWS_IAM signature, you must also specify the required "
                              "iamRoleStatements")
        if _truthy(config) and _truthy(_get(config, "iamRoleStatements")):
            statements = config["iamRoleStatements"]
        else:
            statements = _default_statements(api, ds)
            if statements is None:
                continue
        name = _ds_id(ds.get("name"))
        api.add(api.id(f"{name}Role"), {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": appsync_role(),
            "Policies": [{"PolicyName": f"{name}Policy",
                          "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]}},
                ("dataSources", i))


def _search_config(api: _Api, config: Any) -> dict:
    return {"AwsRegion": _region(api, config),
            "Endpoint": _or(_get(config, "endpoint"), {"Fn::Join": ["", [
                "https://", {"Fn::GetAtt": [_get(config, "domain"), "DomainEndpoint"]}]]})}


def data_sources(api: _Api) -> None:
    data_source_roles(api)
    for i, ds in enumerate(api.c["dataSources"]):
        config, kind = _config(ds), ds.get("type", _UNDEFINED)
        props = _props(ApiId=api.api_id(), Name=ds.get("name", _UNDEFINED),
                       Description=ds.get("description", _UNDEFINED), Type=kind)
        role = api.id(f"{_ds_id(ds.get('name'))}Role")
        if _truthy(config) and _truthy(_get(config, "serviceRoleArn")):
            props["ServiceRoleArn"] = config["serviceRoleArn"]
        elif role in api.ctx.resources:
            props["ServiceRoleArn"] = {"Fn::GetAtt": [role, "Arn"]}
        if kind == "AWS_LAMBDA":
            props["LambdaConfig"] = {"LambdaFunctionArn": api.lambda_arn(config)}
        elif kind == "AMAZON_DYNAMODB":
            dynamo = {"AwsRegion": _region(api, config), "TableName": _get(config, "tableName"),
                      "UseCallerCredentials": _truthy(_get(config, "useCallerCredentials")),
                      "Versioned": _truthy(_get(config, "versioned"))}
            if dynamo["Versioned"]:
                dynamo["DeltaSyncConfig"] = _delta_sync(config)
            props["DynamoDBConfig"] = _props(**dynamo)
        elif kind == "AMAZON_ELASTICSEARCH":
            props["ElasticsearchConfig"] = _props(**_search_config(api, config))
        elif kind == "AMAZON_OPENSEARCH_SERVICE":
            props["OpenSearchServiceConfig"] = _props(**_search_config(api, config))
        elif kind == "RELATIONAL_DATABASE":
            # getDbClusterArn({...ds.config, ...apiConfig}): the API's keys win (its region always)
            cluster = api.c["dbClusterIdentifier"] if "dbClusterIdentifier" in api.c else _get(config, "dbClusterIdentifier")
            if not _truthy(cluster):
                raise PluginError("You must specify either `dbClusterIdentifier` for the resolver.")
            props["RelationalDatabaseConfig"] = {
                "RdsHttpEndpointConfig": _props(
                    AwsRegion=_region(api, config),
                    DbClusterIdentifier={"Fn::Join": [":", ["arn", "aws", "rds", api.c.get("region", _UNDEFINED),
                                                            {"Ref": "AWS::AccountId"}, "cluster", cluster]]},
                    DatabaseName=_get(config, "databaseName"), Schema=_get(config, "schema"),
                    AwsSecretStoreArn=_get(config, "awsSecretStoreArn")),
                "RelationalDatabaseSourceType": _or(_get(config, "relationalDatabaseSourceType"), "RDS_HTTP_ENDPOINT")}
        elif kind == "HTTP":
            auth = _get(config, "authorizationConfig")
            http = _props(Endpoint=_get(config, "endpoint"))
            if _truthy(auth):
                authorization = {}
                if _truthy(_get(auth, "authorizationType")):
                    authorization["AuthorizationType"] = auth["authorizationType"]
                iam = _get(auth, "awsIamConfig")
                if _truthy(iam):
                    authorization["AwsIamConfig"] = {"SigningRegion": _or(_get(iam, "signingRegion"), api.c["region"])}
                    if _truthy(_get(iam, "signingServiceName")):
                        authorization["AwsIamConfig"]["SigningServiceName"] = iam["signingServiceName"]
                http["AuthorizationConfig"] = authorization
            props["HttpConfig"] = http
        elif kind != "NONE":
            raise PluginError(f"Data Source Type not supported: {kind if kind is not _UNDEFINED else 'undefined'}",
                              api.path + ("dataSources", i))
        api.add(api.id(_ds_id(ds.get("name"))), {"Type": "AWS::AppSync::DataSource", "Properties": props},
                ("dataSources", i))


def _delta_sync(config: Any) -> dict:
    delta = _get(config, "deltaSyncConfig")
    if not _truthy(delta):
        raise PluginError("You must specify `deltaSyncConfig` for Delta Sync configuration.")
    if not _truthy(_get(delta, "deltaSyncTableName")):
        raise PluginError("You must specify `deltaSyncTableName` for Delta Sync configuration.")
    return {"BaseTableTTL": delta.get("baseTableTTL", 0), "DeltaSyncTableName": delta["deltaSyncTableName"],
            "DeltaSyncTableTTL": delta.get("deltaSyncTableTTL", 60)}

