"""Synthetic template pairs shaped like Serverless Framework output, for the benchmarks."""

from __future__ import annotations

import copy
from typing import Any


def service_template(functions: int, service: str = "notes-api", stage: str = "prod", tables: int = 2,
                     version_suffix: str = "a") -> dict[str, Any]:
    """A template like `serverless package` writes: per function a Lambda, log group, version, API
    method, resource and permission; a role, a REST API, deployment, and a few tables and buckets."""
    res: dict[str, Any] = {
        "ServerlessDeploymentBucket": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}},
        "IamRoleLambdaExecution": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]},
                 "Action": ["sts:AssumeRole"]}]},
            "Policies": [{"PolicyName": {"Fn::Join": ["-", [service, stage, "lambda"]]},
                          "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                              {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                               "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:"
                                                        "${AWS::AccountId}:log-group:/aws/lambda/"
                                                        f"{service}-{stage}*:*"}]}]}}],
            "Path": "/", "RoleName": {"Fn::Join": ["-", [service, stage, {"Ref": "AWS::Region"}, "lambdaRole"]]}}},
        "ApiGatewayRestApi": {"Type": "AWS::ApiGateway::RestApi", "Properties": {
            "Name": f"{stage}-{service}", "EndpointConfiguration": {"Types": ["EDGE"]}}},
    }
    methods = []
    for t in range(tables):
        res[f"Table{t}"] = {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "Properties": {
            "TableName": f"{service}-{stage}-table{t}", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}}
    for i in range(functions):
        name = f"Fn{i}"
        res[f"{name}LogGroup"] = {"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": f"/aws/lambda/{service}-{stage}-fn{i}"}}
        res[f"{name}LambdaFunction"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "Code": {"S3Bucket": {"Ref": "ServerlessDeploymentBucket"},
                     "S3Key": f"serverless/{service}/{stage}/1700000000000/{service}.zip"},
            "Handler": f"handler.fn{i}", "Runtime": "nodejs20.x", "FunctionName": f"{service}-{stage}-fn{i}",
            "MemorySize": 1024, "Timeout": 6, "Role": {"Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"]},
            "Environment": {"Variables": {"TABLE": {"Ref": "Table0"} if tables else "none"}}},
            "DependsOn": [f"{name}LogGroup"]}
        res[f"{name}LambdaVersion{version_suffix}{i}"] = {
            "Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain",
            "Properties": {"FunctionName": {"Ref": f"{name}LambdaFunction"}, "CodeSha256": f"sha{version_suffix}"}}
        res[f"ApiGatewayResourceFn{i}"] = {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "ParentId": {"Fn::GetAtt": ["ApiGatewayRestApi", "RootResourceId"]}, "PathPart": f"fn{i}",
            "RestApiId": {"Ref": "ApiGatewayRestApi"}}}
        res[f"ApiGatewayMethodFn{i}Get"] = {"Type": "AWS::ApiGateway::Method", "Properties": {
            "HttpMethod": "GET", "RequestParameters": {}, "ResourceId": {"Ref": f"ApiGatewayResourceFn{i}"},
            "RestApiId": {"Ref": "ApiGatewayRestApi"}, "ApiKeyRequired": False, "AuthorizationType": "NONE",
            "Integration": {"IntegrationHttpMethod": "POST", "Type": "AWS_PROXY", "Uri": {"Fn::Join": ["", [
                "arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"},
                ":lambda:path/2015-03-31/functions/", {"Fn::GetAtt": [f"{name}LambdaFunction", "Arn"]},
                "/invocations"]]}}, "MethodResponses": []}}
        res[f"{name}LambdaPermissionApiGateway"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Fn::GetAtt": [f"{name}LambdaFunction", "Arn"]}, "Action": "lambda:InvokeFunction",
            "Principal": "apigateway.amazonaws.com", "SourceArn": {"Fn::Join": ["", [
                "arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":",
                {"Ref": "AWS::AccountId"}, ":", {"Ref": "ApiGatewayRestApi"}, "/*/*"]]}}}
        methods.append(f"ApiGatewayMethodFn{i}Get")
    res[f"ApiGatewayDeployment{version_suffix}"] = {"Type": "AWS::ApiGateway::Deployment", "Properties": {
        "RestApiId": {"Ref": "ApiGatewayRestApi"}, "StageName": stage}, "DependsOn": methods}
    return {"AWSTemplateFormatVersion": "2010-09-09", "Description": "The AWS CloudFormation template for this Serverless application",
            "Resources": res, "Outputs": {
                "ServiceEndpoint": {"Value": {"Fn::Join": ["", ["https://", {"Ref": "ApiGatewayRestApi"},
                                                                ".execute-api.", {"Ref": "AWS::Region"},
                                                                ".amazonaws.com/", stage]]}},
                "Table0Name": {"Value": {"Ref": "Table0"}, "Export": {"Name": f"{service}-{stage}-table0"}}}}


def changed(template: dict[str, Any], every: int = 5) -> dict[str, Any]:
    """A head revision: new versions and deployment, a memory bump on every `every`th function, and
    one table's key schema changed (a replacement)."""
    head = copy.deepcopy(template)
    res = head["Resources"]
    for lid in [k for k in res if "LambdaVersion" in k or k.startswith("ApiGatewayDeployment")]:
        res[lid.replace("LambdaVersiona", "LambdaVersionb").replace("Deploymenta", "Deploymentb")] = res.pop(lid)
    for i, lid in enumerate(k for k in res if k.endswith("LambdaFunction")):
        if i % every == 0:
            res[lid]["Properties"]["MemorySize"] = 2048
    if "Table0" in res:
        res["Table0"]["Properties"]["KeySchema"][0]["AttributeName"] = "pk"
    return head


def count_for(resources: int) -> int:
    """Functions needed for about `resources` resources (6 per function + fixed ones)."""
    return max(1, (resources - 6) // 6)
