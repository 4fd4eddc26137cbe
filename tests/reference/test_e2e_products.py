"""Products <-> products end to end (PRD-1, PRD-2, PRD-3, PRD-5)."""

from __future__ import annotations

from decimal import Decimal


def test_products_match_by_trimmed_name_and_flow_both_ways(sim) -> None:  # PRD-1
    s = sim()
    existing = s.marketer_create("products", name="Blue Mug", price="12.00")
    s.product("alpha", "  Blue Mug  ", "12.00", "MUG-B")
    mug = s.product("alpha", "Travel Mug", "18.00")
    s.enable("products")
    s.settle()
    assert [r.id for r in s.named("products", "Blue Mug")] == [existing.id]
    assert sorted(r.properties["name"].strip() for r in s.records("products")) == ["Blue Mug", "Travel Mug"]
    s.marketer_create("products", name="Gift Card", price="50.00", hs_sku="GIFT")
    s.w.shopify.update_variant("alpha", mug.variants[0].id, {"price": "19.50"})
    s.settle()
    titles = sorted(p.title.strip() for p in s.w.shopify.shop("alpha").products.values())
    assert titles == ["Blue Mug", "Gift Card", "Travel Mug"]
    gift = next(p for p in s.w.shopify.shop("alpha").products.values() if p.title == "Gift Card")
    assert len(gift.variants) == 1 and gift.variants[0].price == Decimal("50.00") and gift.variants[0].sku == "GIFT"
    assert Decimal(s.named("products", "Travel Mug")[0].properties["price"]) == Decimal("19.50")


def test_variants_are_one_product_priced_from_the_first(sim) -> None:  # PRD-5
    s = sim()
    s.w.shopify.create_product("alpha", {"title": "Logo Tee", "options": [{"name": "Size"}], "variants": [
        {"option1": "S", "price": "15.00", "sku": "TEE-S"}, {"option1": "M", "price": "16.00", "sku": "TEE-M"}]})
    s.enable("products")
    s.settle()
    [tee] = s.records("products")
    assert Decimal(tee.properties["price"]) == Decimal("15.00") and tee.properties["hs_sku"] == "TEE-S"


def test_shopify_delete_archives_and_hubspot_archive_keeps(sim) -> None:  # PRD-2, PRD-3
    s = sim()
    poster = s.product("alpha", "Discontinued Poster", "20.00")
    s.product("alpha", "Evergreen Poster", "25.00")
    tote = s.product("alpha", "Sturdy Tote", "30.00")
    s.enable("products")
    s.settle()
    s.w.shopify.delete_product("alpha", poster.id)
    s.marketer_archive("products", s.named("products", "Sturdy Tote")[0].id)
    s.w.advance(600)
    assert sorted(r.properties["name"] for r in s.records("products")) == ["Evergreen Poster"]
    assert tote.id in s.w.shopify.shop("alpha").products
    s.w.shopify.update_product("alpha", tote.id, {"body_html": "<p>new</p>"})
    s.settle()
    assert s.named("products", "Sturdy Tote") == []  # archived in HubSpot: it does not come back (PRD-3)


def test_shopify_delete_is_found_by_polling_when_the_webhook_is_lost(sim) -> None:  # PRD-2, LAT-3
    from harness import FaultSchedule, WebhookFault
    s = sim(faults=FaultSchedule(webhooks=[WebhookFault("drop", topic="products/delete")]))
    poster = s.product("alpha", "Poster", "20.00")
    s.enable("products")
    s.settle()
    s.w.shopify.delete_product("alpha", poster.id)
    s.w.advance(300)
    assert s.named("products", "Poster") == []
