"""The worked examples of the CloudFormation User Guide's "Example change sets" page."""

import copy

from promotelint.app import PredictOptions, predict
from tests.helpers import fixture_template, template

BASE_PARAMS = {"Purpose": "testing", "KeyPairName": "MyKeyName", "InstanceType": "t2.micro"}


def run(head_data=None, head_params=None):
    base = fixture_template("changesets/ec2-instance.json")
    head = template(head_data) if head_data is not None else base
    opts = PredictOptions(base_parameters=BASE_PARAMS, head_parameters={**BASE_PARAMS, **(head_params or {})})
    return predict(base, head, opts)


def details(change):
    return [(d.target.attribute, d.target.name, d.target.requires_recreation, d.evaluation,
             d.change_source, d.causing_entity) for d in change.details]


def test_directly_editing_a_template_adds_a_tag():
    data = copy.deepcopy(fixture_template("changesets/ec2-instance.json").data)
    data["Resources"]["MyEC2Instance"]["Properties"]["Tags"].append({"Key": "Owner", "Value": "ECommerceTeam"})
    result = run(data)
    (change,) = result.changes
    assert (change.action, change.logical_id, change.scope, change.replacement) == (
        "Modify", "MyEC2Instance", ("Tags",), "False")
    assert details(change) == [("Tags", None, "Never", "Static", "DirectModification", None)]
    assert change.policy_action is None


def test_modifying_an_input_parameter():
    (change,) = run(head_params={"Purpose": "production"}).changes
    assert change.scope == ("Tags",) and change.replacement == "False"
    assert details(change) == [
        ("Tags", None, "Never", "Dynamic", "DirectModification", None),
        ("Tags", None, "Never", "Static", "ParameterReference", "Purpose"),
    ]
    rc = change.resource_change_json()
    assert rc["Details"][1]["CausingEntity"] == "Purpose"
    assert rc["Details"][0]["Target"]["BeforeValue"] == '[{"Key":"Purpose","Value":"testing"}]'


def test_replacement_when_three_parameters_change():
    (change,) = run(head_params={"Purpose": "production", "KeyPairName": "MyNewKeyName",
                                 "InstanceType": "t2.small"}).changes
    assert change.replacement == "True"
    assert set(change.scope) == {"Tags", "Properties"}
    assert sorted(details(change)) == sorted([
        ("Properties", "KeyName", "Always", "Dynamic", "DirectModification", None),
        ("Properties", "InstanceType", "Conditionally", "Dynamic", "DirectModification", None),
        ("Tags", None, "Never", "Dynamic", "DirectModification", None),
        ("Properties", "KeyName", "Always", "Static", "ParameterReference", "KeyPairName"),
        ("Properties", "InstanceType", "Conditionally", "Static", "ParameterReference", "InstanceType"),
        ("Tags", None, "Never", "Static", "ParameterReference", "Purpose"),
    ])
    # Direct modifications come first, as CloudFormation lists them.
    assert [d.change_source for d in change.details][:3] == ["DirectModification"] * 3
    assert change.policy_action == "ReplaceAndDelete"


def test_conditional_replacement_when_instance_type_and_purpose_change():
    (change,) = run(head_params={"Purpose": "production", "InstanceType": "t2.small"}).changes
    assert change.replacement == "Conditional"


def test_adding_and_removing_resources():
    data = copy.deepcopy(fixture_template("changesets/ec2-instance.json").data)
    del data["Resources"]["MyEC2Instance"]
    data["Resources"]["LaunchConfig"] = {
        "Type": "AWS::AutoScaling::LaunchConfiguration",
        "Properties": {"ImageId": "ami-8fcee4e5", "InstanceType": {"Ref": "InstanceType"},
                       "KeyName": {"Ref": "KeyPairName"}}}
    data["Resources"]["AutoScalingGroup"] = {
        "Type": "AWS::AutoScaling::AutoScalingGroup",
        "Properties": {"AvailabilityZones": {"Fn::GetAZs": ""}, "LaunchConfigurationName": {"Ref": "LaunchConfig"},
                       "MaxSize": "1", "MinSize": "1"}}
    changes = run(data).changes
    assert [(c.action, c.logical_id, c.resource_type) for c in changes] == [
        ("Add", "AutoScalingGroup", "AWS::AutoScaling::AutoScalingGroup"),
        ("Add", "LaunchConfig", "AWS::AutoScaling::LaunchConfiguration"),
        ("Remove", "MyEC2Instance", "AWS::EC2::Instance"),
    ]
    for change in changes:
        rc = change.resource_change_json()
        assert rc["Scope"] == [] and rc["Details"] == []
        assert "Replacement" not in rc
    assert changes[2].policy_action == "Delete"


def test_unchanged_template_predicts_nothing():
    assert run().changes == ()
