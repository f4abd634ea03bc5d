"""The schema text serverless-appsync-plugin 1.x gives AppSync (`AWS::AppSync::GraphQLSchema`
`Definition`).

get-config.js reads the `schema:` files and merges them with @graphql-tools/merge 6.2
`mergeTypeDefs(files, {useSchemaDefinition: true, forceSchemaDefinition: true, throwOnConflict:
true, commentDescriptions: true, reverseDirectives: true})`; index.js then cleans the text
(`cleanCommentsFromSchema`). Ported here:

- visitTypeSources: each file parsed (promotelint.parse.graphql, graphql-js 14); a file whose text
  equals an earlier one's is skipped (the merge keeps a Set of the sources it visited).
- mergeGraphQLNodes / mergeGraphQLTypes: the definitions by name in first-seen order, then the
  schema definition: the one written (where it was written), its missing `query`/`mutation`/
  `subscription` filled from types named Query/Mutation/Subscription, else `schema { query: Query }`
  appended. Two definitions of one name (or `extend`ing one) are merged field by field by the
  library: NOT ported here; `Unmerged` says so and the caller makes the schema an unseen part.
- printWithComments: graphql-js's printer, where every definition (type, field, argument, enum
  value) with a description, or with `#` comments on the lines above it, is printed with those as
  `# ` lines first, and descriptions are printed twice (once as the comment, once as the string).
- cleanCommentsFromSchema: block-string descriptions and `#` lines removed, ` & ` made `, `.
"""

from __future__ import annotations

import re

from promotelint.parse.graphql import Node, indent, js_string, parse_sdl, print_block_string

TYPE_CHECKING = False  # (typing is not imported at run time: docs/architecture.md)
if TYPE_CHECKING:
    from typing import Any


class Unmerged(ValueError):
    """The files define a name twice (or extend one): @graphql-tools/merge merges those, which is not
    ported."""


_ROOTS = (("query", "Query"), ("mutation", "Mutation"), ("subscription", "Subscription"))
_FIELDS_COMMENTED = ("ObjectTypeDefinition", "InputObjectTypeDefinition", "InterfaceTypeDefinition")


def merged_definitions(sources: list[str]) -> list[Node]:
    """mergeTypeDefs' merged definitions (GraphQLSyntaxError from the parser on bad input)."""
    nodes: list[Node] = []
    seen: set[str] = set()
    for text in sources:
        if text not in seen:
            seen.add(text)
            nodes.extend(parse_sdl(text))
    merged: dict[str, Node] = {}
    schema_key = "\0schema"
    for node in nodes:
        key = schema_key if node["kind"] in ("SchemaDefinition", "SchemaExtension") else node["name"]
        if key in merged or node["kind"].endswith("Extension"):
            raise Unmerged(f"{'the schema' if key == schema_key else key} is defined more than once or extended")
        merged[key] = node
    schema = merged.get(schema_key) or {"kind": "SchemaDefinition", "name": None, "description": None,
                                        "comment": None, "directives": [], "operationTypes": []}
    for operation, name in _ROOTS:
        if not any(op["operation"] == operation for op in schema["operationTypes"]) and name in merged:
            schema["operationTypes"].append({"kind": "OperationTypeDefinition", "operation": operation, "type": name})
    if not schema["operationTypes"]:
        schema["operationTypes"].append({"kind": "OperationTypeDefinition", "operation": "query", "type": "Query"})
    merged[schema_key] = schema
    return list(merged.values())


def _comments(definitions: list[Node]) -> dict[str, list[str]]:
    """collectComment: the comment registry, by `Type`, `Type.field`, `Type.field.arg`, `Enum.VALUE`."""
    registry: dict[str, list[str]] = {}

    def push(node: Node, *keys: str) -> None:
        if node.get("comment"):
            registry.setdefault(".".join(keys), []).append(node["comment"])

    for node in definitions:
        name = node.get("name")
        if name is None:
            continue
        push(node, name)
        if node["kind"] == "EnumTypeDefinition":
            for value in node["values"]:
                push(value, name, value["name"])
        elif node["kind"] in _FIELDS_COMMENTED:
            for fld in node["fields"]:
                push(fld, name, fld["name"])
                for arg in fld.get("arguments") or () if fld["kind"] == "FieldDefinition" else ():
                    push(arg, name, fld["name"], arg["name"])
    return registry


def _join(items: Any, sep: str = "") -> str:
    return sep.join(x for x in items if x) if items else ""


def _wrap(start: str, text: str, end: str = "") -> str:
    return start + text + end if text else ""


def _block(items: list[str]) -> str:
    return "{\n" + indent(_join(items, "\n")) + "\n}" if items else ""


def _has_multiline(items: list[str]) -> bool:
    return any("\n" in x for x in items)


class _Printer:
    def __init__(self, registry: dict[str, list[str]]) -> None:
        self.registry = registry

    def print(self, node: Node, keys: tuple[str, ...]) -> str:
        """A node as printDocASTReducerWithComments leaves it: its comments, its description, itself."""
        name = node.get("name")
        key = ".".join(keys + ((name,) if name else ()))
        items = [_comment(c) for c in self.registry.get(key, ())] if "Definition" in node["kind"] else []
        description = _description(node.get("description"))
        return _join([*items, description, self._body(node, description, keys + ((name,) if name else ()))], "\n")

    def _children(self, nodes: list[Node], keys: tuple[str, ...]) -> list[str]:
        return [self.print(n, keys) for n in nodes or ()]

    def _body(self, node: Node, description: str, keys: tuple[str, ...]) -> str:
        kind = node["kind"]
        directives = _join((_directive(d) for d in node.get("directives") or ()), " ")
        head = _wrap("", description, "\n")
        extend = "extend " if kind.endswith("Extension") else ""
        if extend:
            head = ""
        if kind == "OperationTypeDefinition":
            return f"{node['operation']}: {node['type']}"
        if kind in ("SchemaDefinition", "SchemaExtension"):
            return head + _join([extend + "schema", directives, _block(self._children(node["operationTypes"], ()))], " ")
        if kind.startswith("ObjectType"):
            return head + _join([extend + "type", node["name"], _wrap("implements ", _join(node["interfaces"], " & ")),
                                 directives, _block(self._children(node["fields"], keys))], " ")
        if kind.startswith("InterfaceType"):
            return head + _join([extend + "interface", node["name"], directives,
                                 _block(self._children(node["fields"], keys))], " ")
        if kind.startswith("InputObjectType"):
            return head + _join([extend + "input", node["name"], directives,
                                 _block(self._children(node["fields"], keys))], " ")
        if kind.startswith("EnumType"):
            return head + _join([extend + "enum", node["name"], directives,
                                 _block(self._children(node["values"], keys))], " ")
        if kind.startswith("UnionType"):
            return head + _join([extend + "union", node["name"], directives,
                                 _wrap("= ", _join(node["types"], " | "))], " ")
        if kind.startswith("ScalarType"):
            return head + _join([extend + "scalar", node["name"], directives], " ")
        if kind == "EnumValueDefinition":
            return head + _join([node["name"], directives], " ")
        if kind == "InputValueDefinition":
            return head + _join([f"{node['name']}: {node['type']}", _wrap("= ", node.get("defaultValue") or ""),
                                 directives], " ")
        args = self._children(node.get("arguments"), keys)
        args_text = (_wrap("(\n", indent(_join(args, "\n")), "\n)") if _has_multiline(args)
                     else _wrap("(", _join(args, ", "), ")"))
        if kind == "FieldDefinition":
            return head + node["name"] + args_text + ": " + node["type"] + _wrap(" ", directives)
        if kind == "DirectiveDefinition":
            return (head + "directive @" + node["name"] + args_text + (" repeatable" if node["repeatable"] else "")
                    + " on " + _join(node["locations"], " | "))
        raise ValueError(f"unexpected GraphQL node {kind}")


def _comment(text: str) -> str:
    return "\n# " + text.replace("\n", "\n# ")


def _description(node: Node | None) -> str:
    if node is None:
        return ""
    return print_block_string(node["value"]) if node["block"] else js_string(node["value"])


def _directive(node: Node) -> str:
    return "@" + node["name"] + _wrap("(", _join((f"{n}: {v}" for n, v in node["arguments"]), ", "), ")")


_NEW_STYLE_DESCRIPTION = re.compile(r'"""[^"]*"""\n')
_OLD_STYLE_DESCRIPTION = re.compile("#[^\n\r\u2028\u2029]*\n")  # JavaScript's `.` stops at these
_JOIN_INTERFACES = re.compile(r" *& *")


def clean_comments(schema: str, allow_hash_description: bool) -> str:
    """index.js cleanCommentsFromSchema."""
    schema = _NEW_STYLE_DESCRIPTION.sub("", schema)
    if not allow_hash_description:
        schema = _OLD_STYLE_DESCRIPTION.sub("", schema)
    return _JOIN_INTERFACES.sub(", ", schema)


def merged_schema(sources: list[str]) -> str:
    """mergeTypeDefs(sources, ...) as printed (before cleanCommentsFromSchema)."""
    definitions = merged_definitions(sources)
    printer = _Printer(_comments(definitions))
    return _join((printer.print(node, ()) for node in definitions), "\n\n")
