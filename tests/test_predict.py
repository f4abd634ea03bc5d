"""Prediction beyond the User Guide examples: cascades, conditions, types, policies, outputs."""

import pytest

from promotelint.model.errors import InputError
from promotelint.app import PredictOptions, predict
from tests.helpers import template

DB = """
Resources:
  SubnetGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupName: {name}
      DBSubnetGroupDescription: db subnets
      SubnetIds: [subnet-1, subnet-2]
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceClass: db.t3.micro
      Engine: postgres
      DBSubnetGroupName: !Ref SubnetGroup
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Dimensions:
        - Name: DBInstanceIdentifier
          Value: !Ref Database
      MetricName: CPUUtilization
      Namespace: AWS/RDS
      ComparisonOperator: GreaterThanThreshold
      EvaluationPeriods: 1
      Threshold: 90
"""


def by_id(result):
    return {c.logical_id: c for c in result.changes}


def test_renamed_subnet_group_replaces_the_database_that_names_it():
    result = by_id(predict(template(DB.format(name="db-a")), template(DB.format(name="db-b"))))
    assert result["SubnetGroup"].replacement == "True"
    db = result["Database"]
    assert db.replacement == "True"  # DBSubnetGroupName is create-only and its new value is known
    (detail,) = db.details
    assert (detail.change_source, detail.causing_entity, detail.evaluation) == (
        "ResourceReference", "SubnetGroup", "Static")
    assert detail.target.after_value == "db-b"
    assert db.policy_action == "ReplaceAndSnapshot" or db.policy_action == "ReplaceAndDelete"
    # The chain goes on: the alarm refers to the replaced database, whose new identifier is unknown.
    alarm = result["Alarm"]
    (detail,) = alarm.details
    assert (detail.change_source, detail.causing_entity, detail.evaluation) == (
        "ResourceReference", "Database", "Dynamic")
    assert alarm.replacement == "False"


def test_cascade_with_unknown_new_value_is_conditional():
    base = """
Resources:
  Queue: {Type: AWS::SQS::Queue, Properties: {FifoQueue: false}}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: {EventSourceArn: !GetAtt Queue.Arn, FunctionName: fn}
"""
    head = base.replace("FifoQueue: false", "FifoQueue: true")
    result = by_id(predict(template(base), template(head)))
    assert result["Queue"].replacement == "True"
    mapping = result["Mapping"]
    (detail,) = mapping.details
    assert (detail.change_source, detail.causing_entity, detail.evaluation) == (
        "ResourceAttribute", "Queue.Arn", "Dynamic")
    assert detail.target.requires_recreation == "Always"  # EventSourceArn is create-only
    assert mapping.replacement == "Conditional"


def test_bucket_name_following_a_renamed_queue():
    base = """
Resources:
  Queue: {Type: AWS::SQS::Queue, Properties: {QueueName: jobs}}
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Queue.QueueName}-x"
"""
    head = base.replace("QueueName: jobs", "QueueName: tasks")
    result = by_id(predict(template(base), template(head)))
    assert result["Queue"].replacement == "True"
    bucket = result["Bucket"]
    assert bucket.replacement == "True"
    (detail,) = bucket.details
    assert (detail.change_source, detail.causing_entity, detail.evaluation) == (
        "ResourceAttribute", "Queue.QueueName", "Static")
    assert (detail.target.before_value, detail.target.after_value) == ("jobs-x", "tasks-x")


def test_false_condition_removes_the_resource():
    base = """
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: t}
"""
    head = base.replace("    Type: AWS::DynamoDB::Table", "    Type: AWS::DynamoDB::Table\n    Condition: IsProd")
    assert predict(template(base), template(head)).changes == ()
    opts = PredictOptions(head_parameters={"Env": "dev"})
    (change,) = predict(template(base), template(head), opts).changes
    assert (change.action, change.logical_id, change.policy_action) == ("Remove", "Table", "Delete")


def test_fn_if_picks_the_branch_of_the_condition():
    base = """
Parameters:
  Big: {Type: String, Default: "no"}
Conditions:
  IsBig: !Equals [!Ref Big, "yes"]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Code: {ZipFile: x}
      Role: arn:aws:iam::123456789012:role/r
      MemorySize: !If [IsBig, 1024, 128]
"""
    (change,) = predict(template(base), template(base), PredictOptions(head_parameters={"Big": "yes"})).changes
    (direct, param) = change.details
    assert direct.target.name == "MemorySize" and direct.target.after_value == "1024"
    assert change.replacement == "False"


def test_type_change_under_one_logical_id_is_a_replacement():
    base = "Resources:\n  Store: {Type: AWS::S3::Bucket}\n"
    head = "Resources:\n  Store: {Type: AWS::DynamoDB::Table, Properties: {TableName: x}}\n"
    (change,) = predict(template(base), template(head)).changes
    assert change.action == "Modify" and change.replacement == "True"
    assert change.before_type == "AWS::S3::Bucket"
    assert change.resource_type == "AWS::DynamoDB::Table"


@pytest.mark.parametrize("policy,expected,rtype", [
    (None, "Delete", "AWS::DynamoDB::Table"), ("Retain", "Retain", "AWS::DynamoDB::Table"),
    ("RetainExceptOnCreate", "Retain", "AWS::DynamoDB::Table"),
    # issue 12: a DynamoDB table has no CloudFormation snapshots, so Snapshot falls back to Delete
    ("Snapshot", "Delete", "AWS::DynamoDB::Table"), ("Snapshot", "Snapshot", "AWS::EC2::Volume"),
    ("Delete", "Delete", "AWS::DynamoDB::Table")])
def test_removal_policy_action_follows_deletion_policy(policy, expected, rtype):
    resource = {"Type": rtype, "Properties": {"TableName": "t"} if rtype == "AWS::DynamoDB::Table" else {}}
    if policy:
        resource["DeletionPolicy"] = policy
    (change,) = predict(template({"Resources": {"T": resource}}), template({"Resources": {}})).changes
    assert change.policy_action == expected


@pytest.mark.parametrize("rtype,props,expected", [
    ("AWS::RDS::DBCluster", {"Engine": "aurora-postgresql"}, "Snapshot"),
    ("AWS::RDS::DBInstance", {"Engine": "postgres"}, "Snapshot"),
    ("AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"}, "Delete"),
])
def test_rds_removals_default_to_snapshot(rtype, props, expected):
    base = {"Resources": {"D": {"Type": rtype, "Properties": props}}}
    (change,) = predict(template(base), template({"Resources": {}})).changes
    assert change.policy_action == expected


def test_deletion_policy_does_not_protect_a_replaced_resource():
    base = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
                                "Properties": {"TableName": "a"}}}}
    head = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain",
                                "Properties": {"TableName": "b"}}}}
    (change,) = predict(template(base), template(head)).changes
    assert change.replacement == "True" and change.policy_action == "ReplaceAndDelete"
    head["Resources"]["T"]["UpdateReplacePolicy"] = "Retain"
    (change,) = predict(template(base), template(head)).changes
    assert change.policy_action == "ReplaceAndRetain"


def test_policy_attribute_changes_are_reported():
    base = {"Resources": {"T": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
                                "UpdateReplacePolicy": "Retain"}}}
    head = {"Resources": {"T": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete"}}}
    (change,) = predict(template(base), template(head)).changes
    assert change.scope == ("DeletionPolicy", "UpdateReplacePolicy")
    got = {(d.target.attribute, d.target.before_value, d.target.after_value, d.target.attribute_change_type)
           for d in change.details}
    assert got == {("DeletionPolicy", "Retain", "Delete", "Modify"),
                   ("UpdateReplacePolicy", "Retain", None, "Remove")}
    assert change.replacement == "False"


def test_dynamodb_key_schema_overlay_requires_replacement():
    def table(key):
        return {"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key, "AttributeType": "S"}]}}}}
    (change,) = predict(template(table("id")), template(table("pk"))).changes
    assert change.replacement == "True"


def test_opensearch_engine_version_replaces_unless_version_upgrade_is_enabled():
    def domain(version, upgrade=None):
        res = {"Type": "AWS::OpenSearchService::Domain", "Properties": {"EngineVersion": version}}
        if upgrade is not None:
            res["UpdatePolicy"] = {"EnableVersionUpgrade": upgrade}
        return {"Resources": {"D": res}}
    (change,) = predict(template(domain("OpenSearch_2.9")), template(domain("OpenSearch_2.11"))).changes
    assert change.replacement == "True"
    (change,) = predict(template(domain("OpenSearch_2.9", True)),
                        template(domain("OpenSearch_2.11", True))).changes
    assert change.replacement == "False"


def test_nested_create_only_paths_count_only_when_they_change():
    def domain(enc):
        return {"Resources": {"D": {"Type": "AWS::OpenSearchService::Domain",
                                    "Properties": {"EncryptionAtRestOptions": enc}}}}
    (change,) = predict(template(domain({"Enabled": True})), template(domain({"Enabled": False}))).changes
    assert change.replacement == "Conditional"


def test_parameter_change_alone_is_predicted():
    base = """
Parameters:
  TableName: {Type: String}
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: !Sub "${TableName}-${AWS::Region}"}
"""
    opts = PredictOptions(base_parameters={"TableName": "a"}, head_parameters={"TableName": "b"})
    (change,) = predict(template(base), template(base), opts).changes
    assert change.replacement == "True"
    assert [d.change_source for d in change.details] == ["DirectModification", "ParameterReference"]
    assert change.details[0].target.after_value == "b-us-east-1"


def test_pseudo_parameters_and_account_id():
    base = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
        "BucketName": {"Fn::Sub": "data-${AWS::AccountId}-${AWS::Region}"}}}}}
    assert predict(template(base), template(base)).changes == ()
    head = {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
        "BucketName": {"Fn::Sub": "logs-${AWS::AccountId}-${AWS::Region}"}}}}}
    (change,) = predict(template(base), template(head)).changes
    # The account is unknown offline, so the new name is not knowable: it may be replaced.
    assert change.details[0].target.after_value == '{"Fn::Sub":"logs-${AWS::AccountId}-us-east-1"}'
    assert change.replacement == "Conditional"


def test_opaque_values_compare_by_text():
    def bucket(ssm):
        return {"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": {"promotelint:opaque": ssm}}}}}
    assert predict(template(bucket("${ssm:/a}")), template(bucket("${ssm:/a}"))).changes == ()
    (change,) = predict(template(bucket("${ssm:/a}")), template(bucket("${ssm:/b}"))).changes
    assert change.replacement == "Conditional"
    assert change.opaque_create_only == ("BucketName",)


def test_outputs_and_exports():
    base = """
Resources:
  B: {Type: AWS::S3::Bucket, Properties: {BucketName: a}}
Outputs:
  Name:
    Value: !Ref B
    Export: {Name: shared-bucket}
  Gone:
    Value: x
"""
    head = """
Resources:
  B: {Type: AWS::S3::Bucket, Properties: {BucketName: b}}
Outputs:
  Name:
    Value: !Ref B
    Export: {Name: shared-bucket}
"""
    result = predict(template(base), template(head))
    outputs = {o.key: o for o in result.outputs}
    assert outputs["Name"].action == "Modify" and outputs["Name"].after_value == "b"
    assert outputs["Name"].export_affected
    assert outputs["Gone"].action == "Remove" and not outputs["Gone"].export_affected


def test_volatile_lambda_versions_are_minor_churn():
    base = {"Resources": {"FnLambdaVersionAbc": {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain",
                                                 "Properties": {"FunctionName": "f"}}}}
    head = {"Resources": {"FnLambdaVersionXyz": {"Type": "AWS::Lambda::Version", "DeletionPolicy": "Retain",
                                                 "Properties": {"FunctionName": "f"}}}}
    changes = predict(template(base), template(head)).changes
    assert [(c.action, c.volatile, c.major) for c in changes] == [("Remove", True, False), ("Add", True, False)]
    assert all(c.renamed_to is None and c.renamed_from is None for c in changes)


def test_likely_rename_is_paired():
    table = {"Type": "AWS::DynamoDB::Table", "Properties": {
        "BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}]}}
    changes = by_id(predict(template({"Resources": {"NotesTable": table}}),
                            template({"Resources": {"NotesTableV2": table}})))
    assert changes["NotesTable"].renamed_to == "NotesTableV2"
    assert changes["NotesTableV2"].renamed_from == "NotesTable"


def test_stateful_tier_and_major():
    base = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table"}, "R": {"Type": "AWS::IAM::Role"},
                          "L": {"Type": "AWS::Logs::LogGroup"}}}
    head = {"Resources": {"T": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PAY_PER_REQUEST"}},
                          "R": {"Type": "AWS::IAM::Role", "Properties": {"Description": "x"}},
                          "L": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}}}}
    changes = by_id(predict(template(base), template(head)))
    assert (changes["T"].stateful, changes["T"].major) == ("data", True)
    assert (changes["R"].stateful, changes["R"].major) == (None, False)
    assert (changes["L"].stateful, changes["L"].major) == ("transient", False)


@pytest.mark.parametrize("snippet,what", [
    ("Value: !Ref Missing", "Ref to 'Missing'"),
    ("Value: !GetAtt Missing.Arn", "Fn::GetAtt of 'Missing'"),
    ("Value: !Sub '${Missing}-x'", "${Missing}"),
])
def test_dangling_references_in_head_are_invalid_templates(snippet, what):
    head = f"""
Resources:
  B: {{Type: AWS::S3::Bucket}}
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      {snippet}
"""
    with pytest.raises(InputError) as exc:
        predict(template({"Resources": {}}), template(head))
    assert what in str(exc.value) and exc.value.line == 8


def test_unknown_types_are_flagged():
    base = {"Resources": {"C": {"Type": "Custom::Thing", "Properties": {"ServiceToken": "arn", "A": 1}}}}
    head = {"Resources": {"C": {"Type": "Custom::Thing", "Properties": {"ServiceToken": "arn", "A": 2}}}}
    (change,) = predict(template(base), template(head)).changes
    assert change.unknown_type and change.replacement == "False"


def test_output_pointing_at_a_new_lambda_version_is_routine():
    def side(version_id):
        return {"Resources": {version_id: {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": "f"}}},
                "Outputs": {"FnQualifiedArn": {"Value": {"Ref": version_id},
                                               "Export": {"Name": "sls-svc-prod-FnQualifiedArn"}}}}
    (output,) = predict(template(side("FnLambdaVersionA")), template(side("FnLambdaVersionB"))).outputs
    assert output.action == "Modify" and output.volatile and not output.export_affected
    assert output.to_json()["volatile"] is True


def test_a_transform_is_named_in_a_warning():
    sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n  F: {Type: AWS::Serverless::Function}\n"
    result = predict(template(sam), template(sam))
    assert result.warnings == ("template.yml: Transform AWS::Serverless-2016-10-31 is expanded by CloudFormation: "
                               "the resources it generates are not in the prediction",)


def test_tags_holding_a_ref_and_a_getatt_of_a_replaced_resource():
    # Both references to the same replaced queue (one with an attribute, one without) are causes.
    base = """
Resources:
  Q: {Type: AWS::SQS::Queue, Properties: {QueueName: a}}
  B:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: r, Value: !Ref Q}, {Key: g, Value: !GetAtt Q.Arn}]
"""
    result = by_id(predict(template(base), template(base.replace("QueueName: a", "QueueName: b"))))
    assert result["Q"].replacement == "True"
    assert [(d.change_source, d.causing_entity) for d in result["B"].details] == [
        ("ResourceReference", "Q"), ("ResourceAttribute", "Q.Arn")]
