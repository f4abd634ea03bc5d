"""State machines and activities: port of compileStateMachines.js and compileActivities.js."""

from __future__ import annotations


from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_string, js_truthy
from promotelint.serverless.plugins.step_functions import schema
from promotelint.serverless.plugins.step_functions.common import (
    PluginError, SECTION, generate_logical_id, json_parse, machine_path, section, state_machine_logical_id,
    state_machine_output_logical_id, state_machines,
)
from promotelint.serverless.plugins.step_functions.definition import (
    add_query_language, definition_string, use_exact_version,
)
from promotelint.serverless.values import drop_none

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


def _tags(tags: Any) -> list[dict[str, Any]]:
    """`toTags`: a mapping into CloudFormation tags, each value as text (a falsy one empty)."""
    if not tags or not isinstance(tags, dict):
        return []
    return [{"Key": key, "Value": js_string(value) if js_truthy(value) else ""} for key, value in tags.items()]


def compile_state_machines(ctx: CompileContext) -> None:
    validate_definitions = section(ctx)["validate"]
    for key, machine in state_machines(ctx):
        path = machine_path(key)
        logical_id = state_machine_logical_id(ctx, key, machine)
        value, error = schema.validate(schema.STATE_MACHINE, machine)
        if error:
            raise PluginError(f"State machine [{key}] is malformed. Please check the README for more info. {error}",
                              path)
        tags = [] if machine.get("inheritGlobalTags") is False else _tags(ctx.provider.get("tags"))
        definition = None
        if js_truthy(machine.get("definition")):
            if validate_definitions:
                if not isinstance(machine["definition"], dict):
                    # asl-validator wants the definition itself, not its JSON text
                    raise PluginError(f'State machine "{key}" definition is invalid: "validate" checks a definition '
                                      "given as a mapping, not as text", path + ("definition",))
                add_query_language(machine["definition"])
            definition = definition_string(ctx, machine)
        if machine.get("useExactVersion") is True:
            use_exact_version(ctx, definition)
        depends_on: list[Any] = []
        if js_truthy(machine.get("role")):
            role_arn = machine["role"]
        else:
            role_arn = {"Fn::GetAtt": [f"{logical_id}Role", "Arn"]}
            depends_on.append(f"{logical_id}Role")
        if js_truthy(machine.get("dependsOn")):
            extra = machine["dependsOn"]
            depends_on.extend(extra if isinstance(extra, list) else [extra])
        tags.extend(_tags(machine.get("tags")))
        properties: dict[str, Any] = {
            "DefinitionString": definition,
            "RoleArn": role_arn,
            "StateMachineType": machine.get("type"),
            "LoggingConfiguration": _logging(value.get("loggingConfig")),
            "TracingConfiguration": ({"Enabled": value["tracingConfig"]["enabled"]}
                                     if value.get("tracingConfig") else None),
            "EncryptionConfiguration": _encryption(value.get("encryptionConfig")),
        }
        if tags:
            properties["Tags"] = tags
        resource: dict[str, Any] = {"Type": "AWS::StepFunctions::StateMachine", "Properties": properties,
                                    "DependsOn": depends_on}
        if js_truthy(machine.get("retain")):
            resource["DeletionPolicy"] = "Retain"
        if js_truthy(machine.get("name")):
            properties["StateMachineName"] = machine["name"]
        ctx.add_resource(logical_id, drop_none(resource), path, merge=True)
        if section(ctx)["noOutput"] is not True:
            ctx.add_output(state_machine_output_logical_id(ctx, key, machine), {
                "Description": "Current StateMachine Arn", "Value": {"Ref": logical_id}}, path, merge=True)


def _logging(config: Any) -> dict[str, Any] | None:
    if not config:
        return None
    logging: dict[str, Any] = {"Level": config["level"], "IncludeExecutionData": config["includeExecutionData"]}
    if config.get("destinations"):
        logging["Destinations"] = [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn}} for arn in config["destinations"]]
    return logging


def _encryption(config: Any) -> dict[str, Any] | None:
    if not config:
        return None
    return {"KmsDataKeyReusePeriodSeconds": config["KmsDataKeyReusePeriodSeconds"],
            "KmsKeyId": {"Fn::Sub": config["KmsKeyId"]}, "Type": config["Type"]}


def compile_activities(ctx: CompileContext) -> None:
    activities = section(ctx)["activities"]
    if not activities:
        return
    if not isinstance(activities, list):
        raise PluginError("activities property is not an array Please check the README for more info.",
                          (SECTION, "activities"))
    for index, name in enumerate(activities):
        path = (SECTION, "activities", index)
        logical_id = generate_logical_id(name, "StepFunctionsActivity")
        # The plugin writes the name into JSON text: a quote in it breaks the template.
        resource = json_parse(ctx, '{"Type": "AWS::StepFunctions::Activity", "Properties": {"Name": "'
                              + js_string(name) + '"}}', path, "activity")
        ctx.add_resource(logical_id, resource, path, merge=True)
        ctx.add_output(generate_logical_id(name, "StepFunctionsActivityArn"), {
            "Description": "Current StateMachine Arn", "Value": {"Ref": logical_id}}, path, merge=True)
