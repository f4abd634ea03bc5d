"""`kafka`, `msk`, `activemq` and `rabbitmq` events (kafka.js, msk/, activemq.js, rabbitmq.js):
event source mappings on message brokers and the role statements they need."""

from __future__ import annotations


from promotelint.model.errors import InputError
from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, events_of, per_function
from promotelint.serverless.events.source_mapping import event_source_mapping, filter_criteria
from promotelint.serverless.functions import resolve_lambda_target
from promotelint.serverless.iam import add_role_statement
from promotelint.serverless.js import js_truthy
from promotelint.serverless.values import concat, name_from, text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KAFKA = "kafka"
MSK = "msk"
ACTIVEMQ = "activemq"
RABBITMQ = "rabbitmq"

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


@compiles(KAFKA)
def compile_kafka(ctx: CompileContext) -> None:
    for events in per_function(events_of(ctx, KAFKA)):
        secrets: dict[str, Any] = {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": []}
        needs_ec2 = False
        for event in events:
            name, fn, config = event.function_name, event.function, event.value
            access = config.get("accessConfigurations") or {}
            if bool(access.get("vpcSecurityGroup")) != bool(access.get("vpcSubnet")):
                missing = "vpcSubnet" if access.get("vpcSecurityGroup") else "vpcSecurityGroup"
                raise _error(ctx, event.path,
                             f'kafka event of {name}: specify at least one "{missing}" accessConfiguration')
            position, timestamp = _starting(ctx, config, name, event.path)
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
            _batching(config, props)
            if config.get("enabled") is not None:
                props["Enabled"] = config["enabled"]
            if config.get("consumerGroupId"):
                props["SelfManagedKafkaEventSourceConfig"] = {"ConsumerGroupId": config["consumerGroupId"]}
            if timestamp is not None:
                props["StartingPositionTimestamp"] = timestamp
            _filter(config, props)
            topic = name_from(ctx, config.get("topic"), f"the kafka event of {name}")
            ctx.add_resource(naming.get_kafka_event_logical_id(name, topic), event_source_mapping(ctx, fn, props),
                             event.path)
        if secrets["Resource"]:
            add_role_statement(ctx, secrets)
        if needs_ec2:
            add_role_statement(ctx, dict(_EC2_STATEMENT))


@compiles(MSK)
def compile_msk(ctx: CompileContext) -> None:
    for events in per_function(events_of(ctx, MSK)):
        msk: dict[str, Any] = {"Effect": "Allow", "Action": ["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"],
                               "Resource": []}
        for event in events:
            name, fn, config = event.function_name, event.function, event.value
            position, timestamp = _starting(ctx, config, name, event.path)
            arn = config.get("arn")
            props: dict[str, Any] = {"EventSourceArn": arn, "FunctionName": resolve_lambda_target(name, fn),
                                     "StartingPosition": position, "Topics": [config.get("topic")]}
            if timestamp is not None:
                props["StartingPositionTimestamp"] = timestamp
            _batching(config, props)
            if config.get("consumerGroupId"):
                props["AmazonManagedKafkaEventSourceConfig"] = {"ConsumerGroupId": config["consumerGroupId"]}
            if config.get("enabled") is not None:
                props["Enabled"] = config["enabled"]
            if config.get("saslScram512") is not None:
                props["SourceAccessConfigurations"] = [{"Type": "SASL_SCRAM_512_AUTH", "URI": config["saslScram512"]}]
            _filter(config, props)
            msk["Resource"].append(arn)
            topic = name_from(ctx, config.get("topic"), f"the msk event of {name}")
            name_from(ctx, arn, f"the msk event of {name}")
            ctx.add_resource(naming.get_msk_event_logical_id(name, _msk_cluster_token(arn), topic),
                             event_source_mapping(ctx, fn, props), event.path)
        if msk["Resource"]:
            add_role_statement(ctx, msk)
            add_role_statement(ctx, dict(_EC2_STATEMENT))


def _msk_cluster_token(arn: Any) -> str:
    if is_opaque(arn):
        return text(arn).split("/")[-1]
    if isinstance(arn, dict):
        return str(arn.get("Fn::ImportValue") or arn.get("Ref") or "")
    parts = str(arn).split("/")
    return parts[1] if len(parts) > 1 else "undefined"


@compiles(ACTIVEMQ)
def compile_activemq(ctx: CompileContext) -> None:
    _compile_mq(ctx, ACTIVEMQ, naming.get_activemq_event_logical_id)


@compiles(RABBITMQ)
def compile_rabbitmq(ctx: CompileContext) -> None:
    _compile_mq(ctx, RABBITMQ, naming.get_rabbitmq_event_logical_id)


def _compile_mq(ctx: CompileContext, kind: str, logical_id: Any) -> None:
    for events in per_function(events_of(ctx, kind)):
        secrets: dict[str, Any] = {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": []}
        broker: dict[str, Any] = {"Effect": "Allow", "Action": ["mq:DescribeBroker"], "Resource": []}
        for event in events:
            name, fn, config = event.function_name, event.function, event.value
            access = [{"Type": "BASIC_AUTH", "URI": config.get("basicAuthArn")}]
            if kind == RABBITMQ and config.get("virtualHost"):
                access.append({"Type": "VIRTUAL_HOST", "URI": config["virtualHost"]})
            props: dict[str, Any] = {"FunctionName": resolve_lambda_target(name, fn),
                                     "EventSourceArn": config.get("arn"), "Queues": [config.get("queue")],
                                     "SourceAccessConfigurations": access}
            _batching(config, props)
            if config.get("enabled") is not None:
                props["Enabled"] = config["enabled"]
            _filter(config, props)
            broker["Resource"].append(config.get("arn"))
            secrets["Resource"].append(config.get("basicAuthArn"))
            queue = name_from(ctx, config.get("queue"), f"the {kind} event of {name}")
            ctx.add_resource(logical_id(name, queue), event_source_mapping(ctx, fn, props), event.path)
        add_role_statement(ctx, secrets)
        add_role_statement(ctx, broker)
        add_role_statement(ctx, dict(_EC2_STATEMENT))


def _starting(ctx: CompileContext, config: dict[str, Any], name: str, path: tuple) -> tuple[str, Any]:
    position = config.get("startingPosition") or "TRIM_HORIZON"
    timestamp = config.get("startingPositionTimestamp")
    if position == "AT_TIMESTAMP" and timestamp is None:
        raise _error(ctx, path, f"function {name}: AT_TIMESTAMP needs startingPositionTimestamp")
    return position, timestamp


def _batching(config: dict[str, Any], props: dict[str, Any]) -> None:
    if config.get("batchSize"):
        props["BatchSize"] = config["batchSize"]
    if config.get("maximumBatchingWindow"):
        props["MaximumBatchingWindowInSeconds"] = config["maximumBatchingWindow"]


def _filter(config: dict[str, Any], props: dict[str, Any]) -> None:
    if js_truthy(config.get("filterPatterns")):
        props["FilterCriteria"] = filter_criteria(config["filterPatterns"])


def _error(ctx: CompileContext, path: tuple, message: str) -> InputError:
    return ctx.error(path, message, "see the framework's event docs")
