"""PRD: products both ways, matched by trimmed name (PRD-1). The history replayed into groups (one product by
name: the HubSpot product and the Shopify products linked to it), each giving an expectation per place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scenarios.judge.indeterminacy import Expect, Expectation, Valued, forget_unseen, last_writer, possibly_unseen
from scenarios.judge.rules import money_equal
from scenarios.judge.view import RunView, reporting

HUBSPOT = "hubspot"
ARCHIVE_OPEN = "archive"  # a Shopify product of the group lived less than the bound: its delete may not have reached


def _same(have: Any, want: Any) -> bool:
    return (have or None) == (want or None)


@dataclass
class ProductGroup:
    """One product by name: the HubSpot product and the Shopify products linked to it."""

    key: str
    fields: dict[str, Valued] = field(default_factory=dict)  # title, price, sku, body_html
    products: dict[str, int | None] = field(default_factory=dict)
    hubspot_alive: bool = True
    everywhere: bool = False
    deleted_in: set[str] = field(default_factory=set)
    # The possible changes that leave a place open: ARCHIVE_OPEN for the HubSpot product, "shop:NAME" for a shop
    # whose product of the group was made and deleted within the bound (neither barred nor owed the product).
    possible: dict[str, str] = field(default_factory=dict)
    past: dict[str, list[Valued]] = field(default_factory=dict)  # what each field held before, oldest first
    # Per shop, per field: the values its product may keep if a sync saw a namesake that was deleted within the
    # bound, and archived the HubSpot product they shared (PRD-2): the product is then an orphan, owed nothing more.
    orphans: dict[str, dict[str, set[Any]]] = field(default_factory=dict)
    # Since a namesake's delete within the bound first left orphans (None before): what HubSpot and the shops'
    # later namesakes wrote, the values of the HubSpot product a sync that saw the delete made for those namesakes.
    fresh: dict[str, Valued] | None = None
    fresh_past: dict[str, list[Valued]] = field(default_factory=dict)

    def orphaned(self, own: dict[tuple[str, int], dict[str, Any]]) -> None:
        """A namesake was deleted within the bound: a sync may have seen it and archived the shared HubSpot product,
        so each other shop's product may keep what a sync had written to it by then, or its own values."""
        if self.fresh is None:
            self.fresh = {}
        for shop, pid in self.products.items():
            kept = self.orphans.setdefault(shop, {})
            for name, current in self.fields.items():
                kept.setdefault(name, set()).update((current.value, *current.also))
            for name, value in own.get((shop, pid or 0), {}).items():
                kept.setdefault(name, set()).add(value)

    def accepts(self, name: str, have: Any, shop: str | None = None) -> bool:
        """Whether HubSpot's product (`shop` None) or a shop's holding `have` in a field is right: the group's value;
        in an orphan, one it may keep; elsewhere, the newer HubSpot product's if a sync saw an orphaning delete."""
        equal = money_equal if name == "price" else _same
        want = self.fields.get(name)
        if want is None or want.accepts(have, equal):
            return True
        if shop in self.orphans:
            return any(equal(have, kept) for kept in self.orphans[shop].get(name, ()))
        fresh = (self.fresh or {}).get(name)
        return fresh is not None and fresh.accepts(have, equal)

    def set(self, name: str, value: Any, at: datetime, source: str = "") -> None:
        last_writer(self.fields, name, value, at, source, self.past)
        if self.fresh is not None and source.removeprefix("shopify:") not in self.orphans:
            last_writer(self.fresh, name, value, at, source, self.fresh_past)

    def forget(self, source: str, removed: datetime) -> None:
        """A record of `source` was removed: what it wrote within the bound before may be unseen (`forget_unseen`)."""
        forget_unseen(self.fields, self.past, source, removed)
        if self.fresh is not None:
            forget_unseen(self.fresh, self.fresh_past, source, removed)

    def expectations(self, shops: list[str], *, shadowed: bool) -> dict[str, Expectation]:
        """What HubSpot and each shop must hold of this product. `shadowed`: a newer group took its name after
        its HubSpot product was archived; what holds that name is the newer group's to judge."""
        out: dict[str, Expectation] = {}
        if self.hubspot_alive:
            out[HUBSPOT] = (Expectation.may(self.possible[ARCHIVE_OPEN]) if ARCHIVE_OPEN in self.possible
                            else Expectation.must("PRD-1"))
        elif not shadowed and self.deleted_in:
            out[HUBSPOT] = Expectation.must_not("PRD-2")
        else:
            out[HUBSPOT] = Expectation.may("archived in HubSpot (PRD-3) or its name taken again", values=False)
        unseen = {s for s in shops if f"shop:{s}" in self.possible}
        wanted = (set(shops) if self.everywhere else set(self.products)) - self.deleted_in - unseen
        for shop in shops:
            if shop in wanted:
                out[shop] = Expectation.must("PRD-1" if self.hubspot_alive else "PRD-3")
            elif shop in self.deleted_in or shop in unseen or shadowed:
                out[shop] = Expectation.may(self.possible.get(f"shop:{shop}", "deleted there, or its name taken "
                                                              "again"), values=False)
            else:
                out[shop] = Expectation.must_not("CON-2")
        return out


def product_groups(view: RunView) -> list[ProductGroup]:
    """Replay product history into product groups keyed by trimmed name (PRD-1)."""
    groups: list[ProductGroup] = []
    by_product: dict[tuple[str, int], ProductGroup] = {}
    by_hubspot: dict[str, ProductGroup] = {}
    born_at: dict[tuple[str, int], datetime] = {}  # per Shopify product: when it was made
    own: dict[tuple[str, int], dict[str, Any]] = {}  # per Shopify product: the fields it last wrote

    def find(key: str) -> ProductGroup | None:
        return next((g for g in groups if g.key == key and g.hubspot_alive), None)

    def regroup(archived: ProductGroup, at: datetime) -> None:
        """Namesakes made within the bound before the delete that archived their group's HubSpot product may
        have reached a sync only after the archive: then each is a new product of the name (PRD-1). Either
        way is right, so they form a new group whose HubSpot product may or may not exist."""
        recent = {s: p for s, p in archived.products.items()
                  if p is not None and possibly_unseen(born_at.get((s, p)), at)}
        if not recent:
            return
        group = ProductGroup(archived.key, possible={ARCHIVE_OPEN: "namesakes made within the bound of the delete "
                                                                  "that archived the product"})
        groups.append(group)
        for s, p in recent.items():
            archived.products.pop(s)
            group.products[s] = p
            by_product[(s, p)] = group
            for name, value in own.get((s, p), {}).items():
                group.set(name, value, at, f"shopify:{s}")

    for change in view.history:
        if change.system == "shopify" and change.object == "product":
            shop, pid = change.shop or "", int(change.id)
            if change.op == "delete":
                group = by_product.pop((shop, pid), None)
                if group is not None:
                    group.products.pop(shop, None)
                    group.orphans.pop(shop, None)
                    quick = possibly_unseen(born_at.get((shop, pid)), change.at)
                    if quick:
                        group.orphaned(own)
                    group.forget(f"shopify:{shop}", change.at)
                    if quick and (group.products or group.everywhere):
                        why = f"product {shop}/{pid} was made and deleted within the bound"
                        group.possible[ARCHIVE_OPEN] = why
                        group.possible[f"shop:{shop}"] = why
                    else:
                        group.deleted_in.add(shop)
                        group.hubspot_alive = False  # PRD-2
                        regroup(group, change.at)
                continue
            key = (change.record.get("title") or "").strip()
            group = by_product.get((shop, pid))
            if group is None:
                group = find(key) or ProductGroup(key)
                if group not in groups:
                    groups.append(group)
                group.products[shop] = pid
                group.orphans.pop(shop, None)
                group.possible.pop(f"shop:{shop}", None)  # the merchant's new product there is owed the group
                by_product[(shop, pid)] = group
                born_at[(shop, pid)] = change.at
            group.key = key
            source = f"shopify:{shop}"
            changed: dict[str, Any] = {}
            if "title" in change.data:
                changed["title"] = key
            if "variants" in change.data:
                first = (change.data.get("variants") or [{}])[0]
                changed["price"], changed["sku"] = first.get("price"), first.get("sku") or None
            if "body_html" in change.data:
                changed["body_html"] = change.data.get("body_html")
            own.setdefault((shop, pid), {}).update(changed)
            for name, value in changed.items():
                group.set(name, value, change.at, source)
                if shop in group.orphans:
                    group.orphans[shop][name] = {value}  # an orphan's own edit stands there
        elif change.system == "hubspot" and change.object == "products":
            key = (change.record.get("name") or "").strip()
            if change.op == "create":
                group = find(key)
                if group is None:
                    group = ProductGroup(key, everywhere=True)
                    groups.append(group)
                by_hubspot[change.id] = group
            else:
                group = by_hubspot.get(change.id) or find(key)
                if group is None:
                    continue
                by_hubspot[change.id] = group
                if change.op == "archive":
                    group.hubspot_alive = False  # PRD-3: Shopify keeps its product
                    group.forget("hubspot", change.at)
                    continue
                group.key = key
            for name, prop in (("title", "name"), ("price", "price"), ("sku", "hs_sku"),
                               ("body_html", "description")):
                if prop in change.data:
                    value = change.data.get(prop)
                    group.set(name, value.strip() if name == "title" and value else value, change.at, "hubspot")
    return groups


@reporting
def check_products(view: RunView) -> None:
    groups = product_groups(view)
    by_name: dict[str, list] = {}
    for record in view.records("products"):
        by_name.setdefault((record.properties.get("name") or "").strip(), []).append(record)
    latest = {group.key: index for index, group in enumerate(groups)}  # groups are made in history order
    products_of = {shop: view.products(shop) for shop in view.live_shops()}
    # Which group each merchant's product still belongs to: a shop's product of an archived group (PRD-3) keeps
    # the name there, and is no product the name's newer group wrote to that shop.
    owner = {(shop, pid): group for group in groups for shop, pid in group.products.items() if pid is not None}
    for index, group in enumerate(groups):
        label = f"product {group.key}"
        found = by_name.get(group.key, [])
        # A name a deleted product had may be taken again by a new one: what HubSpot and the shops then hold
        # under that name is the newest group's (judged as such, whether its product lives or was deleted in
        # turn), not a survivor of the first delete.
        expect = group.expectations(view.shops, shadowed=not group.hubspot_alive and latest[group.key] != index)
        hubspot = expect[HUBSPOT]
        if hubspot.expect is Expect.MUST_NOT and found:
            view.fail(hubspot.rule, f"HubSpot product {group.key!r} not archived after the Shopify delete",
                      "archived", [r.id for r in found], label)
        elif hubspot.values and not found and hubspot.expect is Expect.MUST:
            view.fail(hubspot.rule, f"no HubSpot product {group.key!r}", {"name": group.key}, None, label)
        elif hubspot.values and len(found) > 1:
            view.fail("PRD-1", f"duplicate HubSpot products {group.key!r}", 1, len(found), label)
        elif hubspot.values and found:
            product = found[0]
            price = group.fields.get("price")
            if price is not None and not group.accepts("price", product.properties.get("price")):
                view.fail("PRD-5", f"price of {group.key!r}", price.value, product.properties.get("price"), label)
            sku = group.fields.get("sku")
            if sku is not None and sku.value and not group.accepts("sku", product.properties.get("hs_sku")):
                view.fail("PRD-5", f"sku of {group.key!r}", sku.value, product.properties.get("hs_sku"), label)
        for shop, products_there in products_of.items():
            place = expect[shop]
            products = [p for p in products_there if (p.get("title") or "").strip() == group.key]
            if place.expect is Expect.MUST and not products and group.fields.get("title"):
                view.fail(place.rule, f"no Shopify product {group.key!r} in {shop}", "present", None, label)
            elif place.expect is Expect.MUST and products:
                price = group.fields.get("price")
                have = products[0]["variants"][0]["price"]
                if price is not None and not group.accepts("price", have, shop):
                    view.fail("PRD-5", f"Shopify price of {group.key!r} in {shop}", price.value, str(have), label)
            elif place.expect is Expect.MUST_NOT:
                strays = [p for p in products if owner.get((shop, p["id"]), group) is group]
                if strays:
                    view.fail(place.rule, f"product {group.key!r} written to {shop}", "absent", strays[0]["id"], label)
    # A product left live after its Shopify delete is PRD-2's failure, told above; not a stray variant too.
    known = {g.key for g in groups if g.hubspot_alive or g.deleted_in}
    for name, found in by_name.items():
        if name not in known:
            view.fail("PRD-5", f"unexpected HubSpot product {name!r} (a variant synced as a product?)", "absent",
                      [{"id": r.id, "name": name} for r in found], f"product {name}")
