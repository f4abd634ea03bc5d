"""Issue 12 through the CLI: no false "safe", no false alarm. One `check` of a base and a head
template holding one case per item (each test below reads its own resource's findings), and the
refusal of an invalid base. The rule-level cases are in tests/rules/*.yml."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BASE = """Resources:
  Orders:  # UpdateReplacePolicy Snapshot on a type without snapshots
    Type: AWS::DynamoDB::Table
    UpdateReplacePolicy: Snapshot
    Properties: {TableName: orders, BillingMode: PAY_PER_REQUEST}
  Primary:
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    Properties: {DBInstanceIdentifier: orders-primary-db, Engine: postgres, DBInstanceClass: db.t3.micro}
  Replica:  # a read replica: its DeletionPolicy is ignored, it holds no data of its own
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    Properties: {SourceDBInstanceIdentifier: !Ref Primary, DBInstanceClass: db.t3.micro}
  Users:  # a key attribute changes type
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  Cache:  # more shards without UseOnlineResharding
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupDescription: c, NumNodeGroups: 2, CacheNodeType: cache.t3.micro}
  Nightly:  # a named rule moves to another bus
    Type: AWS::Events::Rule
    Properties: {Name: nightly, EventBusName: default, ScheduleExpression: rate(1 day)}
  Sessions:  # an engine downgrade
    Type: AWS::ElastiCache::CacheCluster
    Properties: {Engine: redis, EngineVersion: "7.1", CacheNodeType: cache.t3.micro, NumCacheNodes: 1}
  Events:  # a local secondary index added to an existing table
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: sk, KeyType: RANGE}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}, {AttributeName: sk, AttributeType: S}]
  NotesTable:  # its logical ID is renamed, its custom name kept
    Type: AWS::DynamoDB::Table
    Properties: {TableName: notes, BillingMode: PAY_PER_REQUEST}
  Uploads:  # a bucket removed
    Type: AWS::S3::Bucket
"""

HEAD = """Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    UpdateReplacePolicy: Snapshot
    Properties: {TableName: orders-v2, BillingMode: PAY_PER_REQUEST}
  Primary:
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    Properties: {DBInstanceIdentifier: orders-primary-db, Engine: postgres, DBInstanceClass: db.t3.micro}
  Users:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: N}]
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties: {ReplicationGroupDescription: c, NumNodeGroups: 3, CacheNodeType: cache.t3.micro}
  Nightly:
    Type: AWS::Events::Rule
    Properties: {Name: nightly, EventBusName: orders, ScheduleExpression: rate(1 day)}
  Sessions:
    Type: AWS::ElastiCache::CacheCluster
    Properties: {Engine: redis, EngineVersion: "6.2", CacheNodeType: cache.t3.micro, NumCacheNodes: 1}
  Events:
    Type: AWS::DynamoDB::Table
    Properties:
      KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: sk, KeyType: RANGE}]
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}, {AttributeName: sk, AttributeType: S},
                             {AttributeName: at, AttributeType: S}]
      LocalSecondaryIndexes:
        - {IndexName: by-date, KeySchema: [{AttributeName: pk, KeyType: HASH}, {AttributeName: at, KeyType: RANGE}],
           Projection: {ProjectionType: ALL}}
  Notes:
    Type: AWS::DynamoDB::Table
    Properties: {TableName: notes, BillingMode: PAY_PER_REQUEST}
"""


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([sys.executable, "-m", "promotelint", *args], cwd=cwd, capture_output=True, text=True,
                          env={**env, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    where = tmp_path_factory.mktemp("issue12")
    (where / "base.yml").write_text(BASE)
    (where / "head.yml").write_text(HEAD)
    proc = run(where, "check", "base.yml", "head.yml", "--format", "json")
    assert proc.returncode == 1, proc.stderr
    [stack] = json.loads(proc.stdout)["stacks"]
    return stack


def findings(stack, logical_id):
    return [(f["rule"], f["severity"], f["message"]) for f in stack["findings"] if f.get("logicalId") == logical_id]


def policy(stack, logical_id):
    return next(c["ResourceChange"].get("PolicyAction") for c in stack["changes"]
                if c["ResourceChange"]["LogicalResourceId"] == logical_id)


def test_snapshot_policy_on_a_type_without_snapshots_is_a_deletion(report):
    assert policy(report, "Orders") == "ReplaceAndDelete"
    [(rule, severity, message)] = findings(report, "Orders")
    assert (rule, severity) == ("stateful-resource-replaced", "error")
    assert "deleted with all its items" in message and "Snapshot does nothing" in message


def test_a_read_replica_is_deleted_without_a_snapshot_and_loses_nothing(report):
    assert policy(report, "Replica") == "Delete"
    [(rule, severity, message)] = findings(report, "Replica")
    assert (rule, severity) == ("stateful-resource-removed", "warning")
    assert "without a final snapshot" in message and "holds no data of its own" in message
    assert "Primary" not in message and "orders-primary-db" not in message  # the source is not named
    assert findings(report, "Primary") == []


@pytest.mark.parametrize("logical_id,rule,says", [
    ("Users", "stateful-resource-replaced", "recreated because of AttributeDefinitions"),
    ("Cache", "stateful-resource-replaced", "recreated because of NumNodeGroups"),
    ("Nightly", "custom-name-replacement", "must be replaced (because of EventBusName)"),
    ("Sessions", "update-will-fail", "downgrades EngineVersion 7.1 -> 6.2"),
    ("Events", "update-will-fail", "changes LocalSecondaryIndexes"),
])
def test_facts_the_schemas_get_wrong(report, logical_id, rule, says):
    [(found, severity, message)] = findings(report, logical_id)
    assert (found, severity) == (rule, "error") and says in message


def test_one_finding_per_resource_with_the_real_outcome(report):
    # the renamed custom-named table: the update fails, nothing is deleted
    assert findings(report, "NotesTable") == []
    [(rule, severity, message)] = findings(report, "Notes")
    assert (rule, severity) == ("update-will-fail", "error") and "takes the name notes of NotesTable" in message
    # the removed bucket: deleted if empty, else left behind with its objects
    [(rule, severity, message)] = findings(report, "Uploads")
    assert (rule, severity) == ("bucket-removed-not-empty", "warning")
    assert "left in the account, outside the stack, with its objects" in message


def test_an_invalid_base_template_is_refused_like_a_head(tmp_path):
    (tmp_path / "base.yml").write_text("Resources:\n  A:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                                       "      QueueName: !Ref Nope\n")
    (tmp_path / "head.yml").write_text("Resources:\n  A:\n    Type: AWS::SQS::Queue\n")
    proc = run(tmp_path, "check", "base.yml", "head.yml")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == ("promotelint: error: base.yml:5: invalid base template: Ref to 'Nope', which is "
                                   "not a resource or parameter (define it or fix the name)")
