"""Logical IDs and names, ported from the framework's lib/plugins/aws/lib/naming.js (v3.40.0).

Names that depend on the service or stage take them as arguments instead of reading a provider
object, so every function here is pure. The lodash helpers the framework uses (upperFirst,
capitalize, startCase, camelCase) are reproduced for the ASCII input service names contain.
"""

from __future__ import annotations

import functools
import re

from promotelint.model.digest import md5
from promotelint.model.regex import lazy

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

# lodash's `words`: camelCase-aware splitting when the text has case changes, digits next to
# letters or punctuation; otherwise plain alphanumeric runs.
_HAS_UNICODE_WORD = lazy(r"[a-z][A-Z]|[A-Z]{2}[a-z]|[0-9][a-zA-Z]|[a-zA-Z][0-9]|[^a-zA-Z0-9 ]")
_UNICODE_WORD = lazy(
    r"[A-Z]?[a-z]+(?=[^A-Za-z0-9]|[A-Z]|$)"
    r"|[A-Z]+(?=[^A-Za-z0-9]|[A-Z][a-z]|$)"
    r"|[A-Z]?[a-z]+"
    r"|[A-Z]+"
    r"|\d*(?:1ST|2ND|3RD|(?![123])\dTH)(?=\b|[a-z_])"
    r"|\d*(?:1st|2nd|3rd|(?![123])\dth)(?=\b|[A-Z_])"
    r"|\d+"
)
_ASCII_WORD = lazy(r"[A-Za-z0-9]+")


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def capitalize(text: str) -> str:
    return upper_first(text.lower())


def words(text: str) -> list[str]:
    text = text.replace("'", "").replace("\u2019", "")
    if _HAS_UNICODE_WORD.search(text):
        return _UNICODE_WORD.findall(text)
    return _ASCII_WORD.findall(text)


_DEBURR_SPECIAL = str.maketrans({"ß": "ss", "Æ": "Ae", "æ": "ae", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d",
                                  "Þ": "Th", "þ": "th", "Ł": "L", "ł": "l", "Œ": "Oe", "œ": "oe"})


def deburr(text: str) -> str:
    """lodash `deburr`: Latin letters with diacritics become basic Latin letters."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.translate(_DEBURR_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def start_case(text: str) -> str:
    return " ".join(upper_first(w) for w in words(deburr(text)))


def camel_case(text: str) -> str:
    parts = [w.lower() for w in words(deburr(text))]
    return "".join(p if i == 0 else capitalize(p) for i, p in enumerate(parts))


# General

def normalize_name(name: str) -> str:
    return upper_first(name)


def normalize_name_to_alphanumeric_only(name: str) -> str:
    return normalize_name(re.sub(r"[^0-9A-Za-z]", "", name))


def to_start_case(name: str) -> str:
    return re.sub(r"\s+", "", start_case(name))


_PATH_VARIABLE = re.compile(r"\{(.*)\}")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")


def normalize_path_part(raw_path: str) -> str:
    part = capitalize(raw_path).replace("-", "Dash")
    part = _PATH_VARIABLE.sub(r"\1Var", part)
    return upper_first(_NOT_ALPHANUMERIC.sub("", part))


@functools.lru_cache(maxsize=4096)  # each API path is named by every resource, method and permission under it
def normalize_path(resource_path: str) -> str:
    return "".join(normalize_path_part(p) for p in resource_path.split("/"))


def get_normalized_resource_name(name: str) -> str:
    # A function's name is normalized for every resource that names it: text is looked up (only
    # text: another value fails in .replace as before, not in the cache's hash).
    return _normalized_resource_name(name) if type(name) is str else _normalize_resource_name(name)


def _normalize_resource_name(name: str) -> str:
    return normalize_name(name.replace("-", "Dash").replace("_", "Underscore"))


_normalized_resource_name = functools.lru_cache(maxsize=4096)(_normalize_resource_name)


def get_normalized_function_name(function_name: str) -> str:
    return get_normalized_resource_name(function_name)


# Stack and artifacts

def get_stack_name(service: str, stage: str, provider: dict[str, Any] | None = None) -> str:
    custom = (provider or {}).get("stackName")
    if custom and isinstance(custom, str):
        return custom
    return f"{service}-{stage}"


def get_service_artifact_name(service: str) -> str:
    return f"{service}.zip"


def get_function_artifact_name(function_name: str) -> str:
    return f"{function_name}.zip"


def get_layer_artifact_name(layer_name: str) -> str:
    return f"{layer_name}.zip"


# Role and policy

ROLE_LOGICAL_ID = "IamRoleLambdaExecution"


def get_role_path(provider: dict[str, Any]) -> str:
    return _iam_role(provider).get("path") or "/"


def get_role_name(service: str, stage: str, provider: dict[str, Any]) -> Any:
    return _iam_role(provider).get("name") or {
        "Fn::Join": ["-", [service, stage, {"Ref": "AWS::Region"}, "lambdaRole"]]
    }


def _iam_role(provider: dict[str, Any]) -> dict[str, Any]:
    role = (provider.get("iam") or {}).get("role") if isinstance(provider.get("iam"), dict) else None
    return role if isinstance(role, dict) else {}


def get_policy_name(service: str, stage: str) -> dict[str, Any]:
    return {"Fn::Join": ["-", [service, stage, "lambda"]]}


# Log groups and Lambda

def get_log_group_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}LogGroup"


def get_log_group_name(lambda_name: str) -> str:
    return f"/aws/lambda/{lambda_name}"


def get_lambda_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}LambdaFunction"


def get_lambda_function_url_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}LambdaFunctionUrl"


def get_lambda_event_config_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}LambdaEvConf"


def get_lambda_layer_logical_id(layer_name: str) -> str:
    return f"{get_normalized_function_name(layer_name)}LambdaLayer"


def get_lambda_layer_permission_logical_id(layer_name: str, account: str) -> str:
    return f"{get_normalized_function_name(layer_name)}{account.replace('*', 'Wild', 1)}LambdaLayerPermission"


def get_lambda_version_logical_id(function_name: str, sha: str) -> str:
    return f"{get_normalized_function_name(function_name)}LambdaVersion{re.sub(r'[^0-9a-zA-Z]', '', sha)}"


def get_lambda_provisioned_concurrency_alias_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}ProvConcLambdaAlias"


def get_lambda_snap_start_alias_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}SnapStartLambdaAlias"


PROVISIONED_CONCURRENCY_ALIAS_NAME = "provisioned"
SNAP_START_ALIAS_NAME = "snapstart"


def get_lambda_function_url_output_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}LambdaFunctionUrl"


def get_lambda_version_output_logical_id(function_name: str) -> str:
    return f"{get_lambda_logical_id(function_name)}QualifiedArn"


def get_lambda_layer_output_logical_id(layer_name: str) -> str:
    return f"{get_lambda_layer_logical_id(layer_name)}QualifiedArn"


def get_lambda_layer_hash_output_logical_id(layer_name: str) -> str:
    return f"{get_lambda_layer_logical_id(layer_name)}Hash"


def get_lambda_layer_s3_key_output_logical_id(layer_name: str) -> str:
    return f"{get_lambda_layer_logical_id(layer_name)}S3Key"


# Deployment bucket

DEPLOYMENT_BUCKET_LOGICAL_ID = "ServerlessDeploymentBucket"
DEPLOYMENT_BUCKET_OUTPUT_LOGICAL_ID = "ServerlessDeploymentBucketName"
DEPLOYMENT_BUCKET_POLICY_LOGICAL_ID = "ServerlessDeploymentBucketPolicy"


# S3

def normalize_bucket_name(bucket_name: str) -> str:
    return normalize_name_to_alphanumeric_only(bucket_name)


def get_bucket_logical_id(bucket_name: str) -> str:
    return f"S3Bucket{normalize_bucket_name(bucket_name)}"


# SNS

def normalize_topic_name(topic_name: str) -> str:
    return normalize_name_to_alphanumeric_only(topic_name)


def get_topic_logical_id(topic_name: str) -> str:
    return f"SNSTopic{normalize_topic_name(topic_name)}"


def get_topic_dlq_policy_logical_id(function_name: str, topic_name: str) -> str:
    return f"{normalize_topic_name(topic_name)}To{get_normalized_function_name(function_name)}DLQPolicy"


# Schedule

def get_schedule_id(function_name: str) -> str:
    return f"{function_name}Schedule"


def get_schedule_logical_id(function_name: str, index: int) -> str:
    return f"{get_normalized_function_name(function_name)}EventsRuleSchedule{index}"


def get_scheduler_schedule_logical_id(function_name: str, index: int) -> str:
    return f"{get_normalized_function_name(function_name)}SchedulerSchedule{index}"


# Streams

def get_stream_logical_id(function_name: str, stream_type: str, stream_name: str) -> str:
    return (f"{get_normalized_function_name(function_name)}EventSourceMapping"
            f"{normalize_name(stream_type)}{normalize_name_to_alphanumeric_only(stream_name)}")


def get_stream_consumer_name(function_name: str, stream_name: str, service: str, stage: str,
                             provider: dict[str, Any]) -> str:
    kinesis = provider.get("kinesis")
    if isinstance(kinesis, dict) and kinesis.get("consumerNamingMode"):
        return f"{function_name}{stream_name}{service}{stage}Consumer"
    return f"{function_name}{stream_name}Consumer"


def get_stream_consumer_logical_id(consumer_name: str) -> str:
    return f"{get_normalized_function_name(consumer_name)}StreamConsumer"


# IoT

def get_iot_logical_id(function_name: str, index: int) -> str:
    return f"{get_normalized_function_name(function_name)}IotTopicRule{index}"


def get_lambda_iot_permission_logical_id(function_name: str, index: int) -> str:
    return f"{get_normalized_function_name(function_name)}LambdaPermissionIotTopicRule{index}"


def get_iot_fleet_provisioning_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}IotProvisioningTemplate"


def get_lambda_iot_fleet_provisioning_permission_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}LambdaPermissionIotProvisioningTemplate"


# CloudWatch

def get_cloudwatch_event_id(function_name: str) -> str:
    return f"{function_name}CloudWatchEvent"


def get_cloudwatch_event_logical_id(function_name: str, index: int) -> str:
    return f"{get_normalized_function_name(function_name)}EventsRuleCloudWatchEvent{index}"


def get_cloudwatch_log_logical_id(function_name: str, index: int) -> str:
    return f"{get_normalized_function_name(function_name)}LogsSubscriptionFilterCloudWatchLog{index}"


# Cognito

def get_cognito_user_pool_logical_id(pool_id: str) -> str:
    return f"CognitoUserPool{normalize_name_to_alphanumeric_only(pool_id)}"


# Queues and brokers

def get_queue_logical_id(function_name: str, queue_name: str) -> str:
    return (f"{get_normalized_function_name(function_name)}EventSourceMappingSQS"
            f"{normalize_name_to_alphanumeric_only(queue_name)}")


def get_msk_event_logical_id(function_name: str, cluster_name: str, topic_name: str) -> str:
    # Trimmed as the framework does, to stay under CloudFormation's 255 character limit.
    return (f"{get_normalized_function_name(function_name)}EventSourceMappingMSK"
            f"{normalize_name_to_alphanumeric_only(cluster_name)[:79]}"
            f"{normalize_name_to_alphanumeric_only(topic_name)[:79]}")


def get_kafka_event_logical_id(function_name: str, topic_name: str) -> str:
    return (f"{get_normalized_function_name(function_name)}EventSourceMappingKafka"
            f"{normalize_name_to_alphanumeric_only(topic_name)[:158]}")


def get_activemq_event_logical_id(function_name: str, queue_name: str) -> str:
    return (f"{get_normalized_function_name(function_name)}EventSourceMappingActiveMQ"
            f"{normalize_name_to_alphanumeric_only(queue_name)[:150]}")


def get_rabbitmq_event_logical_id(function_name: str, queue_name: str) -> str:
    return (f"{get_normalized_function_name(function_name)}EventSourceMappingRabbitMQ"
            f"{normalize_name_to_alphanumeric_only(queue_name)[:150]}")


# ALB

def get_alb_target_group_logical_id(function_name: str, alb_id: str, multi_value: bool) -> str:
    mv = "MultiValue" if multi_value else ""
    return f"{get_normalized_function_name(function_name)}Alb{mv}TargetGroup{alb_id}"


def get_alb_target_group_name_tag_value(service: str, stage: str, function_name: str,
                                        alb_id: str, multi_value: bool) -> str:
    mv = "multi-value-" if multi_value else ""
    return f"{service}-{function_name}-{alb_id}-{mv}{stage}"


def generate_alb_target_group_name(service: str, stage: str, function_name: str, alb_id: str,
                                   multi_value: bool, prefix: str = "") -> str:
    tag = get_alb_target_group_name_tag_value(service, stage, function_name, alb_id, multi_value)
    return (prefix + md5(tag.encode()).hexdigest())[:32]


def get_alb_listener_rule_logical_id(function_name: str, index: int) -> str:
    return f"{get_normalized_function_name(function_name)}AlbListenerRule{index}"


# Permissions

def _fn(function_name: str) -> str:
    return get_normalized_function_name(function_name)


def get_lambda_s3_permission_logical_id(function_name: str, bucket_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermission{normalize_bucket_name(bucket_name)}S3"


def get_lambda_sns_permission_logical_id(function_name: str, topic_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermission{normalize_topic_name(topic_name)}SNS"


def get_lambda_sns_subscription_logical_id(function_name: str, topic_name: str) -> str:
    return f"{_fn(function_name)}SnsSubscription{normalize_topic_name(topic_name)}"


def get_lambda_schedule_permission_logical_id(function_name: str, index: int) -> str:
    return f"{_fn(function_name)}LambdaPermissionEventsRuleSchedule{index}"


def get_lambda_cloudwatch_event_permission_logical_id(function_name: str, index: int) -> str:
    return f"{_fn(function_name)}LambdaPermissionEventsRuleCloudWatchEvent{index}"


def get_lambda_api_gateway_permission_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermissionApiGateway"


def get_lambda_http_api_permission_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermissionHttpApi"


def get_lambda_fn_url_permission_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermissionFnUrl"


def get_lambda_authorizer_http_api_permission_logical_id(authorizer_name: str) -> str:
    return f"{get_normalized_resource_name(authorizer_name)}LambdaAuthorizerPermissionHttpApi"


def get_lambda_alexa_skill_permission_logical_id(function_name: str, index: int | None) -> str:
    return f"{_fn(function_name)}LambdaPermissionAlexaSkill{index or '0'}"


def get_lambda_alexa_smart_home_permission_logical_id(function_name: str, index: int) -> str:
    return f"{_fn(function_name)}LambdaPermissionAlexaSmartHome{index}"


def get_lambda_cloudwatch_log_permission_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermissionLogsSubscriptionFilterCloudWatchLog"


def get_lambda_cognito_user_pool_permission_logical_id(function_name: str, pool_id: str,
                                                       trigger_source: str) -> str:
    return (f"{_fn(function_name)}LambdaPermissionCognitoUserPool"
            f"{normalize_name_to_alphanumeric_only(pool_id)}TriggerSource"
            f"{normalize_name_to_alphanumeric_only(trigger_source)}")


def get_lambda_alb_permission_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermissionAlb"


def get_lambda_register_target_permission_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermissionRegisterTarget"


# Custom resources (existing S3 buckets / Cognito pools, EventBridge, API Gateway CloudWatch role)

CUSTOM_RESOURCES_ARTIFACT_NAME = "custom-resources.zip"
CUSTOM_RESOURCES_ROLE_LOGICAL_ID = "IamRoleCustomResourcesLambdaExecution"
CUSTOM_RESOURCE_S3_HANDLER_FUNCTION_NAME = "custom-resource-existing-s3"
CUSTOM_RESOURCE_COGNITO_HANDLER_FUNCTION_NAME = "custom-resource-existing-cup"
CUSTOM_RESOURCE_EVENT_BRIDGE_HANDLER_FUNCTION_NAME = "custom-resource-event-bridge"
CUSTOM_RESOURCE_APIGW_CW_ROLE_HANDLER_FUNCTION_NAME = "custom-resource-apigw-cw-role"
CUSTOM_API_GATEWAY_ACCOUNT_CLOUDWATCH_ROLE_LOGICAL_ID = "CustomApiGatewayAccountCloudWatchRole"


def get_custom_resource_handler_function_logical_id(handler_function_name: str) -> str:
    return get_lambda_logical_id(get_normalized_function_name(handler_function_name))


def get_custom_resource_s3_resource_logical_id(function_name: str) -> str:
    # The trailing 1 is the framework's, kept for backwards compatibility.
    return f"{_fn(function_name)}CustomS31"


def get_custom_resource_cognito_user_pool_resource_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}CustomCognitoUserPool1"


def get_custom_resource_event_bridge_resource_logical_id(function_name: str, index: int) -> str:
    return f"{_fn(function_name)}CustomEventBridge{index}"


# EventBridge

def get_event_bridge_event_bus_logical_id(event_bus_name: str) -> str:
    return f"{get_normalized_resource_name(event_bus_name)}EventBridgeEventBus"


def get_event_bridge_rule_logical_id(rule_name: str) -> str:
    return f"{normalize_name_to_alphanumeric_only(rule_name)}EventBridgeRule"


def get_event_bridge_lambda_permission_logical_id(function_name: str, index: int) -> str:
    return f"{_fn(function_name)}EventBridgeLambdaPermission{index}"


# CloudFront

CLOUDFRONT_DISTRIBUTION_LOGICAL_ID = "CloudFrontDistribution"
CLOUDFRONT_DISTRIBUTION_DOMAIN_NAME_LOGICAL_ID = "CloudFrontDistributionDomainName"


def get_lambda_at_edge_invoke_permission_logical_id(function_name: str) -> str:
    return f"{get_lambda_logical_id(function_name)}InvokePermission"


def get_cloudfront_cache_policy_logical_id(cache_policy_name: str) -> str:
    return f"CloudFrontCachePolicy{get_normalized_function_name(cache_policy_name)}"


def get_cloudfront_cache_policy_name(service: str, stage: str, cache_policy_name: str) -> str:
    return f"{service}-{stage}-{cache_policy_name}"


def get_cloudfront_origin_id(origin: dict[str, Any]) -> str:
    # JavaScript truthiness: an empty S3OriginConfig object still marks an S3 origin.
    is_s3 = origin.get("S3OriginConfig") not in (None, False, "", 0)
    domain = origin.get("DomainName")
    if isinstance(domain, str):
        domain_name = domain
    else:
        import json

        domain_name = normalize_name_to_alphanumeric_only(json.dumps(domain, separators=(",", ":")))
    origin_id = f"{'s3' if is_s3 else 'custom'}/{domain_name}"
    if origin.get("OriginPath"):
        origin_id += str(origin["OriginPath"])
    return origin_id


# API Gateway REST API (names that read the provider's settings are in events.apigateway)

REST_API_LOGICAL_ID = "ApiGatewayRestApi"
API_GATEWAY_LOG_GROUP_LOGICAL_ID = "ApiGatewayLogGroup"


def get_authorizer_logical_id(function_name: str) -> str:
    return f"{get_normalized_function_name(function_name)}ApiGatewayAuthorizer"


def extract_authorizer_name_from_arn(arn: str) -> str:
    return arn.split(":")[-1].split("-")[-1]


def get_resource_logical_id(resource_path: str) -> str:
    return f"ApiGatewayResource{normalize_path(resource_path)}"


def get_method_logical_id(resource_id: str, method_name: str) -> str:
    return f"ApiGatewayMethod{resource_id}{normalize_name(method_name.lower())}"


def get_validator_logical_id(service: str) -> str:
    return f"ApiGateway{normalize_name_to_alphanumeric_only(service)}RequestValidator"


def get_model_logical_id(schema_id: str) -> str:
    return f"ApiGateway{upper_first(camel_case(schema_id))}Model"


def get_endpoint_model_logical_id(resource_id: str, method_name: str, content_type: str) -> str:
    return f"{get_method_logical_id(resource_id, method_name)}{to_start_case(content_type)}Model"


def get_api_key_logical_id(number: int, name: str | None = None) -> str:
    return f"ApiGatewayApiKey{normalize_name(name)}{number}" if name else f"ApiGatewayApiKey{number}"


def get_usage_plan_logical_id(name: str | None = None) -> str:
    return f"ApiGatewayUsagePlan{normalize_name(name)}" if name else "ApiGatewayUsagePlan"


def get_usage_plan_key_logical_id(number: int, name: str | None = None) -> str:
    return f"ApiGatewayUsagePlanKey{normalize_name(name)}{number}" if name else f"ApiGatewayUsagePlanKey{number}"


# WebSocket API

WEBSOCKETS_API_LOGICAL_ID = "WebsocketsApi"
WEBSOCKETS_STAGE_LOGICAL_ID = "WebsocketsDeploymentStage"
WEBSOCKETS_LOG_GROUP_LOGICAL_ID = "WebsocketsLogGroup"


def get_websockets_integration_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}WebsocketsIntegration"


def get_lambda_websockets_permission_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}LambdaPermissionWebsockets"


def get_normalized_websockets_route_key(route: str) -> str:
    return (route.replace("$", "S").replace("/", "Slash").replace("-", "Dash")
            .replace("_", "Underscore").replace(".", "Period"))


def get_websockets_route_logical_id(route: str) -> str:
    return f"{get_normalized_websockets_route_key(route)}WebsocketsRoute"


def get_websockets_route_response_logical_id(route: str) -> str:
    return f"{get_websockets_route_logical_id(route)}Response"


def get_websockets_deployment_logical_id(sha: str) -> str:
    return f"WebsocketsDeployment{re.sub(r'[^0-9a-zA-Z]', '', sha)}"


def get_websockets_authorizer_logical_id(function_name: str) -> str:
    return f"{_fn(function_name)}WebsocketsAuthorizer"


# HTTP API

HTTP_API_LOGICAL_ID = "HttpApi"
HTTP_API_STAGE_LOGICAL_ID = "HttpApiStage"
HTTP_API_LOG_GROUP_LOGICAL_ID = "HttpApiLogGroup"


def get_http_api_integration_logical_id(function_name: str) -> str:
    return f"HttpApiIntegration{_fn(function_name)}"


def get_http_api_route_logical_id(route_key: str) -> str:
    return "HttpApiRouteDefault" if route_key == "*" else f"HttpApiRoute{normalize_path(route_key)}"


def get_http_api_authorizer_logical_id(authorizer_name: str) -> str:
    return f"HttpApiAuthorizer{_fn(authorizer_name)}"
