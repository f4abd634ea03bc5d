from tools.conformance import compare, normalize


def template(version_id, deployment_id, key, sha):
    return {
        "Resources": {
            "HelloLambdaFunction": {"Type": "AWS::Lambda::Function", "Properties": {
                "Code": {"S3Bucket": {"Ref": "ServerlessDeploymentBucket"},
                         "S3Key": f"serverless/svc/dev/{key}/svc.zip"}}},
            version_id: {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain", "Properties": {
                "FunctionName": {"Ref": "HelloLambdaFunction"}, "CodeSha256": sha}},
            deployment_id: {"Type": "AWS::ApiGateway::Deployment", "Properties": {"StageName": "dev"}},
            "ApiGatewayUsagePlan": {"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": deployment_id,
                                    "Properties": {"X": {"Fn::Sub": "${" + deployment_id + "}/${AWS::Region}"}}},
        },
        "Outputs": {"HelloLambdaFunctionQualifiedArn": {"Value": {"Ref": version_id}}},
    }


def test_volatile_ids_and_fields_are_matched_by_prefix():
    framework = template("HelloLambdaVersionAbC123", "ApiGatewayDeployment1795704202707",
                         "1795704202707-2026-11-26T14:43:22.707Z", "abc=")
    ours = template("HelloLambdaVersionZz9", "ApiGatewayDeploymentf00d", "fixed", "opaque")
    result = compare(framework, ours)
    assert result.exact_ids and not result.diffs
    assert result.equal_properties == result.equal_resources == 4
    assert result.outputs_equal == 1


def test_real_differences_are_reported():
    framework = template("HelloLambdaVersionA", "ApiGatewayDeployment1", "t", "s")
    ours = template("HelloLambdaVersionB", "ApiGatewayDeployment2", "t", "s")
    ours["Resources"]["ApiGatewayDeployment2"]["Properties"]["StageName"] = "prod"
    del ours["Resources"]["ApiGatewayUsagePlan"]
    ours["Resources"]["Extra"] = {"Type": "AWS::S3::Bucket"}
    result = compare(framework, ours)
    assert result.missing == ["ApiGatewayUsagePlan (AWS::ApiGateway::UsagePlan)"]
    assert result.extra == ["Extra (AWS::S3::Bucket)"]
    assert result.equal_properties == 2
    assert any("StageName" in d for d in result.diffs)


def test_normalize_keeps_fixed_names_and_user_fields():
    t = {"Resources": {"WebsocketsDeploymentStage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"A": "b"}}}}
    assert normalize(t) == t
