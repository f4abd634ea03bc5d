"""`kafka`, `msk`, `activemq` and `rabbitmq` events (kafka.js, msk/, activemq.js, rabbitmq.js):
event source mappings on message brokers and the role statements they need."""

from __future__ import annotations

from typing import Any

from promotelint.model.errors import InputError
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import alias_logical_id
from promotelint.serverless.iam import add_role_statement, function_iam_role_resource_name
from promotelint.serverless.values import concat, name_from, text
from promotelint.model.opaque import is_opaque
from promotelint.serverless.events.sqs import filter_criteria
from promotelint.serverless.functions import resolve_lambda_target
from promotelint.serverless.js import js_truthy

_EC2_STATEMENT = {"Effect": "Allow", "Action": [
    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
    "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], "Resource": "*"}
_KAFKA_ACCESS = {
    "vpcSubnet": ("VPC_SUBNET", "subnet:", False), "vpcSecurityGroup": ("VPC_SECURITY_GROUP", "security_group:", False),
    "saslPlainAuth": ("BASIC_AUTH", "", True), "saslScram256Auth": ("SASL_SCRAM_256_AUTH", "", True),
    "saslScram512Auth": ("SASL_SCRAM_512_AUTH", "", True),
    "clientCertificateTlsAuth": ("CLIENT_CERTIFICATE_TLS_AUTH", "", True),
    "serverRootCaCertificate": ("SERVER_ROOT_CA_CERTIFICATE", "", True),
}


def _error(ctx: CompileContext, path: tuple, message: str) -> InputError:
    return InputError(message, file=ctx.source, line=ctx.origin(path).line, fix="see the framework's event docs")


def _events(fn: dict[str, Any], kind: str):
    for index, event in enumerate(fn.get("events") or []):
        if isinstance(event, dict) and isinstance(event.get(kind), dict):
            yield index, event[kind]


def _mapping(ctx: CompileContext, name: str, fn: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    depends = [d for d in (function_iam_role_resource_name(ctx, fn), alias_logical_id(fn)) if d]
    return {"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends, "Properties": props}


def _starting(ctx: CompileContext, config: dict[str, Any], name: str, path: tuple) -> tuple[str, Any]:
    position = config.get("startingPosition") or "TRIM_HORIZON"
    timestamp = config.get("startingPositionTimestamp")
    if position == "AT_TIMESTAMP" and timestamp is None:
        raise _error(ctx, path, f"function {name}: AT_TIMESTAMP needs startingPositionTimestamp")
    return position, timestamp


def compile_kafka(ctx: CompileContext) -> None:
    for name, fn in ctx.functions.items():
        secrets: dict[str, Any] = {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": []}
        has_event = needs_ec2 = False
        for index, config in _events(fn, "kafka"):
            path = ("functions", name, "events", index)
            access = config.get("accessConfigurations") or {}
            if bool(access.get("vpcSecurityGroup")) != bool(access.get("vpcSubnet")):
                missing = "vpcSubnet" if access.get("vpcSecurityGroup") else "vpcSecurityGroup"
                raise _error(ctx, path, f'kafka event of {name}: specify at least one "{missing}" accessConfiguration')
            has_event = True
            position, timestamp = _starting(ctx, config, name, path)
            props: dict[str, Any] = {
                "FunctionName": resolve_lambda_target(name, fn), "StartingPosition": position,
                "SelfManagedEventSource": {"Endpoints": {"KafkaBootstrapServers": config.get("bootstrapServers")}},
                "Topics": [config.get("topic")], "SourceAccessConfigurations": []}
            for kind, values in access.items():
                cfn_type, prefix, secret = _KAFKA_ACCESS.get(kind, (kind, "", False))
                needs_ec2 = needs_ec2 or kind in ("vpcSubnet", "vpcSecurityGroup")
                for value in values if isinstance(values, list) else [values]:
                    if secret:
                        secrets["Resource"].append(value)
                    props["SourceAccessConfigurations"].append({"Type": cfn_type, "URI": concat(prefix, value)})
            if config.get("batchSize"):
                props["BatchSize"] = config["batchSize"]
            if config.get("maximumBatchingWindow"):
                props["MaximumBatchingWindowInSeconds"] = config["maximumBatchingWindow"]
            if config.get("enabled") is not None:
                props["Enabled"] = config["enabled"]
            if config.get("consumerGroupId"):
                props["SelfManagedKafkaEventSourceConfig"] = {"ConsumerGroupId": config["consumerGroupId"]}
            if timestamp is not None:
                props["StartingPositionTimestamp"] = timestamp
            if js_truthy(config.get("filterPatterns")):
                props["FilterCriteria"] = filter_criteria(config["filterPatterns"])
            ctx.add_resource(naming.get_kafka_event_logical_id(name, name_from(ctx, config.get("topic"), f"the kafka event of {name}")),
                 _mapping(ctx, name, fn, props), path)
        if has_event:
            if secrets["Resource"]:
                add_role_statement(ctx, secrets)
            if needs_ec2:
                add_role_statement(ctx, dict(_EC2_STATEMENT))


def _msk_cluster_token(arn: Any) -> str:
    if is_opaque(arn):
        return text(arn).split("/")[-1]
    if isinstance(arn, dict):
        return str(arn.get("Fn::ImportValue") or arn.get("Ref") or "")
    parts = str(arn).split("/")
    return parts[1] if len(parts) > 1 else "undefined"


def compile_msk(ctx: CompileContext) -> None:
    for name, fn in ctx.functions.items():
        msk: dict[str, Any] = {"Effect": "Allow", "Action": ["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"],
                               "Resource": []}
        for index, config in _events(fn, "msk"):
            path = ("functions", name, "events", index)
            position, timestamp = _starting(ctx, config, name, path)
            arn = config.get("arn")
            props: dict[str, Any] = {"EventSourceArn": arn, "FunctionName": resolve_lambda_target(name, fn),
                                     "StartingPosition": position, "Topics": [config.get("topic")]}
            if timestamp is not None:
                props["StartingPositionTimestamp"] = timestamp
            if config.get("batchSize"):
                props["BatchSize"] = config["batchSize"]
            if config.get("maximumBatchingWindow"):
                props["MaximumBatchingWindowInSeconds"] = config["maximumBatchingWindow"]
            if config.get("consumerGroupId"):
                props["AmazonManagedKafkaEventSourceConfig"] = {"ConsumerGroupId": config["consumerGroupId"]}
            if config.get("enabled") is not None:
                props["Enabled"] = config["enabled"]
            if config.get("saslScram512") is not None:
                props["SourceAccessConfigurations"] = [{"Type": "SASL_SCRAM_512_AUTH", "URI": config["saslScram512"]}]
            if js_truthy(config.get("filterPatterns")):
                props["FilterCriteria"] = filter_criteria(config["filterPatterns"])
            msk["Resource"].append(arn)
            topic = name_from(ctx, config.get("topic"), f"the msk event of {name}")
            name_from(ctx, arn, f"the msk event of {name}")
            ctx.add_resource(naming.get_msk_event_logical_id(name, _msk_cluster_token(arn), topic),
                 _mapping(ctx, name, fn, props), path)
        if msk["Resource"]:
            add_role_statement(ctx, msk)
            add_role_statement(ctx, dict(_EC2_STATEMENT))


def _compile_mq(ctx: CompileContext, kind: str) -> None:
    for name, fn in ctx.functions.items():
        secrets: dict[str, Any] = {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": []}
        broker: dict[str, Any] = {"Effect": "Allow", "Action": ["mq:DescribeBroker"], "Resource": []}
        has_event = False
        for index, config in _events(fn, kind):
            has_event = True
            path = ("functions", name, "events", index)
            access = [{"Type": "BASIC_AUTH", "URI": config.get("basicAuthArn")}]
            if kind == "rabbitmq" and config.get("virtualHost"):
                access.append({"Type": "VIRTUAL_HOST", "URI": config["virtualHost"]})
            props: dict[str, Any] = {"FunctionName": resolve_lambda_target(name, fn), "EventSourceArn": config.get("arn"),
                                     "Queues": [config.get("queue")], "SourceAccessConfigurations": access}
            if config.get("batchSize"):
                props["BatchSize"] = config["batchSize"]
            if config.get("maximumBatchingWindow"):
                props["MaximumBatchingWindowInSeconds"] = config["maximumBatchingWindow"]
            if config.get("enabled") is not None:
                props["Enabled"] = config["enabled"]
            if js_truthy(config.get("filterPatterns")):
                props["FilterCriteria"] = filter_criteria(config["filterPatterns"])
            broker["Resource"].append(config.get("arn"))
            secrets["Resource"].append(config.get("basicAuthArn"))
            get_id = naming.get_activemq_event_logical_id if kind == "activemq" else naming.get_rabbitmq_event_logical_id
            ctx.add_resource(get_id(name, name_from(ctx, config.get("queue"), f"the {kind} event of {name}")),
                 _mapping(ctx, name, fn, props), path)
        if has_event:
            add_role_statement(ctx, secrets)
            add_role_statement(ctx, broker)
            add_role_statement(ctx, dict(_EC2_STATEMENT))


def compile_activemq(ctx: CompileContext) -> None:
    _compile_mq(ctx, "activemq")


def compile_rabbitmq(ctx: CompileContext) -> None:
    _compile_mq(ctx, "rabbitmq")
