"""Associations v4: the HUBSPOT_DEFINED type ids and a per-portal index of links between records.

Type ids and their reverses are those of docs/vendor-behaviour.md §3.6 (from `hubspot/crm/association_type.py`).
Every link is stored in both directions, so the reverse association is visible from the other side.
Products take part in no association: a line item points at its product through `hs_product_id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
USER_DEFINED = "USER_DEFINED"


@dataclass(frozen=True)
class AssociationType:
    """One directed association type: from an object type to another, with its reverse id."""

    type_id: int
    from_type: str
    to_type: str
    reverse_id: int
    label: str | None = None  # HubSpot-defined labels such as "Primary"; None for the unlabeled default
    category: str = HUBSPOT_DEFINED
    is_default: bool = False  # the unlabeled type used by `associations/default` and v3 create

    @property
    def v3_name(self) -> str:
        """The `type` string of the v3 `associations` block, e.g. `order_to_contact`."""
        from fakes.hubspot.objects import OBJECT_TYPES
        base = f"{OBJECT_TYPES[self.from_type].singular}_to_{OBJECT_TYPES[self.to_type].singular}"
        if self.category == USER_DEFINED:
            return f"{base}_{self.type_id}"
        # Where a pair has a labelled HubSpot type (Primary) as well, the unlabeled one is `*_unlabeled`.
        return f"{base}_unlabeled" if self.type_id in _UNLABELED_SUFFIX else base


# (id, from, to, reverse id, label, default?) as in docs/vendor-behaviour.md §3.6.
_TABLE: list[tuple[int, str, str, int, str | None, bool]] = [
    (1, "contacts", "companies", 2, "Primary", False),
    (2, "companies", "contacts", 1, "Primary", False),
    (279, "contacts", "companies", 280, None, True),
    (280, "companies", "contacts", 279, None, True),
    (3, "deals", "contacts", 4, None, True),
    (4, "contacts", "deals", 3, None, True),
    (5, "deals", "companies", 6, "Primary", False),
    (6, "companies", "deals", 5, "Primary", False),
    (341, "deals", "companies", 342, None, True),
    (342, "companies", "deals", 341, None, True),
    (19, "deals", "line_items", 20, None, True),
    (20, "line_items", "deals", 19, None, True),
    (507, "orders", "contacts", 508, None, True),
    (508, "contacts", "orders", 507, None, True),
    (509, "orders", "companies", 510, None, True),
    (510, "companies", "orders", 509, None, True),
    (511, "deals", "orders", 512, None, True),
    (512, "orders", "deals", 511, None, True),
    (513, "orders", "line_items", 514, None, True),
    (514, "line_items", "orders", 513, None, True),
    (593, "orders", "carts", 592, None, True),
    (592, "carts", "orders", 593, None, True),
    (586, "carts", "contacts", 587, None, True),
    (587, "contacts", "carts", 586, None, True),
    (590, "carts", "line_items", 591, None, True),
    (591, "line_items", "carts", 590, None, True),
    # "line item -> abandoned cart": a second HubSpot-defined line item -> cart type; its reverse is the
    # ordinary cart -> line item type (a guess: the table in docs/vendor-behaviour.md §3.6 gives no reverse).
    (571, "line_items", "carts", 590, None, False),
    (67, "quotes", "line_items", 68, None, True),
    (68, "line_items", "quotes", 67, None, True),
]
_UNLABELED_SUFFIX = {279, 280, 341, 342}

DEFINED_TYPES: dict[int, AssociationType] = {
    tid: AssociationType(tid, f, t, rev, label, HUBSPOT_DEFINED, default)
    for tid, f, t, rev, label, default in _TABLE
}


def default_type(from_type: str, to_type: str) -> AssociationType | None:
    """The unlabeled default type between two object types, or None when they cannot be associated."""
    return next((a for a in DEFINED_TYPES.values()
                 if a.from_type == from_type and a.to_type == to_type and a.is_default), None)


@dataclass
class AssociationIndex:
    """Links between records of one portal: (type, id) -> (type, id) -> set of association type ids."""

    links: dict[tuple[str, str], dict[tuple[str, str], set[int]]] = field(default_factory=dict)
    user_types: dict[int, AssociationType] = field(default_factory=dict)

    def type_for(self, type_id: int) -> AssociationType | None:
        """A HubSpot-defined or this portal's user-defined association type."""
        return DEFINED_TYPES.get(type_id) or self.user_types.get(type_id)

    def types_between(self, from_type: str, to_type: str) -> list[AssociationType]:
        """Every association type (defined and user labels) from one object type to another."""
        every = list(DEFINED_TYPES.values()) + list(self.user_types.values())
        return [a for a in every if a.from_type == from_type and a.to_type == to_type]

    def add(self, from_key: tuple[str, str], to_key: tuple[str, str], kind: AssociationType) -> bool:
        """Link two records with `kind` and its reverse; True when the link is new."""
        forward = self.links.setdefault(from_key, {}).setdefault(to_key, set())
        is_new = kind.type_id not in forward
        forward.add(kind.type_id)
        self.links.setdefault(to_key, {}).setdefault(from_key, set()).add(kind.reverse_id)
        return is_new

    def remove_pair(self, a: tuple[str, str], b: tuple[str, str]) -> bool:
        """Remove every link between two records, both ways; True when there was one."""
        had = bool(self.links.get(a, {}).pop(b, None))
        had = bool(self.links.get(b, {}).pop(a, None)) or had
        return had

    def remove_type(self, a: tuple[str, str], b: tuple[str, str], kind: AssociationType) -> None:
        """Remove one labelled link (and its reverse) between two records."""
        fwd = self.links.get(a, {}).get(b)
        if fwd is not None:
            fwd.discard(kind.type_id)
            if not fwd:
                self.links[a].pop(b, None)
        rev = self.links.get(b, {}).get(a)
        if rev is not None:
            rev.discard(kind.reverse_id)
            if not rev:
                self.links[b].pop(a, None)

    def of(self, key: tuple[str, str], to_type: str | None = None) -> dict[tuple[str, str], set[int]]:
        """The records linked from `key` (optionally of one type), with their type ids."""
        out = self.links.get(key, {})
        return {k: set(v) for k, v in out.items() if to_type is None or k[0] == to_type}

    def drop_record(self, key: tuple[str, str]) -> None:
        """Forget a record entirely (GDPR delete)."""
        for other in list(self.links.get(key, {})):
            self.links.get(other, {}).pop(key, None)
        self.links.pop(key, None)

    def move(self, old: tuple[str, str], new: tuple[str, str]) -> None:
        """Re-point every link of `old` to `new` (merge)."""
        for other, kinds in list(self.links.get(old, {}).items()):
            if other == new:
                continue
            for tid in kinds:
                kind = self.type_for(tid)
                if kind is not None:
                    self.add(new, other, kind)
        self.drop_record(old)
