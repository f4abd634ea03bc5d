"""`sqs` events (package/compile/events/sqs.js): event source mappings and the role's queue access."""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, events_of, present
from promotelint.serverless.events.source_mapping import event_source_mapping, filter_criteria, join_last_part
from promotelint.serverless.functions import resolve_lambda_target
from promotelint.serverless.iam import add_role_statement
from promotelint.serverless.js import js_truthy
from promotelint.serverless.values import drop_none, is_mapping, name_from

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "sqs"


@compiles(KIND)
def compile_sqs(ctx: CompileContext) -> None:
    statement: dict[str, Any] = {"Effect": "Allow",
                                 "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                                 "Resource": []}
    for event in events_of(ctx, KIND, counts=present):
        name, fn = event.function_name, event.function
        opts = event.value if is_mapping(event.value) else {}
        arn = opts.get("arn") if opts else event.value
        props: dict[str, Any] = {
            "BatchSize": opts.get("batchSize") or 10,
            "MaximumBatchingWindowInSeconds": opts.get("maximumBatchingWindow"),
            "EventSourceArn": arn,
            "FunctionName": resolve_lambda_target(name, fn),
            "Enabled": opts.get("enabled") if "enabled" in opts else True,
        }
        if opts.get("functionResponseType") is not None:
            props["FunctionResponseTypes"] = [opts["functionResponseType"]]
        if js_truthy(opts.get("filterPatterns")):
            props["FilterCriteria"] = filter_criteria(opts["filterPatterns"])
        if opts.get("maximumConcurrency"):
            props["ScalingConfig"] = {"MaximumConcurrency": opts["maximumConcurrency"]}
        statement["Resource"].append(arn)
        queue = _queue_name(ctx, arn, f"the sqs event of function {name}")
        ctx.add_resource(naming.get_queue_logical_id(name, queue), drop_none(event_source_mapping(ctx, fn, props)),
                         event.path, merge=True)
    if statement["Resource"]:
        add_role_statement(ctx, statement)


def _queue_name(ctx: CompileContext, arn: Any, what: str) -> str:
    """The name part of the queue ARN, as the framework derives logical IDs from it."""
    if is_opaque(arn):
        return name_from(ctx, arn, what).split(":")[-1]
    if isinstance(arn, dict):
        if arn.get("Fn::GetAtt"):
            get_att = arn["Fn::GetAtt"]
            return str(get_att[0] if isinstance(get_att, list) else str(get_att).split(".")[0])
        if arn.get("Fn::ImportValue"):
            return str(arn["Fn::ImportValue"])
        if arn.get("Fn::Join"):
            return join_last_part(arn["Fn::Join"])
        return ""
    return str(arn).split(":")[-1]
