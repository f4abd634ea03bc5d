"""lift's constructs, as the CloudFormation their CDK constructs synthesize: a port of
dist/src/constructs/aws/{Storage,Queue,Webhook,DatabaseDynamoDBSingleTable}.js (lift 1.37.7) with
what aws-cdk-lib 2.276's L2 constructs render for the props lift gives them (checked against the
real plugin's templates: tests/fixtures/serverless/plugin-lift-*). The websites are in websites.py.

Each builder adds its resources and outputs to the Stack and returns a Construct: the values its
`${construct:id.x}` variables give, the IAM statements lift adds to the functions' role
(`permissions()`), its `extensions:` targets (`extend()`: name -> logical ID) and the functions
and events it adds to the service (`appendFunctions`).
"""

from __future__ import annotations

from collections.abc import Callable

from promotelint.model.record import field, record
from promotelint.serverless.js import js_string
from promotelint.serverless.plugins.lift.cdk import Stack, get_att, join, make_unique_id, ref

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


class LiftError(Exception):
    """What lift throws for this config (`serverless package` fails too); `path` is the setting."""

    def __init__(self, message: str, path: tuple) -> None:
        super().__init__(message)
        self.path = path


@record(frozen=False)
class Construct:
    variables: dict[str, Any] = field(default_factory=dict)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    extensions: dict[str, str] = field(default_factory=dict)
    # (function name, its config to lodash-merge into `functions`, or None to add nothing)
    functions: list[tuple[str, dict[str, Any] | None]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (function name, event)


@record(frozen=False)
class Lift:
    """What a construct reads of the service (AwsProvider)."""

    stack: Stack
    functions: dict[str, Any]  # the service's functions, as they are when the constructs are built
    lambda_logical_id: Callable[[str], str]  # naming.getLambdaLogicalId


def _statement(actions: list[str], resources: list[Any]) -> dict[str, Any]:
    """lift's CloudFormation.js PolicyStatement."""
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _ssl_statement(bucket: str) -> dict[str, Any]:
    """enforceSSL: the statement the bucket policy denies plain HTTP with."""
    return {"Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}, "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Resource": [get_att(bucket, "Arn"), {"Fn::Join": ["", [get_att(bucket, "Arn"), "/*"]]}]}


def bucket_policy(stack: Stack, cid: str, bucket: str, statements: list[dict[str, Any]]) -> str:
    return stack.resource((cid, "Bucket", "Policy", "Resource"), "AWS::S3::BucketPolicy", {
        "Bucket": ref(bucket), "PolicyDocument": {"Statement": statements, "Version": "2012-10-17"}})


def _block_public(acls: bool, policy: bool, ignore: bool, restrict: bool) -> dict[str, bool]:
    return {"BlockPublicAcls": acls, "BlockPublicPolicy": policy, "IgnorePublicAcls": ignore,
            "RestrictPublicBuckets": restrict}


# ---------------------------------------------------------------- storage (Storage.js)

STORAGE_IAM_ACTIONS = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:ListBucket", "s3:GetObjectAcl",
                       "s3:PutObjectAcl", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObjectTagging",
                       "s3:GetObjectAttributes", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
                       "s3:ListBucketMultipartUploads", "s3:RestoreObject"]
_ENCRYPTION = {"s3": "AES256", "kms": "aws:kms"}  # BucketEncryption.S3_MANAGED, KMS_MANAGED


def _capitalize_keys(value: dict[str, Any]) -> dict[str, Any]:
    """capitalizeKeys: every key's first letter upper case, into lists of mappings too."""
    result: dict[str, Any] = {}
    for key, item in value.items():
        key = key[:1].upper() + key[1:]
        if isinstance(item, list):
            result[key] = [_capitalize_keys(i) if isinstance(i, dict) else i for i in item]
        elif isinstance(item, dict):
            result[key] = _capitalize_keys(item)
        else:
            result[key] = item
    return result


def _public_path(public_path: Any) -> str | None:
    """normalizePublicPath: the objects `publicPath` opens (`*` or `prefix/*`)."""
    if public_path is None:
        return None
    prefix = js_string(public_path).lstrip("/").rstrip("/")
    return "*" if prefix in ("", "*") else f"{prefix}/*"


def storage(lift: Lift, cid: str, config: dict[str, Any]) -> Construct:
    stack, path = lift.stack, ("constructs", cid)
    settings = {"encryption": "s3", "lifecycleRules": [], **config}
    allow_acl = settings.get("allowAcl") is True
    public = _public_path(settings.get("publicPath"))
    encryption = _ENCRYPTION.get(settings["encryption"]) if isinstance(settings["encryption"], str) else None
    properties: dict[str, Any] = {}
    if encryption is not None:  # another value is no BucketEncryption (S3's default encryption)
        properties["BucketEncryption"] = {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": encryption}}]}
    properties |= {
        "PublicAccessBlockConfiguration": (_block_public(True, True, True, True) if public is None
                                           else _block_public(not allow_acl, False, True, False)),
        "VersioningConfiguration": {"Status": "Enabled"},
    }
    rules = settings["lifecycleRules"]
    if not isinstance(rules, list):
        raise LiftError(f"constructs.{cid}.lifecycleRules must be a list (lift: "
                        "resolvedConfiguration.lifecycleRules.map is not a function)", path + ("lifecycleRules",))
    user_rules = []
    for rule in rules:
        rule = _capitalize_keys(rule) if isinstance(rule, dict) else {}
        rule.setdefault("Status", "Enabled")
        user_rules.append(rule)
    properties["LifecycleConfiguration"] = {"Rules": [
        {"Status": "Enabled", "Transitions": [{"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 0}]},
        {"Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}, *user_rules]}
    if allow_acl:
        properties["OwnershipControls"] = {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    cors = settings.get("cors")
    if cors is not None:
        if isinstance(cors, str):
            rules = [{"AllowedOrigins": [cors], "AllowedMethods": ["GET", "PUT", "DELETE"], "AllowedHeaders": ["*"]}]
        elif isinstance(cors, list):
            rules = [_capitalize_keys(rule) if isinstance(rule, dict) else {} for rule in cors]
        else:
            raise LiftError(f"constructs.{cid}.cors must be a string or a list (lift: "
                            "resolvedConfiguration.cors.map is not a function)", path + ("cors",))
        properties["CorsConfiguration"] = {"CorsRules": rules}
    bucket = stack.resource((cid, "Bucket", "Resource"), "AWS::S3::Bucket", properties, policy="Retain")
    statements = [_ssl_statement(bucket)]
    if public is not None:
        statements.append({"Action": "s3:GetObject", "Effect": "Allow", "Principal": {"AWS": "*"},
                           "Resource": {"Fn::Join": ["", [get_att(bucket, "Arn"), f"/{public}"]]}})
    bucket_policy(stack, cid, bucket, statements)
    stack.output((cid, "BucketName"), ref(bucket))
    variables = {"bucketArn": get_att(bucket, "Arn"), "bucketName": ref(bucket)}
    if public is not None:
        variables["publicUrl"] = {"Fn::Join": ["", ["https://", get_att(bucket, "RegionalDomainName")]]}
    return Construct(variables=variables,
                     permissions=[_statement(STORAGE_IAM_ACTIONS, [get_att(bucket, "Arn"),
                                                                   join("/", [get_att(bucket, "Arn"), "*"])])],
                     extensions={"bucket": bucket})


# ---------------------------------------------------------------- queue (Queue.js)

def _number(value: Any, path: tuple, name: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LiftError(f"'{name}' must be a number, {value!r} given", path)
    return value


def queue(lift: Lift, cid: str, config: dict[str, Any]) -> Construct:
    stack, path = lift.stack, ("constructs", cid)
    worker = config.get("worker")
    if worker is None:
        raise LiftError(f"Invalid configuration in 'constructs.{cid}': no 'worker' defined. Queue constructs "
                        "require a 'worker' function to be defined.", path)
    if isinstance(worker, str):
        worker_name = worker
        function = lift.functions.get(worker)
        if not function:
            raise LiftError(f"Invalid configuration in 'constructs.{cid}': 'workerRef' needs to point to an "
                            "existing function.", path + ("worker",))
        timeout = function.get("timeout") if isinstance(function, dict) else None
    else:
        worker_name = f"{cid}Worker"
        timeout = worker.get("timeout") if isinstance(worker, dict) else None
    window = config.get("maxBatchingWindow")
    window = 0 if window is None else _number(window, path + ("maxBatchingWindow",), "maxBatchingWindow")
    timeout = 6 if timeout is None else _number(timeout, path + ("worker", "timeout"), "timeout")
    max_retries = config.get("maxRetries")
    max_retries = 3 if max_retries is None else max_retries
    fifo = config.get("fifo")
    delay = config.get("delay")
    if delay is not None and (_number(delay, path + ("delay",), "delay") < 0 or delay > 900):
        raise LiftError(f"Invalid configuration in 'constructs.{cid}': 'delay' must be between 0 and 900, "
                        f"'{js_string(delay)}' given.", path + ("delay",))
    batch_size = config.get("batchSize")
    if batch_size is not None and _number(batch_size, path + ("batchSize",), "batchSize") > 10:
        if fifo is True:
            raise LiftError(f"Invalid configuration in 'constructs.{cid}': 'batchSize' must be between 0 and 10 for "
                            f"FIFO queues, '{js_string(batch_size)}' given.", path + ("batchSize",))
        if not window:
            raise LiftError(f"Invalid configuration in 'constructs.{cid}': 'maxBatchingWindow' must be greater than "
                            f"0 for batchSize > 10, '{js_string(window)}' given.", path + ("maxBatchingWindow",))
    encryption = config.get("encryption")
    kms: dict[str, Any] = {}
    if encryption is None or encryption == "" or encryption == []:
        pass
    elif encryption == "kmsManaged":
        kms = {"KmsMasterKeyId": "alias/aws/sqs"}
    elif encryption == "kms":
        key = config.get("encryptionKey")
        if key is None or key == "":
            raise LiftError(f"Invalid configuration in 'constructs.{cid}': 'encryptionKey' must be set if the "
                            "'encryption' is set to 'kms'", path + ("encryptionKey",))
        # new kms.Key(this, encryptionKey): lift creates a key whose construct ID is the setting
        # (an ARN given there names a new key, it does not use that one), for both queues.
        kms_key = stack.resource((cid, js_string(key), "Resource"), "AWS::KMS::Key", {"KeyPolicy": {
            "Statement": [{"Action": "kms:*", "Effect": "Allow", "Principal": {"AWS": {"Fn::Join": ["", [
                "arn:", ref("AWS::Partition"), ":iam::", ref("AWS::AccountId"), ":root"]]}}, "Resource": "*"}],
            "Version": "2012-10-17"}}, policy="Retain")
        kms = {"KmsMasterKeyId": get_att(kms_key, "Arn")}
    else:
        raise LiftError(f"Invalid configuration in 'constructs.{cid}': 'encryption' must be one of 'kms', "
                        f"'kmsManaged', null, '{js_string(encryption)}' given.", path + ("encryption",))
    base = f"{stack.name}-{cid}"
    fifo_props = {"FifoQueue": True} if fifo is True else {}  # CDK writes FifoQueue only when true
    dlq = stack.resource((cid, "Dlq", "Resource"), "AWS::SQS::Queue", {
        **fifo_props, **kms, "MessageRetentionPeriod": 1209600,
        "QueueName": f"{base}-dlq.fifo" if fifo is True else f"{base}-dlq"}, policy="Delete")
    properties: dict[str, Any] = {}
    if fifo is not None:
        properties["ContentBasedDeduplication"] = fifo
    if delay is not None:
        properties["DelaySeconds"] = delay
    properties.update(fifo_props)
    properties.update(kms)
    properties.update({"QueueName": f"{base}.fifo" if fifo is True else base,
                       "RedrivePolicy": {"deadLetterTargetArn": get_att(dlq, "Arn"), "maxReceiveCount": max_retries},
                       "VisibilityTimeout": timeout * 6 + window})
    main = stack.resource((cid, "Queue", "Resource"), "AWS::SQS::Queue", properties, policy="Delete")
    extensions = {"queue": main, "dlq": dlq}
    alarm = config.get("alarm")
    if alarm is not None:
        topic = stack.resource((cid, "AlarmTopic", "Resource"), "AWS::SNS::Topic", {
            "DisplayName": f"[Alert][{cid}] failed jobs in the DLQ."[:100],
            "TopicName": f"{stack.name}-{cid}-dlq-alarm-topic"})
        stack.resource((cid, "AlarmTopicSubscription", "Resource"), "AWS::SNS::Subscription", {
            "Endpoint": alarm, "Protocol": "email", "TopicArn": ref(topic)})
        extensions["alarm"] = stack.resource((cid, "Alarm", "Resource"), "AWS::CloudWatch::Alarm", {
            "AlarmActions": [ref(topic)],
            "AlarmDescription": "Alert triggered when there are failed jobs in the dead letter queue.",
            "AlarmName": f"{stack.name}-{cid}-dlq-alarm", "ComparisonOperator": "GreaterThanThreshold",
            "Dimensions": [{"Name": "QueueName", "Value": get_att(dlq, "QueueName")}], "EvaluationPeriods": 1,
            "MetricName": "ApproximateNumberOfMessagesVisible", "Namespace": "AWS/SQS", "Period": 60,
            "Statistic": "Sum", "Threshold": 0, "TreatMissingData": "notBreaching"})
    stack.output((cid, "QueueArn"), get_att(main, "Arn"), f'ARN of the "{cid}" SQS queue.')
    stack.output((cid, "QueueUrl"), ref(main), f'URL of the "{cid}" SQS queue.')
    stack.output((cid, "DlqUrl"), ref(dlq), f'URL of the "{cid}" SQS dead letter queue.')
    event: dict[str, Any] = {"arn": get_att(main, "Arn"), "batchSize": 1 if batch_size is None else batch_size,
                             "maximumBatchingWindow": window}
    if config.get("maxConcurrency") is not None:
        event["maximumConcurrency"] = config["maxConcurrency"]
    event["functionResponseType"] = "ReportBatchItemFailures"
    return Construct(
        variables={"queueUrl": ref(main), "queueArn": get_att(main, "Arn"), "dlqUrl": ref(dlq),
                   "dlqArn": get_att(dlq, "Arn")},
        permissions=[_statement(["sqs:SendMessage", "sqs:ChangeMessageVisibility"], [get_att(main, "Arn")])],
        extensions=extensions,
        functions=[(worker_name, None if isinstance(worker, str) else worker)],
        events=[(worker_name, {"sqs": event})])


# ---------------------------------------------------------------- webhook (Webhook.js)

def webhook(lift: Lift, cid: str, config: dict[str, Any]) -> Construct:
    stack, path = lift.stack, ("constructs", cid)
    settings = {"insecure": False, "method": "POST", **config}
    api = stack.resource((cid, "HttpApi", "Resource"), "AWS::ApiGatewayV2::Api",
                         {"Name": "HttpApi", "ProtocolType": "HTTP"})
    stack.resource((cid, "HttpApi", "DefaultStage", "Resource"), "AWS::ApiGatewayV2::Stage",
                   {"ApiId": ref(api), "AutoDeploy": True, "StageName": "$default"})
    stack.output((cid, "HttpApiEndpoint"), get_att(api, "ApiEndpoint"))
    bus = stack.resource((cid, "Bus", "Resource"), "AWS::Events::EventBus", {"Name": make_unique_id((cid, "Bus"))})
    role = stack.resource((cid, "ApiGatewayRole", "Resource"), "AWS::IAM::Role", {
        "AssumeRolePolicyDocument": {"Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow",
                                                    "Principal": {"Service": "apigateway.amazonaws.com"}}],
                                     "Version": "2012-10-17"},
        "Policies": [{"PolicyDocument": {"Statement": [{"Action": "events:PutEvents", "Effect": "Allow",
                                                        "Resource": get_att(bus, "Arn")}],
                                         "Version": "2012-10-17"}, "PolicyName": "EventBridge"}]})
    insecure, authorizer = settings["insecure"], settings.get("authorizer")
    if insecure and authorizer is not None:
        raise LiftError(f"Webhook {cid} is specified as insecure, however an authorizer is configured for this "
                        "webhook. Either declare this webhook as secure by removing `insecure: true` property "
                        "(recommended), or specify the webhook as insecure and remove the authorizer property "
                        "altogether.", path)
    if not insecure and authorizer is None:
        raise LiftError(f"Webhook {cid} is specified as secure, however no authorizer is configured for this "
                        "webhook. Please provide an authorizer property for this webhook (recommended), or specify "
                        "the webhook as insecure by adding `insecure: true` property.", path)
    function_arn = None
    if not insecure:
        function_arn = get_att(lift.lambda_logical_id(f"{cid}Authorizer"), "Arn")
        # lambda.grantInvoke(apiGatewayRole): the role's DefaultPolicy
        policy_path = (cid, "ApiGatewayRole", "DefaultPolicy", "Resource")
        stack.resource(policy_path, "AWS::IAM::Policy", {
            "PolicyDocument": {"Statement": [{"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": [
                function_arn, {"Fn::Join": ["", [function_arn, ":*"]]}]}], "Version": "2012-10-17"},
            "PolicyName": make_unique_id(policy_path), "Roles": [ref(role)]})
    integration = stack.resource((cid, "Integration"), "AWS::ApiGatewayV2::Integration", {
        "ApiId": ref(api), "ConnectionType": "INTERNET", "CredentialsArn": get_att(role, "Arn"),
        "IntegrationSubtype": "EventBridge-PutEvents", "IntegrationType": "AWS_PROXY", "PayloadFormatVersion": "1.0",
        "RequestParameters": {"DetailType": "Webhook" if settings.get("eventType") is None else settings["eventType"],
                              "Detail": "$request.body", "Source": cid, "EventBusName": ref(bus)}})
    route_key = f"{js_string(settings['method'])} {js_string(settings.get('path'))}"
    route: dict[str, Any] = {"ApiId": ref(api), "AuthorizationType": "NONE", "RouteKey": route_key,
                             "Target": {"Fn::Join": ["/", ["integrations", ref(integration)]]}}
    stack.resource((cid, "Route"), "AWS::ApiGatewayV2::Route", route)
    functions: list[tuple[str, dict[str, Any] | None]] = []
    if not insecure:
        authorizer_id = stack.resource((cid, "Authorizer"), "AWS::ApiGatewayV2::Authorizer", {
            "ApiId": ref(api), "AuthorizerCredentialsArn": get_att(role, "Arn"),
            "AuthorizerPayloadFormatVersion": "2.0", "AuthorizerType": "REQUEST",
            "AuthorizerUri": {"Fn::Join": ["/", [
                f"arn:aws:apigateway:{stack.region}:lambda:path/2015-03-31/functions", function_arn, "invocations"]]},
            "EnableSimpleResponses": True, "Name": f"{cid}-authorizer"})
        route.update(AuthorizationType="CUSTOM", AuthorizerId=ref(authorizer_id))
        functions.append((f"{cid}Authorizer", authorizer))
    stack.output((cid, "Endpoint"), route_key)
    return Construct(variables={"busName": ref(bus)}, extensions={"api": api, "bus": bus}, functions=functions)


# ---------------------------------------------------------------- database (DatabaseDynamoDBSingleTable.js)

def _attribute(name: str) -> dict[str, str]:
    return {"AttributeName": name, "AttributeType": "S"}


def _key(hash_key: str, range_key: str) -> list[dict[str, str]]:
    return [{"AttributeName": hash_key, "KeyType": "HASH"}, {"AttributeName": range_key, "KeyType": "RANGE"}]


def dynamodb_single_table(lift: Lift, cid: str, config: dict[str, Any]) -> Construct:
    stack = lift.stack
    settings = {"localSecondaryIndexes": False, "gsiCount": 0, **config}
    attributes = [_attribute("PK"), _attribute("SK")]
    properties: dict[str, Any] = {"AttributeDefinitions": attributes, "BillingMode": "PAY_PER_REQUEST"}
    local = []
    if settings["localSecondaryIndexes"]:
        for index in range(1, 6):
            attributes.append(_attribute(f"LSI-{index}-SK"))
            local.append({"IndexName": f"LSI-{index}", "KeySchema": _key("PK", f"LSI-{index}-SK"),
                          "Projection": {"ProjectionType": "ALL"}})
    gsi_count = settings["gsiCount"]
    gsi_count = gsi_count if isinstance(gsi_count, (int, float)) and not isinstance(gsi_count, bool) else 0
    indexes = []
    for index in range(1, int(gsi_count) + 1):
        attributes += [_attribute(f"GSI-{index}-PK"), _attribute(f"GSI-{index}-SK")]
        indexes.append({"IndexName": f"GSI-{index}", "KeySchema": _key(f"GSI-{index}-PK", f"GSI-{index}-SK"),
                        "Projection": {"ProjectionType": "ALL"}})
    if indexes:
        properties["GlobalSecondaryIndexes"] = indexes
    properties["KeySchema"] = _key("PK", "SK")
    if local:
        properties["LocalSecondaryIndexes"] = local
    properties.update({"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                       "StreamSpecification": {"StreamViewType": "NEW_AND_OLD_IMAGES"},
                       "TimeToLiveSpecification": {"AttributeName": "TimeToLive", "Enabled": True}})
    table = stack.resource((cid, "Table", "Resource"), "AWS::DynamoDB::Table", properties, policy="Retain")
    stack.output((cid, "TableName"), ref(table))
    actions = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem",
               "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
    return Construct(
        variables={"tableName": ref(table), "tableArn": get_att(table, "Arn"),
                   "tableStreamArn": get_att(table, "StreamArn")},
        permissions=[_statement(actions, [get_att(table, "Arn"), join("/", [get_att(table, "Arn"), "index", "*"])])],
        extensions={"table": table})
