"""The rule engine: rules are data (the YAML files in the top-level rules/ folder).

language (a rule file's data -> predicates), facts (what a rule can match on, computed from a
change), evaluate (rules x change set -> findings), docs (`rules`, `explain`, docs/rules.md).
"""
