"""Hypothesis strategies for hostile inputs: CloudFormation templates and serverless.yml services
of every shape, plausible and not. Shared by tests/test_fuzz.py (a short run in the suite) and
tools/fuzz.py (a long run that prints its figures)."""

from __future__ import annotations

import json

from hypothesis import strategies as st

LOGICAL_IDS = st.sampled_from(["A", "B", "Q", "T", "Bucket", "Table"])
NAMES = LOGICAL_IDS | st.sampled_from(["Fn", "FnLambdaVersionX", "Missing", "AWS::Region", "AWS::NoValue",
                                        "AWS::StackName", "P", "C", ""])
TYPES = st.sampled_from(["AWS::SQS::Queue", "AWS::DynamoDB::Table", "AWS::S3::Bucket", "AWS::SNS::Topic",
                         "AWS::Lambda::Function", "AWS::Lambda::Version", "AWS::RDS::DBInstance", "AWS::KMS::Key",
                         "AWS::IAM::Role", "Custom::Thing", "AWS::CloudFormation::Stack", "AWS::Nope::Nope",
                         "AWS::Cognito::UserPool", "AWS::Logs::LogGroup", "AWS::ApiGateway::Deployment"])
PROPS = st.sampled_from(["TableName", "BucketName", "QueueName", "KeySchema", "Tags", "FifoQueue", "DelaySeconds",
                         "DBInstanceClass", "Engine", "SourceDBInstanceIdentifier", "KeySpec", "Schema",
                         "GlobalSecondaryIndexes", "AttributeDefinitions", "Name", "Description"])
SPECIAL = st.sampled_from(["${", "}", "::", "#{AWS::Region}", "${AWS::Region}", "${Q.Arn}", "${!Literal}", "*",
                          "arn:aws:s3:::b", "\ud800", "\x1b[31m", "::error file=x::y\n", "true", "1e400", "0x1F"])
PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(["\n", "\t", "\x00"]),
                max_size=12)
TEXT = PLAIN | SPECIAL | st.builds(lambda a, b: a + b, PLAIN, SPECIAL)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False), TEXT, NAMES)


def intrinsic(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.builds(lambda n: {"Ref": n}, NAMES | SCALARS),
        st.builds(lambda n, a: {"Fn::GetAtt": [n, a]}, NAMES, st.sampled_from(["Arn", "QueueName", "X.Y", ""])),
        st.builds(lambda n: {"Fn::GetAtt": n}, NAMES | SCALARS),
        st.builds(lambda s: {"Fn::Sub": s}, TEXT | inner),
        st.builds(lambda s, m: {"Fn::Sub": [s, m]}, TEXT, inner),
        st.builds(lambda d, xs: {"Fn::Join": [d, xs]}, TEXT, st.lists(inner, max_size=3) | inner),
        st.builds(lambda c, a, b: {"Fn::If": [c, a, b]}, NAMES, inner, inner),
        st.builds(lambda xs: {"Fn::If": xs}, st.lists(inner, max_size=4)),
        st.builds(lambda i, xs: {"Fn::Select": [i, xs]}, st.integers(-2, 5) | TEXT, st.lists(inner, max_size=3) | inner),
        st.builds(lambda a: {"Fn::Split": a}, inner),
        st.builds(lambda a: {"Fn::FindInMap": a}, st.lists(NAMES | inner, max_size=4)),
        st.builds(lambda a: {"Fn::Base64": a}, inner),
        st.builds(lambda a: {"Fn::ImportValue": a}, inner),
        st.builds(lambda a: {"Fn::GetAZs": a}, inner),
        st.builds(lambda a, b: {"Fn::Equals": [a, b]}, inner, inner),
        st.builds(lambda a: {"Fn::Not": a}, inner),
        st.builds(lambda a: {"Fn::And": a}, st.lists(inner, max_size=3) | inner),
        st.builds(lambda a: {"Condition": a}, NAMES | inner),
        st.builds(lambda a: {"Fn::Cidr": a}, inner),
    )


VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(PROPS | TEXT, inner, max_size=4), intrinsic(inner)), max_leaves=20)


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy = VALUES) -> st.SearchStrategy:
    """Usually a well-formed value (so the fuzz reaches the prediction and the rules), now and then
    anything at all (so it reaches every refusal too)."""
    return st.sampled_from([False] * 15 + [True]).flatmap(lambda anything: bad if anything else good)


def resource() -> st.SearchStrategy:
    attrs = st.fixed_dictionaries({"Type": mostly(TYPES)}, optional={
        "Properties": mostly(st.dictionaries(PROPS, VALUES, max_size=5)),
        "DeletionPolicy": mostly(st.sampled_from(["Delete", "Retain", "Snapshot", "RetainExceptOnCreate"])),
        "UpdateReplacePolicy": mostly(st.sampled_from(["Delete", "Retain", "Snapshot"])),
        "DependsOn": mostly(LOGICAL_IDS | st.lists(LOGICAL_IDS, max_size=3)),
        "Condition": mostly(st.sampled_from(["C", "Missing"])),
        "Metadata": mostly(st.dictionaries(TEXT, VALUES, max_size=2) | st.just(
            {"promotelint": {"allow": [{"rule": "stateful-resource-removed", "reason": "fuzz"}]}})),
        "UpdatePolicy": mostly(st.dictionaries(st.sampled_from(["EnableVersionUpgrade", "UseOnlineResharding"]),
                                               VALUES, max_size=1)),
    })
    return mostly(attrs)


TEMPLATES = st.fixed_dictionaries({"Resources": st.dictionaries(LOGICAL_IDS, resource(), max_size=6)}, optional={
    "Parameters": st.dictionaries(NAMES, st.fixed_dictionaries(
        {"Type": st.sampled_from(["String", "Number", "CommaDelimitedList"])},
        optional={"Default": SCALARS, "NoEcho": st.booleans(), "AllowedValues": VALUES}) | VALUES, max_size=3) | VALUES,
    "Conditions": st.dictionaries(NAMES, VALUES, max_size=3) | VALUES,
    "Mappings": VALUES,
    "Outputs": st.dictionaries(NAMES, st.fixed_dictionaries({"Value": VALUES}, optional={
        "Export": st.fixed_dictionaries({"Name": VALUES}) | VALUES, "Condition": NAMES | VALUES}) | VALUES,
        max_size=3) | VALUES,
    "Transform": VALUES,
})


def mutated(template: dict) -> st.SearchStrategy:
    """A head side derived from a base: most promotions change a little."""
    return st.one_of(st.just(template), TEMPLATES, st.builds(
        lambda extra: {**template, "Resources": {**(template["Resources"] if isinstance(template["Resources"], dict)
                                                    else {}), **extra}},
        st.dictionaries(NAMES, resource(), max_size=2)))


PAIRS = TEMPLATES.flatmap(lambda base: st.tuples(st.just(base), mutated(base)))

EVENT_KINDS = st.sampled_from(["http", "httpApi", "sqs", "sns", "s3", "schedule", "stream", "websocket",
                               "eventBridge", "cloudwatchEvent", "cloudwatchLog", "alb", "iot", "kafka", "msk",
                               "cognitoUserPool", "alexaSkill", "cloudFront", "activemq", "rabbitmq", "unknown"])
SERVICE_VALUES = st.recursive(SCALARS | st.sampled_from(["${self:custom.x}", "${env:HOME}", "${opt:stage}",
                                                          "${sls:stage}", "${file(./x.yml)}", "${ssm:/a}",
                                                          "${self:custom.l1}${self:custom.l1}", "GET", "/path"]),
                              lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                                  st.sampled_from(["path", "method", "arn", "rate", "bucket", "event", "name",
                                                   "cors", "authorizer", "batchSize", "enabled", "x", "l1"]) | TEXT,
                                  inner, max_size=4) | intrinsic(inner), max_leaves=15)
SERVICES = st.fixed_dictionaries({"service": st.sampled_from(["svc", "a-b"]) | SERVICE_VALUES}, optional={
    "provider": st.fixed_dictionaries({"name": st.just("aws")}, optional={
        "runtime": st.sampled_from(["nodejs18.x", "python3.11"]) | SERVICE_VALUES,
        "environment": SERVICE_VALUES, "iam": SERVICE_VALUES, "tracing": SERVICE_VALUES,
        "apiGateway": SERVICE_VALUES, "httpApi": SERVICE_VALUES, "memorySize": SERVICE_VALUES,
        "vpc": SERVICE_VALUES, "tags": SERVICE_VALUES}) | SERVICE_VALUES,
    "functions": st.dictionaries(st.sampled_from(["f", "g", "h-1"]), st.fixed_dictionaries(
        {"handler": st.just("h.f") | SERVICE_VALUES},
        optional={"events": st.lists(st.dictionaries(EVENT_KINDS, SERVICE_VALUES, min_size=1, max_size=1)
                                     | SERVICE_VALUES, max_size=3) | SERVICE_VALUES,
                  "environment": SERVICE_VALUES, "name": SERVICE_VALUES, "url": SERVICE_VALUES,
                  "layers": SERVICE_VALUES, "destinations": SERVICE_VALUES}) | SERVICE_VALUES,
        max_size=3) | SERVICE_VALUES,
    "custom": SERVICE_VALUES,
    "resources": st.fixed_dictionaries({}, optional={"Resources": st.dictionaries(NAMES, resource(), max_size=3)
                                                     | VALUES, "Outputs": VALUES}) | SERVICE_VALUES,
    "plugins": st.lists(st.sampled_from(["serverless-lift", "serverless-offline", "x"]), max_size=2) | SERVICE_VALUES,
    "layers": SERVICE_VALUES,
    "params": SERVICE_VALUES,
})


def dump(value: object) -> str:
    return json.dumps(value)  # ASCII, so a lone surrogate travels as its escape, as in a hostile file
