"""`stream` events (package/compile/events/stream.js): DynamoDB and Kinesis event source mappings."""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, events_of, non_empty, per_function
from promotelint.serverless.events.source_mapping import event_source_mapping, filter_criteria, join_last_part
from promotelint.serverless.functions import resolve_lambda_target
from promotelint.serverless.iam import add_role_statement
from promotelint.serverless.js import js_truthy
from promotelint.serverless.values import drop_none, is_mapping, name_from

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "stream"


def _stream_name(arn: Any) -> str:
    if isinstance(arn, dict):
        if arn.get("Fn::GetAtt"):
            get_att = arn["Fn::GetAtt"]
            return str(get_att[0] if isinstance(get_att, list) else get_att)
        if arn.get("Fn::ImportValue"):
            return str(arn["Fn::ImportValue"])
        if arn.get("Ref"):
            return str(arn["Ref"])
        if arn.get("Fn::Join"):
            return join_last_part(arn["Fn::Join"]).split("/")[-1]
        return ""
    parts = str(arn).split("/")
    return parts[1] if len(parts) > 1 else "undefined"


def _statement(actions: list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": []}


@compiles(KIND)
def compile_stream(ctx: CompileContext) -> None:
    for events in per_function(events_of(ctx, KIND, counts=non_empty)):
        dynamodb = _statement(["dynamodb:GetRecords", "dynamodb:GetShardIterator",
                               "dynamodb:DescribeStream", "dynamodb:ListStreams"])
        kinesis = _statement(["kinesis:GetRecords", "kinesis:GetShardIterator",
                              "kinesis:DescribeStream", "kinesis:ListStreams"])
        kinesis_consumer_stream = _statement(["kinesis:GetRecords", "kinesis:GetShardIterator",
                                              "kinesis:DescribeStreamSummary", "kinesis:ListShards"])
        consumer = _statement(["kinesis:SubscribeToShard"])
        on_failure_sns = _statement(["sns:Publish"])
        on_failure_sqs = _statement(["sqs:ListQueues", "sqs:SendMessage"])
        for event in events:
            name, fn, stream = event.function_name, event.function, event.value
            opts = stream if is_mapping(stream) else {}
            arn = opts.get("arn") if opts else stream
            stream_type = opts.get("type") or (str(arn).split(":")[2] if isinstance(arn, str) and
                                                str(arn).count(":") >= 2 else "undefined")
            if is_opaque(arn):
                # The type and name come from the ARN, only known at deploy time.
                arn_text = name_from(ctx, arn, f"the stream event of function {name}")
                stream_type = opts.get("type") or ("kinesis" if "kinesis" in arn_text.lower() else "dynamodb")
                stream_name = arn_text.split("/")[-1]
            else:
                stream_name = _stream_name(arn)
            lid = naming.get_stream_logical_id(name, str(stream_type), stream_name)
            props: dict[str, Any] = {
                "BatchSize": opts.get("batchSize") or 10,
                "Enabled": opts.get("enabled") if "enabled" in opts else True,
                "EventSourceArn": arn,
                "FunctionName": resolve_lambda_target(name, fn),
                "ParallelizationFactor": opts.get("parallelizationFactor") or None,
                "StartingPosition": opts.get("startingPosition") or "TRIM_HORIZON",
            }
            resource = event_source_mapping(ctx, fn, props)
            if stream_type == "dynamodb":
                dynamodb["Resource"].append(arn)
            elif opts.get("consumer"):
                kinesis_consumer_stream["Resource"].append(arn)
            else:
                kinesis["Resource"].append(arn)
            for key, cfn_key in (("batchWindow", "MaximumBatchingWindowInSeconds"),
                                 ("maximumRetryAttempts", "MaximumRetryAttempts"),
                                 ("bisectBatchOnFunctionError", "BisectBatchOnFunctionError")):
                if opts.get(key) is not None:
                    props[cfn_key] = opts[key]
            if opts.get("functionResponseType") is not None:
                props["FunctionResponseTypes"] = [opts["functionResponseType"]]
            if opts.get("maximumRecordAgeInSeconds"):
                props["MaximumRecordAgeInSeconds"] = opts["maximumRecordAgeInSeconds"]
            if opts.get("tumblingWindowInSeconds") is not None:
                props["TumblingWindowInSeconds"] = opts["tumblingWindowInSeconds"]
            if js_truthy(opts.get("destinations")):
                on_failure = opts["destinations"].get("onFailure")
                destination = on_failure.get("arn") if is_mapping(on_failure) else on_failure
                kind = (on_failure.get("type") if is_mapping(on_failure) else None) or (
                    (destination.split(":") + ["", "", ""])[2] if isinstance(destination, str) else None)
                (on_failure_sns if kind == "sns" else on_failure_sqs)["Resource"].append(destination)
                props["DestinationConfig"] = {"OnFailure": {"Destination": destination}}
            if js_truthy(opts.get("filterPatterns")):
                props["FilterCriteria"] = filter_criteria(opts["filterPatterns"])
            new: dict[str, dict] = {lid: resource}
            if opts.get("consumer") and stream_type == "kinesis":
                if opts["consumer"] is True:
                    consumer_name = naming.get_stream_consumer_name(name, stream_name, ctx.service_name,
                                                                    ctx.stage, ctx.provider)
                    consumer_lid = naming.get_stream_consumer_logical_id(consumer_name)
                    new[consumer_lid] = {"Type": "AWS::Kinesis::StreamConsumer", "Properties": {
                        "StreamARN": arn, "ConsumerName": consumer_name}}
                    resource["DependsOn"].append(consumer_lid)
                    props["EventSourceArn"] = {"Ref": consumer_lid}
                    consumer["Resource"].append({"Ref": consumer_lid})
                else:
                    props["EventSourceArn"] = opts["consumer"]
                    consumer["Resource"].append(opts["consumer"])
                if opts.get("startingPosition") == "AT_TIMESTAMP" and not opts.get("startingPositionTimestamp"):
                    raise ctx.error(event.path, f"stream event of {name}: AT_TIMESTAMP needs startingPositionTimestamp",
                                    "add startingPositionTimestamp")
                if opts.get("startingPositionTimestamp"):
                    props["StartingPositionTimestamp"] = opts["startingPositionTimestamp"]
            for new_lid, new_resource in new.items():
                ctx.add_resource(new_lid, drop_none(new_resource), event.path, merge=True)
        for statement in (dynamodb, kinesis, kinesis_consumer_stream, consumer, on_failure_sns, on_failure_sqs):
            if statement["Resource"]:
                add_role_statement(ctx, statement)
