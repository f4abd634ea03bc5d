"""The rewrites the framework's config validation makes: AJV with `coerceTypes: 'array'`.

After resolving variables the framework validates the config against its JSON schema with AJV
`coerceTypes`, which rewrites scalars in place: "768" becomes 768 for `memorySize`, "true" becomes
true for `enabled`, and 42 becomes "42" in `environment` / `tags`. The compile steps see the coerced
values, so do the same here. The table lists the typed fields of the v3 schema (core, AWS provider
and its events) as "parent: field=type ..."; `*` is any key, `[]` any list item. The types: str,
num, int, bool; arr (a scalar becomes a list of it); one (a list of one scalar becomes that scalar,
as text: AJV does so where the schema's first alternative is a string, e.g. awsArn); resource (the
same for an IAM statement's Resource, where it sticks only for an ARN or a logical ID).

(The API Gateway settings and events are coerced by events.apigateway.schema, only for a service
that has such events.)
"""

from __future__ import annotations


from promotelint.model.opaque import OPAQUE_KEY, is_opaque
from promotelint.model.regex import lazy
from promotelint.serverless.js import coerce_string, js_number, js_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


_COERCE_TABLE = (
    # numbers and booleans
    "functions.*: disableLogs=bool ephemeralStorageSize=int logRetentionInDays=num maximumEventAge=int",
    "functions.*: maximumRetryAttempts=int memorySize=int provisionedConcurrency=int reservedConcurrency=int",
    "functions.*: snapStart=bool timeout=int tracing=bool url=bool versionFunction=bool",
    "functions.*.events[].activemq: batchSize=num enabled=bool maximumBatchingWindow=num",
    "functions.*.events[].alb: healthCheck=bool multiValueHeaders=bool priority=int",
    "functions.*.events[].alb.healthCheck: healthyThresholdCount=int intervalSeconds=int timeoutSeconds=int",
    "functions.*.events[].alb.healthCheck: unhealthyThresholdCount=int",
    "functions.*.events[].alexaSkill: enabled=bool",
    "functions.*.events[].alexaSmartHome: enabled=bool",
    "functions.*.events[].cloudFront.behavior: Compress=bool DefaultTTL=num MaxTTL=num MinTTL=num",
    "functions.*.events[].cloudFront.behavior: SmoothStreaming=bool",
    "functions.*.events[].cloudFront.behavior.ForwardedValues: QueryString=bool",
    "functions.*.events[].cloudFront: includeBody=bool isDefaultOrigin=bool",
    "functions.*.events[].cloudFront.origin: ConnectionAttempts=int ConnectionTimeout=int",
    "functions.*.events[].cloudFront.origin.CustomOriginConfig: HTTPPort=int HTTPSPort=int",
    "functions.*.events[].cloudFront.origin.CustomOriginConfig: OriginKeepaliveTimeout=int",
    "functions.*.events[].cloudFront.origin.CustomOriginConfig: OriginReadTimeout=int",
    "functions.*.events[].cloudwatchEvent: enabled=bool",
    "functions.*.events[].cognitoUserPool: existing=bool forceDeploy=bool",
    "functions.*.events[].eventBridge: enabled=bool",
    "functions.*.events[].eventBridge.retryPolicy: maximumEventAge=int maximumRetryAttempts=int",
    "functions.*.events[].http: async=bool cors=bool private=bool",
    "functions.*.events[].http.authorizer: managedExternally=bool resultTtlInSeconds=int",
    "functions.*.events[].http.cors: allowCredentials=bool maxAge=int",
    "functions.*.events[].http.request.parameters.headers: *=bool",
    "functions.*.events[].http.request.parameters.headers.*: required=bool",
    "functions.*.events[].http.request.parameters.paths: *=bool",
    "functions.*.events[].http.request.parameters.paths.*: required=bool",
    "functions.*.events[].http.request.parameters.querystrings: *=bool",
    "functions.*.events[].http.request.parameters.querystrings.*: required=bool",
    "functions.*.events[].iot: enabled=bool",
    "functions.*.events[].iotFleetProvisioning: enabled=bool",
    "functions.*.events[].kafka: batchSize=num enabled=bool maximumBatchingWindow=num",
    "functions.*.events[].kafka: startingPositionTimestamp=num",
    "functions.*.events[].msk: batchSize=num enabled=bool maximumBatchingWindow=num",
    "functions.*.events[].msk: startingPositionTimestamp=num",
    "functions.*.events[].rabbitmq: batchSize=num enabled=bool maximumBatchingWindow=num",
    "functions.*.events[].s3: existing=bool forceDeploy=bool",
    "functions.*.events[].schedule: enabled=bool",
    "functions.*.events[].sqs: batchSize=int enabled=bool maximumBatchingWindow=int maximumConcurrency=int",
    "functions.*.events[].stream: batchSize=int batchWindow=int bisectBatchOnFunctionError=bool enabled=bool",
    "functions.*.events[].stream: maximumRecordAgeInSeconds=int maximumRetryAttempts=int",
    "functions.*.events[].stream: parallelizationFactor=int startingPositionTimestamp=num",
    "functions.*.events[].stream: tumblingWindowInSeconds=int",
    "functions.*.package: individually=bool",
    "functions.*.url: cors=bool",
    "functions.*.url.cors: allowCredentials=bool maxAge=int",
    "layers.*: retain=bool",
    "package: excludeDevDependencies=bool individually=bool",
    "provider.alb.authorizers.*: sessionTimeout=int",
    "provider.apiGateway.apiKeys[].*[]: enabled=bool",
    "provider.apiGateway.apiKeys[]: enabled=bool",
    "provider.apiGateway: disableDefaultEndpoint=bool metrics=bool minimumCompressionSize=int",
    "provider.apiGateway: shouldStartNameWithService=bool",
    "provider.apiGateway.usagePlan.quota: limit=int offset=int",
    "provider.apiGateway.usagePlan.throttle: burstLimit=int rateLimit=int",
    "provider.apiGateway.usagePlan[].*.quota: limit=int offset=int",
    "provider.apiGateway.usagePlan[].*.throttle: burstLimit=int rateLimit=int",
    "provider.cloudFront.cachePolicies.*: DefaultTTL=int MaxTTL=int MinTTL=int",
    "provider.cloudFront.cachePolicies.*.ParametersInCacheKeyAndForwardedToOrigin: EnableAcceptEncodingBrotli=bool",
    "provider.cloudFront.cachePolicies.*.ParametersInCacheKeyAndForwardedToOrigin: EnableAcceptEncodingGzip=bool",
    "provider.deploymentBucket: blockPublicAccess=bool maxPreviousDeploymentArtifacts=int skipPolicySetup=bool",
    "provider.deploymentBucket: versioning=bool",
    "provider: disableRollback=bool logRetentionInDays=num memorySize=int timeout=int versionFunctions=bool",
    "provider.ecr: scanOnPush=bool",
    "provider.eventBridge: useCloudFormation=bool",
    "provider.httpApi.authorizers.*: enableSimpleResponses=bool managedExternally=bool resultTtlInSeconds=int",
    "provider.httpApi: cors=bool disableDefaultEndpoint=bool metrics=bool shouldStartNameWithService=bool",
    "provider.httpApi.cors: allowCredentials=bool maxAge=int",
    "provider.logs: frameworkLambda=bool httpApi=bool restApi=bool websocket=bool",
    "provider.logs.restApi: accessLogging=bool executionLogging=bool fullExecutionData=bool",
    "provider.logs.restApi: roleManagedExternally=bool",
    "provider.logs.websocket: accessLogging=bool executionLogging=bool fullExecutionData=bool",
    "provider.rollbackConfiguration: MonitoringTimeInMinutes=int",
    "provider.s3.*.bucketEncryption.ServerSideEncryptionConfiguration[]: BucketKeyEnabled=bool",
    "provider.s3.*.corsConfiguration.CorsRules[]: MaxAge=int",
    "provider.s3.*.inventoryConfigurations[]: Enabled=bool",
    "provider.s3.*.lifecycleConfiguration.Rules[].AbortIncompleteMultipartUpload: DaysAfterInitiation=int",
    "provider.s3.*.lifecycleConfiguration.Rules[]: ExpirationInDays=int NoncurrentVersionExpirationInDays=int",
    "provider.s3.*.lifecycleConfiguration.Rules[].NoncurrentVersionTransition: TransitionInDays=int",
    "provider.s3.*.lifecycleConfiguration.Rules[].NoncurrentVersionTransitions[]: TransitionInDays=int",
    "provider.s3.*.lifecycleConfiguration.Rules[].Transitions[]: TransitionInDays=int",
    "provider.s3.*.objectLockConfiguration.Rule.DefaultRetention: Days=int Years=int",
    "provider.s3.*: objectLockEnabled=bool",
    "provider.s3.*.publicAccessBlockConfiguration: BlockPublicAcls=bool BlockPublicPolicy=bool",
    "provider.s3.*.publicAccessBlockConfiguration: IgnorePublicAcls=bool RestrictPublicBuckets=bool",
    "provider.s3.*.replicationConfiguration.Rules[].Destination.Metrics.EventThreshold: Minutes=int",
    "provider.s3.*.replicationConfiguration.Rules[].Destination.ReplicationTime.Time: Minutes=int",
    "provider.s3.*.replicationConfiguration.Rules[]: Priority=int",
    "provider.stackParameters[]: UsePreviousValue=bool",
    "provider.tracing: apiGateway=bool lambda=bool",
    "provider.websocket: useProviderTags=bool",
    # `coerceTypes: "array"`: a scalar where the schema wants a list becomes a one-item list
    # (not apiKeys[].*: an item {name, value} matches its object branch first, nothing is wrapped)
    "functions.*: dependsOn=arr events=arr layers=arr",
    "functions.*.events[].activemq: filterPatterns=arr",
    "functions.*.events[].alb: authorizer=arr",
    "functions.*.events[].alb.conditions.header: values=arr",
    "functions.*.events[].alb.conditions.header[]: values=arr",
    "functions.*.events[].alb.conditions: host=arr ip=arr method=arr path=arr",
    "functions.*.events[].cloudFront.behavior.ForwardedValues.Cookies: WhitelistedNames=arr",
    "functions.*.events[].cloudFront.behavior.ForwardedValues: Headers=arr QueryStringCacheKeys=arr",
    "functions.*.events[].cloudFront.behavior: TrustedKeyGroups=arr TrustedSigners=arr",
    "functions.*.events[].cloudFront.origin.CustomOriginConfig: OriginSSLProtocols=arr",
    "functions.*.events[].cloudFront.origin: OriginCustomHeaders=arr",
    "functions.*.events[].eventBridge.pattern: $or=arr",
    "functions.*.events[].http.authorizer: claims=arr scopes=arr",
    "functions.*.events[].http.cors: headers=arr methods=arr origins=arr",
    "functions.*.events[].httpApi.authorizer: scopes=arr",
    "functions.*.events[].kafka.accessConfigurations: clientCertificateTlsAuth=arr saslPlainAuth=arr",
    "functions.*.events[].kafka.accessConfigurations: saslScram256Auth=arr saslScram512Auth=arr",
    "functions.*.events[].kafka.accessConfigurations: serverRootCaCertificate=arr vpcSecurityGroup=arr",
    "functions.*.events[].kafka.accessConfigurations: vpcSubnet=arr",
    "functions.*.events[].kafka: bootstrapServers=arr filterPatterns=arr",
    "functions.*.events[].msk: filterPatterns=arr",
    "functions.*.events[].rabbitmq: filterPatterns=arr",
    "functions.*.events[].s3: rules=arr",
    "functions.*.events[].schedule: rate=arr",
    "functions.*.events[].sqs: filterPatterns=arr",
    "functions.*.events[].stream: filterPatterns=arr",
    "functions.*.events[].websocket.authorizer: identitySource=arr",
    "functions.*.image: command=arr entryPoint=arr",
    "functions.*.logDataProtectionPolicy: Statement=arr",
    "functions.*.package: exclude=arr include=arr patterns=arr",
    "functions.*.url.cors: allowedHeaders=arr allowedMethods=arr allowedOrigins=arr exposedResponseHeaders=arr",
    "layers.*: allowedAccounts=arr compatibleArchitectures=arr compatibleRuntimes=arr",
    "layers.*.package: exclude=arr include=arr patterns=arr",
    "package: exclude=arr include=arr patterns=arr",
    "plugins: modules=arr",
    "provider.apiGateway: apiKeys=arr binaryMediaTypes=arr resourcePolicy=arr",
    "provider.apiGateway.resourcePolicy[]: Action=arr NotAction=arr",
    "provider.apiGateway.resourcePolicy[].NotPrincipal: CanonicalUser=arr Federated=arr Service=arr",
    "provider.apiGateway.resourcePolicy[].Principal: CanonicalUser=arr Federated=arr Service=arr",
    "provider.cloudFront.cachePolicies.*.ParametersInCacheKeyAndForwardedToOrigin.CookiesConfig: Cookies=arr",
    "provider.cloudFront.cachePolicies.*.ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig: Headers=arr",
    "provider.cloudFront.cachePolicies.*.ParametersInCacheKeyAndForwardedToOrigin.QueryStringsConfig: QueryStrings=arr",
    "provider.ecr.images.*: cacheFrom=arr",
    "provider.httpApi.cors: allowedHeaders=arr allowedMethods=arr allowedOrigins=arr",
    "provider.httpApi.cors: exposedResponseHeaders=arr",
    "provider.iam.role: managedPolicies=arr statements=arr",
    "provider.iam.role.statements[]: Action=arr NotAction=arr Resource=resource NotResource=resource",
    "provider.iam.role.statements[].NotPrincipal: CanonicalUser=arr Federated=arr Service=arr",
    "provider.iam.role.statements[].Principal: CanonicalUser=arr Federated=arr Service=arr",
    "provider: iamManagedPolicies=arr iamRoleStatements=arr layers=arr notificationArns=arr",
    "provider: stackParameters=arr stackPolicy=arr",
    "provider.iamRoleStatements[]: Action=arr NotAction=arr Resource=resource NotResource=resource",
    "provider.iamRoleStatements[].NotPrincipal: CanonicalUser=arr Federated=arr Service=arr",
    "provider.iamRoleStatements[].Principal: CanonicalUser=arr Federated=arr Service=arr",
    "provider.logDataProtectionPolicy: Statement=arr",
    "provider.rollbackConfiguration: RollbackTriggers=arr",
    "provider.s3.*: analyticsConfigurations=arr inventoryConfigurations=arr metricsConfigurations=arr tags=arr",
    "provider.s3.*.analyticsConfigurations[]: TagFilters=arr",
    "provider.s3.*.bucketEncryption: ServerSideEncryptionConfiguration=arr",
    "provider.s3.*.corsConfiguration: CorsRules=arr",
    "provider.s3.*.corsConfiguration.CorsRules[]: AllowedHeaders=arr AllowedMethods=arr AllowedOrigins=arr",
    "provider.s3.*.corsConfiguration.CorsRules[]: ExposedHeaders=arr",
    "provider.s3.*.inventoryConfigurations[]: OptionalFields=arr",
    "provider.s3.*.lifecycleConfiguration: Rules=arr",
    "provider.s3.*.lifecycleConfiguration.Rules[]: NoncurrentVersionTransitions=arr TagFilters=arr",
    "provider.s3.*.lifecycleConfiguration.Rules[]: Transitions=arr",
    "provider.s3.*.metricsConfigurations[]: TagFilters=arr",
    "provider.s3.*.notificationConfiguration: LambdaConfigurations=arr QueueConfigurations=arr",
    "provider.s3.*.notificationConfiguration: TopicConfigurations=arr",
    "provider.s3.*.notificationConfiguration.LambdaConfigurations[].Filter.S3Key: Rules=arr",
    "provider.s3.*.notificationConfiguration.QueueConfigurations[].Filter.S3Key: Rules=arr",
    "provider.s3.*.notificationConfiguration.TopicConfigurations[].Filter.S3Key: Rules=arr",
    "provider.s3.*.replicationConfiguration: Rules=arr",
    "provider.s3.*.replicationConfiguration.Rules[].Filter.And: TagFilters=arr",
    "provider.s3.*.websiteConfiguration: RoutingRules=arr",
    "provider.stackPolicy[]: Action=arr NotAction=arr",
    "provider.stackPolicy[].NotPrincipal: CanonicalUser=arr Federated=arr Service=arr",
    "provider.stackPolicy[].Principal: CanonicalUser=arr Federated=arr Service=arr",
    "resources.Resources.*: DependsOn=arr",
    "resources.extensions.*: DependsOn=arr",
    ": disabledDeprecations=arr",
    # text: a number or boolean where the schema wants a string becomes its JavaScript text
    ": app=str frameworkVersion=str org=str projectDir=str service=str variablesResolutionMode=str",
    "functions.*: condition=str description=str handler=str name=str",
    "functions.*.events[].activemq: queue=str",
    "functions.*.events[].alb.conditions.header: name=str",
    "functions.*.events[].alb.conditions.header[]: name=str",
    "functions.*.events[].alb.conditions.query: *=str",
    "functions.*.events[].alb.healthCheck.matcher: httpCode=str",
    "functions.*.events[].alb.healthCheck: path=str",
    "functions.*.events[].alb: targetGroupName=str",
    "functions.*.events[].alexaSkill: appId=str",
    "functions.*.events[].alexaSmartHome: appId=str",
    "functions.*.events[].cloudFront.behavior: CachePolicyId=str FieldLevelEncryptionId=str",
    "functions.*.events[].cloudFront.cachePolicy: name=str",
    "functions.*.events[].cloudFront.origin.OriginCustomHeaders[]: HeaderName=str HeaderValue=str",
    "functions.*.events[].cloudFront.origin: OriginPath=str",
    "functions.*.events[].cloudFront: pathPattern=str",
    "functions.*.events[].cloudwatchEvent: description=str inputPath=str name=str",
    "functions.*.events[].cloudwatchEvent.inputTransformer.inputPathsMap: *=str",
    "functions.*.events[].cloudwatchEvent.inputTransformer: inputTemplate=str",
    "functions.*.events[].cloudwatchLog: filter=str logGroup=str",
    "functions.*.events[].cognitoUserPool: pool=str",
    "functions.*.events[].eventBridge: description=str inputPath=str name=str schedule=str",
    "functions.*.events[].eventBridge.inputTransformer.inputPathsMap: *=str",
    "functions.*.events[].eventBridge.inputTransformer: inputTemplate=str",
    "functions.*.events[].http.authorizer: identitySource=str identityValidationExpression=str name=str",
    "functions.*.events[].http.cors: cacheControl=str origin=str",
    "functions.*.events[].http: method=str operationId=str path=str",
    "functions.*.events[].http.request: method=str",
    "functions.*.events[].http.request.template: *=str",
    "functions.*.events[].http.response.headers: *=str",
    "functions.*.events[].http.response.statusCodes.*.headers: *=str",
    "functions.*.events[].http.response.statusCodes.*: pattern=str",
    "functions.*.events[].http.response.statusCodes.*.template: *=str",
    "functions.*.events[].http.response: template=str",
    "functions.*.events[].httpApi.authorizer: name=str type=str",
    "functions.*.events[].httpApi: method=str path=str",
    "functions.*.events[].iot: description=str name=str sql=str sqlVersion=str",
    "functions.*.events[].iotFleetProvisioning: templateName=str",
    "functions.*.events[].kafka: consumerGroupId=str startingPosition=str topic=str",
    "functions.*.events[].msk: consumerGroupId=str saslScram512=str startingPosition=str topic=str",
    "functions.*.events[].rabbitmq: queue=str virtualHost=str",
    "functions.*.events[].s3: event=str",
    "functions.*.events[].schedule: description=str inputPath=str method=str name=str timezone=str",
    "functions.*.events[].schedule.input: body=str",
    "functions.*.events[].schedule.inputTransformer: inputTemplate=str",
    "functions.*.events[].sns: displayName=str filterPolicyScope=str topicName=str",
    "functions.*.events[].sns.redrivePolicy: deadLetterTargetArn=str deadLetterTargetRef=str",
    "functions.*.events[].sns.redrivePolicy.deadLetterTargetImport: arn=str url=str",
    "functions.*.events[].stream: arn=str",
    "functions.*.events[].stream.destinations.onFailure: arn=str",
    "functions.*.events[].websocket.authorizer: name=str",
    "functions.*.events[].websocket: route=str",
    "functions.*.fileSystemConfig: localMountPath=str",
    "functions.*.httpApi: payload=str",
    "functions.*.image: name=str uri=str workingDirectory=str",
    "functions.*.logDataProtectionPolicy: Description=str Name=str Version=str",
    "functions.*.package: artifact=str",
    "functions.*.tags: *=str",
    "functions.*.url: authorizer=str invokeMode=str",
    "layers.*: description=str licenseInfo=str name=str path=str",
    "layers.*.package: artifact=str",
    "package: artifact=str path=str",
    "plugins: localPath=str",
    "provider.alb.authorizers.*: authorizationEndpoint=str clientId=str clientSecret=str issuer=str scope=str",
    "provider.alb.authorizers.*: sessionCookieName=str tokenEndpoint=str userInfoEndpoint=str",
    "provider.alb.authorizers.*: userPoolClientId=str userPoolDomain=str",
    "provider.alb.authorizers.*.requestExtraParams: *=str",
    "provider.alb: targetGroupPrefix=str",
    "provider.apiGateway.apiKeys[].*[]: customerId=str description=str name=str value=str",
    "provider.apiGateway.apiKeys[]: customerId=str description=str name=str value=str",
    "provider.apiGateway: description=str stage=str",
    "provider.apiGateway.request.schemas.*: description=str name=str",
    "provider.apiGateway.resourcePolicy[]: Sid=str",
    "provider.apiGateway.restApiResources[]: path=str resourceId=str",
    "provider: apiName=str deploymentPrefix=str lambdaHashingVersion=str profile=str",
    "provider: rolePermissionsBoundary=str stackName=str stage=str websocketsApiName=str",
    "provider: websocketsApiRouteSelectionExpression=str websocketsDescription=str",
    "provider.cloudFront.cachePolicies.*: Comment=str",
    "provider.deploymentBucket: name=str sseCustomerAlgorithim=str sseCustomerKey=str sseCustomerKeyMD5=str",
    "provider.deploymentBucket: sseKMSKeyId=str",
    "provider.deploymentBucket.tags: *=str",
    "provider.ecr.images.*.buildArgs: *=str",
    "provider.ecr.images.*: file=str path=str platform=str uri=str",
    "provider.httpApi.authorizers.*: functionName=str name=str payloadVersion=str",
    "provider.httpApi: name=str payload=str",
    "provider.iam.role: name=str path=str",
    "provider.iam.role.statements[]: Sid=str",
    "provider.iam.role.tags: *=str",
    "provider.iamRoleStatements[]: Sid=str",
    "provider.logDataProtectionPolicy: Description=str Name=str Version=str",
    "provider.logs.httpApi: format=str",
    "provider.logs.restApi: format=str",
    "provider.logs.websocket: format=str",
    "provider.rollbackConfiguration.RollbackTriggers[]: Arn=str",
    "provider.s3.*: accessControl=str bucketName=str name=str",
    "provider.s3.*.analyticsConfigurations[]: Id=str Prefix=str",
    "provider.s3.*.analyticsConfigurations[].StorageClassAnalysis.DataExport.Destination: BucketAccountId=str",
    "provider.s3.*.analyticsConfigurations[].StorageClassAnalysis.DataExport.Destination: Prefix=str",
    "provider.s3.*.analyticsConfigurations[].TagFilters[]: Key=str Value=str",
    "provider.s3.*.corsConfiguration.CorsRules[]: Id=str",
    "provider.s3.*.inventoryConfigurations[].Destination: BucketAccountId=str Prefix=str",
    "provider.s3.*.inventoryConfigurations[]: Id=str Prefix=str",
    "provider.s3.*.lifecycleConfiguration.Rules[]: ExpirationDate=str Id=str Prefix=str",
    "provider.s3.*.lifecycleConfiguration.Rules[].TagFilters[]: Key=str Value=str",
    "provider.s3.*.lifecycleConfiguration.Rules[].Transitions[]: TransitionDate=str",
    "provider.s3.*.loggingConfiguration: LogFilePrefix=str",
    "provider.s3.*.metricsConfigurations[]: Id=str Prefix=str",
    "provider.s3.*.metricsConfigurations[].TagFilters[]: Key=str Value=str",
    "provider.s3.*.notificationConfiguration.LambdaConfigurations[]: Event=str",
    "provider.s3.*.notificationConfiguration.LambdaConfigurations[].Filter.S3Key.Rules[]: Value=str",
    "provider.s3.*.notificationConfiguration.QueueConfigurations[]: Event=str",
    "provider.s3.*.notificationConfiguration.QueueConfigurations[].Filter.S3Key.Rules[]: Value=str",
    "provider.s3.*.notificationConfiguration.TopicConfigurations[]: Event=str",
    "provider.s3.*.notificationConfiguration.TopicConfigurations[].Filter.S3Key.Rules[]: Value=str",
    "provider.s3.*.replicationConfiguration.Rules[].Destination: Account=str",
    "provider.s3.*.replicationConfiguration.Rules[].Destination.EncryptionConfiguration: ReplicaKmsKeyID=str",
    "provider.s3.*.replicationConfiguration.Rules[].Filter.And: Prefix=str",
    "provider.s3.*.replicationConfiguration.Rules[].Filter.And.TagFilters[]: Key=str Value=str",
    "provider.s3.*.replicationConfiguration.Rules[].Filter: Prefix=str",
    "provider.s3.*.replicationConfiguration.Rules[].Filter.TagFilter: Key=str Value=str",
    "provider.s3.*.replicationConfiguration.Rules[]: Id=str Prefix=str",
    "provider.s3.*.tags[]: Key=str Value=str",
    "provider.s3.*.websiteConfiguration: ErrorDocument=str IndexDocument=str",
    "provider.s3.*.websiteConfiguration.RedirectAllRequestsTo: HostName=str",
    "provider.s3.*.websiteConfiguration.RoutingRules[].RedirectRule: HostName=str HttpRedirectCode=str",
    "provider.s3.*.websiteConfiguration.RoutingRules[].RedirectRule: ReplaceKeyPrefixWith=str",
    "provider.s3.*.websiteConfiguration.RoutingRules[].RedirectRule: ReplaceKeyWith=str",
    "provider.s3.*.websiteConfiguration.RoutingRules[].RoutingRuleCondition: HttpErrorCodeReturnedEquals=str",
    "provider.s3.*.websiteConfiguration.RoutingRules[].RoutingRuleCondition: KeyPrefixEquals=str",
    "provider.stackParameters[]: ParameterKey=str ParameterValue=str ResolvedValue=str",
    "provider.stackPolicy[]: Sid=str",
    "provider.stackTags: *=str",
    "provider.tags: *=str",
    "provider.environment: *=str",
    "functions.*.environment: *=str",
)


def _compile_table(lines: tuple[str, ...]) -> dict:
    tree: dict = {}
    for line in lines:
        parent, _, leaves = line.partition(": ")
        below = _descend(tree, parent.split(".")) if parent else tree  # once per line, not per leaf
        for leaf in leaves.split():
            name, _, kind = leaf.partition("=")
            _descend(below, (name,)).setdefault("=", set()).add(kind)
    return tree


def _descend(node: dict, segments) -> dict:
    for segment in segments:
        key = segment.rstrip("[]")
        node = node.setdefault(key, {})
        for _ in range((len(segment) - len(key)) // 2):
            node = node.setdefault("[]", {})
    return node


_COERCE_TREES: dict[tuple[str, ...], dict] = {}
_CONTAINERS = (dict, list)


def coerce_like_schema(config: dict, extra: tuple[str, ...] = ()) -> dict:
    """Apply the framework's schema type coercion to `config` in place (see the table above);
    `extra` are lines in the same form for what the service's plugins add to the schema (their
    `defineFunctionProperties` / `defineCustomProperties`)."""
    tree = _COERCE_TREES.get(extra)
    if tree is None:
        tree = _COERCE_TREES[extra] = _compile_table(_COERCE_TABLE + extra)
    _coerce(config, tree)
    return config


def _coerce(value: Any, node: dict) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            for child in (node.get(key), node.get("*")):
                if child is None:
                    continue
                kinds = child.get("=")
                if kinds:
                    value[key] = sub = _coerce_scalar(sub, kinds)
                if isinstance(sub, _CONTAINERS):  # (a leaf has nothing below it: no call)
                    _coerce(sub, child)
    elif isinstance(value, list) and "[]" in node:
        child = node["[]"]
        for i, item in enumerate(value):
            if child.get("="):
                value[i] = item = _coerce_scalar(item, child["="])
            if isinstance(item, _CONTAINERS):
                _coerce(item, child)


def _coerce_scalar(value: Any, kinds: set) -> Any:
    # ajv's coercion rules, applied only when the value does not have the type already. A null is
    # never coerced: the framework removes nulls before validating and puts them back after
    # (normalizeUserConfig in config-schema-handler).
    if kinds & {"one", "resource"} and isinstance(value, list) and len(value) == 1 and _scalar(value[0]):
        item = value[0] if isinstance(value[0], str) or is_opaque(value[0]) else coerce_string(value[0])
        if "one" in kinds or _POLICY_RESOURCE.match(item[OPAQUE_KEY] if is_opaque(item) else item):
            return item
    if value is None or isinstance(value, (dict, list)):
        return value
    if "arr" in kinds:
        return [value]
    if "str" in kinds:
        if isinstance(value, str):
            return value
        return coerce_string(value)
    if "bool" in kinds and not isinstance(value, bool):
        if value in ("true", "false"):
            return value == "true"
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
    if ("int" in kinds or "num" in kinds) and not (isinstance(value, (int, float)) and not isinstance(value, bool)):
        number: Any = None
        if isinstance(value, str) and value:  # ajv: `data == +data`, so " 12" and "0x1F" count too
            number = js_number(value)
        elif isinstance(value, bool) and "bool" not in kinds:
            number = int(value)
        if number is not None and ("num" in kinds or float(number).is_integer()):
            return number
    return value


# awsIamPolicyResource is anyOf ['*', awsArn, awsLogicalResourceId, an array of those]: AJV unwraps
# [x] when it checks awsArn's string, and that sticks if x is an ARN or a logical ID; otherwise the
# last alternative wraps it again. (For an unknown value, its text decides.)
_POLICY_RESOURCE = lazy(r"arn:|[#A-Za-z0-9\-_./]+[*]?\Z")


def _scalar(value: Any) -> bool:
    return (value is not None and not isinstance(value, (dict, list))) or is_opaque(value)


def _wrap_string_get_att(value: Any) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("Fn::GetAtt"), str) and len(value) == 1:
            value["Fn::GetAtt"] = [value["Fn::GetAtt"]]
        for item in value.values():
            if isinstance(item, _CONTAINERS):  # (a leaf has nothing to wrap: no call)
                _wrap_string_get_att(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, _CONTAINERS):
                _wrap_string_get_att(item)


# The string branches of the policy unions in the AWS provider's schema (provider.js definitions).
_ARN = lazy(r"^arn:")  # awsArnString
_LOGICAL_ID = lazy(r"^[#A-Za-z0-9\-_./]+[*]?$")  # awsLogicalResourceId
_API_ABBREVIATED_ARN = lazy(r"^execute-api:/")  # awsApiGatewayAbbreviatedArn


def _ajv_string(value: Any) -> str | None:
    """What a `type: string` branch leaves after AJV `coerceTypes: 'array'` (None: no coercion): a
    one-item list first becomes its item, then a number or boolean its text (null: "")."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return js_string(value) if isinstance(value, (bool, int, float)) else None


def policy_resource(value: Any, *, api: bool = False) -> Any:
    """A statement's Resource / NotResource as AJV leaves it. awsIamPolicyResource is anyOf
    [const '*', awsArn (string ^arn: | CloudFormation function), awsLogicalResourceId (string),
    array of those] (awsResourcePolicyResource, `api`, has the ^execute-api:/ string instead of the
    logical ID). AJV tries the branches in order and a branch's coercion stays even when the branch
    fails: so a one-item list whose item is text matching a string branch becomes that text
    (['arn:aws:ses:...'] -> 'arn:aws:ses:...'), while ['*'] and ['not an arn'] are unwrapped by the
    string branch and wrapped again by the array one; longer lists stay, their numbers turned into
    text; a bare string that matches no branch becomes a one-item list."""
    if value == "*" or isinstance(value, dict) or value is None:
        return value
    text = _ajv_string(value)
    if text is not None:
        value = text
        if _ARN.match(text) or (_API_ABBREVIATED_ARN if api else _LOGICAL_ID).match(text):
            return text
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return value
    out = []
    for item in value:  # items: anyOf [const '*', awsArn, awsLogicalResourceId] (no array branch)
        text = None if item == "*" else _ajv_string(item)
        out.append(item if text is None else text)
    return out


def policy_principal_aws(value: Any) -> Any:
    """Principal.AWS: anyOf [const '*', Fn::If, array of (awsAccountId | awsArn)]: anything else
    becomes a one-item list, and its items text (123456789012 -> ["123456789012"])."""
    if value == "*" or isinstance(value, dict) or value is None:
        return value
    items = value if isinstance(value, list) else [value]
    return [item if _ajv_string(item) is None else _ajv_string(item) for item in items]


def coerce_policy_statements(statements: Any, *, api: bool = False) -> None:
    """Resource, NotResource and Principal.AWS of each statement, in place (see above)."""
    for statement in statements if isinstance(statements, list) else ():
        if not isinstance(statement, dict):
            continue
        for key in ("Resource", "NotResource"):
            if key in statement:
                statement[key] = policy_resource(statement[key], api=api)
        for key in ("Principal", "NotPrincipal"):
            principal = statement.get(key)
            if isinstance(principal, dict) and "AWS" in principal:
                principal["AWS"] = policy_principal_aws(principal["AWS"])


def coerce_schema_unions(config: dict[str, Any]) -> None:
    """The framework validates the config with AJV `coerceTypes: 'array'`, which rewrites it in place.
    coerce_like_schema (run by compile_service) applies the schema's plain type table; these
    are the rewrites that come through the schema's unions and change the template: resource
    DependsOn strings, the role's policy statements (coerce_policy_statements), `Fn::GetAtt: "A.B"`
    strings wherever the provider and function schemas accept CloudFormation functions, and VPC id
    scalars. (provider.apiGateway.resourcePolicy: events.apigateway.schema.)"""
    custom = config.get("resources")
    if isinstance(custom, dict):
        for section in ("Resources", "extensions"):
            for resource in (custom.get(section) or {}).values() if isinstance(custom.get(section), dict) else ():
                if isinstance(resource, dict) and isinstance(resource.get("DependsOn"), str):
                    resource["DependsOn"] = [resource["DependsOn"]]
    provider = config.get("provider") if isinstance(config.get("provider"), dict) else {}
    iam = provider.get("iam") if isinstance(provider.get("iam"), dict) else {}
    role = iam.get("role") if isinstance(iam.get("role"), dict) else {}
    coerce_policy_statements(role.get("statements"))
    coerce_policy_statements(provider.get("iamRoleStatements"))
    _wrap_string_get_att(config.get("provider"))
    _wrap_string_get_att(config.get("functions"))
    fns = [fn for fn in (config.get("functions") or {}).values() if isinstance(fn, dict)]
    for vpc in [(config.get("provider") or {}).get("vpc")] + [fn.get("vpc") for fn in fns]:
        for key in ("securityGroupIds", "subnetIds") if isinstance(vpc, dict) else ():
            if isinstance(vpc.get(key), (str, int, float, bool)):
                vpc[key] = [vpc[key]]
