"""Associations v4: the HUBSPOT_DEFINED type ids and a per-portal index of links between records.

Type ids and their reverses are those of docs/vendor-behaviour.md §3.6 (from `hubspot/crm/association_type.py`).
Every link is stored in both directions, so the reverse association is visible from the other side.
Products take part in no association: a line item points at its product through `hs_product_id`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fakes.hubspot.objects import OBJECT_TYPES

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


# Record keys packed into ints: the object type's code above the numeric id (HubSpot ids are digits), and a
# link as the target's key above the association type id. One int per link end instead of a tuple, a dict
# and a set: a million orders' links to their contacts and line items took 2-3 KB each, now about 250 bytes.
# The codes follow OBJECT_TYPES' order (snapshots hold packed keys: a new type goes at its end).
_TYPE_NAMES = tuple(OBJECT_TYPES)
_TYPE_CODES = {name: code for code, name in enumerate(_TYPE_NAMES, start=1)}
_ID_BITS, _TYPE_ID_BITS = 40, 24
_SPLIT_AT = 16  # past this many links a record's links are a dict (ordered, O(1) to find one)


def _pack(key: tuple[str, str]) -> int:
    return (_TYPE_CODES[key[0]] << _ID_BITS) | int(key[1])


def _unpack(packed: int) -> tuple[str, str]:
    return (_TYPE_NAMES[(packed >> _ID_BITS) - 1], str(packed & ((1 << _ID_BITS) - 1)))


@dataclass
class AssociationIndex:
    """Links between records of one portal: for each record, the records it links to, in the order they were
    first linked, with the association type ids of each link (every link is kept both ways)."""

    # packed record key -> its links: one packed link (an int), a tuple of them, or a dict of them when many
    links: dict[int, int | tuple[int, ...] | dict[int, None]] = field(default_factory=dict)
    user_types: dict[int, AssociationType] = field(default_factory=dict)

    def _restored(self) -> None:
        """A snapshot from before packed keys: (type, id) -> (type, id) -> set of type ids."""
        if any(isinstance(key, tuple) for key in self.links):
            old, self.links = self.links, {}
            for source, targets in old.items():  # type: ignore[union-attr]
                for target, type_ids in targets.items():
                    for type_id in sorted(type_ids):
                        self._add_one(_pack(source), _pack(target), type_id)

    def _ends(self, packed: int) -> list[int]:
        held = self.links.get(packed)
        if held is None:
            return []
        return [held] if isinstance(held, int) else list(held)

    def _put(self, packed: int, ends: list[int]) -> None:
        if not ends:
            self.links.pop(packed, None)
        elif len(ends) == 1:
            self.links[packed] = ends[0]
        elif len(ends) <= _SPLIT_AT:
            self.links[packed] = tuple(ends)
        else:
            self.links[packed] = dict.fromkeys(ends)

    def _add_one(self, source: int, target: int, type_id: int) -> bool:
        end = (target << _TYPE_ID_BITS) | type_id
        held = self.links.get(source)
        if isinstance(held, dict):
            if end in held:
                return False
            held[end] = None
            return True
        ends = self._ends(source)
        if end in ends:
            return False
        self._put(source, [*ends, end])
        return True

    def _drop(self, source: int, keep: Callable[[int], bool]) -> bool:
        ends = self._ends(source)
        kept = [e for e in ends if keep(e)]
        if len(kept) != len(ends):
            self._put(source, kept)
            return True
        return False

    def type_for(self, type_id: int) -> AssociationType | None:
        """A HubSpot-defined or this portal's user-defined association type."""
        return DEFINED_TYPES.get(type_id) or self.user_types.get(type_id)

    def types_between(self, from_type: str, to_type: str) -> list[AssociationType]:
        """Every association type (defined and user labels) from one object type to another."""
        every = list(DEFINED_TYPES.values()) + list(self.user_types.values())
        return [a for a in every if a.from_type == from_type and a.to_type == to_type]

    def add(self, from_key: tuple[str, str], to_key: tuple[str, str], kind: AssociationType) -> bool:
        """Link two records with `kind` and its reverse; True when the link is new."""
        source, target = _pack(from_key), _pack(to_key)
        is_new = self._add_one(source, target, kind.type_id)
        self._add_one(target, source, kind.reverse_id)
        return is_new

    def remove_pair(self, a: tuple[str, str], b: tuple[str, str]) -> bool:
        """Remove every link between two records, both ways; True when there was one."""
        pa, pb = _pack(a), _pack(b)
        had = self._drop(pa, lambda e: e >> _TYPE_ID_BITS != pb)
        return self._drop(pb, lambda e: e >> _TYPE_ID_BITS != pa) or had

    def remove_type(self, a: tuple[str, str], b: tuple[str, str], kind: AssociationType) -> None:
        """Remove one labelled link (and its reverse) between two records."""
        pa, pb = _pack(a), _pack(b)
        self._drop(pa, lambda e: e != (pb << _TYPE_ID_BITS) | kind.type_id)
        self._drop(pb, lambda e: e != (pa << _TYPE_ID_BITS) | kind.reverse_id)

    def of(self, key: tuple[str, str], to_type: str | None = None) -> dict[tuple[str, str], set[int]]:
        """The records linked from `key` (optionally of one type), with their type ids."""
        out: dict[tuple[str, str], set[int]] = {}
        code = _TYPE_CODES.get(to_type) if to_type is not None else None
        if to_type is not None and code is None:
            return out
        for end in self._ends(_pack(key)):
            target = end >> _TYPE_ID_BITS
            if code is None or target >> _ID_BITS == code:
                out.setdefault(_unpack(target), set()).add(end & ((1 << _TYPE_ID_BITS) - 1))
        return out

    def drop_record(self, key: tuple[str, str]) -> None:
        """Forget a record entirely (GDPR delete)."""
        packed = _pack(key)
        for target in {end >> _TYPE_ID_BITS for end in self._ends(packed)}:
            self._drop(target, lambda e: e >> _TYPE_ID_BITS != packed)
        self.links.pop(packed, None)

    def move(self, old: tuple[str, str], new: tuple[str, str]) -> None:
        """Re-point every link of `old` to `new` (merge)."""
        for other, kinds in self.of(old).items():
            if other == new:
                continue
            for tid in sorted(kinds):
                kind = self.type_for(tid)
                if kind is not None:
                    self.add(new, other, kind)
        self.drop_record(old)
