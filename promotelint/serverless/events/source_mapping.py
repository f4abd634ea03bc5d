"""What the event source mapping compilers share (sqs, stream and the brokers: kafka, msk, activemq,
rabbitmq): the mapping resource, its filter criteria, and the source names logical IDs derive from."""

from __future__ import annotations

import json

from promotelint.serverless.context import CompileContext
from promotelint.serverless.functions import alias_logical_id
from promotelint.serverless.iam import function_iam_role_resource_name

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def event_source_mapping(ctx: CompileContext, fn: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """An AWS::Lambda::EventSourceMapping; it waits for the function's role and alias."""
    depends = [d for d in (function_iam_role_resource_name(ctx, fn), alias_logical_id(fn)) if d]
    return {"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends, "Properties": props}


def filter_criteria(patterns: list) -> dict[str, Any]:
    return {"Filters": [{"Pattern": json.dumps(p, separators=(",", ":"), ensure_ascii=False)} for p in patterns]}


def join_last_part(join: Any) -> str:
    """The last joined value of an Fn::Join, which the framework takes as a source's name."""
    parts = join[1] if isinstance(join, list) and len(join) > 1 and isinstance(join[1], list) else []
    return str(parts[-1]) if parts else "undefined"
