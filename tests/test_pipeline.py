"""The compile steps run in the framework's lifecycle order, with a plugin's hooks among the core's."""

import pytest

from promotelint.serverless import pipeline
from promotelint.serverless.plugins import Plugin, listed_plugins


def _named(name):
    def step(ctx):
        pass
    step.__name__ = name
    return step


def _names(steps):
    return [s.__name__ for s in steps]


def test_without_plugins_the_core_order():
    names = _names(pipeline.steps())
    assert names[:7] == ["normalize_service", "_warn_unmodelled", "generate_core_template", "merge_iam_templates",
                         "compile_layers", "prepare_cloudfront_functions", "compile_functions"]
    assert names[-4:] == ["add_export_name_for_outputs", "merge_custom_provider_resources",
                          "strip_null_props_from_template_resources", "merge_cognito_with_custom_resources"]


def test_plugin_hooks_run_before_on_and_after_their_event_after_the_core():
    plugin = Plugin("p", "1.x", (
        ("after:package:finalize", _named("p_after_finalize")),
        ("package:finalize", _named("p_finalize")),
        ("before:package:finalize", _named("p_before_finalize")),
        ("after:aws:package:finalize:mergeCustomProviderResources", _named("p_after_merge")),
        ("package:compileFunctions", _named("p_functions")),
        ("before:package:compileFunctions", _named("p_before_functions")),
    ))
    names = _names(pipeline.steps((plugin,)))
    tail = names[names.index("compile_http_api") + 1:]
    assert tail == ["p_before_finalize", "add_export_name_for_outputs", "merge_custom_provider_resources",
                    "p_after_merge", "strip_null_props_from_template_resources", "p_finalize",
                    "merge_cognito_with_custom_resources", "p_after_finalize"]
    start = names.index("prepare_cloudfront_functions")
    assert names[start:start + 4] == ["prepare_cloudfront_functions", "p_before_functions", "compile_functions",
                                      "p_functions"]


def test_two_plugins_run_in_the_order_the_service_lists_them():
    first = Plugin("a", "1.x", (("before:package:finalize", _named("a")),))
    second = Plugin("b", "1.x", (("before:package:finalize", _named("b")),))
    names = _names(pipeline.steps((second, first)))
    assert names.index("b") < names.index("a")


def test_an_unknown_hook_is_refused():
    with pytest.raises(ValueError, match="not a hook"):
        pipeline.steps((Plugin("p", "1.x", (("package:compileEverything", _named("x")),)),))


def test_listed_plugins_in_both_forms():
    assert listed_plugins({"plugins": ["a", "b"]}) == ["a", "b"]
    assert listed_plugins({"plugins": {"modules": ["c"], "localPath": "./x"}}) == ["c"]
    assert listed_plugins({}) == []
