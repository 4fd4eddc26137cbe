"""Products and variants (docs/vendor-behaviour.md §1.6 "Product")."""

from __future__ import annotations


def make(admin, **fields):
    response = admin.post("/products.json", {"product": fields})
    assert response.status_code == 201, response.json
    return response.json["product"]


def test_product_without_variants_gets_default_title_variant(admin):
    product = make(admin, title="Plain Mug")
    assert len(product["variants"]) == 1
    variant = product["variants"][0]
    assert variant["title"] == "Default Title" and variant["option1"] == "Default Title"
    assert variant["price"] == "0.00"
    assert product["handle"] == "plain-mug" and product["status"] == "active"
    assert product["options"][0]["name"] == "Title"


def test_several_variants_and_money_as_strings(admin):
    product = make(admin, title="Tee", options=[{"name": "Size"}],
                   variants=[{"option1": "S", "price": "10", "sku": "TEE-S"}, {"option1": "M", "price": 12.5}])
    assert [v["price"] for v in product["variants"]] == ["10.00", "12.50"]
    assert [v["sku"] for v in product["variants"]] == ["TEE-S", ""]
    assert product["options"][0] == {"id": product["options"][0]["id"], "product_id": product["id"],
                                     "name": "Size", "position": 1, "values": ["S", "M"]}


def test_title_is_required_and_price_must_be_a_number(admin):
    response = admin.post("/products.json", {"product": {"body_html": "x"}})
    assert response.status_code == 422 and response.json["errors"]["title"] == ["can't be blank"]
    bad_price = admin.post("/products.json", {"product": {"title": "X", "variants": [{"price": "ten"}]}})
    assert bad_price.status_code == 422 and bad_price.json["errors"]["price"] == ["is not a number"]


def test_duplicate_variant_options_are_refused(admin):
    response = admin.post("/products.json", {"product": {"title": "X", "variants": [{"option1": "A"},
                                                                                     {"option1": "A"}]}})
    assert response.status_code == 422
    assert response.json["errors"]["base"] == ["The variant 'A' already exists."]


def test_handles_are_unique(admin):
    assert make(admin, title="Same Name")["handle"] == "same-name"
    assert make(admin, title="Same Name")["handle"] == "same-name-1"


def test_update_and_list_filters(admin, clock):
    product = make(admin, title="Old", vendor="Acme", product_type="Mugs")
    make(admin, title="Other", vendor="Zeta")
    clock.advance(10)
    updated = admin.put(f"/products/{product['id']}.json", {"product": {"title": "New"}}).json["product"]
    assert updated["title"] == "New" and updated["updated_at"] > product["updated_at"]
    listed = admin.get("/products.json", query_string={"vendor": "Acme"}).json["products"]
    assert [p["id"] for p in listed] == [product["id"]]
    assert admin.get("/products/count.json").json == {"count": 2}


def test_variant_endpoints(admin, clock):
    product = make(admin, title="Poster", variants=[{"option1": "A3", "price": "20.00"}])
    pid = product["id"]
    created = admin.post(f"/products/{pid}/variants.json", {"variant": {"option1": "A2", "price": "30.00"}})
    assert created.status_code == 201
    vid = created.json["variant"]["id"]
    assert admin.get(f"/products/{pid}/variants/count.json").json == {"count": 2}
    clock.advance(5)
    changed = admin.put(f"/variants/{vid}.json", {"variant": {"price": "31.5"}})
    assert changed.json["variant"]["price"] == "31.50"
    assert admin.get(f"/products/{pid}.json").json["product"]["updated_at"] > product["updated_at"]
    assert admin.delete(f"/products/{pid}/variants/{vid}.json").status_code == 200
    last = product["variants"][0]["id"]
    refused = admin.delete(f"/products/{pid}/variants/{last}.json")
    assert refused.status_code == 422


def test_an_invalid_variant_update_is_refused_not_looped_on(admin):
    # A variant's own endpoint gathered its errors into the list it was reading, forever (found by the
    # stateful OpenAPI run: the worker grew to 24 GB).
    product = make(admin, title="Poster", variants=[{"option1": "A3", "price": "20.00"}])
    vid = product["variants"][0]["id"]
    refused = admin.put(f"/variants/{vid}.json", {"variant": {"price": "twenty", "grams": -1}})
    assert refused.status_code == 422
    assert set(refused.json["errors"]) >= {"price"}


def test_delete_product_leaves_a_destroy_event(admin):
    product = make(admin, title="Gone Soon")
    assert admin.delete(f"/products/{product['id']}.json").status_code == 200
    assert admin.get(f"/products/{product['id']}.json").status_code == 404
    events = admin.get("/events.json", query_string={"filter": "Product", "verb": "destroy"}).json["events"]
    assert [(e["subject_id"], e["verb"], e["subject_type"]) for e in events] == [(product["id"], "destroy",
                                                                                    "Product")]
    per_product = admin.get(f"/products/{product['id']}/events.json").json["events"]
    assert [e["verb"] for e in per_product] == ["create", "destroy"]


def test_three_decimal_currency(store, admin):
    store.add_shop("kw", currency="KWD")
    token = store.issue_token("kw", "shopsync-demo-app")
    store.shops["kw"].plan = "unlimited"
    response = admin.http.post("/shops/kw/admin/api/2024-10/products.json",
                               json={"product": {"title": "Dates", "variants": [{"price": "1.250"}]}},
                               headers={"X-Shopify-Access-Token": token})
    assert response.json["product"]["variants"][0]["price"] == "1.250"


def test_hundred_variants_is_the_limit(admin):
    variants = [{"option1": f"V{i}", "price": "1.00"} for i in range(100)]
    assert len(make(admin, title="Many", variants=variants)["variants"]) == 100
    too_many = admin.post("/products.json", {"product": {"title": "Too many",
                                                         "variants": [*variants, {"option1": "V100"}]}})
    assert too_many.status_code == 422
