"""`sns` events (package/compile/events/sns.js): topics, subscriptions, permissions, DLQ policies."""

from __future__ import annotations


from promotelint.model.opaque import is_opaque
from promotelint.serverless import naming
from promotelint.serverless.context import CompileContext
from promotelint.serverless.events.base import compiles, events_of, present
from promotelint.serverless.functions import alias_logical_id, resolve_lambda_target
from promotelint.serverless.values import drop_none, is_mapping, name_from, text

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

KIND = "sns"


@compiles(KIND)
def compile_sns(ctx: CompileContext) -> None:
    for event in events_of(ctx, KIND, counts=present):
        name, fn, path, sns = event.function_name, event.function, event.path, event.value
        topic_arn: Any = None
        topic_name: Any = None
        region = None
        redrive = None
        if is_opaque(sns):
            # An ARN or a topic name, only known at deploy time: taken as an existing topic's ARN.
            ctx.warn(f"sns event of function {name}: {text(sns)} is not known offline; "
                     "taken as the ARN of an existing topic")
            topic_arn = sns
            topic_name = name_from(ctx, sns, f"the sns event of function {name}").split(":")[-1]
        elif is_mapping(sns):
            if sns.get("arn"):
                topic_arn = sns["arn"]
                if is_opaque(topic_arn) and not sns.get("topicName"):
                    topic_name = name_from(ctx, topic_arn, f"the sns event of function {name}").split(":")[-1]
                elif isinstance(topic_arn, str):
                    parts = [p.replace("@@", "::") for p in topic_arn.replace("::", "@@").split(":")]
                    topic_name = parts[-1]
                    if len(parts) > 3 and parts[3] != ctx.region:
                        region = parts[3]
                topic_name = sns.get("topicName") or topic_name
                if not topic_name:
                    raise ctx.error(path, 'sns event: "topicName" is needed when "arn" is not a plain ARN',
                                    "add sns.topicName")
            else:
                topic_name = sns.get("topicName")
                if is_opaque(topic_name):
                    topic_name = name_from(ctx, topic_name, f"the sns event of function {name}")
        elif str(sns).startswith("arn:"):
            topic_arn = sns
            topic_name = sns.split(":")[-1]
        else:
            topic_name = sns
        topic_name = str(topic_name)
        if is_mapping(sns) and sns.get("redrivePolicy"):
            policy = sns["redrivePolicy"]
            if policy.get("deadLetterTargetArn"):
                target_arn = policy["deadLetterTargetArn"]
                queue, account, dl_region = (str(target_arn).split(":")[::-1] + ["", "", ""])[:3]
                target_url: Any = {"Fn::Join": ["", [f"https://sqs.{dl_region}.", {"Ref": "AWS::URLSuffix"},
                                                     f"/{account}/{queue}"]]}
            elif policy.get("deadLetterTargetRef"):
                target_arn = {"Fn::GetAtt": [policy["deadLetterTargetRef"], "Arn"]}
                target_url = {"Ref": policy["deadLetterTargetRef"]}
            else:
                imported = policy.get("deadLetterTargetImport") or {}
                target_arn = {"Fn::ImportValue": imported.get("arn")}
                target_url = {"Fn::ImportValue": imported.get("url")}
            redrive = {"deadLetterTargetArn": target_arn}
            policy_lid = naming.get_topic_dlq_policy_logical_id(name, topic_name)
            ctx.add_resource(policy_lid, drop_none({"Type": "AWS::SQS::QueuePolicy", "Properties": {
                "PolicyDocument": {"Version": "2012-10-17", "Id": policy_lid, "Statement": [{
                    "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage", "Resource": target_arn,
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}}}]},
                "Queues": [target_url]}}), path)
        endpoint = resolve_lambda_target(name, fn)
        subscription_lid = naming.get_lambda_sns_subscription_logical_id(name, topic_name)
        opts = sns if is_mapping(sns) else {}
        if topic_arn:
            ctx.add_resource(subscription_lid, drop_none({
                "Type": "AWS::SNS::Subscription", "DependsOn": alias_logical_id(fn), "Properties": {
                    "TopicArn": topic_arn, "Protocol": "lambda", "Endpoint": endpoint,
                    "FilterPolicy": opts.get("filterPolicy"), "FilterPolicyScope": opts.get("filterPolicyScope"),
                    "RedrivePolicy": redrive, "Region": region}}), path, merge=True)
        else:
            topic_arn = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sns:", {"Ref": "AWS::Region"},
                                           ":", {"Ref": "AWS::AccountId"}, ":", topic_name]]}
            topic_lid = naming.get_topic_logical_id(topic_name)
            subscription = {"Endpoint": endpoint, "Protocol": "lambda"}
            if topic_lid not in ctx.resources:
                props: dict[str, Any] = {"TopicName": topic_name}
                if opts.get("displayName"):
                    props["DisplayName"] = opts["displayName"]
                ctx.add_resource(topic_lid, drop_none({"Type": "AWS::SNS::Topic", "DependsOn": alias_logical_id(fn),
                                                       "Properties": props}), path, merge=True)
            if opts.get("filterPolicy") or redrive:
                ctx.add_resource(subscription_lid, drop_none({"Type": "AWS::SNS::Subscription", "Properties": {
                    **subscription, "TopicArn": {"Ref": topic_lid}, "FilterPolicy": opts.get("filterPolicy"),
                    "FilterPolicyScope": opts.get("filterPolicyScope"), "RedrivePolicy": redrive}}), path, merge=True)
            else:
                topic = ctx.resources[topic_lid]
                topic.setdefault("Properties", {}).setdefault("Subscription", []).append(subscription)
        ctx.add_resource(naming.get_lambda_sns_permission_logical_id(name, topic_name), drop_none({
            "Type": "AWS::Lambda::Permission", "DependsOn": alias_logical_id(fn), "Properties": {
                "FunctionName": endpoint, "Action": "lambda:InvokeFunction",
                "Principal": "sns.amazonaws.com", "SourceArn": topic_arn}}), path, merge=True)
