"""`sqs` events (package/compile/events/sqs.js): event source mappings and the role's queue access."""

from __future__ import annotations

import json
from typing import Any

from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import iter_events
from promotelint.serverless.functions import alias_logical_id
from promotelint.serverless.iam import add_role_statement, function_iam_role_resource_name
from promotelint.serverless.values import drop_none, is_mapping, name_from
from promotelint.model.opaque import is_opaque
from promotelint.serverless.functions import resolve_lambda_target
from promotelint.serverless.js import js_truthy


def join_last_part(join: Any) -> str:
    """The last joined value of an Fn::Join, which the framework takes as a source's name."""
    parts = join[1] if isinstance(join, list) and len(join) > 1 and isinstance(join[1], list) else []
    return str(parts[-1]) if parts else "undefined"


def source_name(arn: Any, ctx: CompileContext | None = None, what: str = "") -> str:
    """The name part of an event source ARN, as the framework derives logical IDs from it."""
    if is_opaque(arn) and ctx is not None:
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


def filter_criteria(patterns: list) -> dict[str, Any]:
    return {"Filters": [{"Pattern": json.dumps(p, separators=(",", ":"), ensure_ascii=False)} for p in patterns]}


def compile_sqs(ctx: CompileContext) -> None:
    statement: dict[str, Any] = {"Effect": "Allow",
                                 "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                                 "Resource": []}
    for name, fn, index, event in iter_events(ctx, "sqs"):
        opts = event if is_mapping(event) else {}
        arn = opts.get("arn") if opts else event
        depends = [r for r in (function_iam_role_resource_name(ctx, fn), alias_logical_id(fn)) if r]
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
        ctx.add_resource(naming.get_queue_logical_id(name, source_name(arn, ctx, f"the sqs event of function {name}")), drop_none({"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends, "Properties": props}), ("functions", name, "events", index), merge=True)
    if statement["Resource"]:
        add_role_statement(ctx, statement)
