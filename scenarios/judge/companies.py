"""CMP: companies both ways, matched by name or domain (CMP-1)."""

from __future__ import annotations

from dataclasses import dataclass, field

from scenarios.judge.indeterminacy import Expect, Expectation
from scenarios.judge.rules import norm_domain
from scenarios.judge.view import RunView, reporting


@dataclass
class CompanyGroup:
    """One company: by name (case-insensitive) or bare domain."""

    name: str | None
    domain: str | None
    everywhere: bool = False  # HubSpot-born: expected in every shop
    shops: set[str] = field(default_factory=set)
    alive: bool = True  # its HubSpot company is live
    deleted_in: set[str] = field(default_factory=set)

    def matches(self, name: str | None, domain: str | None) -> bool:
        return bool((self.name and name and self.name.lower() == name.lower()) or
                    (self.domain and domain and self.domain == domain))

    def expectations(self, shops: list[str]) -> dict[str, Expectation]:
        out: dict[str, Expectation] = {"hubspot": Expectation.must("CMP-1") if self.alive
                                       else Expectation.may("archived in HubSpot (CMP-3)", values=False)}
        # Decision (docs/spec.md, CMP): Shopify requires a company name, so a HubSpot company with a domain
        # but no name is not written to Shopify until it has one.
        wanted = set() if not self.name else set(shops) if self.everywhere else self.shops
        for shop in shops:
            if not self.name:
                out[shop] = Expectation.must_not("CMP-1")
            elif shop in wanted and shop not in self.deleted_in:
                out[shop] = Expectation.must("CMP-1" if self.alive else "CMP-3")
            elif shop in wanted:
                out[shop] = Expectation.may("deleted there by a merchant", values=False)
            else:
                out[shop] = Expectation.must_not("CON-2")
        return out


def company_groups(view: RunView) -> list[CompanyGroup]:
    groups: list[CompanyGroup] = []
    by_shop: dict[tuple[str, int], CompanyGroup] = {}
    by_hubspot: dict[str, CompanyGroup] = {}

    def find(name: str | None, domain: str | None) -> CompanyGroup | None:
        return next((g for g in groups if g.matches(name, domain)), None)

    for change in view.history:
        if change.system == "shopify" and change.object == "company":
            shop, cid = change.shop or "", int(change.id)
            if change.op == "delete":
                group = by_shop.pop((shop, cid), None)
                if group is not None:
                    group.deleted_in.add(shop)
                continue
            name, domain = change.data.get("name"), norm_domain(change.data.get("domain"))
            group = by_shop.get((shop, cid)) or find(name, domain)
            if group is None:
                group = CompanyGroup(name, domain)
                groups.append(group)
            group.shops.add(shop)
            group.name, group.domain = name or group.name, domain or group.domain
            by_shop[(shop, cid)] = group
        elif change.system == "hubspot" and change.object == "companies":
            name, domain = change.record.get("name"), norm_domain(change.record.get("domain"))
            if change.op == "create":
                if not name and not domain:
                    continue  # CMP-2
                group = find(name, domain)
                if group is None:
                    group = CompanyGroup(name, domain, everywhere=True)
                    groups.append(group)
                by_hubspot[change.id] = group
            else:
                group = by_hubspot.get(change.id) or find(name, domain)
                if group is None:
                    continue
                by_hubspot[change.id] = group
                if change.op == "archive":
                    group.alive = False
                else:
                    group.name, group.domain = name or group.name, domain or group.domain
    return groups


@reporting
def check_companies(view: RunView) -> None:
    groups = company_groups(view)
    live = view.records("companies")
    for group in groups:
        label = f"company {group.name}"
        matches = [r for r in live if group.matches(r.properties.get("name"), norm_domain(r.properties.get("domain")))]
        expect = group.expectations(view.shops)
        if expect["hubspot"].expect is Expect.MUST and not matches:
            view.fail("CMP-1", f"no HubSpot company {group.name!r}", group.name, None, label)
        elif len(matches) > 1:
            view.fail("CMP-1", f"duplicate HubSpot companies for {group.name!r}", 1,
                      [r.properties.get("name") for r in matches], label)
        for shop in view.live_shops():
            have = [c for c in view.companies(shop) if group.matches(c.get("name"), norm_domain(c.get("domain")))]
            place = expect[shop]
            if not group.name and have:
                view.fail(place.rule, f"the nameless HubSpot company {group.domain!r} was written to {shop}",
                          "not written until it has a name", [c["name"] for c in have], label)
            elif place.expect is Expect.MUST and not have:
                view.fail(place.rule, f"no Shopify company {group.name!r} in {shop}", "present", None, label)
            elif place.expect is Expect.MUST_NOT and have:
                view.fail(place.rule, f"company {group.name!r} written to {shop}", "absent", have[0]["id"], label)
    for record in live:
        name, domain = record.properties.get("name"), norm_domain(record.properties.get("domain"))
        if (name or record.properties.get("domain")) and not any(g.matches(name, domain) for g in groups):
            view.fail("CMP-1", f"unexpected HubSpot company {record.properties.get('name')!r}", "absent",
                      record.properties)
