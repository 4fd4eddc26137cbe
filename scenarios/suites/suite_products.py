"""PRD: products <-> products."""

from __future__ import annotations

from scenarios.dsl import Sim, money_equal, scenario


@scenario("PRD-1", title="products are matched by name after trimming white space")
def product_matched_by_name(w: Sim) -> None:
    existing = w.hubspot.create("products", name="Blue Mug", price="12.00")
    w.shopify.create_product(title="  Blue Mug  ", price="12.00", sku="MUG-B")
    w.shopify.create_product(title="Red Mug", price="11.00")
    w.sync.enable("products")
    w.settle()
    names = sorted(r.properties.get("name", "").strip() for r in w.hubspot.records("products"))
    w.expect(names == ["Blue Mug", "Red Mug"], "PRD-1: one HubSpot product per name", expected=["Blue Mug", "Red Mug"],
             found=names)
    blue = [r for r in w.hubspot.records("products") if r.properties.get("name", "").strip() == "Blue Mug"]
    w.expect(bool(blue) and blue[0].id == existing.id, "PRD-1: the existing product was linked",
             expected=existing.id, found=[r.id for r in blue])


@scenario("PRD-2", title="a product deleted in Shopify is archived in HubSpot")
def shopify_delete_archives(w: Sim) -> None:
    product = w.shopify.create_product(title="Discontinued Poster", price="20.00")
    w.shopify.create_product(title="Evergreen Poster", price="25.00")
    w.sync.enable("products")
    w.settle()
    w.shopify.delete_product(product)
    w.advance(minutes=10)
    live = [r.properties.get("name") for r in w.hubspot.records("products")]
    w.expect("Discontinued Poster" not in live, "PRD-2: the HubSpot product was archived", expected="archived",
             found=live, record=f"product alpha/{product.id}")
    w.expect("Evergreen Poster" in live, "PRD-2: other products stay", expected="Evergreen Poster", found=live)


@scenario("PRD-2", "PRD-1", "CON-2", shops=("alpha", "beta"),
          title="a product deleted in one shop archives the HubSpot product its namesake in another shop shares")
def shared_product_deleted_in_one_shop(w: Sim) -> None:
    # One HubSpot product per name (PRD-1), so the namesake in beta shares it; the delete in alpha archives it
    # (PRD-2), and beta's later edits do not make it again: HubSpot's product of that name is gone.
    gone = w.shopify.create_product(shop="alpha", title="Linen Apron", price="18.00")
    kept = w.shopify.create_product(shop="beta", title="Linen Apron", price="18.00")
    w.sync.enable("products")
    w.settle()
    w.shopify.delete_product(gone)
    w.advance(minutes=15)
    w.shopify.update_product(kept, price="21.00")
    w.advance(minutes=15)
    live = [r.properties.get("name") for r in w.hubspot.records("products")]
    w.expect("Linen Apron" not in live, "PRD-2: the shared HubSpot product stays archived", expected="archived",
             found=live, record=f"product alpha/{gone.id}")
    titles = [p["title"] for p in w.shopify.products("beta")]
    w.expect("Linen Apron" in titles, "PRD-3: the namesake in beta is untouched", expected="Linen Apron",
             found=titles, record=f"product beta/{kept.id}")


@scenario("PRD-3", title="a product deleted in HubSpot stays in Shopify")
def hubspot_archive_keeps_shopify(w: Sim) -> None:
    product = w.shopify.create_product(title="Sturdy Tote", price="30.00")
    w.sync.enable("products")
    w.settle()
    found = [r for r in w.hubspot.records("products") if r.properties.get("name") == "Sturdy Tote"]
    if not w.expect(bool(found), "PRD-1: the product reached HubSpot"):
        return
    w.hubspot.archive(w.hubspot.ref(found[0]))
    w.advance(minutes=30)
    titles = [p["title"] for p in w.shopify.products()]
    w.expect("Sturdy Tote" in titles, "PRD-3: the Shopify product still exists", expected="Sturdy Tote",
             found=titles, record=f"product alpha/{product.id}")


@scenario("PRD-5", title="a product with several variants is one HubSpot product priced from its first variant")
def variants_are_not_products(w: Sim) -> None:
    w.shopify.create_product(title="Logo Tee", variants=[
        {"option1": "S", "price": "15.00", "sku": "TEE-S"}, {"option1": "M", "price": "16.00", "sku": "TEE-M"},
        {"option1": "L", "price": "17.00", "sku": "TEE-L"}])
    w.sync.enable("products")
    w.settle()
    products = w.hubspot.records("products")
    w.expect(len(products) == 1, "PRD-5: one product, no product per variant", expected=1,
             found=[r.properties.get("name") for r in products])
    if products:
        props = products[0].properties
        w.expect(money_equal(props.get("price"), "15.00") and props.get("hs_sku") == "TEE-S",
                 "PRD-5: price and SKU come from the first variant", expected={"price": "15.00", "hs_sku": "TEE-S"},
                 found={"price": props.get("price"), "hs_sku": props.get("hs_sku")})


@scenario("PRD-1", "LAT-1", title="products flow both ways: HubSpot-born products reach Shopify, edits come back")
def products_both_ways(w: Sim) -> None:
    mug = w.shopify.create_product(title="Travel Mug", price="18.00")
    w.sync.enable("products")
    w.settle()
    w.hubspot.create("products", name="Gift Card", price="50.00", hs_sku="GIFT")
    w.shopify.update_product(mug, price="19.50")
    w.settle()
    titles = sorted(p["title"] for p in w.shopify.products())
    w.expect(titles == ["Gift Card", "Travel Mug"], "PRD-1: the HubSpot product became a Shopify product",
             expected=["Gift Card", "Travel Mug"], found=titles)
    hub = {r.properties.get("name"): r.properties.get("price") for r in w.hubspot.records("products")}
    w.expect(money_equal(hub.get("Travel Mug"), "19.50"), "PRD-5: the new first-variant price reached HubSpot",
             expected="19.50", found=hub.get("Travel Mug"))


@scenario("PRD-4", title="a product removed from an order removes only its HubSpot line item")
def removed_order_line(w: Sim) -> None:
    mug, cap = w.shopify.create_product(title="Mug", price="8.00"), w.shopify.create_product(title="Cap", price="5.00")
    buyer = w.shopify.create_customer(email="lines@example.com", first_name="Lines")
    order = w.shopify.create_order(lines=[(mug, 1), (cap, 2)], customer=buyer)
    w.sync.enable("contacts", "products", "orders")
    w.settle()
    w.shopify.remove_order_line(order, 1)
    w.advance(minutes=10)
    found = w.hubspot.order_for(order)
    names = sorted(li.properties.get("name") for li in w.hubspot.line_items("orders", found.id)) if found else None
    w.expect(names == ["Mug"], "PRD-4: the removed line item is gone and the other stays", expected=["Mug"],
             found=names, record=f"order alpha/{order.id}")


@scenario("PRD-4", "CRT-1", title="a product removed from an abandoned checkout removes its cart line item")
def removed_checkout_line(w: Sim) -> None:
    mug, cap = w.shopify.create_product(title="Mug", price="8.00"), w.shopify.create_product(title="Cap", price="5.00")
    checkout = w.shopify.create_checkout(lines=[(mug, 1), (cap, 1)], email="cart.lines@example.com")
    w.sync.enable("contacts", "products", "carts")
    w.settle()
    w.shopify.remove_checkout_line(checkout, 0)
    w.advance(minutes=10)
    cart = w.hubspot.cart_for(checkout)
    names = sorted(li.properties.get("name") for li in w.hubspot.line_items("carts", cart.id)) if cart else None
    w.expect(names == ["Cap"], "PRD-4: the cart lost only the removed line", expected=["Cap"], found=names,
             record=f"checkout alpha/{checkout.id}")
