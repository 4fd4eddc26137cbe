"""CON: connecting stores."""

from __future__ import annotations

from scenarios.dsl import Sim, scenario


@scenario("CON-1", title="the store is connected through OAuth; the token obtained is the only credential",
          tags=("crash",))
def oauth_install(w: Sim) -> None:
    w.shopify.create_customer(email="oauth@example.com", first_name="OAuth")
    w.sync.enable("contacts")
    w.settle()
    w.crash_and_restart()
    w.shopify.create_customer(email="after.restart@example.com", first_name="Restart")
    w.settle()
    exchanges = [e for e in w.world.audit.entries() if e.path.endswith("/oauth/access_token")]
    w.expect(len(exchanges) == 1 and exchanges[0].status == 200, "CON-1: the code was exchanged exactly once",
             expected=1, found=[(e.status, e.at.isoformat()) for e in exchanges],
             calls=[e.as_json() for e in exchanges])
    w.expect(w.hubspot.contact_by_email("after.restart@example.com") is not None,
             "CON-1: the token still works after a restart")


@scenario("CON-2", shops=("alpha", "beta"), title="several stores, one account: records never cross stores")
def two_stores(w: Sim) -> None:
    w.shopify.create_customer("alpha", email="shared@example.com", first_name="Shared")
    w.shopify.create_customer("beta", email="shared@example.com", first_name="Shared")
    w.shopify.create_customer("alpha", email="only.alpha@example.com", first_name="Alpha")
    w.shopify.create_product("alpha", title="Alpha Exclusive", price="10.00")
    w.sync.enable("contacts", "products")
    w.settle()
    shared = [c for c in w.hubspot.records("contacts") if c.properties.get("email") == "shared@example.com"]
    w.expect(len(shared) == 1, "CON-2: one contact linked to both stores' customers", expected=1, found=len(shared))
    beta_emails = sorted(c["email"] for c in w.shopify.customers("beta"))
    w.expect(beta_emails == ["shared@example.com"], "CON-2: store A's customer was not written to store B",
             expected=["shared@example.com"], found=beta_emails)
    beta_products = [p["title"] for p in w.shopify.products("beta")]
    w.expect(beta_products == [], "CON-2: store A's product was not written to store B", expected=[],
             found=beta_products)
    w.hubspot.create("contacts", email="from.hubspot@example.com", firstname="Everywhere")
    w.settle()
    for shop in ("alpha", "beta"):
        emails = [c["email"] for c in w.shopify.customers(shop)]
        w.expect("from.hubspot@example.com" in emails, f"CON-2: a HubSpot-born contact reaches {shop}",
                 expected="from.hubspot@example.com", found=emails)


@scenario("CON-3", shops=("alpha", "beta"), title="uninstalling in a store stops its traffic and keeps HubSpot records")
def uninstall(w: Sim) -> None:
    w.shopify.create_customer("alpha", email="leaving@example.com", first_name="Leaving")
    w.shopify.create_customer("beta", email="staying@example.com", first_name="Staying")
    w.sync.enable("contacts")
    w.settle()
    w.shopify.uninstall("alpha")
    w.hubspot.create("contacts", email="later@example.com", firstname="Later")
    w.shopify.create_customer("beta", email="beta.later@example.com", first_name="BetaLater")
    w.settle()
    w.expect(w.hubspot.contact_by_email("leaving@example.com") is not None, "CON-3: HubSpot records stay")
    w.expect(w.hubspot.contact_by_email("beta.later@example.com") is not None, "CON-3: the other store goes on")
