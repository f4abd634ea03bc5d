"""serverless-appsync-plugin 2.x: the default policy statements of a data source's role
(resources/DataSource.js getDefaultDataSourcePolicyStatements, getBedrockModelResources)."""

from __future__ import annotations

import re

from promotelint.serverless.plugins.appsync.common import DYNAMODB_ACTIONS, ES_ACTIONS, RDS_ACTIONS, PluginError

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

_ES_ENDPOINT = re.compile(r"^https://([a-z0-9-]+\.(\w{2}-[a-z]+-\d)\.es\.amazonaws\.com)$")
_INFERENCE_PROFILE = re.compile(r"^(us-gov|us|eu|apac|global)\.")
_REGION = {"Ref": "AWS::Region"}
_PARTITION = {"Ref": "AWS::Partition"}
_ACCOUNT = {"Ref": "AWS::AccountId"}


def _get(config: Any, key: str) -> Any:
    if not isinstance(config, dict):
        raise PluginError(f"Cannot read properties of undefined (reading '{key}')")
    return config.get(key)


def _region(config: Any) -> Any:
    return _get(config, "region") or _REGION


def default_statements(api: Any, ds: dict) -> list | None:
    kind, config = ds.get("type"), ds.get("config")
    if kind == "AWS_LAMBDA":
        arn = api.lambda_arn(config, ds["name"])
        return [{"Action": ["lambda:invokeFunction"], "Effect": "Allow",
                 "Resource": [arn, {"Fn::Join": [":", [arn, "*"]]}]}]
    if kind == "AMAZON_DYNAMODB":
        arn = {"Fn::Join": [":", ["arn", _PARTITION, "dynamodb", _region(config), _ACCOUNT, "table"]]}
        table = _get(config, "tableName")
        return [{"Action": list(DYNAMODB_ACTIONS), "Effect": "Allow", "Resource": [
            {"Fn::Join": ["/", [arn, table]]}, {"Fn::Join": ["/", [arn, table, "*"]]}]}]
    if kind == "RELATIONAL_DATABASE":
        arn = {"Fn::Join": [":", ["arn", _PARTITION, "rds", _region(config), _ACCOUNT, "cluster",
                                  _get(config, "dbClusterIdentifier")]]}
        secret = _get(config, "awsSecretStoreArn")
        return [{"Effect": "Allow", "Action": list(RDS_ACTIONS), "Resource": [arn, {"Fn::Join": [":", [arn, "*"]]}]},
                {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
                 "Resource": [secret, {"Fn::Join": [":", [secret, "*"]]}]}]
    if kind == "AMAZON_OPENSEARCH_SERVICE":
        endpoint = _get(config, "endpoint")
        if endpoint and isinstance(endpoint, str):
            match = _ES_ENDPOINT.match(endpoint)
            if not match:
                raise PluginError(f"Invalid AWS OpenSearch endpoint: '{endpoint}")
            arn: Any = {"Fn::Join": [":", ["arn", _PARTITION, "es", match.group(2), _ACCOUNT,
                                           f"domain/{match.group(1)}/*"]]}
        elif _get(config, "domain"):
            arn = {"Fn::Join": ["/", [{"Fn::GetAtt": [config["domain"], "Arn"]}, "*"]]}
        else:
            raise PluginError(f"Could not determine the Arn for dataSource '{ds['name']}")
        return [{"Action": list(ES_ACTIONS), "Effect": "Allow", "Resource": [arn]}]
    if kind == "AMAZON_EVENTBRIDGE":
        return [{"Action": ["events:PutEvents"], "Effect": "Allow", "Resource": [_get(config, "eventBusArn")]}]
    if kind == "AMAZON_BEDROCK_RUNTIME":
        region = (config.get("region") if isinstance(config, dict) else None) or _REGION
        models = config.get("models") if isinstance(config, dict) else None
        resources = ([r for model in models for r in _bedrock_model(model, region)]
                     if isinstance(models, list) and models else ["*"])
        return [{"Action": ["bedrock:InvokeModel", "bedrock:Converse"], "Effect": "Allow", "Resource": resources}]
    return None


def _bedrock_model(model: Any, region: Any) -> list:
    if not isinstance(model, str) or model.startswith("arn:"):
        return [model]
    match = _INFERENCE_PROFILE.match(model)
    if match:
        return [{"Fn::Join": [":", ["arn", _PARTITION, "bedrock", region, _ACCOUNT, f"inference-profile/{model}"]]},
                {"Fn::Join": [":", ["arn", _PARTITION, "bedrock", "*", "", f"foundation-model/{model[match.end():]}"]]}]
    return [{"Fn::Join": [":", ["arn", _PARTITION, "bedrock", region, "", f"foundation-model/{model}"]]}]
