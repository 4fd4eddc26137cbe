"""Products, orders, abandoned checkouts, webhook subscriptions and deletion events over GraphQL on Shopify's
schema, each against the same records REST serves (docs/vendor-behaviour.md §8.C; texts and formats from the
captures of real responses listed in §8.F)."""

from __future__ import annotations

import json
from decimal import Decimal

PRODUCT = ("id title handle status vendor variants(first: 10) { nodes { id title price sku "
           "selectedOptions { name value } } }")


def test_product_create_then_variant_prices_as_a_graphql_sync_does(gql, admin):
    made = gql.data("""mutation { productCreate(product: {title: "Mug", productOptions: [{name: "Size",
        values: [{name: "S"}, {name: "M"}]}]}) { product { """ + PRODUCT + """ } shop { id }
        userErrors { field message } } }""")["productCreate"]
    product = made["product"]
    # One variant (the first value of each option) at 0.00, status ACTIVE and the shop as vendor.
    assert (product["status"], product["vendor"], product["handle"]) == ("ACTIVE", "demo", "mug")
    [variant] = product["variants"]["nodes"]
    assert variant["price"] == "0.00" and variant["selectedOptions"] == [{"name": "Size", "value": "S"}]
    update = """mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $p,
        variants: $v) { productVariants { price sku } userErrors { field message code } } }"""
    done = gql.data(update, {"p": product["id"], "v": [{"id": variant["id"], "price": "12.5",
                                                        "inventoryItem": {"sku": "MUG-S"}}]})
    assert done["productVariantsBulkUpdate"]["productVariants"] == [{"price": "12.50", "sku": "MUG-S"}]
    create = """mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkCreate(productId: $p,
        variants: $v) { productVariants { title price } userErrors { field message code } } }"""
    added = gql.data(create, {"p": product["id"], "v": [{"price": "14", "optionValues": [
        {"optionName": "Size", "name": "M"}]}]})["productVariantsBulkCreate"]
    assert added["productVariants"] == [{"title": "M", "price": "14.00"}]
    rest = admin.get(f"/products/{product['id'].rsplit('/', 1)[1]}.json").json["product"]
    assert [(v["title"], v["price"], v["sku"]) for v in rest["variants"]] == [("S", "12.50", "MUG-S"),
                                                                            ("M", "14.00", "")]


def test_product_user_errors(gql):
    blank = gql.data('mutation { productCreate(product: {title: ""}) { product { id } userErrors { field message } } }')
    assert blank["productCreate"] == {"product": None, "userErrors": [{"field": ["title"],
                                                                      "message": "Title can't be blank"}]}
    missing = gql.data('mutation { productUpdate(product: {id: "gid://shopify/Product/1", title: "X"}) '
                       '{ product { id } userErrors { field message } } }')
    assert missing["productUpdate"]["userErrors"] == [{"field": ["id"], "message": "Product does not exist"}]
    bulk = gql.data('mutation { productVariantsBulkUpdate(productId: "gid://shopify/Product/1", variants: []) '
                    '{ userErrors { field message code } } }')
    assert bulk["productVariantsBulkUpdate"]["userErrors"] == [
        {"field": ["productId"], "message": "Product does not exist", "code": "PRODUCT_DOES_NOT_EXIST"}]
    both = gql.call('mutation { productCreate(product: {title: "A"}, input: {title: "B"}) { product { id } } }')
    assert both["errors"][0]["extensions"] == {"code": "INVALID_FIELD_ARGUMENTS"}


def test_product_set_replaces_the_whole_product_and_rest_sees_it(gql, admin):
    query = """mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
      productSet(input: $input, identifier: $identifier) {
      product { id title variants(first: 5) { nodes { price sku } } }
      userErrors { field message code } } }"""
    made = gql.data(query, {"input": {"title": "Tote", "variants": [
        {"optionValues": [{"optionName": "Title", "name": "Default Title"}], "price": "30", "sku": "T-1"}]}})
    product = made["productSet"]["product"]
    assert product["variants"]["nodes"] == [{"price": "30.00", "sku": "T-1"}]
    again = gql.data(query, {"identifier": {"id": product["id"]}, "input": {"title": "Big Tote", "variants": [
        {"optionValues": [{"optionName": "Title", "name": "Default Title"}], "price": "35.5"}]}})
    assert again["productSet"]["product"]["title"] == "Big Tote"
    rest = admin.get(f"/products/{product['id'].rsplit('/', 1)[1]}.json").json["product"]
    assert (rest["title"], rest["variants"][0]["price"]) == ("Big Tote", "35.50")


def test_a_deleted_product_is_learnt_from_deletion_events_and_events(gql, admin):
    made = admin.post("/products.json", {"product": {"title": "Poster"}}).json["product"]
    gid = f"gid://shopify/Product/{made['id']}"
    gone = gql.data('mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId '
                    'userErrors { message } } }', {"id": gid})
    assert gone["productDelete"] == {"deletedProductId": gid, "userErrors": []}
    learnt = gql.data("""{ deletionEvents(first: 5, subjectTypes: [PRODUCT]) { nodes { subjectId subjectType } }
      events(first: 5, query: "subject_type:PRODUCT AND action:destroy") { nodes { action ... on BasicEvent {
      subjectId } } } }""")
    assert learnt["deletionEvents"]["nodes"] == [{"subjectId": gid, "subjectType": "PRODUCT"}]
    assert learnt["events"]["nodes"] == [{"action": "destroy", "subjectId": gid}]
    assert gql.data('query($id: ID!) { product(id: $id) { id } }', {"id": gid}) == {"product": None}


def test_orders_read_with_statuses_lines_and_refunds(gql, store):
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "20.00", "sku": "MUG"}]})
    order = store.create_order("demo", {"email": "ada@example.com", "financial_status": "paid", "line_items": [
        {"variant_id": product.variants[0].id, "quantity": 2}]})
    store.refund_order("demo", order.id, Decimal("5.50"))
    body = gql.data("""query($id: ID!) { order(id: $id) { name email displayFinancialStatus displayFulfillmentStatus
      totalPriceSet { shopMoney { amount currencyCode } } currentTotalPriceSet { shopMoney { amount } }
      totalRefundedSet { shopMoney { amount } } refunds { totalRefundedSet { shopMoney { amount } } }
      lineItems(first: 5) { nodes { title quantity currentQuantity sku variant { id }
      originalUnitPriceSet { shopMoney { amount } } } } } }""", {"id": f"gid://shopify/Order/{order.id}"})["order"]
    assert body["name"] == order.name and body["email"] == "ada@example.com"
    assert body["displayFulfillmentStatus"] == "UNFULFILLED"
    assert body["displayFinancialStatus"] == store.shops["demo"].orders[order.id].financial_status.upper()
    assert body["totalPriceSet"]["shopMoney"] == {"amount": "40.0", "currencyCode": "USD"}
    assert body["currentTotalPriceSet"]["shopMoney"]["amount"] == "34.5"
    assert body["refunds"] == [{"totalRefundedSet": {"shopMoney": {"amount": "5.5"}}}]
    [line] = body["lineItems"]["nodes"]
    assert (line["quantity"], line["currentQuantity"], line["sku"]) == (2, 2, "MUG")
    assert line["variant"]["id"] == f"gid://shopify/ProductVariant/{product.variants[0].id}"
    listed = gql.data('{ orders(first: 5, query: "email:ada@example.com", sortKey: UPDATED_AT) { nodes { name } } }')
    assert listed["orders"]["nodes"] == [{"name": order.name}]


def test_abandoned_checkouts_list_only_the_uncompleted(gql, store):
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "9.00"}]})
    kept = store.create_checkout("demo", {"email": "ada@example.com", "line_items": [
        {"variant_id": product.variants[0].id, "quantity": 1}]})
    done = store.create_checkout("demo", {"email": "ada@example.com", "line_items": [
        {"variant_id": product.variants[0].id, "quantity": 3}]})
    store.complete_checkout("demo", done.id)
    body = gql.data("""{ abandonedCheckouts(first: 5) { nodes { id completedAt totalPriceSet { shopMoney { amount } }
      lineItems(first: 5) { nodes { title quantity } } } } abandonedCheckoutsCount { count } }""")
    assert body["abandonedCheckouts"]["nodes"] == [{
        "id": f"gid://shopify/AbandonedCheckout/{kept.id}", "completedAt": None,
        "totalPriceSet": {"shopMoney": {"amount": "9.0"}}, "lineItems": {"nodes": [{"title": "Mug", "quantity": 1}]}}]
    assert body["abandonedCheckoutsCount"] == {"count": 1}


def test_a_graphql_subscription_delivers_exactly_what_a_rest_one_does(gql, admin, store, outbox):
    admin.post("/webhooks.json", {"webhook": {"topic": "customers/create", "address": "https://rest.example/h"}})
    made = gql.data("""mutation { webhookSubscriptionCreate(topic: CUSTOMERS_CREATE, webhookSubscription:
      {uri: "https://graphql.example/h"}) { webhookSubscription { id topic uri filter format
      endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } userErrors { field message } } }""")
    sub = made["webhookSubscriptionCreate"]["webhookSubscription"]
    assert sub["topic"] == "CUSTOMERS_CREATE" and sub["filter"] is None and sub["format"] == "JSON"
    assert sub["endpoint"] == {"__typename": "WebhookHttpEndpoint", "callbackUrl": "https://graphql.example/h"}
    store.create_customer("demo", {"email": "ada@example.com"})
    rest = next(d for d in outbox.all() if "rest" in d.address)
    graphql = next(d for d in outbox.all() if "graphql" in d.address)
    assert json.loads(rest.body) == json.loads(graphql.body)
    assert rest.headers["X-Shopify-Hmac-Sha256"] == graphql.headers["X-Shopify-Hmac-Sha256"]
    assert graphql.headers["X-Shopify-API-Version"] == "2026-10"  # the version it was subscribed at
    assert rest.headers["X-Shopify-Topic"] == graphql.headers["X-Shopify-Topic"] == "customers/create"
    listed = gql.data("{ webhookSubscriptions(first: 5) { nodes { uri } } }")["webhookSubscriptions"]["nodes"]
    assert sorted(n["uri"] for n in listed) == ["https://graphql.example/h", "https://rest.example/h"]


def test_webhook_subscription_user_errors(gql):
    def errors(uri):
        return gql.data('mutation($u: String) { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: '
                        '{uri: $u}) { userErrors { field message } } }', {"u": uri})[
            "webhookSubscriptionCreate"]["userErrors"]
    assert errors(None) == [{"field": ["webhookSubscription", "callbackUrl"], "message": "Address can't be blank"}]
    assert errors("http://plain.example/h") == [{"field": ["webhookSubscription", "callbackUrl"],
                                                 "message": "Address protocol http:// is not supported"}]
    gone = gql.data('mutation { webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1") '
                    '{ deletedWebhookSubscriptionId userErrors { field message } } }')
    assert gone["webhookSubscriptionDelete"] == {"deletedWebhookSubscriptionId": None, "userErrors": [
        {"field": ["id"], "message": "Webhook subscription does not exist"}]}


def test_an_orders_buyer_is_its_customer_or_its_b2b_company(gql, store):
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "9.00"}]})
    customer = store.create_customer("demo", {"email": "ada@example.com"})
    company = store.create_company("demo", "Acme")
    line = [{"variant_id": product.variants[0].id, "quantity": 1}]
    retail = store.create_order("demo", {"customer": {"id": customer.id}, "line_items": line})
    b2b = store.create_order("demo", {"customer": {"id": customer.id}, "company_id": company.id, "line_items": line})
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { purchasingEntity { __typename
      ... on Customer { email } ... on PurchasingCompany { company { name } location { id } } } } } }"""
    found = gql.data(query, {"ids": [f"gid://shopify/Order/{retail.id}", f"gid://shopify/Order/{b2b.id}"]})
    assert found["nodes"] == [
        {"purchasingEntity": {"__typename": "Customer", "email": "ada@example.com"}},
        {"purchasingEntity": {"__typename": "PurchasingCompany", "company": {"name": "Acme"},
                              "location": {"id": f"gid://shopify/CompanyLocation/{company.id + 1}"}}}]


def test_a_variant_price_keeps_the_shop_currency_decimals(app, store):
    # A variant's Money price has the currency's minor digits, as REST writes it: a KWD price of 12.345 was
    # rounded to "12.34" over GraphQL (money lost on its way to HubSpot; scenario ORD-5/three-decimal-currency).
    from fakes.shopify.demo import DEMO_APP
    from tests.fakes.shopify.conftest import Graphql
    store.add_shop("souq", currency="KWD")
    store.shops["souq"].plan = "unlimited"
    made = store.create_product("souq", {"title": "Dates Box", "variants": [{"price": "12.345"}]})
    souq = Graphql(app.test_client(), shop="souq", token=store.issue_token("souq", DEMO_APP))
    found = souq.data(f'{{ product(id: "gid://shopify/Product/{made.id}") {{ variants(first: 1) {{ nodes {{ price }} '
                      "} } }")
    assert found["product"]["variants"]["nodes"] == [{"price": "12.345"}]


def test_metafields_on_customers_products_and_orders(gql, store):
    # `metafieldsSet` writes any owner's metafields (docs/vendor-behaviour.md §8.C.6); each owner reads its own.
    customer = store.create_customer("demo", {"email": "ada@example.com"})
    product = store.create_product("demo", {"title": "Mug", "variants": [{"price": "8.00"}]})
    order = store.create_order("demo", {"line_items": [{"variant_id": product.variants[0].id, "quantity": 1}]})
    owners = {"Customer": customer.id, "Product": product.id, "Order": order.id}
    set_ = """mutation($m: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $m) {
        metafields { key namespace value type } userErrors { field message code elementIndex } } }"""
    done = gql.data(set_, {"m": [{"ownerId": f"gid://shopify/{kind}/{number}", "namespace": "custom",
                                  "key": "loyalty", "type": "single_line_text_field", "value": kind.lower()}
                                 for kind, number in owners.items()]})["metafieldsSet"]
    assert done["userErrors"] == [] and [m["value"] for m in done["metafields"]] == ["customer", "product", "order"]
    for kind, number in owners.items():
        root = kind[0].lower() + kind[1:]
        read = gql.data(f'{{ {root}(id: "gid://shopify/{kind}/{number}") {{ metafield(namespace: "custom", '
                        'key: "loyalty") { value type } metafields(first: 5) { nodes { key value } } } }')[root]
        assert read["metafield"] == {"value": kind.lower(), "type": "single_line_text_field"}
        assert read["metafields"]["nodes"] == [{"key": "loyalty", "value": kind.lower()}]
    assert gql.data(f'{{ customer(id: "gid://shopify/Customer/{customer.id}") {{ metafield(namespace: "custom", '
                    'key: "other") { value } } }')["customer"]["metafield"] is None
    missing = gql.data(set_, {"m": [{"ownerId": "gid://shopify/Customer/1", "namespace": "custom", "key": "loyalty",
                                     "type": "single_line_text_field", "value": "x"}]})["metafieldsSet"]
    assert missing["userErrors"] == [{"field": ["metafields", "0", "ownerId"], "message": "Owner does not exist.",
                                      "code": "INVALID", "elementIndex": 0}]
