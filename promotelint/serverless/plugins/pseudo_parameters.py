"""serverless-pseudo-parameters 2: `#{AWS::Region}`, `#{AWS::AccountId}`, `#{MyResource}` into `Fn::Sub`.

A port of its lib/index.js (2.6.1), hooked at
`after:aws:package:finalize:mergeCustomProviderResources` as the plugin is: it walks the whole
template (the `resources:` section merged in, before the null properties are stripped) and, in
every string value (never a key):
- with `custom.pseudoParameters.skipRegionReplace: false` (the default skips), the first region
  name in the string (of the plugin's fixed list of 15) becomes `#{AWS::Region}`;
- if it holds `#{X}` (any X, or only `AWS::<letters>` with `allowReferences: false`), every `#{X}`
  becomes `${X}` and the value becomes `{"Fn::Sub": value}` (a value that is itself the string of
  an `Fn::Sub` key stays a string);
- if it holds `#@{X}` (the escape), the value becomes the string with `#@{X}` made `#{X}` and
  every region replacement kept, but `#{X}` left as written: that replaces the Fn::Sub above.
Values only known at deploy time (opaque) are left alone. Objects shared between places (a
statement in two roles) are rewritten once per place, as in the plugin.
"""

from __future__ import annotations

import re

from promotelint.model.opaque import is_opaque
from promotelint.serverless.context import CompileContext
from promotelint.serverless.js import js_truthy
from promotelint.serverless.plugins import Plugin

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any

NAME = "serverless-pseudo-parameters"
REGIONS = ("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
           "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2",
           "us-west-1", "us-west-2")
_REGION = re.compile("|".join(REGIONS))
_REFERENCE = re.compile(r"#\{([^}]+)\}")
_AWS_REFERENCE = re.compile(r"#\{(AWS::[a-zA-Z]+)\}")
_ESCAPED = re.compile(r"#@\{([^}]+)\}")
_MISSING = object()


def add_parameters(ctx: CompileContext) -> None:
    """addParameters: rewrite every string of the template."""
    skip_region_replace = _setting(ctx, "skipRegionReplace")
    reference = _REFERENCE if js_truthy(_setting(ctx, "allowReferences")) else _AWS_REFERENCE
    for value in ctx.template.values():
        # The top-level strings (AWSTemplateFormatVersion, Description) are walked character by
        # character in the plugin, where nothing can match.
        if isinstance(value, (dict, list)):
            _replace_child_nodes(value, js_truthy(skip_region_replace), reference)


def _setting(ctx: CompileContext, name: str) -> Any:
    """The plugin's `get(serverless.service, 'custom.pseudoParameters.<name>', true)`: true unless
    set (to anything, null and false included)."""
    value: Any = ctx.config
    for key in ("custom", "pseudoParameters", name):
        if value is None:  # reading a key of null throws: the plugin fails to load
            raise ctx.error(("custom", "pseudoParameters"), f"{NAME}: custom.pseudoParameters must be a mapping "
                            f"(Cannot read properties of null (reading '{key}'))", "remove it or give it keys")
        value = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if value is _MISSING:
            return True
    return value


def _replace_child_nodes(node: dict | list, skip_region_replace: bool, reference: re.Pattern) -> None:
    """replaceChildNodes, in place."""
    for key in list(node) if isinstance(node, dict) else range(len(node)):
        value = node[key]  # type: ignore[index]
        if isinstance(value, str):
            if not skip_region_replace and _REGION.search(value):
                value = _REGION.sub("#{AWS::Region}", value, count=1)
            if reference.search(value):
                replaced = reference.sub(lambda m: "${" + m.group(1) + "}", value)
                node[key] = replaced if key == "Fn::Sub" else {"Fn::Sub": replaced}  # type: ignore[index]
            if _ESCAPED.search(value):
                node[key] = _ESCAPED.sub(lambda m: "#{" + m.group(1) + "}", value)  # type: ignore[index]
        elif isinstance(value, (dict, list)) and not is_opaque(value):
            _replace_child_nodes(value, skip_region_replace, reference)


PLUGIN = Plugin(NAME, ">=2.4.0 <3", hooks=(("after:aws:package:finalize:mergeCustomProviderResources",
                                            add_parameters),))
