"""GraphQL SDL (type system documents) into plain nodes, as graphql-js 14.7 parses them.

serverless-appsync-plugin 1.x merges a service's schema files with @graphql-tools/merge, which
parses each with graphql-js 14 (`graphql.parse`) and prints the merged document again; AppSync gets
the printed text. This is a port of that parser (language/lexer.js, language/parser.js) for the
type system only: the schema, scalar, type, interface, union, enum, input and directive
definitions and their `extend` forms. An operation or fragment in a schema file is reported as
unsupported.

Nodes are dicts with a `kind` (graphql-js's Kind names) and the parser's fields; names are plain
strings. Each description-bearing node also carries `comment`: graphql-js's
`getDescription(node, {commentDescriptions: true})` (its description, else the block of `#`
comments on the lines right above it), which the merge's printer prints as `#` lines.
"""

from __future__ import annotations

import json
import re
from typing import Any

from promotelint.model.record import record

Node = dict[str, Any]


class GraphQLSyntaxError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"Syntax Error: {message}")
        self.line = line


@record(frozen=False)
class Token:
    kind: str  # "<SOF>", "<EOF>", a punctuator, "Name", "Int", "Float", "String", "BlockString", "Comment"
    value: str | None
    line: int
    index: int  # position in the token list (comments included), for prev/next


_PUNCTUATORS = "!$&()...:=@[]{|}"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


_TOKEN = re.compile(
    r"(?P<skip>[\ufeff\t ,]+)|(?P<newline>\r\n|\n|\r)|#(?P<comment>[^\x00-\x08\x0a-\x1f\x7f]*)"
    r"|(?P<spread>\.\.\.)|(?P<punct>[!$&():=@\[\]{|}])|(?P<name>[_A-Za-z][_0-9A-Za-z]*)"
    r"|(?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|(?P<block>\"\"\")|(?P<string>\")")


_LINE_BREAK = re.compile(r"\r\n|\n|\r")


def _lex(body: str) -> list[Token]:
    """Every token, comments included (graphql-js links them into the token chain too)."""
    tokens = [Token("<SOF>", None, 0, 0)]
    pos, line, n = 0, 1, len(body)
    while pos < n:
        m = _TOKEN.match(body, pos)
        if m is None:
            raise GraphQLSyntaxError(f"Cannot parse the unexpected character {json.dumps(body[pos])}.", line)
        kind = m.lastgroup
        if kind == "skip":
            pos = m.end()
        elif kind == "newline":
            pos, line = m.end(), line + 1
        elif kind == "comment":
            tokens.append(Token("Comment", m.group("comment"), line, len(tokens)))
            pos = m.end()
        elif kind in ("spread", "punct", "name"):
            tokens.append(Token("Name", m.group(), line, len(tokens)) if kind == "name"
                          else Token(m.group(), None, line, len(tokens)))
            pos = m.end()
        elif kind == "number":
            end = m.end()
            if end < n and (body[end] in "._" or body[end].isalnum()):
                raise GraphQLSyntaxError(f"Invalid number starting at {body[pos:pos + 10]!r}.", line)
            tokens.append(Token("Float" if ("." in m.group() or "e" in m.group().lower()) else "Int", m.group(),
                                line, len(tokens)))
            pos = end
        elif kind == "block":
            start_line, raw, pos = line, [], pos + 3
            while True:  # to the closing triple quote; a backslash before one escapes it
                end = body.find('"""', pos)
                if end < 0:
                    raise GraphQLSyntaxError("Unterminated string.", line)
                escaped = end > pos and body[end - 1] == "\\"
                chunk = body[pos:end - 1] + '"""' if escaped else body[pos:end]
                line += len(_LINE_BREAK.findall(chunk))
                raw.append(chunk)
                pos = end + 3
                if not escaped:
                    break
            tokens.append(Token("BlockString", dedent_block_string("".join(raw)), start_line, len(tokens)))
        else:  # string
            value, pos = _read_string(body, pos + 1, line)
            tokens.append(Token("String", value, line, len(tokens)))
    tokens.append(Token("<EOF>", None, line, len(tokens)))
    return tokens


def _read_string(body: str, pos: int, line: int) -> tuple[str, int]:
    out = []
    while pos < len(body):
        ch = body[pos]
        if ch in "\r\n":
            break
        if ch == '"':
            return "".join(out), pos + 1
        if ch == "\\":
            esc = body[pos + 1:pos + 2]
            if esc == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", body[pos + 2:pos + 6]):
                out.append(chr(int(body[pos + 2:pos + 6], 16)))
                pos += 6
                continue
            if esc not in _ESCAPES:
                raise GraphQLSyntaxError(f"Invalid character escape sequence: \\{esc}.", line)
            out.append(_ESCAPES[esc])
            pos += 2
            continue
        out.append(ch)
        pos += 1
    raise GraphQLSyntaxError("Unterminated string.", line)


def _leading_whitespace(text: str) -> int:
    return len(text) - len(text.lstrip(" \t"))


def dedent_block_string(raw: str) -> str:
    """language/blockString.js dedentBlockStringValue."""
    lines = re.split(r"\r\n|[\n\r]", raw)
    indents = [_leading_whitespace(x) for x in lines[1:] if _leading_whitespace(x) != len(x)]
    common = min(indents) if indents else 0
    if common:
        lines = lines[:1] + [x[common:] for x in lines[1:]]
    while lines and _leading_whitespace(lines[0]) == len(lines[0]):
        lines.pop(0)
    while lines and _leading_whitespace(lines[-1]) == len(lines[-1]):
        lines.pop()
    return "\n".join(lines)


class _Parser:
    def __init__(self, body: str) -> None:
        self.tokens = _lex(body)
        self.i = 0
        self._skip_comments()

    # -- the token stream (comments skipped, as the lexer's advance() does)
    def _skip_comments(self) -> None:
        while self.tokens[self.i].kind == "Comment":
            self.i += 1

    @property
    def token(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        token = self.token
        if token.kind != "<EOF>":
            self.i += 1
            self._skip_comments()
        return token

    def peek(self, kind: str) -> bool:
        return self.token.kind == kind

    def expect(self, kind: str) -> Token:
        if not self.peek(kind):
            raise self.unexpected(f"Expected {kind}")
        return self.advance()

    def optional(self, kind: str) -> bool:
        if self.peek(kind):
            self.advance()
            return True
        return False

    def keyword(self, value: str) -> None:
        if not (self.peek("Name") and self.token.value == value):
            raise self.unexpected(f'Expected "{value}"')
        self.advance()

    def optional_keyword(self, value: str) -> bool:
        if self.peek("Name") and self.token.value == value:
            self.advance()
            return True
        return False

    def unexpected(self, what: str = "Unexpected") -> GraphQLSyntaxError:
        t = self.token
        found = t.kind if t.value is None else f'{t.kind} "{t.value}"'
        return GraphQLSyntaxError(f"{what}, found {found}.", t.line)

    def many(self, open_: str, parse: Any, close: str, optional: bool = False) -> list:
        if optional and not self.peek(open_):
            return []
        self.expect(open_)
        nodes = [parse()]
        while not self.optional(close):
            nodes.append(parse())
        return nodes

    # -- comments as descriptions (utilities/buildASTSchema.js getLeadingCommentBlock)
    def comment(self, start: int, description: Node | None) -> str | None:
        if description is not None:
            return description["value"]
        comments, j = [], start - 1
        while j > 0:
            t = self.tokens[j]
            if not (t.kind == "Comment" and t.line + 1 == self.tokens[j + 1].line and t.line != self.tokens[j - 1].line):
                break
            comments.append(t.value or "")
            j -= 1
        return dedent_block_string("\n" + "\n".join(reversed(comments)))

    # -- the grammar
    def document(self) -> list[Node]:
        self.expect("<SOF>") if self.peek("<SOF>") else None
        definitions = [self.definition()]
        while not self.peek("<EOF>"):
            definitions.append(self.definition())
        return definitions

    def definition(self) -> Node:
        t = self.token
        if t.kind == "Name" and t.value in ("query", "mutation", "subscription", "fragment") or t.kind == "{":
            raise GraphQLSyntaxError("an operation or fragment in a schema file is not supported offline", t.line)
        if t.kind == "Name" and t.value == "extend":
            return self.extension()
        start = self.i
        description = self.description()
        t = self.token
        if t.kind != "Name" or t.value not in ("schema", "scalar", "type", "interface", "union", "enum", "input",
                                                "directive"):
            raise self.unexpected()
        kind = t.value
        self.advance()
        node: Node = {"description": description, "comment": self.comment(start, description)}
        if kind == "schema":
            node.update(kind="SchemaDefinition", directives=self.directives(), name=None,
                        operationTypes=self.many("{", self.operation_type, "}"))
        elif kind == "directive":
            self.expect("@")
            node.update(kind="DirectiveDefinition", name=self.name(), arguments=self.argument_defs())
            node["repeatable"] = self.optional_keyword("repeatable")
            self.keyword("on")
            self.optional("|")
            locations = [self.name()]
            while self.optional("|"):
                locations.append(self.name())
            node["locations"] = locations
        else:
            node.update(self.type_body(kind, extension=False))
        return node

    def type_body(self, kind: str, extension: bool) -> Node:
        suffix = "Extension" if extension else "Definition"
        node: Node = {"name": self.name()}
        if kind == "type":
            node.update(kind="ObjectType" + suffix, interfaces=self.implements(), directives=self.directives(),
                        fields=self.many("{", self.field, "}", optional=True))
        elif kind == "interface":
            node.update(kind="InterfaceType" + suffix, directives=self.directives(),
                        fields=self.many("{", self.field, "}", optional=True))
        elif kind == "union":
            node.update(kind="UnionType" + suffix, directives=self.directives(), types=[])
            if self.optional("="):
                self.optional("|")
                node["types"].append(self.name())
                while self.optional("|"):
                    node["types"].append(self.name())
        elif kind == "enum":
            node.update(kind="EnumType" + suffix, directives=self.directives(),
                        values=self.many("{", self.enum_value, "}", optional=True))
        elif kind == "input":
            node.update(kind="InputObjectType" + suffix, directives=self.directives(),
                        fields=self.many("{", self.input_value, "}", optional=True))
        else:  # scalar
            node.update(kind="ScalarType" + suffix, directives=self.directives())
        return node

    def extension(self) -> Node:
        line, start = self.token.line, self.i
        self.advance()  # extend
        t = self.token
        if t.kind != "Name" or t.value not in ("schema", "scalar", "type", "interface", "union", "enum", "input"):
            raise self.unexpected()
        self.advance()
        if t.value == "schema":
            return {"kind": "SchemaExtension", "name": None, "directives": self.directives(),
                    "operationTypes": self.many("{", self.operation_type, "}", optional=True)}
        node = self.type_body(t.value, extension=True)
        node["comment"] = self.comment(start, None)
        if not any(node.get(k) for k in ("interfaces", "directives", "fields", "types", "values")):
            raise GraphQLSyntaxError("an extension must add something", line)
        return node

    def description(self) -> Node | None:
        if self.peek("String") or self.peek("BlockString"):
            t = self.advance()
            return {"kind": "StringValue", "value": t.value, "block": t.kind == "BlockString"}
        return None

    def name(self) -> str:
        return self.expect("Name").value or ""

    def implements(self) -> list[str]:
        types: list[str] = []
        if self.optional_keyword("implements"):
            self.optional("&")
            types.append(self.name())
            while self.optional("&"):
                types.append(self.name())
        return types

    def operation_type(self) -> Node:
        t = self.expect("Name")
        if t.value not in ("query", "mutation", "subscription"):
            raise GraphQLSyntaxError(f'Unexpected Name "{t.value}".', t.line)
        self.expect(":")
        return {"kind": "OperationTypeDefinition", "operation": t.value, "type": self.name()}

    def field(self) -> Node:
        start = self.i
        description = self.description()
        name = self.name()
        args = self.argument_defs()
        self.expect(":")
        return {"kind": "FieldDefinition", "description": description, "comment": self.comment(start, description),
                "name": name, "arguments": args, "type": self.type_ref(), "directives": self.directives()}

    def argument_defs(self) -> list[Node]:
        return self.many("(", self.input_value, ")", optional=True)

    def input_value(self) -> Node:
        start = self.i
        description = self.description()
        name = self.name()
        self.expect(":")
        type_ = self.type_ref()
        default = self.value() if self.optional("=") else None
        return {"kind": "InputValueDefinition", "description": description,
                "comment": self.comment(start, description), "name": name, "type": type_,
                "defaultValue": default, "directives": self.directives()}

    def enum_value(self) -> Node:
        start = self.i
        description = self.description()
        t = self.expect("Name")
        if t.value in ("true", "false", "null"):
            raise GraphQLSyntaxError(f"Name \"{t.value}\" is reserved and cannot be used for an enum value.", t.line)
        return {"kind": "EnumValueDefinition", "description": description,
                "comment": self.comment(start, description), "name": t.value, "directives": self.directives()}

    def type_ref(self) -> str:
        """The type, printed (graphql-js prints `[T]`, `T!` exactly as written, without spaces)."""
        if self.optional("["):
            inner = self.type_ref()
            self.expect("]")
            text = f"[{inner}]"
        else:
            text = self.name()
        return text + "!" if self.optional("!") else text

    def directives(self) -> list[Node]:
        out = []
        while self.optional("@"):
            name = self.name()
            args = self.many("(", self.argument, ")", optional=True)
            out.append({"kind": "Directive", "name": name, "arguments": args})
        return out

    def argument(self) -> tuple[str, str]:
        name = self.name()
        self.expect(":")
        return name, self.value()

    def value(self) -> str:
        """A constant value, printed as graphql-js's printer does."""
        t = self.token
        if t.kind == "[":
            self.advance()
            items = []
            while not self.optional("]"):
                items.append(self.value())
            return "[" + ", ".join(items) + "]"
        if t.kind == "{":
            self.advance()
            fields = []
            while not self.optional("}"):
                name = self.name()
                self.expect(":")
                fields.append(f"{name}: {self.value()}")
            return "{" + ", ".join(fields) + "}"
        if t.kind in ("Int", "Float", "Name"):
            self.advance()
            return t.value or ""
        if t.kind == "String":
            self.advance()
            return js_string(t.value or "")
        if t.kind == "BlockString":
            self.advance()
            return print_block_string(t.value or "")
        raise self.unexpected()


def js_string(value: str) -> str:
    """JSON.stringify of a string."""
    return json.dumps(value, ensure_ascii=False)


def indent(text: str) -> str:
    return "  " + text.replace("\n", "\n  ") if text else text


def print_block_string(value: str) -> str:
    """printBlockString(value) of @graphql-tools/merge's printer (a value, not a description)."""
    escaped = value.replace('"""', '\\"""')
    if value[:1] in (" ", "\t") and "\n" not in value:
        return '"""' + re.sub(r'"$', '"\n', escaped) + '"""'
    return '"""\n' + indent(escaped) + '\n"""'


def parse_sdl(body: str) -> list[Node]:
    """The definitions of a schema document; GraphQLSyntaxError (with its line) on bad input."""
    return _Parser(body).document()
