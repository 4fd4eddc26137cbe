"""Companies <-> B2B companies end to end (CMP-1..4)."""

from __future__ import annotations


def _names(s, shop="alpha"):
    return sorted(c.name for c in s.w.shopify.company_book(shop).list())


def test_companies_match_by_name_or_domain(sim) -> None:  # CMP-1
    s = sim()
    by_name = s.marketer_create("companies", name="ACME Corp")
    by_domain = s.marketer_create("companies", name="Globex International", domain="globex.example")
    s.w.shopify.create_company("alpha", "acme corp")
    s.w.shopify.create_company("alpha", "Globex", website="https://www.Globex.example/")
    s.w.shopify.create_company("alpha", "Initech", website="initech.example")
    s.enable("companies")
    s.settle()
    live = s.records("companies")
    assert len(live) == 3 and {by_name.id, by_domain.id} <= {r.id for r in live}
    initech = s.named("companies", "Initech")[0]
    assert initech.properties["domain"] == "initech.example"


def test_nameless_companies_stay_and_edits_flow_both_ways(sim) -> None:  # CMP-2, CMP-1
    s = sim()
    company = s.w.shopify.create_company("alpha", "Moving Parts", website="moving.example")
    s.enable("companies")
    s.settle()
    s.marketer_create("companies", industry="RETAIL")
    s.marketer_create("companies", name="Born In HubSpot", domain="born.example")
    s.w.shopify.update_company("alpha", company.id, name="Moving Parts Ltd")
    s.settle()
    assert sorted(r.properties.get("name") or "" for r in s.records("companies")) == \
        ["", "Born In HubSpot", "Moving Parts Ltd"]
    assert _names(s) == ["Born In HubSpot", "Moving Parts Ltd"]
    born = next(c for c in s.w.shopify.company_book("alpha").list() if c.name == "Born In HubSpot")
    assert s.w.shopify.company_book("alpha").domain_of(born) == "born.example"


def test_no_company_deletion_either_way(sim) -> None:  # CMP-3, CMP-4
    s = sim()
    durable = s.w.shopify.create_company("alpha", "Durable Goods", website="durable.example")
    lasting = s.w.shopify.create_company("alpha", "Lasting Inc", website="lasting.example")
    s.enable("companies")
    s.settle()
    s.marketer_archive("companies", s.named("companies", "Durable Goods")[0].id)
    s.w.shopify.delete_company("alpha", lasting.id)
    s.w.advance(1800)
    assert "Durable Goods" in _names(s) and durable.id
    assert s.named("companies", "Lasting Inc")
