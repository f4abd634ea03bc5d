"""Rules for people: the `rules` table, its markdown form (docs/rules.md) and `explain`."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from promotelint.model.errors import InputError

from promotelint.ruleengine.facts import FACTS
from promotelint.ruleengine.language import TYPE_SETS, Rule


def definition(rule: Rule) -> str:
    """The rule file as written (comments and flow style kept), without its long description."""
    keep, skipping = [], False
    for line in rule.text.splitlines():
        top_level = bool(line) and not line[0].isspace() and not line.startswith("#")
        if top_level:
            skipping = line.split(":", 1)[0] in ("id", "severity", "summary", "description")
        if not skipping:
            keep.append(line)
    return "\n".join(keep).strip("\n")


# Notices about the allow lists themselves (verdict.suppress): not rules, but `explain` knows them.
ALLOW_NOTICES = {
    "allow-unused": "allow-unused: allow entry matched nothing\nseverity: notice\n\n"
                    "An `allow` entry (in the config or in a resource's Metadata) suppressed no finding in\n"
                    "this check: the danger it accepted is gone, or its rule or resource is misspelt.\n"
                    "Remove the entry, or fix its `rule` / `resource`.\n",
    "allow-expired": "allow-expired: allow entry expired\nseverity: notice\n\n"
                     "An `allow` entry's `expires` date has passed: it no longer suppresses anything, and\n"
                     "the findings it covered count again. Fix them, or extend `expires` with a new reason.\n",
}


def rules_table(rules: Sequence[Rule], severities: Mapping[str, str] = {}) -> str:
    width = max(len(r.id) for r in rules)
    lines = [f"{'RULE'.ljust(width)}  SEVERITY  SUMMARY"]
    for r in rules:
        lines.append(f"{r.id.ljust(width)}  {severities.get(r.id, r.severity).ljust(8)}  {r.summary}")
    return "\n".join(lines) + "\n"


def explain_rule(rule_id: str, rules: Mapping[str, Rule], severities: Mapping[str, str] = {}) -> str:
    """`promotelint explain RULE`: the rule (or allow-list notice) explained, or an error that
    suggests the closest id."""
    if rule_id in ALLOW_NOTICES:
        return ALLOW_NOTICES[rule_id]
    if rule_id not in rules:
        close = difflib.get_close_matches(rule_id, list(rules) + list(ALLOW_NOTICES), n=1)
        raise InputError(f"no rule {rule_id!r}", fix=f"did you mean {close[0]}?" if close else
                         "run `promotelint rules` for the list")
    return explain(rules[rule_id], severities.get(rule_id))


def explain(rule: Rule, severity: str | None = None) -> str:
    shown = severity or rule.severity
    note = f" (configured; the rule's own is {rule.severity})" if severity and severity != rule.severity else ""
    lines = [f"{rule.id}: {rule.summary}", f"severity: {shown}{note}", "", rule.description.rstrip(), "",
             f"Definition ({rule.source}):", _indent(definition(rule))]
    return "\n".join(lines).rstrip() + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.rstrip().splitlines())


LANGUAGE = """\
## Writing rules

A rule file is YAML, validated against `promotelint/schema/rule.schema.json`. Add your own with
`rule-files:` in `.promotelint.yml`.

| key | meaning |
|---|---|
| `id` | stable kebab-case name |
| `severity` | `error`, `warning` or `notice` |
| `summary` | one line |
| `description` | why it is dangerous, an example, the safe way, how to suppress (markdown) |
| `match` | `on: resource`, `output`, `stack` or `unseen` (or a list of them), plus conditions that must all hold |
| `message`, `fix` | templates; `{{fact}}` is replaced by the subject's fact |
| `cases` | list of `when:` (a condition) with another `severity` (or `off`), `message` or `fix`; each comes from the first matching case that sets it |

Conditions (every key must hold):

| key | holds when |
|---|---|
| `action` | the change's action is one of these (`Add`, `Modify`, `Remove`; for `unseen` also `Unchanged`, `Unknown`) |
| `replacement` | the predicted replacement is one of these (`"True"`, `Conditional`, `"False"`) |
| `type` | the resource type matches a name, a glob (`AWS::DynamoDB::*`) or a set: {sets} |
| `policy-action` | CloudFormation's PolicyAction is one of these (`Delete`, `Retain`, `Snapshot`, `ReplaceAndDelete`, ...) |
| `changed` | a changed path matches one of these globs (`/Properties/KeySchema`, `/DeletionPolicy`) |
| `before`, `after` | each dotted path into the base / head resource (`DeletionPolicy`, `Properties.TableName`) has the value |
| `facts` | each named fact has the value |
| `any`, `all`, `not` | combine conditions |

A value is a scalar (equal; `true` and `"true"` are the same), a list (any of; `null` means absent)
or `{{present: true|false}}`. `replacement`, `type`, `policy-action` and `changed` apply to
resource changes only. Lambda versions and API Gateway deployments never reach a rule. A rule
`on` several kinds sees each kind's facts; a fact another kind does not have is absent.

An `unseen` subject is a plugin's part of the service that no compiler predicted (a plugin
promotelint does not model, compiled offline because the service's own framework was not used):
the config section the plugin reads (`constructs.uploads`, `custom.alerts`; `*` for a plugin nobody
knows), compared between the sides by its resolved value. Its finding's ID is `plugin:section`.

### Facts

{facts}

## Configuration and suppressions

`.promotelint.yml` (found from the head's directory up to the repository root), `--config FILE`, or
`[tool.promotelint]` in `pyproject.toml`; validated against `promotelint/schema/config.schema.json`:

```yaml
fail-on: error            # error | warning | never; --fail-on wins
rules:                    # severity per rule, or off
  retained-resource-orphaned: off
stateful:                 # extra stateful types per tier
  data: [Custom::Database]
rule-files: [ci/promotelint/*.yml]
plugins:
  neutral: [serverless-my-bundler]   # plugins that leave the template alone: no unpredictable-change
framework:
  timeout: 300            # seconds `serverless package` may take (--compiler framework / auto)
allow:
  - rule: stateful-resource-removed   # a rule id, or a glob of ids
    resource: Legacy*     # logical ID (Outputs.<Key> for an export) or glob; omit for any
    reason: the legacy tables were migrated in PROJ-123
    expires: 2027-03-31   # optional; afterwards the finding is reported again
```

A resource can carry its own suppression:
`Metadata: {{promotelint: {{allow: [{{rule: stateful-resource-replaced, reason: ...}}]}}}}` (the head's
metadata, or the base's for a removed resource). Suppressed findings stay in the JSON report with
`suppressed: true` and the reason; an entry that matched nothing (`allow-unused`) or that has
expired (`allow-expired`) is reported as a notice.
"""


def rules_markdown(rules: Sequence[Rule]) -> str:
    out = ["# promotelint rules", "",
           "<!-- Generated by `promotelint rules --format markdown`; a test keeps it current. -->", "",
           "| rule | severity | summary |", "|---|---|---|"]
    out += [f"| [`{r.id}`](#{r.id}) | {r.severity} | {r.summary} |" for r in rules]
    for r in rules:
        out += ["", f"## {r.id}", "", f"**{r.severity}**: {r.summary}", "", r.description.rstrip(), "",
                f"<details><summary>Rule definition (rules/{r.id}.yml)</summary>", "", "```yaml",
                definition(r), "```", "", "</details>"]
    facts = ["| on | fact | meaning |", "|---|---|---|"]
    facts += [f"| {kind} | `{name}` | {meaning} |" for kind in ("resource", "output", "stack", "unseen")
              for name, meaning in FACTS[kind].items()]
    out += ["", LANGUAGE.format(sets=", ".join(f"`{s}`" for s in TYPE_SETS), facts="\n".join(facts))]
    return "\n".join(out).rstrip() + "\n"
