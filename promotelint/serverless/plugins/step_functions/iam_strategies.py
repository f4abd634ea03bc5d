"""What a Task state may call, by its `Resource`: port of the plugin's deploy/stepFunctions/
iamStrategies/ (each returns permissions, `{"action": "a,b", "resource": ...}`)."""

from __future__ import annotations

import re
from typing import Any, Callable

from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string, js_truthy
from promotelint.serverless.plugins.step_functions.common import (
    PluginError, is_intrinsic, resolve_lambda_function_name, translate_local_function_names, trim_alias_from_lambda_arn,
)

Permission = dict[str, Any]
_LAMBDA_ARN = re.compile(r"arn:aws(-[a-z]+)*:lambda")
_FUNCTION_SUB = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:"


def _perm(action: str, resource: Any) -> Permission:
    return {"action": action, "resource": resource}


def _parameters(state: dict[str, Any]) -> dict[str, Any]:
    parameters = state.get("Parameters")
    if not isinstance(parameters, dict):
        raise PluginError(f"a {js_string(state.get('Resource'))} Task state without Parameters makes the plugin "
                          "fail (it reads them to grant the state machine's role)")
    return parameters


def _sub(template: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"Fn::Sub": [template, variables if variables is not None else {}]}


# utils.js

def _has(mapping: Any, key: str) -> bool:
    return isinstance(mapping, dict) and key in mapping


def is_json_path_parameter(state: dict[str, Any], key: str) -> bool:
    return isinstance(state.get("Parameters"), dict) and js_truthy(state["Parameters"].get(f"{key}.$"))


def is_jsonata_argument(state: dict[str, Any], key: str) -> bool:
    arguments = state.get("Arguments")
    value = arguments.get(key) if isinstance(arguments, dict) else None
    return isinstance(value, str) and value.strip().startswith("{%")


def parameter_or_argument(state: dict[str, Any], key: str) -> Any:
    """`getParameterOrArgument` (and `hasParameterOrArgument`, which differs only in returning false
    where this returns undefined)."""
    parameters, arguments = state.get("Parameters"), state.get("Arguments")
    if state.get("QueryLanguage") == "JSONata":
        return arguments.get(key) if isinstance(arguments, dict) else None
    if state.get("QueryLanguage") == "JSONPath":
        return parameters.get(key) if isinstance(parameters, dict) else None
    if parameters and not arguments:
        return parameters.get(key) if isinstance(parameters, dict) else None
    if arguments and not parameters:
        return arguments.get(key) if isinstance(arguments, dict) else None
    return None


def _partition(region: str) -> str:
    if region.startswith("us-gov"):
        return "aws-us-gov"
    return "aws-cn" if region.startswith("cn-") else "aws"


def sqs_queue_url_to_arn(queue_url: Any) -> Any:
    match = re.search(r"https://sqs.(.*).amazonaws.com/(.*)/(.*)", js_string(queue_url))
    if match:
        region, account, queue = match.groups()
        return f"arn:{_partition(region)}:sqs:{region}:{account}:{queue}"
    if is_intrinsic(queue_url):
        return {"Fn::GetAtt": [queue_url["Ref"], "Arn"]} if queue_url.get("Ref") else "*"
    return []  # the plugin logs "Unable to parse SQS queue url" and grants nothing


def dynamodb_arn(table: Any) -> Any:
    if is_intrinsic(table):
        if table.get("Ref"):
            return {"Fn::GetAtt": [table["Ref"], "Arn"]}
        if table.get("Fn::ImportValue"):
            return {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "dynamodb", {"Ref": "AWS::Region"},
                                       {"Ref": "AWS::AccountId"}, {"Fn::Join": ["/", ["table", table]]}]]}
    return {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "dynamodb", {"Ref": "AWS::Region"},
                               {"Ref": "AWS::AccountId"}, f"table/{js_string(table)}"]]}


def _state_machine_arn(state: dict[str, Any]) -> Any:
    if state.get("Arguments"):
        arn = state["Arguments"].get("StateMachineArn") if isinstance(state["Arguments"], dict) else None
        return arn if not isinstance(arn, str) else ("*" if arn.strip().startswith("{%") else arn)
    if state.get("Parameters"):
        parameters = state["Parameters"] if isinstance(state["Parameters"], dict) else {}
        return "*" if js_truthy(parameters.get("StateMachineArn.$")) else parameters.get("StateMachineArn")
    return state.get("StateMachineArn") or "*"


def _execution_arn(arn: Any) -> Any:
    if arn == "*":
        return "*"
    if isinstance(arn, str):
        return f"{arn.replace(':stateMachine:', ':execution:', 1)}:*"
    if not isinstance(arn, dict):
        raise PluginError("a startExecution Task state without a StateMachineArn makes the plugin fail")
    sub = arn.get("Fn::Sub")
    if isinstance(sub, str):
        return {"Fn::Sub": f"{sub.replace(':stateMachine:', ':execution:', 1)}:*"}
    if isinstance(sub, list) and sub:
        return {"Fn::Sub": [f"{js_string(sub[0]).replace(':stateMachine:', ':execution:', 1)}:*",
                            sub[1] if len(sub) > 1 else None]}
    return "*"


def _s3_reference(bucket: Any, resource: str) -> dict[str, Any]:
    if is_intrinsic(bucket):
        return {"Fn::Sub": [resource, {"bucket": bucket}]}
    return {"Fn::Sub": resource.replace("${bucket}", js_string(bucket))}


# The strategies (sqs.js, sns.js, dynamodb.js, ...)

def sqs(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    parameters = state.get("Parameters")
    if not (_has(parameters, "QueueUrl") or _has(parameters, "QueueUrl.$")):
        return []
    queue = "*" if js_truthy(parameters.get("QueueUrl.$")) else sqs_queue_url_to_arn(parameters.get("QueueUrl"))
    return [_perm("sqs:SendMessage", queue)]


def sns(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    parameters = state.get("Parameters")
    if not (_has(parameters, "TopicArn") or _has(parameters, "TopicArn.$")):
        return []
    return [_perm("sns:Publish", "*" if js_truthy(parameters.get("TopicArn.$")) else parameters.get("TopicArn"))]


def dynamodb(action: str) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    def strategy(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
        table = parameter_or_argument(state, "TableName")
        if is_json_path_parameter(state, "TableName") or is_jsonata_argument(state, "TableName"):
            resource: Any = "*"
        elif is_json_path_parameter(state, "IndexName") or is_jsonata_argument(state, "IndexName"):
            resource = dynamodb_arn(f"{js_string(table)}/index/*")
        elif js_truthy(parameter_or_argument(state, "IndexName")):
            resource = dynamodb_arn(f"{js_string(table)}/index/{js_string(parameter_or_argument(state, 'IndexName'))}")
        else:
            resource = dynamodb_arn(table)
        return [_perm(action, resource)]
    return strategy


def dynamodb_batch(action: str) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    def strategy(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
        if is_json_path_parameter(state, "RequestItems") or is_jsonata_argument(state, "RequestItems"):
            return [_perm(action, "*")]
        items = parameter_or_argument(state, "RequestItems")
        if not isinstance(items, dict):
            raise PluginError(f"a DynamoDB {action} Task state without RequestItems makes the plugin fail")
        return [_perm(action, dynamodb_arn(table.replace(".$", "", 1))) for table in items]
    return strategy


def redshift_data(action: str) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    def strategy(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
        if action not in ("redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"):
            return [_perm(action, "*")]
        parameters = state.get("Parameters") if isinstance(state.get("Parameters"), dict) else {}
        database = parameters["Database"] if "Database" in parameters else "*"
        workgroup, cluster = None, None
        workgroups = {"Fn::Sub": "arn:${AWS::Partition}:redshift-serverless:${AWS::Region}:${AWS::AccountId}:workgroup/*"}
        if "WorkgroupName" in parameters:
            name = parameters["WorkgroupName"]
            workgroup = name if isinstance(name, str) and name.startswith("arn:") else workgroups
        elif "WorkgroupName.$" in parameters:
            workgroup = workgroups
        elif "ClusterIdentifier" in parameters:
            cluster = parameters["ClusterIdentifier"]
        else:
            cluster = "*"
        secret, db_user = None, None
        if "SecretArn" in parameters:
            arn = parameters["SecretArn"]
            secret = arn if isinstance(arn, str) and arn.startswith("arn:") else {
                "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
                           f"{js_string(arn)}*"}
        elif "SecretArn.$" in parameters:
            secret = {"Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*"}
        elif "DbUser" in parameters:
            db_user = parameters["DbUser"]
        elif "DbUser.$" in parameters:
            db_user = "*"
        redshift = "arn:${AWS::Partition}:redshift:${AWS::Region}:${AWS::AccountId}:"
        cluster_text, database_text = js_string(cluster), js_string(database)
        permissions = [_perm(action, workgroup or {"Fn::Sub": f"{redshift}cluster:{cluster_text}"})]
        if secret:
            permissions.append(_perm("secretsmanager:GetSecretValue", secret))
        elif js_truthy(db_user):
            permissions.append(_perm("redshift:GetClusterCredentials", [
                {"Fn::Sub": f"{redshift}dbuser:{cluster_text}/{js_string(db_user)}"},
                {"Fn::Sub": f"{redshift}dbname:{cluster_text}/{database_text}"}]))
        elif workgroup:
            permissions.append(_perm("redshift-serverless:GetCredentials", workgroup))
        else:
            permissions.append(_perm("redshift:GetClusterCredentialsWithIAM",
                                     {"Fn::Sub": f"{redshift}dbname:{cluster_text}/{database_text}"}))
        return permissions
    return strategy


def _events_rule(rule: str) -> Permission:
    return _perm("events:PutTargets,events:PutRule,events:DescribeRule", {"Fn::Join": [":", [
        "arn", {"Ref": "AWS::Partition"}, "events", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, f"rule/{rule}"]]})


def _constant(*permissions: Permission) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    return lambda state, ctx: [dict(p) for p in permissions]


batch = _constant(_perm("batch:SubmitJob,batch:DescribeJobs,batch:TerminateJob", "*"),
                  _events_rule("StepFunctionsGetEventsForBatchJobsRule"))
glue = _constant(_perm("glue:StartJobRun,glue:GetJobRun,glue:GetJobRuns,glue:BatchStopJobRun", "*"))
ecs = _constant(_perm("ecs:RunTask,ecs:StopTask,ecs:DescribeTasks,ecs:TagResource,iam:PassRole", "*"),
                _events_rule("StepFunctionsGetEventsForECSTaskRule"))
ses = _constant(_perm("ses:SendEmail", "*"))


def _execution_permissions(start: str) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    def strategy(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
        if state.get("Mode") == "DISTRIBUTED":
            arn: Any = _sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:"
                            f"{js_string(state.get('StateMachineName'))}")
        else:
            arn = _state_machine_arn(state)
        return [_perm(start, arn), _perm("states:DescribeExecution,states:StopExecution", _execution_arn(arn)),
                _perm("events:PutTargets,events:PutRule,events:DescribeRule", _sub(
                    "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/"
                    "StepFunctionsGetEventsForStepFunctionsExecutionRule"))]
    return strategy


def codebuild(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    project = js_string(_parameters(state).get("ProjectName"))
    return [_perm("codebuild:StartBuild,codebuild:StopBuild,codebuild:BatchGetBuilds",
                  _sub(f"arn:${{AWS::Partition}}:codebuild:${{AWS::Region}}:${{AWS::AccountId}}:project/{project}")),
            _perm("events:PutTargets,events:PutRule,events:DescribeRule", _sub(
                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/"
                "StepFunctionsGetEventForCodeBuildStartBuildRule"))]


def sagemaker(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    name = _parameters(state).get("TransformJobName")
    job = js_string(name) if js_truthy(name) else ""
    return [_perm("sagemaker:CreateTransformJob,sagemaker:DescribeTransformJob,sagemaker:StopTransformJob",
                  _sub(f"arn:${{AWS::Partition}}:sagemaker:${{AWS::Region}}:${{AWS::AccountId}}:transform-job/{job}*")),
            _perm("sagemaker:ListTags", "*"),
            _perm("events:PutTargets,events:PutRule,events:DescribeRule", _sub(
                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/"
                "StepFunctionsGetEventsForSageMakerTransformJobsRule"))]


def bedrock(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    model = _parameters(state).get("ModelId")
    if not isinstance(model, str):
        raise PluginError("a bedrock:invokeModel Task state without a ModelId string makes the plugin fail")
    return [_perm("bedrock:InvokeModel", model if model.startswith("arn:") else _sub(
        f"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{model}"))]


def eventbridge(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    entries = parameter_or_argument(state, "Entries")
    if not isinstance(entries, list):
        raise PluginError("an events:putEvents Task state without an Entries list makes the plugin fail")
    buses: list[Any] = []
    for entry in entries:
        bus = (entry.get("EventBusName") if isinstance(entry, dict) else None) or "default"
        if not (isinstance(bus, str) and bus in buses):  # a Set: strings once, objects each time
            buses.append(bus)
    return [_perm("events:PutEvents", [
        _sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${eventBus}", {"eventBus": bus})
        for bus in buses])]


def eventbridge_put_targets(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    if is_json_path_parameter(state, "Rule") or is_jsonata_argument(state, "Rule"):
        return [_perm("events:PutTargets", "*")]
    rule, bus = parameter_or_argument(state, "Rule"), parameter_or_argument(state, "EventBusName")
    prefix = "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/"
    if js_truthy(bus):
        return [_perm("events:PutTargets", _sub(prefix + "${eventBusName}/${ruleName}",
                                                {"eventBusName": bus, "ruleName": rule}))]
    return [_perm("events:PutTargets", _sub(prefix + "${ruleName}", {"ruleName": rule}))]


def scheduler(action: str) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    def strategy(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
        group = parameter_or_argument(state, "GroupName") or "default"
        target = parameter_or_argument(state, "Target")
        role = target.get("RoleArn") if isinstance(target, dict) else None
        permissions = [_perm(action, _sub("arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:"
                                          "schedule/${scheduleGroupName}/*", {"scheduleGroupName": group}))]
        if js_truthy(role):
            permissions.append(_perm("iam:PassRole", role))
        return permissions
    return strategy


def http(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    parameters = state.get("Parameters")
    auth = parameters.get("Authentication") if isinstance(parameters, dict) else None
    connection = (auth.get("ConnectionArn") if isinstance(auth, dict) else None) or "*"
    return [_perm("states:InvokeHTTPEndpoint", "*"), _perm("events:RetrieveConnectionCredentials", connection),
            _perm("secretsmanager:GetSecretValue,secretsmanager:DescribeSecret", {
                "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
                           "events!connection/*"})]


def s3(action: str) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    def strategy(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
        parameters = _parameters(state)
        bucket = parameters.get("Bucket") or "*"
        key = parameters.get("Key") or "*"
        prefix = parameters.get("Prefix")
        objects = ["arn:${AWS::Partition}:s3:::${bucket}", "arn:${AWS::Partition}:s3:::${bucket}/*"]
        if action == "s3:listObjectsV2":
            return [_perm("s3:Get*", [_s3_reference(bucket, r) for r in objects]),
                    _perm("s3:List*", [_s3_reference(bucket, r) for r in objects])]
        if js_truthy(prefix):
            arn: Any = _s3_reference(bucket, f"arn:${{AWS::Partition}}:s3:::${{bucket}}/{js_string(prefix)}/"
                                             f"{js_string(key)}")
        elif bucket == "*" and key == "*":
            arn = "*"
        else:
            arn = _s3_reference(bucket, f"arn:${{AWS::Partition}}:s3:::${{bucket}}/{js_string(key)}")
        return [_perm(action, [arn])]
    return strategy


def _emr(actions: str, *more: Permission) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    return _constant(_perm(actions, "*"), *more)


def _athena_workgroup(name: Any) -> dict[str, Any]:
    return _sub(f"arn:${{AWS::Partition}}:athena:${{AWS::Region}}:${{AWS::AccountId}}:workgroup/{name or '*'}")


_ATHENA_S3 = _perm("s3:GetBucketLocation,s3:GetObject,s3:ListBucket,s3:ListBucketMultipartUploads,"
                   "s3:ListMultipartUploadParts,s3:AbortMultipartUpload,s3:CreateBucket,s3:PutObject",
                   "arn:aws:s3:::*")
_ATHENA_GLUE = _perm(
    "glue:CreateDatabase,glue:GetDatabase,glue:GetDatabases,glue:UpdateDatabase,glue:DeleteDatabase,"
    "glue:CreateTable,glue:UpdateTable,glue:GetTable,glue:GetTables,glue:DeleteTable,glue:BatchDeleteTable,"
    "glue:BatchCreatePartition,glue:CreatePartition,glue:UpdatePartition,glue:GetPartition,glue:GetPartitions,"
    "glue:BatchGetPartition,glue:DeletePartition,glue:BatchDeletePartition",
    [_sub(f"arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:{what}")
     for what in ("catalog", "database/*", "table/*", "userDefinedFunction/*")])


def athena_start_query(sync: bool) -> Callable[[dict[str, Any], CompileContext], list[Permission]]:
    def strategy(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
        parameters = state.get("Parameters")
        workgroup = parameters.get("WorkGroup") if isinstance(parameters, dict) else None
        workgroup = workgroup if isinstance(workgroup, str) and workgroup else None
        actions = ("athena:startQueryExecution,athena:stopQueryExecution,athena:getQueryExecution,"
                   "athena:getDataCatalog,athena:GetWorkGroup,athena:BatchGetQueryExecution,athena:GetQueryResults,"
                   "athena:ListQueryExecutions" if sync else "athena:startQueryExecution,athena:getDataCatalog")
        catalog = _sub("arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:datacatalog/*")
        return [_perm(actions, [_athena_workgroup(workgroup), catalog]), dict(_ATHENA_S3), dict(_ATHENA_GLUE),
                _perm("lakeformation:GetDataAccess", "*")]
    return strategy


# lambda.js

def lambda_invoke(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    if is_json_path_parameter(state, "FunctionName") or is_jsonata_argument(state, "FunctionName"):
        return [_perm("lambda:InvokeFunction", parameter_or_argument(state, "AllowedFunctions") or "*")]
    name = parameter_or_argument(state, "FunctionName")
    if isinstance(name, str):
        segments = name.split(":")
        if re.match(r"^arn:aws(-[a-z]+)*:lambda", name):
            arns: list[Any] = [name, f"{name}:*"]
        elif len(segments) == 3 and re.match(r"^\d+$", segments[0]):
            arns = [{"Fn::Sub": f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:{name}"},
                    {"Fn::Sub": f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:{name}:*"}]
        else:
            arns = [{"Fn::Sub": f"{_FUNCTION_SUB}{name}"}, {"Fn::Sub": f"{_FUNCTION_SUB}{name}:*"}]
        return [_perm("lambda:InvokeFunction", arns)]
    if isinstance(name, dict) and "Fn::GetAtt" in name:
        arn = translate_local_function_names(ctx, name)
        return [_perm("lambda:InvokeFunction", [arn, {"Fn::Sub": ["${functionArn}:*", {"functionArn": arn}]}])]
    if isinstance(name, dict) and "Ref" in name:
        resolved = resolve_lambda_function_name(ctx, name)
        if resolved is not None:
            return [_perm("lambda:InvokeFunction", _static_function_arns(resolved))]
        arn = translate_local_function_names(ctx, name)
        return [_perm("lambda:InvokeFunction", [
            {"Fn::Sub": [f"{_FUNCTION_SUB}${{functionArn}}", {"functionArn": arn}]},
            {"Fn::Sub": [f"{_FUNCTION_SUB}${{functionArn}}:*", {"functionArn": arn}]}])]
    return [_perm("lambda:InvokeFunction", name)]


def _static_function_arns(name: Any) -> list[Any]:
    from promotelint.serverless.values import concat

    return [{"Fn::Sub": concat(_FUNCTION_SUB, name)}, {"Fn::Sub": concat(_FUNCTION_SUB, name, ":*")}]


def _versioned_arn(arn: Any) -> dict[str, Any]:
    sub = arn.get("Fn::Sub") if isinstance(arn, dict) and "Fn::Sub" in arn else None
    if isinstance(sub, str):
        return {"Fn::Sub": f"{sub}:*"}
    if isinstance(sub, list):
        return {"Fn::Sub": [f"{js_string(sub[0] if sub else None)}:*", sub[1] if len(sub) > 1 else None]}
    return {"Fn::Sub": ["${functionArn}:*", {"functionArn": arn}]}


def fallback(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    """A Task state whose Resource is not a service integration: a Lambda function, by ARN or intrinsic."""
    resource = state.get("Resource")
    if not is_intrinsic(resource):
        if not isinstance(resource, str):
            raise PluginError("a Task state without a Resource makes the plugin fail (it reads the Resource to "
                              "grant the state machine's role)")
        if not _LAMBDA_ARN.search(resource):
            return []  # the plugin logs "Cannot generate IAM policy statement for Task state"
    trimmed = trim_alias_from_lambda_arn(resource)
    resolved = resolve_lambda_function_name(ctx, trimmed)
    if resolved is not None:
        return [_perm("lambda:InvokeFunction", _static_function_arns(resolved))]
    arn = translate_local_function_names(ctx, trimmed)
    return [_perm("lambda:InvokeFunction", [arn, _versioned_arn(arn)])]


_STATES = "arn:aws:states:::"
_EXECUTION = _execution_permissions("states:StartExecution")
_EMR_CREATE = "elasticmapreduce:RunJobFlow"
_EMR_CREATE_SYNC = "elasticmapreduce:RunJobFlow,elasticmapreduce:DescribeCluster,elasticmapreduce:TerminateJobFlows"
_EMR_TERMINATE = "elasticmapreduce:TerminateJobFlows,elasticmapreduce:DescribeCluster"
_EMR_ADD_STEP = "elasticmapreduce:AddJobFlowSteps,elasticmapreduce:DescribeStep,elasticmapreduce:CancelSteps"
_PASS_ROLE = _perm("iam:PassRole", "*")

# iamStrategies/index.js `registry`: service integration ARN (partition normalised) -> strategy.
REGISTRY: dict[str, Callable[[dict[str, Any], CompileContext], list[Permission]]] = {
    **{f"{_STATES}sqs:sendMessage{s}": sqs for s in ("", ".waitForTaskToken")},
    **{f"{_STATES}sns:publish{s}": sns for s in ("", ".waitForTaskToken")},
    **{f"{_STATES}{p}dynamodb:{op}{s}": dynamodb(f"dynamodb:{op[0].upper()}{op[1:]}")
       for op, p, s in (("updateItem", "", ""), ("updateItem", "aws-sdk:", ""), ("updateItem", "aws-sdk:", ".waitForTaskToken"),
                        ("putItem", "", ""), ("putItem", "aws-sdk:", ""), ("putItem", "aws-sdk:", ".waitForTaskToken"),
                        ("getItem", "", ""), ("deleteItem", "", ""), ("updateTable", "aws-sdk:", ""),
                        ("query", "aws-sdk:", ""), ("scan", "aws-sdk:", ""))},
    f"{_STATES}aws-sdk:dynamodb:batchGetItem": dynamodb_batch("dynamodb:BatchGetItem"),
    f"{_STATES}aws-sdk:dynamodb:batchWriteItem": dynamodb_batch("dynamodb:BatchWriteItem"),
    **{f"{_STATES}aws-sdk:redshiftdata:{op}": redshift_data(f"redshift-data:{op[0].upper()}{op[1:]}")
       for op in ("executeStatement", "batchExecuteStatement", "listStatements", "describeStatement",
                  "getStatementResult", "cancelStatement")},
    **{f"{_STATES}batch:submitJob{s}": batch for s in ("", ".sync")},
    **{f"{_STATES}glue:startJobRun{s}": glue for s in ("", ".sync")},
    **{f"{_STATES}ecs:runTask{s}": ecs for s in ("", ".sync", ".waitForTaskToken")},
    **{f"{_STATES}lambda:invoke{s}": lambda_invoke for s in ("", ".waitForTaskToken")},
    **{f"{_STATES}states:startExecution{s}": _EXECUTION for s in ("", ".sync", ".sync:2", ".waitForTaskToken")},
    f"{_STATES}aws-sdk:sfn:startSyncExecution": _execution_permissions("states:StartSyncExecution"),
    **{f"{_STATES}codebuild:startBuild{s}": codebuild for s in ("", ".sync")},
    f"{_STATES}elasticmapreduce:createCluster": _emr(_EMR_CREATE, _PASS_ROLE),
    f"{_STATES}elasticmapreduce:createCluster.sync": _emr(_EMR_CREATE_SYNC, _PASS_ROLE),
    f"{_STATES}elasticmapreduce:runJobFlow": _emr(_EMR_CREATE, _PASS_ROLE),
    **{f"{_STATES}elasticmapreduce:terminateCluster{s}": _emr(_EMR_TERMINATE) for s in ("", ".sync")},
    **{f"{_STATES}elasticmapreduce:addStep{s}": _emr(_EMR_ADD_STEP) for s in ("", ".sync")},
    f"{_STATES}elasticmapreduce:cancelStep": _emr("elasticmapreduce:CancelSteps"),
    f"{_STATES}elasticmapreduce:setClusterTerminationProtection": _emr("elasticmapreduce:SetTerminationProtection"),
    f"{_STATES}elasticmapreduce:modifyInstanceFleetByName": _emr(
        "elasticmapreduce:ModifyInstanceFleet,elasticmapreduce:ListInstanceFleets"),
    f"{_STATES}elasticmapreduce:modifyInstanceGroupByName": _emr(
        "elasticmapreduce:ModifyInstanceGroups,elasticmapreduce:ListInstanceGroups"),
    f"{_STATES}sagemaker:createTransformJob.sync": sagemaker,
    f"{_STATES}bedrock:invokeModel": bedrock,
    **{f"{_STATES}events:putEvents{s}": eventbridge for s in ("", ".waitForTaskToken")},
    **{f"{_STATES}aws-sdk:eventbridge:putTargets{s}": eventbridge_put_targets for s in ("", ".waitForTaskToken")},
    f"{_STATES}aws-sdk:scheduler:createSchedule": scheduler("scheduler:CreateSchedule"),
    f"{_STATES}aws-sdk:scheduler:deleteSchedule": scheduler("scheduler:DeleteSchedule"),
    f"{_STATES}http:invoke": http,
    **{f"{_STATES}{p}s3:{op}": s3(f"s3:{op[0].upper()}{op[1:]}" if op != "listObjectsV2" else "s3:listObjectsV2")
       for op in ("getObject", "putObject", "listObjectsV2") for p in ("", "aws-sdk:")},
    f"{_STATES}aws-sdk:sesv2:sendEmail": ses,
    f"{_STATES}athena:startQueryExecution": athena_start_query(sync=False),
    f"{_STATES}athena:startQueryExecution.sync": athena_start_query(sync=True),
    f"{_STATES}athena:stopQueryExecution": _constant(_perm("athena:stopQueryExecution", _athena_workgroup(None))),
    f"{_STATES}athena:getQueryExecution": _constant(_perm("athena:getQueryExecution", _athena_workgroup(None))),
    f"{_STATES}athena:getQueryResults": _constant(_perm("athena:getQueryResults", _athena_workgroup(None)),
                                                  _perm("s3:GetObject", "arn:aws:s3:::*")),
}


def permissions(state: dict[str, Any], ctx: CompileContext) -> list[Permission]:
    """`getPermissions`: the registry's strategy for the state's Resource, else the Lambda fallback."""
    resource = state.get("Resource")
    if isinstance(resource, str):
        resource = re.sub(r"^arn:(aws(-[a-z]+)*|\$\{AWS::Partition\}):", "arn:aws:", resource)
    strategy = REGISTRY.get(resource) if isinstance(resource, str) else None
    return (strategy or fallback)(state, ctx)
