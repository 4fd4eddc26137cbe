"""Shopify's calculated query cost: the per-app-and-shop bucket and the cost of one operation.

Rules (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits; docs/vendor-behaviour.md §1.5):
scalars and enums cost 0, an object 1, a connection 2 plus `first`/`last` times the cost of one node, a
mutation 10. Simplifications, on purpose:
* `pageInfo`, `cursor` and `edges` wrappers cost nothing; a node reached through `edges { node }` and
  through `nodes` is counted once for each path, as both are fetched.
* In a mutation the payload and the objects it returns directly are covered by the 10 points; objects
  below them cost as usual. This matches real responses (companyContactCreate -> 10,
  companyContactAssignRole with three nested objects -> 13, captured in airhorns/shopify-draft-proxy
  fixtures/conformance/.../b2b/b2b-connection-arguments.json).
* An interface or union costs its costliest fragment (docs/vendor-behaviour.md §8.B: "interface/union = max of
  selections"); a returned item costs the fragment of its own type. A plain list asks for as many items as it
  names (`nodes(ids:)`: one per id) or takes (`first`), like a connection without its 2.
* `actualQueryCost` counts the nodes actually returned, and the difference is refunded to the bucket.
* A query whose requested cost exceeds 1000 is refused before it runs (MAX_COST_EXCEEDED).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql.execution.values import get_argument_values

MAX_QUERY_COST = 1000  # "Query cost is N, which exceeds the single query max cost limit (1000)."
MUTATION_COST = 10
RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"


class CostBucket:
    """Shopify's calculated-query-cost leaky bucket for one app on one shop, on the simulated clock.

    Defaults are the current Standard plan: 100 points/second restore
    (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits) with a 2000-point bucket, the
    `maximumAvailable` a real 2025-01 shop reports (captures in airhorns/shopify-draft-proxy). Older
    docs and most client libraries still quote 1000 points and 50/s: that is `LEGACY_STANDARD`.
    """

    LEGACY_STANDARD = (1000.0, 50.0)
    PLANS: dict[str, tuple[float, float]] = {
        "legacy": LEGACY_STANDARD,
        "standard": (2000.0, 100.0),
        "advanced": (4000.0, 200.0),  # bucket = 20 s of restore, by analogy with Standard (a guess)
        "plus": (20000.0, 1000.0),  # idem
    }

    def __init__(self, now: Callable[[], datetime], capacity: float = 2000.0, restore_rate: float = 100.0,
                 max_query_cost: int = MAX_QUERY_COST) -> None:
        self._now = now
        self.capacity = float(capacity)
        self.restore_rate = float(restore_rate)
        self.max_query_cost = max_query_cost
        self._available = self.capacity
        self._stamp = now()
        self._lock = threading.Lock()

    @classmethod
    def for_plan(cls, now: Callable[[], datetime], plan: str = "standard") -> CostBucket:
        """A bucket sized for a shop plan: legacy, standard, advanced or plus."""
        capacity, rate = cls.PLANS[plan]
        return cls(now, capacity, rate)

    def _refill(self) -> None:
        now = self._now()
        elapsed = (now - self._stamp).total_seconds()
        if elapsed > 0:
            self._available = min(self.capacity, self._available + elapsed * self.restore_rate)
            self._stamp = now

    @property
    def currently_available(self) -> float:
        """Points available now."""
        with self._lock:
            self._refill()
            return self._available

    def try_take(self, cost: int) -> bool:
        """Take `cost` points if that many are available; Shopify throttles a query it cannot pay for."""
        with self._lock:
            self._refill()
            if cost > self._available:
                return False
            self._available -= cost
            return True

    def refund(self, points: int) -> None:
        """Give back the points a query requested but did not use."""
        if points > 0:
            with self._lock:
                self._refill()
                self._available = min(self.capacity, self._available + points)

    def seconds_until(self, cost: int) -> float:
        """Simulated seconds until `cost` points are available (0 when they are)."""
        missing = cost - self.currently_available
        return max(0.0, missing / self.restore_rate) if self.restore_rate else math.inf

    def dump_state(self) -> dict[str, Any]:
        """Size, rate and fill at the last refill, for a snapshot (the fill is not brought up to now)."""
        with self._lock:
            return {"capacity": self.capacity, "restore_rate": self.restore_rate,
                    "max_query_cost": self.max_query_cost, "available": self._available,
                    "stamp": self._stamp.isoformat()}

    @classmethod
    def from_state(cls, now: Callable[[], datetime], state: dict[str, Any]) -> CostBucket:
        """A bucket exactly as `dump_state` saw it, leaking on `now`."""
        bucket = cls(now, state["capacity"], state["restore_rate"], state["max_query_cost"])
        bucket._available = float(state["available"])
        bucket._stamp = datetime.fromisoformat(state["stamp"])
        return bucket

    def throttle_status(self) -> dict[str, Any]:
        """`extensions.cost.throttleStatus` as Shopify renders it."""
        return {"maximumAvailable": _number(self.capacity),
                # Whole points, as in live responses (`"currentlyAvailable": 1970`).
                "currentlyAvailable": int(self.currently_available),
                "restoreRate": _number(self.restore_rate)}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value



class CostCounter:
    """Static (requested) and result-based (actual) cost of one operation; see the module docstring."""

    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def operation(self, operation: OperationDefinitionNode, data: Any = None, actual: bool = False) -> int:
        root = self.schema.mutation_type if operation.operation == OperationType.MUTATION else self.schema.query_type
        assert root is not None
        mutation = operation.operation == OperationType.MUTATION
        return self._selections(root, operation.selection_set, data, actual, mutation_root=mutation)

    def _fields(self, selection_set: SelectionSetNode | None,
                on: str | None = None) -> list[tuple[FieldNode, str | None]]:
        """The fields of a selection, each with the type condition of the fragment it sits in (None: none)."""
        fields: list[tuple[FieldNode, str | None]] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                fields.append((selection, on))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition.name.value if selection.type_condition else on
                fields.extend(self._fields(selection.selection_set, condition))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in self.fragments:
                fragment = self.fragments[selection.name.value]
                fields.extend(self._fields(fragment.selection_set, fragment.type_condition.name.value))
        return fields

    def _selections(self, parent: Any, selection_set: SelectionSetNode | None, data: Any, actual: bool,
                    mutation_root: bool = False, free_objects: bool = False) -> int:
        """The cost of a selection on `parent`. On an interface or a union, fragments on its possible types
        count as Shopify counts abstract types: the costliest of them (a returned item: the one it matched)."""
        by_type: dict[str | None, list[FieldNode]] = {}
        for node, on in self._fields(selection_set):
            by_type.setdefault(None if on == getattr(parent, "name", None) else on, []).append(node)
        common = self._own_fields(parent, by_type.pop(None, []), data, actual, mutation_root, free_objects)
        branches = []
        for type_name, nodes in by_type.items():
            concrete = self.schema.get_type(type_name) if type_name else None
            if concrete is None or not hasattr(concrete, "fields"):
                continue
            if actual and isinstance(data, dict) and not any(
                    (n.alias.value if n.alias else n.name.value) in data for n in nodes):
                continue  # the item is of another type: this fragment returned nothing
            branches.append(self._own_fields(concrete, nodes, data, actual, mutation_root, free_objects))
        return common + max(branches, default=0)

    def _own_fields(self, parent: Any, nodes: list[FieldNode], data: Any, actual: bool, mutation_root: bool,
                    free_objects: bool) -> int:
        total = 0
        for node in nodes:
            name = node.name.value
            if name.startswith("__") or name not in getattr(parent, "fields", {}):
                continue
            field_def = parent.fields[name]
            named = get_named_type(field_def.type)
            if is_leaf_type(named):
                continue
            key = node.alias.value if node.alias else name
            value = data.get(key) if isinstance(data, dict) else None
            if mutation_root:
                # The mutation's 10 points cover the payload and the objects it returns directly.
                total += MUTATION_COST + self._selections(named, node.selection_set, value, actual,
                                                          free_objects=True)
            elif named.name.endswith("Connection"):
                total += self._connection(named, node, field_def, value, actual)
            else:
                if actual and value is None:
                    total += 0 if free_objects else 1
                    continue
                own = 0 if free_objects else 1
                if actual:
                    for item in value if isinstance(value, list) else [value]:
                        # An id that found nothing costs its own point, as a null object does.
                        total += own + (self._selections(named, node.selection_set, item, actual)
                                        if item is not None else 0)
                else:
                    # A list asks for as many items as it names (`nodes(ids:)`) or takes (`first`).
                    size = self._list_size(field_def, node) if is_list_type(get_nullable_type(field_def.type)) else 1
                    total += size * (own + self._selections(named, node.selection_set, None, actual))
        return total

    def _list_size(self, field_def: Any, node: FieldNode) -> int:
        try:
            args = get_argument_values(field_def, node, self.variables)
        except GraphQLError:
            return 1
        if isinstance(args.get("ids"), list):
            return max(1, len(args["ids"]))
        return max(1, int(args.get("first") or args.get("last") or 1))

    def _connection(self, connection: Any, node: FieldNode, field_def: Any, value: Any, actual: bool) -> int:
        args = get_argument_values(field_def, node, self.variables)
        size = args.get("first") if args.get("first") is not None else args.get("last") or 0
        total = 2
        for part, _on in self._fields(node.selection_set):
            part_name = part.name.value
            if part_name == "nodes":
                node_type = get_named_type(connection.fields["nodes"].type)
                items = (value or {}).get(part.alias.value if part.alias else "nodes") if actual else None
                total += self._items(node_type, part.selection_set, items, size, actual)
            elif part_name == "edges":
                edge_type = get_named_type(connection.fields["edges"].type)
                edges = (value or {}).get(part.alias.value if part.alias else "edges") if actual else None
                for inner, _on in self._fields(part.selection_set):
                    if inner.name.value != "node":
                        continue
                    node_type = get_named_type(edge_type.fields["node"].type)
                    key = inner.alias.value if inner.alias else "node"
                    items = [e.get(key) for e in edges or [] if isinstance(e, dict)] if actual else None
                    total += self._items(node_type, inner.selection_set, items, size, actual)
        return total

    def _items(self, node_type: Any, selection_set: SelectionSetNode | None, items: Any, size: int,
               actual: bool) -> int:
        if actual:
            return sum(1 + self._selections(node_type, selection_set, item, True) for item in items or [])
        return size * (1 + self._selections(node_type, selection_set, None, False))



def max_cost_error(requested: int, limit: int = MAX_QUERY_COST) -> dict[str, Any]:
    """The body Shopify answers for a query that asks more than the single-query maximum (nothing runs)."""
    return {"errors": [{
        "message": f"Query cost is {requested}, which exceeds the single query max cost limit "
                   f"({limit}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more "
                   "information on how the\ncost of a query is calculated.\n\nTo query larger amounts of "
                   "data with fewer limits, bulk operations should be used instead.\nSee "
                   "https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": limit}}]}


def throttled(requested: int, bucket: CostBucket) -> dict[str, Any]:
    """The THROTTLED body: 200, no data, actualQueryCost null (live capture,
    community.shopify.com/t/throttled/254776; docs/vendor-behaviour.md §1.5)."""
    return {"errors": [{"message": "Throttled",
                        "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC}}],
            "extensions": {"cost": {"requestedQueryCost": requested, "actualQueryCost": None,
                                    "throttleStatus": bucket.throttle_status()}}}
