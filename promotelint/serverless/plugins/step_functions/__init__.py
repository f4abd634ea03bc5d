"""serverless-step-functions: state machines under `stepFunctions:` (their execution roles,
activities, alarms and notifications) and the state machines' `http`, `schedule` and
`cloudwatchEvent` / `eventBridge` events, compiled as the plugin does.

Ported from the plugin's lib/ at v3.31.2, the version PLUGIN names. (3.30.0 and 3.31.0 make the same
template except where state machines share a notification topic or queue: they do not merge the
policy statements by Sid. Older versions differ more.) Its hooks (lib/index.js):

    package:initialize        yamlParse                     -> common.read_config
    package:compileFunctions  compileIamRole                -> iam
                              compileStateMachines          -> machines (definition: definition)
                              compileActivities             -> machines
                              compileAlarms                 -> monitoring
                              compileNotifications          -> monitoring
    package:compileEvents     compileScheduledEvents        -> events
                              the API Gateway pipeline      -> http
                              compileCloudWatchEventEvents  -> events

They run after the core's steps of the same events (the core plugins load first), so the state
machines follow the functions in the template, and their events the functions' events.
"""

from __future__ import annotations

from promotelint.serverless.context import CompileContext
from promotelint.serverless.plugins import Plugin, plugin_errors
from promotelint.serverless.plugins.step_functions.common import PluginError, read_config, state_machines
from promotelint.serverless.plugins.step_functions.events import (
    compile_cloudwatch_event_events, compile_scheduled_events,
)
from promotelint.serverless.plugins.step_functions.iam import compile_iam_roles
from promotelint.serverless.plugins.step_functions.monitoring import compile_alarms, compile_notifications
from promotelint.serverless.plugins.step_functions.machines import compile_activities, compile_state_machines

NAME = "serverless-step-functions"
_step = plugin_errors(NAME, PluginError, "see the plugin's README: `serverless package` fails on this too")


def compile_http_events(ctx: CompileContext) -> None:
    """The API Gateway pipeline, loaded only for state machines with `http` events."""
    if any(isinstance(event, dict) and "http" in event for _, machine in state_machines(ctx)
           if isinstance(machine, dict) and isinstance(machine.get("events"), list) for event in machine["events"]):
        from promotelint.serverless.plugins.step_functions.http import compile_http_events as compile_http

        compile_http(ctx)


PLUGIN = Plugin(NAME, "3.31.2", tuple((hook, _step(step)) for hook, step in (
    ("package:initialize", read_config),
    ("package:compileFunctions", compile_iam_roles),
    ("package:compileFunctions", compile_state_machines),
    ("package:compileFunctions", compile_activities),
    ("package:compileFunctions", compile_alarms),
    ("package:compileFunctions", compile_notifications),
    ("package:compileEvents", compile_scheduled_events),
    ("package:compileEvents", compile_http_events),
    ("package:compileEvents", compile_cloudwatch_event_events),
)))
