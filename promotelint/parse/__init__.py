"""Text to data: YAML and JSON with positions and CloudFormation tags, the framework's js-yaml
dialect, templates, and JSON Schema validation of user documents. Pure functions over text."""
