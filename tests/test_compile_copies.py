"""The compile's copies: `_.merge` into nothing and clone_deep are shortcuts (the compile's most
frequent calls); these hold them to what they replace, sharing included, because a resource that
shares an object with another is changed by a later merge into either."""

import copy

from promotelint.app import compile_path
from promotelint.serverless.js import clone_deep, lodash_merge


class Tagged(dict):
    pass


def _containers(value, seen=None):
    """id -> container, every dict and list reachable from value (once each)."""
    seen = {} if seen is None else seen
    if isinstance(value, (dict, list)) and id(value) not in seen:
        seen[id(value)] = value
        for item in value.values() if isinstance(value, dict) else value:
            _containers(item, seen)
    return seen


def test_merge_into_nothing_copies_every_container_and_keeps_the_leaves():
    shared = {"Ref": "Api"}
    source = Tagged(Properties={"A": shared, "B": shared, "List": [shared, [1, None], "x"]}, Type="T")
    merged = lodash_merge(None, source)
    assert merged == source and type(merged) is dict
    assert not set(_containers(merged)) & set(_containers(source))
    # an object met twice is copied twice, as lodash does: a later merge into one leaves the other
    assert merged["Properties"]["A"] is not merged["Properties"]["B"]
    lodash_merge(merged, {"Properties": {"A": {"Ref": "Other"}}})
    assert merged["Properties"]["B"] == {"Ref": "Api"} and shared == {"Ref": "Api"}
    # a key the target lacks, and list items past the target's end, are copies too
    target = {"Properties": {"List": [0]}}
    lodash_merge(target, source)
    assert target["Properties"]["List"] == [shared, [1, None], "x"]
    assert not set(_containers(target)) & set(_containers(source))
    assert lodash_merge("scalar", [shared]) == [shared] and lodash_merge({}, "x") == "x"


def test_clone_deep_is_deepcopy_with_sharing_kept():
    anchor = {"cors": True, "origins": ["*"]}  # a YAML anchor and its aliases: one object, twice
    odd = (1, [2])
    source = {"a": anchor, "b": [anchor, {"n": None}], "t": Tagged(x=anchor), "odd": odd, "s": {1, 2}}
    expected = copy.deepcopy(source)
    clone = clone_deep(source)
    assert clone == expected
    assert clone["a"] is clone["b"][0] is clone["t"]["x"] and clone["a"] is not anchor
    assert type(clone["t"]) is Tagged and clone["odd"][1] is not odd[1]
    assert not set(_containers(clone)) & set(_containers(source))


def test_resources_built_from_aliased_config_share_nothing(tmp_path):
    """Two http events reached through one YAML alias, a resource merged into after it was added
    (the deployment's Outputs, the methods' permissions): no container of the template is reachable
    twice, so no later merge or null strip changes two resources at once."""
    (tmp_path / "serverless.yml").write_text("""\
service: s
provider:
  name: aws
  runtime: nodejs18.x
custom:
  http: &http
    path: items
    method: get
    cors: true
    request:
      parameters:
        querystrings:
          q: true
functions:
  a:
    handler: h.a
    events:
      - http: *http
      - http: {path: other, method: post, cors: true}
  b:
    handler: h.b
    events:
      - http:
          <<: *http
          method: put
""")
    template = compile_path(tmp_path, env={})
    seen: dict = {}
    for section in ("Resources", "Outputs"):
        for name, value in template.data[section].items():
            for key, container in _containers(value).items():
                assert key not in seen, f"{section}.{name} shares an object with {seen[key]}"
                seen[key] = f"{section}.{name}"
    methods = [r for r in template.data["Resources"].values() if r["Type"] == "AWS::ApiGateway::Method"]
    assert len(methods) == 5  # GET items, PUT items, POST other and the two OPTIONS
