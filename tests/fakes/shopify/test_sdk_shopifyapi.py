"""The unmodified official ShopifyAPI package against the fake over real HTTP (docs/vendor-behaviour.md §6.1).

The later tests follow reference/clients/shopify.py family by family (customers, products and variants,
events, orders, abandoned checkouts, webhook subscriptions, B2B companies over GraphQL, the OAuth
callback, rate limits and errors), each through ShopifyAPI's own resource classes.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import shopify
from pyactiveresource.connection import ClientError, ResourceNotFound, UnauthorizedAccess

from fakes.serving import RunningServer, serve_in_thread
from fakes.shopify.app import create_app
from fakes.shopify.demo import DEMO_APP, DEMO_APP_SECRET, DEMO_TOKEN
from fakes.shopify.store import ShopifyStore

pytestmark = pytest.mark.sdk


@pytest.fixture
def sdk_server(store: ShopifyStore) -> Iterator[RunningServer]:
    server = serve_in_thread(create_app(store))
    yield server
    server.stop()


@pytest.fixture
def sdk(store: ShopifyStore, sdk_server: RunningServer) -> Iterator[ShopifyStore]:
    # Option A of docs/vendor-behaviour.md §6.1: point the resource site straight at the shop's Admin API base.
    shopify.ShopifyResource.site = f"{sdk_server.url}/shops/demo/admin/api/2024-10"
    shopify.ShopifyResource.headers["X-Shopify-Access-Token"] = DEMO_TOKEN
    yield store
    shopify.ShopifyResource.clear_session()


def test_customers_create_find_paginate_update_delete(sdk):
    for i in range(7):
        customer = shopify.Customer({"email": f"sdk{i}@example.com", "first_name": f"Sdk{i}"})
        assert customer.save(), customer.errors.full_messages()
        assert customer.id
    page = shopify.Customer.find(limit=3)
    seen = [c.email for c in page]
    while page.has_next_page():
        page = page.next_page()
        seen.extend(c.email for c in page)
    assert seen == [f"sdk{i}@example.com" for i in range(7)]
    walked = [c.id for c in shopify.PaginatedIterator(shopify.Customer.find(limit=2)) for c in c]
    assert len(walked) == 7

    one = shopify.Customer.find(shopify.Customer.find(limit=1)[0].id)
    one.last_name = "Updated"
    assert one.save()
    assert shopify.Customer.find(one.id).last_name == "Updated"
    assert shopify.Customer.count() == 7
    assert [c.email for c in shopify.Customer.search(query="email:sdk3@example.com")] == ["sdk3@example.com"]

    duplicate = shopify.Customer({"email": "SDK0@example.com"})
    assert not duplicate.save()
    assert duplicate.errors.on("email") == "has already been taken"

    one.destroy()
    with pytest.raises(ResourceNotFound):
        shopify.Customer.find(one.id)


def test_products_with_variants(sdk):
    product = shopify.Product({"title": "SDK Tee", "options": [{"name": "Size"}],
                               "variants": [{"option1": "S", "price": "10.00"}, {"option1": "L", "price": "12.00"}]})
    assert product.save()
    fetched = shopify.Product.find(product.id)
    assert [v.price for v in fetched.variants] == ["10.00", "12.00"]
    fetched.title = "SDK Tee v2"
    assert fetched.save()
    assert shopify.Product.find(product.id).title == "SDK Tee v2"
    variants = shopify.Variant.find(product_id=product.id)
    assert len(variants) == 2
    for i in range(3):
        assert shopify.Product({"title": f"Extra {i}"}).save()
    page = shopify.Product.find(limit=2)
    total = len(page)
    while page.has_next_page():
        page = page.next_page()
        total += len(page)
    assert total == 4
    fetched.destroy()
    assert shopify.Product.count() == 3


def test_read_orders_checkouts_and_limits(sdk):
    store = sdk
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "8.00"}]})
    customer = store.create_customer("demo", {"email": "buyer@example.com"})
    order = store.create_order("demo", {"customer": {"id": customer.id},
                                        "line_items": [{"variant_id": product.variants[0].id, "quantity": 2}]})
    store.create_checkout("demo", {"email": "cart@example.com",
                                   "line_items": [{"variant_id": product.variants[0].id, "quantity": 1}]})
    orders = shopify.Order.find(status="any")
    assert [o.id for o in orders] == [order.id]
    assert orders[0].total_price == "16.00" and orders[0].customer.email == "buyer@example.com"
    assert orders[0].line_items[0].variant_id == product.variants[0].id
    checkouts = shopify.Checkout.find()
    assert [c.email for c in checkouts] == ["cart@example.com"]
    store.shops["demo"].plan = "basic"
    shopify.Shop.current()
    assert shopify.Limits.credit_limit() == 40
    assert shopify.Limits.credit_used() >= 1
    assert shopify.Limits.credit_left() == 40 - shopify.Limits.credit_used()


# ---------------------------------------------------------------------------------------------------------------
# Every endpoint family reference/clients/shopify.py uses, driven through ShopifyAPI's own resource classes.


def _not_found_body(error: ClientError) -> dict:
    return json.loads(error.response.body)


def test_customers_by_ids_updated_since_fields_and_addresses(sdk, clock):
    made = []
    for i in range(5):
        customer = shopify.Customer({"email": f"poll{i}@example.com", "first_name": f"Poll{i}",
                                     "addresses": [{"address1": f"{i} Main St", "city": "Louisville",
                                                    "province": "Kentucky", "country": "United States",
                                                    "zip": "40202", "company": "Acme", "default": True}]})
        assert customer.save(), customer.errors.full_messages()
        made.append(customer)
    assert shopify.Customer.find(made[2].id).default_address.city == "Louisville"

    clock.advance(60)
    cutoff = clock.now()
    clock.advance(60)
    for customer in (made[1], made[3], made[4]):
        customer.last_name = "Changed"
        assert customer.save()
    # The poll: the filter goes on the first page only; next_page() follows the Link URL verbatim, so the
    # cursor alone must carry updated_at_min (docs/vendor-behaviour.md §1.4).
    page = shopify.Customer.find(updated_at_min=cutoff.isoformat(), limit=2)
    polled = [c.id for c in page]
    while page.has_next_page():
        page = page.next_page()
        polled.extend(c.id for c in page)
    assert polled == [made[1].id, made[3].id, made[4].id]

    # by_ids: a comma list, and the `ids[]` form pyactiveresource makes of a Python list.
    wanted = [made[0].id, made[4].id, 999_999]
    assert [c.id for c in shopify.Customer.find(ids=",".join(map(str, wanted)))] == wanted[:2]
    assert [c.id for c in shopify.Customer.find(ids=wanted)] == wanted[:2]
    slim = shopify.Customer.find(ids=str(made[0].id), fields="id,email")[0]
    assert slim.to_dict() == {"id": made[0].id, "email": "poll0@example.com"}

    # The engine's "adopt on 422": the create fails, the search by email (any case) finds the record.
    taken = shopify.Customer({"email": "POLL2@example.com", "first_name": "Again"})
    assert not taken.save() and taken.errors.on("email") == "has already been taken"
    [found] = shopify.Customer.search(query="email:Poll2@Example.com", limit=10)
    assert found.id == made[2].id

    with pytest.raises(ResourceNotFound) as missing:
        shopify.Customer.find(999_999)
    assert missing.value.response.code == 404 and _not_found_body(missing.value) == {"errors": "Not Found"}


def test_products_title_filter_variant_update_and_destroy_events(sdk, clock):
    product = shopify.Product({"title": "Sync Hoodie", "body_html": "<p>warm</p>",
                               "variants": [{"price": "40.00", "sku": "HOOD-1"}]})
    assert product.save()
    assert shopify.Product({"title": "Sync Hoodie Zip", "variants": [{"price": "45.00"}]}).save()
    assert [p.id for p in shopify.Product.find(title="Sync Hoodie")] == [product.id]
    assert [p.id for p in shopify.Product.find(ids=str(product.id))] == [product.id]
    clock.advance(60)
    since = clock.now()
    product.body_html = "<p>warmer</p>"
    assert product.save()
    assert [p.id for p in shopify.Product.find(updated_at_min=since.isoformat())] == [product.id]

    # The engine writes price and SKU on the first variant. ShopifyAPI reads it at variants/{id}.json and
    # saves it under its product: PUT products/{product_id}/variants/{id}.json.
    variant = shopify.Variant.find(product.variants[0].id)
    assert (variant.product_id, variant.price, variant.sku) == (product.id, "40.00", "HOOD-1")
    variant.price, variant.sku = "42.50", "HOOD-2"
    assert variant.save(), variant.errors.full_messages()
    nested = shopify.Variant.find(variant.id, product_id=product.id)
    assert (nested.price, nested.sku) == ("42.50", "HOOD-2")
    assert [(v.price, v.sku) for v in shopify.Product.find(product.id).variants] == [("42.50", "HOOD-2")]
    extra = shopify.Variant({"product_id": product.id, "option1": "XL", "price": "44.00"})
    assert extra.save(), extra.errors.full_messages()
    assert shopify.Variant.count(product_id=product.id) == 2

    # A poller learns of deleted products from the Events API (docs/vendor-behaviour.md §1.8).
    clock.advance(30)
    deleted_since = clock.now()
    shopify.Product.find(product.id).destroy()
    events = shopify.Event.find(filter="Product", verb="destroy", created_at_min=deleted_since.isoformat())
    assert [(e.subject_id, e.subject_type, e.verb) for e in events] == [(product.id, "Product", "destroy")]
    clock.advance(1)
    assert shopify.Event.find(filter="Product", verb="destroy", created_at_min=clock.now().isoformat()) == []
    with pytest.raises(ResourceNotFound):
        shopify.Product.find(product.id)


def test_orders_any_status_paginate_by_ids_and_fields(sdk, clock):
    store = sdk
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "8.00", "sku": "MUG"}]})
    variant_id = product.variants[0].id
    customer = store.create_customer("demo", {"email": "buyer@example.com"})

    def order(**extra):
        return store.create_order("demo", {"line_items": [{"variant_id": variant_id, "quantity": 2}], **extra})

    open_order = order(customer={"id": customer.id})
    shipped = order(email="ship@example.com")
    fulfillment = store.fulfil_order("demo", shipped.id, tracking_number="1Z")
    store.set_shipment_status("demo", shipped.id, fulfillment.id, "delivered")
    closed = order()
    store.close_order("demo", closed.id)
    cancelled = order()
    store.cancel_order("demo", cancelled.id, "customer")

    assert [o.id for o in shopify.Order.find()] == [open_order.id, shipped.id]  # default status=open
    page = shopify.Order.find(status="any", limit=3)
    every = [o.id for o in page]
    while page.has_next_page():
        page = page.next_page()
        every.extend(o.id for o in page)
    assert every == [open_order.id, shipped.id, closed.id, cancelled.id]

    got = {o.id: o for o in shopify.Order.find(ids=f"{shipped.id},{cancelled.id}", status="any")}
    assert got[shipped.id].fulfillment_status == "fulfilled"
    assert got[shipped.id].fulfillments[0].shipment_status == "delivered"
    assert got[cancelled.id].cancelled_at is not None and got[cancelled.id].cancel_reason == "customer"
    first = shopify.Order.find(open_order.id)
    assert (first.name, first.currency, first.current_total_price, first.financial_status) == \
        ("#1001", "USD", "16.00", "paid")
    assert first.customer.email == "buyer@example.com" and first.line_items[0].sku == "MUG"
    # The engine's reconciliation asks which ids still exist, fetching only `id`.
    present = shopify.Order.find(ids=f"{open_order.id},{closed.id},424242", status="any", fields="id")
    assert [o.to_dict() for o in present] == [{"id": open_order.id}, {"id": closed.id}]

    clock.advance(60)
    since = clock.now()
    store.refund_order("demo", open_order.id, "1.00")
    assert [o.id for o in shopify.Order.find(status="any", updated_at_min=since.isoformat())] == [open_order.id]
    assert shopify.Order.count(status="any") == 4


def test_abandoned_checkouts_list_paginate_and_leave_when_completed(sdk, clock):
    store = sdk
    product = store.create_product("demo", {"title": "Cap", "variants": [{"price": "15.00"}]})
    lines = [{"variant_id": product.variants[0].id, "quantity": 1}]
    checkouts = [store.create_checkout("demo", {"email": f"cart{i}@example.com", "line_items": lines})
                 for i in range(4)]
    page = shopify.Checkout.find(status="any", limit=3)
    seen = [c.id for c in page]
    while page.has_next_page():
        page = page.next_page()
        seen.extend(c.id for c in page)
    assert seen == [c.id for c in checkouts]
    one = shopify.Checkout.find(ids=str(checkouts[1].id), status="any")[0]
    assert (one.email, one.total_price, one.line_items[0].quantity) == ("cart1@example.com", "15.00", 1)
    assert one.abandoned_checkout_url and one.completed_at is None

    clock.advance(60)
    since = clock.now()
    order = store.complete_checkout("demo", checkouts[0].id)
    assert shopify.Checkout.find(status="any", updated_at_min=since.isoformat()) == []
    assert [c.id for c in shopify.Checkout.find(status="any")] == [c.id for c in checkouts[1:]]
    assert shopify.Checkout.count() == 3
    assert shopify.Order.find(order.id).checkout_id == checkouts[0].id


# The topics a sync may subscribe (docs/vendor-behaviour.md §1.8), the narrower order ones included.
SYNC_TOPICS = [*(f"customers/{v}" for v in ("create", "update", "delete")),
               *(f"products/{v}" for v in ("create", "update", "delete")),
               *(f"orders/{v}" for v in ("create", "updated", "delete", "paid", "cancelled", "fulfilled",
                                         "partially_fulfilled", "edited")),
               *(f"checkouts/{v}" for v in ("create", "update", "delete")),
               *(f"companies/{v}" for v in ("create", "update", "delete")),
               "app/uninstalled"]


def test_webhook_subscriptions_for_every_topic_the_sync_uses(sdk):
    address = "https://sync.example.com/webhooks/shopify"
    assert shopify.Webhook.find() == []
    for topic in SYNC_TOPICS:
        hook = shopify.Webhook({"topic": topic, "address": address, "format": "json"})
        assert hook.save(), (topic, hook.errors.full_messages())
        assert hook.id and hook.format == "json" and hook.api_version == "2024-10"
    page = shopify.Webhook.find(limit=10)
    listed = [(w.topic, w.address) for w in page]
    while page.has_next_page():
        page = page.next_page()
        listed.extend((w.topic, w.address) for w in page)
    assert sorted(listed) == sorted((t, address) for t in SYNC_TOPICS)
    assert shopify.Webhook.count() == len(SYNC_TOPICS)

    again = shopify.Webhook({"topic": "orders/updated", "address": address, "format": "json"})
    assert not again.save() and again.errors.on("address") == "for this topic has already been taken"
    wrong = shopify.Webhook({"topic": "orders/update", "address": address, "format": "json"})
    assert not wrong.save() and wrong.errors.on("topic").startswith("Invalid topic specified.")

    [hook] = shopify.Webhook.find(topic="orders/updated")
    hook.address = "https://sync.example.com/webhooks/v2"
    assert hook.save()
    assert shopify.Webhook.find(hook.id).address == "https://sync.example.com/webhooks/v2"
    hook.destroy()
    assert shopify.Webhook.find(topic="orders/updated") == []


COMPANY = 'id name updatedAt website: metafield(namespace: "custom", key: "website") { value }'


def _gql(query: str, variables: dict | None = None) -> dict:
    return json.loads(shopify.GraphQL().execute(query, variables))


def test_companies_through_graphql(sdk, clock):
    create = ("mutation($input: CompanyCreateInput!) { companyCreate(input: $input) { "
              f"company {{ {COMPANY} }} userErrors {{ field message }} }} }}")
    ids = []
    for name in ("Acme", "Globex", "Initech"):
        payload = _gql(create, {"input": {"company": {"name": name}}})["data"]["companyCreate"]
        assert payload["userErrors"] == [] and payload["company"]["name"] == name
        assert payload["company"]["id"].startswith("gid://shopify/Company/")
        ids.append(payload["company"]["id"])
    blank = _gql(create, {"input": {"company": {"name": ""}}})["data"]["companyCreate"]
    assert blank["company"] is None and blank["userErrors"][0]["field"] == ["input", "company", "name"]

    websites = ("mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) { "
                "metafields { value } userErrors { field message } } }")
    result = _gql(websites, {"m": [{"ownerId": ids[0], "namespace": "custom", "key": "website", "type": "url",
                                    "value": "https://acme.example"}]})["data"]["metafieldsSet"]
    assert result == {"metafields": [{"value": "https://acme.example"}], "userErrors": []}

    clock.advance(60)
    since = clock.now()
    clock.advance(60)
    update = ("mutation($id: ID!, $input: CompanyInput!) { companyUpdate(companyId: $id, input: $input) "
              f"{{ company {{ {COMPANY} }} userErrors {{ field message }} }} }}")
    renamed = _gql(update, {"id": ids[1], "input": {"name": "Globex Corp"}})["data"]["companyUpdate"]
    assert renamed["company"]["name"] == "Globex Corp"

    listing = ("query($after: String, $q: String) { companies(first: 2, after: $after, query: $q) { "
               f"nodes {{ {COMPANY} }} pageInfo {{ hasNextPage endCursor }} }} }}")
    seen, after = [], None
    while True:
        page = _gql(listing, {"after": after, "q": None})["data"]["companies"]
        seen.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [(c["name"], (c["website"] or {}).get("value")) for c in seen] == \
        [("Acme", "https://acme.example"), ("Globex Corp", None), ("Initech", None)]
    changed = _gql(listing, {"after": None, "q": f"updated_at:>='{since.isoformat()}'"})["data"]["companies"]
    assert [c["id"] for c in changed["nodes"]] == [ids[1]]
    named = _gql(f"query($q: String) {{ companies(first: 50, query: $q) {{ nodes {{ {COMPANY} }} }} }}",
                 {"q": 'name:"Initech"'})["data"]["companies"]["nodes"]
    assert [c["id"] for c in named] == [ids[2]]
    fetch = "query { " + " ".join(f'c{i}: company(id: "{gid}") {{ {COMPANY} }}' for i, gid in enumerate(ids)) + \
        ' missing: company(id: "gid://shopify/Company/999999") { id } }'
    data = _gql(fetch)["data"]
    assert [data[f"c{i}"]["id"] for i in range(3)] == ids and data["missing"] is None


def test_graphql_throttling_body_through_the_sdk(sdk):
    store = sdk
    # The standard bucket: 2,000 points, 100 back a second (docs/vendor-behaviour.md §1.5).
    store.shops["demo"].plan = "basic"
    for i in range(250):
        store.create_company("demo", f"Co {i:03}")
    # 756 points requested and spent per call; the simulated clock stands still, so nothing comes back.
    query = "{ " + " ".join(f"{a}: companies(first: 250) {{ nodes {{ id }} }}" for a in "abc") + " }"
    first, second, third = (_gql(query) for _ in range(3))
    assert len(first["data"]["a"]["nodes"]) == 250 and "data" in second
    assert first["extensions"]["cost"]["actualQueryCost"] == 756
    assert third["errors"][0]["extensions"]["code"] == "THROTTLED" and "data" not in third
    cost = third["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 756 and cost["throttleStatus"] == {
        "maximumAvailable": 2000, "currentlyAvailable": 2000 - 2 * 756, "restoreRate": 100}


def test_rest_errors_carry_shopifys_status_and_body(sdk):
    store = sdk
    store.shops["demo"].plan = "basic"
    with pytest.raises(ClientError) as limited:
        for _ in range(60):  # the simulated clock stands still, so the 40-call bucket never leaks
            shopify.Shop.current()
    assert limited.value.response.code == 429
    assert float(limited.value.response.headers["Retry-After"]) > 0
    assert json.loads(limited.value.response.body)["errors"].startswith("Exceeded 2 calls per second")

    shopify.ShopifyResource.headers["X-Shopify-Access-Token"] = "shpat_wrong"
    with pytest.raises(UnauthorizedAccess) as denied:
        shopify.Customer.find()
    assert denied.value.response.code == 401
    assert json.loads(denied.value.response.body) == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}


def test_oauth_callback_is_signed_the_way_shopifyapi_verifies_it(sdk_server):
    """docs/vendor-behaviour.md §2.2 step 2. The token exchange itself is out of the SDK's reach:
    `Session.request_token` hard-codes https:// and the fakes serve plain HTTP (docs/vendor-behaviour.md §6.1)."""
    url = urlsplit(sdk_server.url)
    redirect_uri = "https://sync.example.com/oauth/callback"
    for state in ("nonce-123", "a&b=c%d e+f"):  # delimiters in a value are escaped before signing
        query = urlencode({"client_id": DEMO_APP, "scope": "read_customers,read_orders",
                           "redirect_uri": redirect_uri, "state": state})
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        connection.request("GET", f"/shops/demo/admin/oauth/authorize?{query}")
        response = connection.getresponse()
        assert response.status == 302
        location = response.getheader("Location")
        connection.close()
        params = dict(parse_qsl(urlsplit(location).query))
        assert params["state"] == state and params["shop"] == "demo.myshopify.com"
        shopify.Session.secret = DEMO_APP_SECRET
        try:
            assert shopify.Session.validate_hmac(params)
            assert not shopify.Session.validate_hmac({**params, "state": state + "x"})
        finally:
            shopify.Session.secret = None


def test_graphql_on_shopifys_2026_10_schema_through_the_sdk(sdk, sdk_server):
    # shopify.GraphQL() posts to the resource site's graphql.json: pointed at 2026-10, it talks to the fake's
    # Shopify-schema endpoint, as a sync written today does (docs/vendor-behaviour.md §8.A).
    shopify.ShopifyResource.site = f"{sdk_server.url}/shops/demo/admin/api/2026-10"
    made = json.loads(shopify.GraphQL().execute(
        "mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id email } "
        "userErrors { field message } } }", {"input": {"email": "sdk@example.com", "firstName": "Sdk"}}))
    customer = made["data"]["customerCreate"]["customer"]
    listed = json.loads(shopify.GraphQL().execute(
        'query Pull($q: String) { customers(first: 5, query: $q) { nodes { id firstName } } }',
        {"q": "email:sdk@example.com"}, "Pull"))
    assert listed["data"]["customers"]["nodes"] == [{"id": customer["id"], "firstName": "Sdk"}]
    assert listed["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] > 0
    # The REST resource classes of the same SDK see the same customer.
    shopify.ShopifyResource.site = f"{sdk_server.url}/shops/demo/admin/api/2024-10"
    assert shopify.Customer.find(int(customer["id"].rsplit("/", 1)[1])).first_name == "Sdk"
