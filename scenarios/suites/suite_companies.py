"""CMP: companies <-> B2B companies."""

from __future__ import annotations

from scenarios.dsl import Sim, scenario


@scenario("CMP-1", title="companies are matched by name (any case) or by normalised domain")
def company_matching(w: Sim) -> None:
    by_name = w.hubspot.create("companies", name="ACME Corp")
    by_domain = w.hubspot.create("companies", name="Globex International", domain="globex.example")
    w.shopify.create_company(name="acme corp")
    w.shopify.create_company(name="Globex", website="https://www.Globex.example/")
    w.shopify.create_company(name="Initech", website="initech.example")
    w.sync.enable("companies")
    w.settle()
    live = w.hubspot.records("companies")
    w.expect(len(live) == 3, "CMP-1: no duplicate company", expected=3,
             found=[r.properties.get("name") for r in live])
    ids = {r.id for r in live}
    w.expect(by_name.id in ids and by_domain.id in ids, "CMP-1: the existing companies were linked",
             expected=[by_name.id, by_domain.id], found=sorted(ids))


@scenario("CMP-2", title="a company with neither name nor domain is not synced")
def nameless_company(w: Sim) -> None:
    w.shopify.create_company(name="Real Company")
    w.sync.enable("companies")
    w.settle()
    w.hubspot.create("companies", industry="RETAIL")
    w.settle()
    names = sorted(c["name"] for c in w.shopify.companies())
    w.expect(names == ["Real Company"], "CMP-2: the nameless company stayed in HubSpot", expected=["Real Company"],
             found=names)


@scenario("CMP-1", "CMP-2", title="a HubSpot company with a domain but no name waits for a name to reach Shopify",
          shops=("alpha", "beta"))
def domain_only_company_waits_for_a_name(w: Sim) -> None:
    # Decision (docs/spec.md, CMP): Shopify requires a company name, so the company is not written to Shopify
    # until it has one; the judge holds the end state (one named, one still nameless) to it.
    w.sync.enable("companies")
    w.settle()
    named_later = w.hubspot.create("companies", domain="later.example")
    w.hubspot.create("companies", domain="nameless.example")
    w.settle()
    names = sorted(c["name"] for shop in ("alpha", "beta") for c in w.shopify.companies(shop))
    w.expect(names == [], "CMP-1: no nameless company was written to Shopify", expected=[], found=names)
    w.hubspot.update(named_later, name="Later Named")
    w.settle()


@scenario("CMP-3", title="deleting a company in HubSpot leaves the Shopify company")
def hubspot_company_delete(w: Sim) -> None:
    company = w.shopify.create_company(name="Durable Goods", website="durable.example")
    w.sync.enable("companies")
    w.settle()
    found = [r for r in w.hubspot.records("companies") if r.properties.get("name") == "Durable Goods"]
    if not w.expect(bool(found), "CMP-1: the company reached HubSpot"):
        return
    w.hubspot.archive(w.hubspot.ref(found[0]))
    w.advance(minutes=30)
    names = [c["name"] for c in w.shopify.companies()]
    w.expect("Durable Goods" in names, "CMP-3: the Shopify company still exists", expected="Durable Goods",
             found=names, record=f"company alpha/{company.id}")


@scenario("CMP-4", title="deleting a company in Shopify leaves the HubSpot company")
def shopify_company_delete(w: Sim) -> None:
    company = w.shopify.create_company(name="Lasting Inc", website="lasting.example")
    w.sync.enable("companies")
    w.settle()
    w.shopify.delete_company(company)
    w.advance(minutes=30)
    names = [r.properties.get("name") for r in w.hubspot.records("companies")]
    w.expect("Lasting Inc" in names, "CMP-4: the HubSpot company is still live", expected="Lasting Inc", found=names,
             record=f"company alpha/{company.id}")


@scenario("CMP-1", "LAT-1", title="company edits flow both ways")
def company_edits(w: Sim) -> None:
    company = w.shopify.create_company(name="Moving Parts", website="moving.example")
    w.sync.enable("companies")
    w.settle()
    w.shopify.update_company(company, name="Moving Parts Ltd")
    w.hubspot.create("companies", name="Born In HubSpot", domain="born.example")
    w.settle()
    hub = sorted(r.properties.get("name") for r in w.hubspot.records("companies"))
    shop = sorted(c["name"] for c in w.shopify.companies())
    w.expect(hub == ["Born In HubSpot", "Moving Parts Ltd"], "CMP-1: HubSpot has both companies, renamed",
             expected=["Born In HubSpot", "Moving Parts Ltd"], found=hub)
    w.expect(shop == ["Born In HubSpot", "Moving Parts Ltd"], "CMP-1: Shopify has the HubSpot-born company",
             expected=["Born In HubSpot", "Moving Parts Ltd"], found=shop)
