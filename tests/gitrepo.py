"""A real temporary git repository for tests: write files, commit, move, branch."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}

if shutil.which("git") is None:  # pragma: no cover - git is everywhere promotelint runs
    pytest.skip("git is not installed", allow_module_level=True)


class Repo:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        env = {**os.environ, **ENV, "HOME": str(self.path)}
        proc = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def remove(self, rel: str) -> None:
        self.git("rm", "-rq", rel)

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


def service(name: str, *, table: str = "t1", fragment: str | None = None, extra_function: bool = False) -> str:
    """A small serverless.yml: a function fed by a queue, a DynamoDB table (from `fragment` if given)."""
    resources = f"${{file({fragment})}}" if fragment else "\n" + table_resources(table, indent=4)
    more = "\n  other:\n    handler: handler.other" if extra_function else ""
    return f"""service: {name}
provider:
  name: aws
  runtime: python3.11
functions:
  hello:
    handler: handler.hello
    events:
      - sqs:
          arn: !GetAtt Queue.Arn{more}
resources:
  Resources: {resources}
"""


def table_resources(table: str, indent: int = 0) -> str:
    pad = " " * indent
    return "\n".join(pad + line for line in f"""Queue:
  Type: AWS::SQS::Queue
Table:
  Type: AWS::DynamoDB::Table
  Properties:
    TableName: {table}
    BillingMode: PAY_PER_REQUEST
    AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
    KeySchema: [{{AttributeName: id, KeyType: HASH}}]""".splitlines()) + "\n"


TEMPLATE = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {name}
"""
