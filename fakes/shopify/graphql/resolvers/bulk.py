"""Bulk operations over GraphQL: `bulkOperationRunQuery`, `bulkOperationCancel`, `bulkOperation(id:)`,
`bulkOperations`, `currentBulkOperation` and `node` (docs/vendor-behaviour.md §8.D; texts captured in
airhorns/shopify-draft-proxy, bulk-operations/*).

The bulk query is Shopify's kind of query: validated against the version's schema, at least one and at most
five connections, nested at most two deep, each read through `edges { node }`. It runs on the fake at once,
every connection unpaged, and its result is flattened to JSONL: one line per node, a nested connection's nodes
on lines of their own with `__parentId` (after their parent, or grouped by parent with `groupObjects`).
"""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    parse,
    validate,
    visit,
)
from graphql import execute as graphql_execute

from fakes.shopify.bulk import EXPORTING, BulkOperation, JsonlWriter
from fakes.shopify.graphql.resolvers import resolve_field, resolve_type, resolves
from fakes.shopify.graphql.resolvers.common import AdminContext, BulkWindow, connection, context, id_of, iso
from fakes.shopify.graphql.resolvers.nodes import finds
from fakes.shopify.graphql.search import Term, Warn, match_exact, match_id, match_time

MAX_CONNECTIONS = 5
MAX_DEPTH = 2
MAX_QUERY_BYTES = 65535
CHUNK = 2000  # root records a bulk query reads per execution (its memory is a chunk's, not the store's)


def concurrent_limit(version: str) -> int:
    """One running bulk query per app and shop before 2026-01, five from then on (docs/vendor-behaviour.md §8.D)."""
    return 1 if version < "2026-01" else 5


resolves("BulkOperation", BulkOperation)({
    "id": lambda op, _i: op.gid,
    "status": lambda op, _i: op.status,
    "type": lambda op, _i: op.type,
    "errorCode": lambda op, _i: op.error_code,
    "createdAt": lambda op, _i: iso(op.created_at),
    "completedAt": lambda op, _i: iso(op.completed_at),
    "query": lambda op, _i: op.query,
    "objectCount": lambda op, _i: str(op.object_count if op.status in ("COMPLETED", "EXPIRED") else
                                      _progress(op)),
    "rootObjectCount": lambda op, _i: str(op.root_object_count if op.status in ("COMPLETED", "EXPIRED") else 0),
    "fileSize": lambda op, _i: str(op.file_size) if op.status == "COMPLETED" else None,
    "url": lambda op, info: results_url(context(info), op) if op.status == "COMPLETED" and op.object_count else None,
    "partialDataUrl": lambda op, info: (results_url(context(info), op)
                                        if op.status in ("FAILED", "CANCELED") and op.object_count else None),
})


def _progress(operation: BulkOperation) -> int:
    """Rows taken so far by a running export (a small one takes them all when asked for: half, as a guess
    of how far an export of that size has got)."""
    if operation.status == "CREATED":
        return 0
    return operation.object_count if operation.done_at - operation.created_at >= EXPORTING \
        else operation.object_count // 2


def results_url(ctx: AdminContext, operation: BulkOperation) -> str:
    """Where the fake serves the JSONL (Shopify signs a cloud-storage URL; the fake serves its own)."""
    return f"{ctx.base_url}/shops/{ctx.shop_name}/bulk-results/{operation.id}.jsonl"


# ------------------------------------------------------------------------------------------- the bulk query


def _invalid(message: str) -> dict[str, Any]:
    return {"bulkOperation": None, "userErrors": [{"field": ["query"], "message": message, "code": "INVALID"}]}


class _Shape(Visitor):
    """Counts the connections of a bulk query, their nesting, and those read through `nodes`."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.connections = 0
        self.depth = 0
        self.deepest = 0
        self.via_nodes: list[str] = []
        self.top_level_node = False
        self._stack: list[bool] = []

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        field_type = self.type_info.get_type()
        is_connection = field_type is not None and get_named_type(field_type).name.endswith("Connection")
        if not self._stack and node.name.value in ("node", "nodes"):
            self.top_level_node = True
        if is_connection:
            self.connections += 1
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)
            if any(isinstance(s, FieldNode) and s.name.value == "nodes" for s in node.selection_set.selections
                   if node.selection_set):
                self.via_nodes.append(node.name.value)
        self._stack.append(is_connection)

    def leave_field(self, *_args: Any) -> None:
        if self._stack.pop():
            self.depth -= 1


def _checked(ctx: AdminContext, text: str) -> tuple[Any, dict[str, Any] | None]:
    from fakes.shopify.graphql import schemas
    from fakes.shopify.graphql.errors import shopify_rules

    if len(text.encode("utf-8")) > MAX_QUERY_BYTES:
        return None, _invalid(f"Query is too large ({len(text.encode('utf-8'))} bytes; maximum is "
                              f"{MAX_QUERY_BYTES} bytes)")
    schema = schemas.schema(ctx.version)
    try:
        document = parse(text)
    except GraphQLError as error:
        return None, _invalid(error.message)
    errors = validate(schema, document, shopify_rules())
    if errors:
        return None, _invalid(errors[0].message)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        return None, _invalid("Bulk queries must be a single query operation.")
    type_info = TypeInfo(schema)
    shape = _Shape(type_info)
    visit(document, TypeInfoVisitor(type_info, shape))
    if shape.top_level_node:
        return None, _invalid("Bulk queries cannot contain a top level `node` field.")
    if shape.connections == 0:
        return None, _invalid("Bulk queries must contain at least one connection.")
    if shape.connections > MAX_CONNECTIONS:
        return None, _invalid("Bulk queries cannot contain more than 5 connections.")
    if shape.deepest > MAX_DEPTH:
        return None, _invalid("Bulk queries cannot contain connections with a nesting depth greater than 2.")
    if shape.via_nodes:
        first = shape.via_nodes[0]
        return None, _invalid("All connection fields in a bulk query must select their contents using 'edges' > "
                              f"'node', e.g: '{first} {{ edges {{ node {{'. Selecting via 'nodes' is not supported. "
                              f"Invalid connection fields: {', '.join(repr(n) for n in shape.via_nodes)}.")
    return document, None


def _lines(data: dict[str, Any]) -> tuple[list[str], int]:
    """The JSONL of an executed bulk query: (lines, root objects). Each node's children follow it, which is
    also the order `groupObjects: true` asks for."""
    lines: list[str] = []
    roots = 0

    def is_connection(value: Any) -> bool:
        return isinstance(value, dict) and isinstance(value.get("edges"), list)

    def emit(node: dict[str, Any], parent: str | None) -> None:
        own = {k: v for k, v in node.items() if not is_connection(v)}
        if parent is not None:
            own["__parentId"] = parent
        lines.append(json.dumps(own, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/"))
        children = [(k, v) for k, v in node.items() if is_connection(v)]
        for _name, child in children:
            for edge in child["edges"]:
                if isinstance(edge, dict) and isinstance(edge.get("node"), dict):
                    emit(edge["node"], node.get("id"))

    for value in data.values():
        if not is_connection(value):
            continue
        for edge in value["edges"]:
            if isinstance(edge, dict) and isinstance(edge.get("node"), dict):
                roots += 1
                emit(edge["node"], None)
    return lines, roots


class _Refused(Exception):
    """A bulk query's execution failed (its message is Shopify's userError)."""


def _run_query(_root: Any, info: Any, query: str, groupObjects: bool = False) -> dict[str, Any]:
    from fakes.shopify.graphql import schemas
    ctx = context(info)
    document, refused = _checked(ctx, query)
    if refused is not None:
        return refused
    running = [op for op in ctx.store.bulk_operations_of(ctx.grant) if op.running()]
    limit = concurrent_limit(ctx.version)
    if len(running) >= limit:
        return {"bulkOperation": None, "userErrors": [{
            "field": None, "code": "OPERATION_IN_PROGRESS",
            "message": "A bulk query operation for this app and shop is already in progress: "
                       + ", ".join(op.gid for op in running) + "."}]}
    whole = False  # set when the query reads two record tables: it is then read whole, in one step
    window = BulkWindow(None, CHUNK)

    def step(writer: JsonlWriter) -> tuple[int, bool]:
        """One chunk of the root connection's records (or the whole query), written; (roots, whether done)."""
        nonlocal whole, window
        while True:
            bulk = AdminContext(ctx.store, ctx.shop_name, ctx.grant, ctx.version, base_url=ctx.base_url,
                                bulk=True, window=None if whole else window)
            result = graphql_execute(schemas.schema(ctx.version), document, context_value=bulk,
                                     field_resolver=resolve_field, type_resolver=resolve_type)
            if result.errors:
                raise _Refused(result.errors[0].message)
            if not whole and window.refused:
                whole = True
                continue
            lines, roots = _lines(result.data or {})
            writer.add(lines)
            if whole or not window.used or not window.more:
                return roots, True
            window = BulkWindow(window.last, CHUNK)
            return roots, False

    first = JsonlWriter()
    try:
        taken = step(first)  # the first chunk now: a query that fails is refused in the answer, not later
    except _Refused as refusal:
        return _invalid(str(refusal))
    try:
        operation = ctx.store.start_bulk_query(ctx.grant, ctx.version, query, step, (first, taken), limit)
    except ValueError:
        return _run_query(_root, info, query, groupObjects)  # another one started meanwhile: say which
    return {"bulkOperation": operation, "userErrors": []}


def _cancel(_root: Any, info: Any, id: str) -> dict[str, Any]:
    ctx = context(info)
    number = id_of(id, "BulkOperation")
    operation = ctx.store.bulk_operation(ctx.grant, number)
    if operation is None:
        return {"bulkOperation": None, "userErrors": [{"field": ["id"], "message": "Bulk operation does not exist"}]}
    if not operation.running():
        return {"bulkOperation": operation, "userErrors": [{
            "field": None, "message": f"A bulk operation cannot be canceled when it is {operation.status.lower()}"}]}
    return {"bulkOperation": ctx.store.cancel_bulk_operation(ctx.grant, operation.id), "userErrors": []}


def _one(_root: Any, info: Any, id: str) -> BulkOperation | None:
    ctx = context(info)
    number = id_of(id, "BulkOperation")
    if number is None:
        # Captured: a GID of another kind on this root (bulk-operations, 2026-04).
        raise GraphQLError(f"Invalid id: {id}", extensions={"code": "RESOURCE_NOT_FOUND"})
    return ctx.store.bulk_operation(ctx.grant, number)


def _current(_root: Any, info: Any, type: str = "QUERY") -> BulkOperation | None:
    ctx = context(info)
    mine = [op for op in ctx.store.bulk_operations_of(ctx.grant) if op.type == type]
    return mine[-1] if mine else None


def _field(operation: BulkOperation, term: Term, warn: Warn) -> bool | None:
    if term.field == "status":
        return match_exact(operation.status, term)
    if term.field == "operation_type":
        return match_exact(operation.type, term)
    if term.field == "created_at":
        return match_time(operation.created_at, term, warn)
    if term.field == "id":
        return match_id(operation.id, term, warn)
    return None


def _all(_root: Any, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
         before: str | None = None, reverse: bool = False, sortKey: str = "CREATED_AT",
         query: str | None = None) -> dict[str, Any]:
    ctx = context(info)
    sort_field = "completed_at" if sortKey == "COMPLETED_AT" else "created_at"
    return connection(info, ctx.store.bulk_operations_of(ctx.grant),
                      sort_value=lambda op: (op.completed_at or op.created_at) if sort_field == "completed_at"
                      else op.created_at, sort_field=sort_field, reverse=reverse, first=first, after=after,
                      last=last, before=before, query=query, field_match=_field)


finds("BulkOperation")(lambda info, number: context(info).store.bulk_operation(context(info).grant, number))

resolves("QueryRoot")({"bulkOperation": _one, "bulkOperations": _all, "currentBulkOperation": _current})
resolves("Mutation")({"bulkOperationRunQuery": _run_query, "bulkOperationCancel": _cancel})

