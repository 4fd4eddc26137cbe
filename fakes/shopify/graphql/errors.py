"""GraphQL problems in Shopify's words: parse errors, validation rules, variable errors, internal errors.

Shopify answers every GraphQL problem with HTTP 200 and an `errors` list (docs/vendor-behaviour.md §1.5);
texts and extensions copy live captures (airhorns/shopify-draft-proxy,
admin-platform/graphql-base-validation-unhappy-paths.json) where we have them.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    TokenKind,
    ValidationRule,
    get_named_type,
    is_leaf_type,
    specified_rules,
)
from graphql.language import Lexer, Source

INTERNAL_ERROR = "Internal error. Looks like something went wrong on our end."


def format_error(error: GraphQLError) -> dict[str, Any]:
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        body: dict[str, Any] = {"message": INTERNAL_ERROR,
                                "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        if error.path:
            body["path"] = list(error.path)
        return body
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        formatted["path"] = list(error.path)
    if error.extensions:
        formatted["extensions"] = dict(error.extensions)
    return formatted


# graphql-ruby token names (graphql-c_parser ext/graphql_c_parser_ext/parser.y) for graphql-core tokens.
_TOKEN_NAMES = {
    TokenKind.BRACE_L: "LCURLY", TokenKind.BRACE_R: "RCURLY", TokenKind.PAREN_L: "LPAREN",
    TokenKind.PAREN_R: "RPAREN", TokenKind.BRACKET_L: "LBRACKET", TokenKind.BRACKET_R: "RBRACKET",
    TokenKind.COLON: "COLON", TokenKind.BANG: "BANG", TokenKind.DOLLAR: "VAR_SIGN", TokenKind.AT: "DIR_SIGN",
    TokenKind.SPREAD: "ELLIPSIS", TokenKind.EQUALS: "EQUALS", TokenKind.PIPE: "PIPE", TokenKind.AMP: "AMP",
    TokenKind.INT: "INT", TokenKind.FLOAT: "FLOAT", TokenKind.STRING: "STRING", TokenKind.BLOCK_STRING: "STRING",
}
_KEYWORDS = {"query": "QUERY", "mutation": "MUTATION", "subscription": "SUBSCRIPTION", "fragment": "FRAGMENT",
             "on": "ON", "true": "TRUE_LITERAL", "false": "FALSE_LITERAL", "null": "NULL_LITERAL",
             "type": "TYPE_LITERAL", "schema": "SCHEMA", "scalar": "SCALAR", "interface": "INTERFACE",
             "union": "UNION", "enum": "ENUM", "input": "INPUT", "directive": "DIRECTIVE", "extend": "EXTEND",
             "implements": "IMPLEMENTS", "repeatable": "REPEATABLE"}


def syntax_error(query: str, error: GraphQLSyntaxError) -> dict[str, Any]:
    """A parse error in graphql-ruby's words, as Shopify answers it.

    Live capture (2025-01): `syntax error, unexpected end of file at [3, 5]`, code PARSE_ERROR, where
    [3, 5] is the last token read. For another token graphql-ruby says `syntax error, unexpected
    RCURLY at [l, c]`, adding `("}"), expecting ...` when bison lists at most four alternatives; we
    never add the expectation list.
    """
    position = error.positions[0] if error.positions else len(query)
    previous = None
    unexpected = None
    try:
        lexer = Lexer(Source(query))
        while True:
            token = lexer.advance()
            if token.kind == TokenKind.EOF or token.start >= position:
                unexpected = token
                break
            previous = token
    except GraphQLSyntaxError:
        unexpected = None
    if unexpected is None or unexpected.kind == TokenKind.EOF:
        where = previous or unexpected
        line, column = (where.line, where.column) if where else (1, 1)
        message = f"syntax error, unexpected end of file at [{line}, {column}]"
        if unexpected is None and error.locations:
            line, column = error.locations[0].line, error.locations[0].column
            message = f"syntax error, unexpected invalid token at [{line}, {column}]"
    else:
        line, column = unexpected.line, unexpected.column
        kind = _TOKEN_NAMES.get(unexpected.kind)
        if kind is None:
            kind = _KEYWORDS.get(unexpected.value or "", "IDENTIFIER")
        message = f"syntax error, unexpected {kind} at [{line}, {column}]"
    return {"message": message, "locations": [{"line": line, "column": column}],
            "extensions": {"code": "PARSE_ERROR"}}


def variable_error(error: GraphQLError, operation: OperationDefinitionNode,
                    variables: dict[str, Any]) -> dict[str, Any]:
    """graphql-core's variable error in Shopify's shape (live capture: code INVALID_VARIABLE, problems)."""
    match = re.match(r"Variable '\$(\w+)' has invalid value(?: at \.([\w.\[\]]+))?: (.*)", error.message, re.S)
    if not match:
        return format_error(error)
    name, at, explanation = match.groups()
    type_text = next((_type_text(d.type) for d in operation.variable_definitions
                      if d.variable.name.value == name), "")
    if explanation.startswith("Expected a value of non-null type") or "to not be null" in explanation:
        explanation = "Expected value to not be null"
    path = [int(p) if p.isdigit() else p for p in re.split(r"[.\[\]]+", at) if p] if at else []
    message = f"Variable ${name} of type {type_text} was provided invalid value"
    if path:
        message += f" for {'.'.join(str(p) for p in path)} ({explanation})"
    body: dict[str, Any] = {"message": message}
    if error.locations:
        body["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    body["extensions"] = {"code": "INVALID_VARIABLE", "value": variables.get(name),
                          "problems": [{"path": path, "explanation": explanation}]}
    return body


def _type_text(node: Any) -> str:
    kind = type(node).__name__
    if kind == "NonNullTypeNode":
        return _type_text(node.type) + "!"
    if kind == "ListTypeNode":
        return f"[{_type_text(node.type)}]"
    return node.name.value


def shopify_path(ancestors: Any, node: FieldNode) -> list[str]:
    """graphql-ruby's static-validation path: `["query Name", "companies", "nodes", "bogus"]`."""
    path: list[str] = []
    for ancestor in [*ancestors, node]:
        if isinstance(ancestor, OperationDefinitionNode):
            op = ancestor.operation.value
            path.append(f"{op} {ancestor.name.value}" if ancestor.name else op)
        elif isinstance(ancestor, FragmentDefinitionNode):
            path.append(f"fragment {ancestor.name.value}")
        elif isinstance(ancestor, InlineFragmentNode) and ancestor.type_condition:
            path.append(f"... on {ancestor.type_condition.name.value}")
        elif isinstance(ancestor, FieldNode):
            path.append(ancestor.alias.value if ancestor.alias else ancestor.name.value)
    return path


class ShopifyFieldsOnCorrectTypeRule(ValidationRule):
    """Unknown fields, worded as Shopify (graphql-ruby) does: `Field 'x' doesn't exist on type 'Company'`.

    Shape from a live capture (code undefinedField, typeName, fieldName, path starting with the operation).
    """

    def enter_field(self, node: FieldNode, _key: Any, _parent: Any, _path: Any, ancestors: Any) -> None:
        parent_type = self.context.get_parent_type()
        if parent_type is None or self.context.get_field_def() is not None:
            return
        name = node.name.value
        self.report_error(GraphQLError(
            f"Field '{name}' doesn't exist on type '{parent_type.name}'", node,
            path=shopify_path(ancestors, node),
            extensions={"code": "undefinedField", "typeName": parent_type.name, "fieldName": name}))


class ShopifyScalarLeafsRule(ValidationRule):
    """Missing or forbidden sub-selections, worded as Shopify does (code selectionMismatch).

    The missing-selection text is from a live capture; the scalar-with-selection text is graphql-ruby's
    (I-mem).
    """

    def enter_field(self, node: FieldNode, _key: Any, _parent: Any, _path: Any, ancestors: Any) -> None:
        field_type = self.context.get_type()
        if field_type is None:
            return
        named = get_named_type(field_type)
        name = node.name.value
        path = shopify_path(ancestors, node)
        if is_leaf_type(named) and node.selection_set:
            kind = "scalars" if type(named).__name__ == "GraphQLScalarType" else "enums"
            subfields = ", ".join(f'"{s.name.value}"' for s in node.selection_set.selections
                                  if isinstance(s, FieldNode))
            self.report_error(GraphQLError(
                f"Selections can't be made on {kind} (field '{name}' returns {named.name} but has selections "
                f"[{subfields}])", node, path=path,
                extensions={"code": "selectionMismatch", "nodeName": f"field '{name}'", "typeName": named.name}))
        elif not is_leaf_type(named) and not node.selection_set:
            self.report_error(GraphQLError(
                f"Field must have selections (field '{name}' returns {named.name} but has no selections. "
                f"Did you mean '{name} {{ ... }}'?)", node, path=path,
                extensions={"code": "selectionMismatch", "nodeName": f"field '{name}'", "typeName": named.name}))


def shopify_rules() -> list[type[ValidationRule]]:
    replaced = {"FieldsOnCorrectTypeRule": ShopifyFieldsOnCorrectTypeRule,
                "ScalarLeafsRule": ShopifyScalarLeafsRule}
    return [replaced.get(rule.__name__, rule) for rule in specified_rules]


