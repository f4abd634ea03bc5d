"""Each state machine's execution role, granted what its Task states call: port of compileIamRole.js
(the grants themselves are in iam_strategies)."""

from __future__ import annotations

from collections.abc import Iterator

from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_json, js_truthy, uniq
from promotelint.serverless.plugins.step_functions.common import (
    PluginError, js_replace, json_parse, machine_name, machine_path, policy_name, state_machine_logical_id,
    state_machines,
)
from promotelint.serverless.plugins.step_functions.iam_strategies import Permission, permissions

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

# iam-role-statemachine-execution-template.txt, as the plugin fills it in by text replacement.
_ROLE_TEMPLATE = """{
  "Type": "AWS::IAM::Role",
  "Properties": {
    "AssumeRolePolicyDocument": {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Principal": {
            "Service": {
              "Fn::Sub": "states.${AWS::Region}.amazonaws.com"
            }
          },
          "Action": "sts:AssumeRole"
        }
      ]
    },
    "Policies": [
      {
        "PolicyName": "[PolicyName]",
        "PolicyDocument": {
          "Version": "2012-10-17",
          "Statement": [Statements]
        }
      }
    ]
  }
}
"""
_LOGS = ("logs:CreateLogDelivery,logs:GetLogDelivery,logs:UpdateLogDelivery,logs:DeleteLogDelivery,"
         "logs:ListLogDeliveries,logs:PutResourcePolicy,logs:DescribeResourcePolicies,logs:DescribeLogGroups")
_XRAY = "xray:PutTraceSegments,xray:PutTelemetryRecords,xray:GetSamplingRules,xray:GetSamplingTargets"
_KMS = "kms:Decrypt,kms:Encrypt,kms:ReEncrypt*,kms:GenerateDataKey*,kms:DescribeKey"


def task_states(states: Any, machine: Any) -> Iterator[dict[str, Any]]:
    """`getTaskStates`: the Task states, in Parallel branches and Map processors too, with what a Map
    also calls (a distributed Map's child executions, its ItemReader and ResultWriter)."""
    for state in _values(states):
        kind = state.get("Type") if isinstance(state, dict) else None
        if kind == "Task":
            yield state
        elif kind == "Parallel":
            yield from task_states([s for b in _values(state.get("Branches"))
                                    for s in _values(b.get("States") if isinstance(b, dict) else None)], machine)
        elif kind == "Map":
            processor = state.get("ItemProcessor")
            wrapper = processor if processor else state.get("Iterator")
            if not isinstance(wrapper, dict):
                raise PluginError("a Map state without ItemProcessor or Iterator makes the plugin fail")
            yield from task_states(wrapper.get("States"), machine)
            config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
            if isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED":
                yield {"Resource": "arn:aws:states:::states:startExecution", "Mode": "DISTRIBUTED",
                       "StateMachineName": machine}
            for extra in ("ItemReader", "ResultWriter"):
                if state.get(extra):
                    yield state[extra]


def _values(collection: Any) -> list[Any]:
    """lodash iterates a mapping's values, a list's items; anything else is empty."""
    if isinstance(collection, dict):
        return list(collection.values())
    return list(collection) if isinstance(collection, list) else []


def _by_action(grants: list[Permission]) -> list[Permission]:
    """`consolidatePermissionsByAction`: one grant per action, its resources deduplicated ('*' wins)."""
    groups: dict[str, list[Permission]] = {}
    for grant in grants:
        groups.setdefault(str(grant["action"]), []).append(grant)
    out = []
    for group in groups.values():
        resources = uniq(r for g in group for r in (g["resource"] if isinstance(g["resource"], list)
                                                    else [g["resource"]]))
        out.append({"action": group[0]["action"], "resource": "*" if "*" in resources else resources})
    return out


def _by_resource(grants: list[Permission]) -> list[Permission]:
    """`consolidatePermissionsByResource`: grants on the same resources share one statement."""
    groups: dict[str, list[Permission]] = {}
    for grant in grants:
        groups.setdefault(js_json(grant["resource"]), []).append(grant)
    return [{"action": ",".join(uniq(a for g in group for a in g["action"].split(","))),
             "resource": group[0]["resource"]} for group in groups.values()]


def compile_iam_roles(ctx: CompileContext) -> None:
    provider = ctx.provider
    role_path = _role_path(provider)
    for key, machine in state_machines(ctx):
        path = machine_path(key)
        if not isinstance(machine, dict):
            raise PluginError(f"state machine {key} must be a mapping", path)
        if js_truthy(machine.get("role")):
            continue
        if not js_truthy(machine.get("definition")):
            raise PluginError(f'Missing "definition" for state machine {key}', path)
        definition = machine["definition"]
        states = definition.get("States") if isinstance(definition, dict) else None
        name = machine_name(key, machine)
        try:
            grants = [g for state in task_states(states, name) for g in permissions(state, ctx)]
        except PluginError as exc:
            raise PluginError(f"state machine {key}: {exc}", path + ("definition",)) from None
        if js_truthy(machine.get("loggingConfig")):
            grants.append({"action": _LOGS, "resource": "*"})
        if js_truthy(machine.get("tracingConfig")):
            grants.append({"action": _XRAY, "resource": "*"})
        if isinstance(machine.get("kmsKeyArns"), list) and machine["kmsKeyArns"]:
            grants.append({"action": _KMS, "resource": machine["kmsKeyArns"]})
        encryption = machine.get("encryptionConfig")
        if isinstance(encryption, dict) and encryption.get("KmsKeyId"):
            grants.append({"action": "kms:Decrypt,kms:Encrypt", "resource": {"Fn::Sub": encryption["KmsKeyId"]}})
        grants = _by_resource(_by_action(grants))
        statements: list[Any]
        extra = machine.get("iamRoleStatements")
        if not grants and not extra:
            statements = [{"Effect": "Deny", "Action": "*", "Resource": "*"}]
        else:
            statements = [{"Effect": "Allow", "Action": g["action"].split(","), "Resource": g["resource"]}
                          for g in grants]
            if extra:
                statements.extend(extra if isinstance(extra, list) else [extra])
        text = js_replace(_ROLE_TEMPLATE, "[PolicyName]", policy_name(ctx))
        role = json_parse(ctx, js_replace(text, "[Statements]", js_json(statements)), path, "state machine role")
        if provider.get("rolePermissionsBoundary"):
            role["Properties"]["PermissionsBoundary"] = provider["rolePermissionsBoundary"]
        if role_path:
            role["Properties"]["Path"] = role_path
        ctx.add_resource(f"{state_machine_logical_id(ctx, key, machine)}Role", role, path, merge=True)


def _role_path(provider: dict[str, Any]) -> Any:
    iam = provider.get("iam")
    role = iam.get("role") if isinstance(iam, dict) else None
    return role.get("path") if isinstance(role, dict) else None
