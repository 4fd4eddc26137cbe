"""The OpenAPI 3 document of the fake Shopify's public Admin REST endpoints (served at /openapi.json).

Paths are relative to one shop's Admin API base, `/shops/{shop}/admin/api/{version}` (the server
entry); the harness API under `/_harness/` is deliberately absent.
"""

from __future__ import annotations

from functools import cache

from fakes.openapi_links import LinkTable, attach_links
from fakes.shopify.store import CONSENT_STATES, FINANCIAL_STATUSES, OPT_IN_LEVELS, TOPIC_SCOPES


def _s(nullable: bool = False, **extra) -> dict:
    return {"type": ["string", "null"] if nullable else "string", **extra}


def _i(nullable: bool = False) -> dict:
    return {"type": ["integer", "null"] if nullable else "integer"}


def _b() -> dict:
    return {"type": "boolean"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": props, "required": list(props) if required is None else required}


def _entity(props: dict) -> dict:
    # `fields=` may trim any attribute, so a resource object documents types, not presence.
    return {"type": "object", "properties": props}


MONEY = _s(pattern=r"^-?\d+\.\d{2,3}$")
MONEY_N = {"anyOf": [MONEY, {"type": "null"}]}
TIME = _s(format="date-time")
TIME_N = _s(True, format="date-time")

ADDRESS = _entity({
    "id": _i(), "customer_id": _i(), "first_name": _s(True), "last_name": _s(True), "company": _s(True),
    "address1": _s(True), "address2": _s(True), "city": _s(True), "province": _s(True),
    "province_code": _s(True), "country": _s(True), "country_code": _s(True), "zip": _s(True),
    "phone": _s(True), "name": _s(), "default": _b(),
})
PLAIN_ADDRESS = {"type": ["object", "null"], "properties": {"address1": _s(True), "city": _s(True), "name": _s()}}
CONSENT = {"type": ["object", "null"], "properties": {"state": _s(), "opt_in_level": _s(True),
                                                       "consent_updated_at": TIME_N}}
CUSTOMER = _entity({
    "id": _i(), "email": _s(True), "created_at": TIME, "updated_at": TIME, "first_name": _s(True),
    "last_name": _s(True), "orders_count": _i(), "state": _s(), "total_spent": MONEY, "last_order_id": _i(True),
    "note": _s(True), "verified_email": _b(), "tax_exempt": _b(), "tags": _s(), "last_order_name": _s(True),
    "currency": _s(), "phone": _s(True), "addresses": {"type": "array", "items": ADDRESS},
    "email_marketing_consent": CONSENT, "admin_graphql_api_id": _s(),
    "default_address": {"anyOf": [ADDRESS, {"type": "null"}]},
})
VARIANT = _entity({
    "id": _i(), "product_id": _i(), "title": _s(), "price": MONEY, "sku": _s(True), "position": _i(),
    "compare_at_price": MONEY_N, "option1": _s(True), "option2": _s(True), "option3": _s(True),
    "created_at": TIME, "updated_at": TIME, "taxable": _b(), "barcode": _s(True), "grams": _i(),
    "inventory_item_id": _i(), "inventory_quantity": _i(), "requires_shipping": _b(),
})
PRODUCT = _entity({
    "id": _i(), "title": _s(), "body_html": _s(True), "vendor": _s(True), "product_type": _s(),
    "created_at": TIME, "handle": _s(), "updated_at": TIME, "published_at": TIME_N, "tags": _s(),
    "status": _s(enum=["active", "archived", "draft"]), "variants": {"type": "array", "items": VARIANT, "minItems": 1},
    "options": {"type": "array", "items": {"type": "object"}},
})
LINE_ITEM = _obj({
    "id": _i(), "variant_id": _i(True), "product_id": _i(True), "title": _s(), "quantity": _i(), "price": MONEY,
    "sku": _s(True), "name": _s(),
}, ["id", "title", "quantity", "price"])
ORDER = _entity({
    "id": _i(), "name": _s(), "email": _s(), "created_at": TIME, "updated_at": TIME, "cancelled_at": TIME_N,
    "closed_at": TIME_N, "currency": _s(), "financial_status": _s(),
    "fulfillment_status": _s(True, enum=["fulfilled", "partial", None]), "total_price": MONEY,
    "subtotal_price": MONEY, "total_tax": MONEY, "current_total_price": MONEY,
    "line_items": {"type": "array", "items": LINE_ITEM}, "fulfillments": {"type": "array"},
    "refunds": {"type": "array"}, "customer": {"type": ["object", "null"]}, "checkout_id": _i(True),
    "shipping_address": PLAIN_ADDRESS, "billing_address": PLAIN_ADDRESS,
})
CHECKOUT = _entity({
    "id": _i(), "token": _s(), "cart_token": _s(), "email": _s(True), "created_at": TIME, "updated_at": TIME,
    "completed_at": TIME_N, "total_price": MONEY, "subtotal_price": MONEY, "currency": _s(),
    "line_items": {"type": "array", "items": LINE_ITEM}, "abandoned_checkout_url": _s(),
})
WEBHOOK = _entity({"id": _i(), "address": _s(), "topic": _s(), "created_at": TIME, "updated_at": TIME,
                "format": _s(), "fields": {"type": "array", "items": _s()}, "api_version": _s()})
EVENT = _entity({"id": _i(), "subject_id": _i(), "created_at": TIME, "subject_type": _s(), "verb": _s(),
              "message": _s()})
SHOP = _entity({"id": _i(), "name": _s(), "domain": _s(), "myshopify_domain": _s(), "currency": _s()})
ERRORS = _obj({"errors": {"anyOf": [_s(), {"type": "object"}, {"type": "array"}]}})
COUNT = _obj({"count": _i()})

# Request bodies: the writable attributes the API reads (docs/vendor-behaviour.md §1.6). What the real API requires on
# create is `required` here, so generated requests can succeed and their ids feed the links below.
NON_BLANK = _s(pattern=r"\S", maxLength=255)
MONEY_IN = {"anyOf": [_s(pattern=r"^\d{1,12}(\.\d{1,2})?$"), {"type": "number", "minimum": 0, "maximum": 1e12}]}
TAGS_IN = {"anyOf": [_s(True), {"type": "array", "items": _s()}]}
ADDRESS_IN = {"type": "object", "properties": {
    **{name: _s(True) for name in ("first_name", "last_name", "company", "address1", "address2", "city", "province",
                                    "province_code", "country", "country_code", "zip", "phone")},
    "default": _b()}}
CUSTOMER_FIELDS = {
    "first_name": _s(True), "last_name": _s(True), "email": _s(True, format="email"), "phone": _s(True),
    "note": _s(True), "tags": TAGS_IN, "tax_exempt": _b(), "verified_email": _b(),
    "email_marketing_consent": {"type": "object", "required": ["state"], "properties": {
        "state": _s(enum=list(CONSENT_STATES)), "opt_in_level": _s(enum=list(OPT_IN_LEVELS))}},
    "addresses": {"type": "array", "items": ADDRESS_IN},
}
VARIANT_FIELDS = {
    "option1": _s(True), "option2": _s(True), "option3": _s(True), "price": MONEY_IN,
    "compare_at_price": {"anyOf": [MONEY_IN, {"type": "null"}]}, "sku": _s(True), "barcode": _s(True),
    "grams": {"type": "integer", "minimum": 0}, "taxable": _b(), "requires_shipping": _b(),
    "inventory_management": _s(True),
}
PRODUCT_FIELDS = {
    "title": NON_BLANK, "body_html": _s(True), "vendor": _s(True), "product_type": _s(True), "handle": _s(True),
    "tags": TAGS_IN, "status": _s(enum=["active", "archived", "draft"]),
    # In a product body, a variant with the `id` of an existing one updates it; the others are created.
    "variants": {"type": "array", "minItems": 1, "maxItems": 100,
                 "items": {"type": "object", "properties": {"id": _i(), **VARIANT_FIELDS}}},
    "options": {"type": "array", "maxItems": 3, "items": {"type": "object", "properties": {"name": _s()}}},
}
LINE_ITEM_IN = {"type": "object", "properties": {
    "variant_id": _i(), "title": NON_BLANK, "price": MONEY_IN, "quantity": {"type": "integer", "minimum": 1},
    "sku": _s(True), "vendor": _s(True)},
    # A line item sells a variant, or is a custom item with its own title and price.
    "anyOf": [{"required": ["variant_id"]}, {"required": ["title", "price"]}]}
ORDER_EDITABLE = {"email": _s(True, format="email"), "phone": _s(True), "note": _s(True), "tags": TAGS_IN,
                  "buyer_accepts_marketing": _b(), "shipping_address": ADDRESS_IN, "billing_address": ADDRESS_IN}
ORDER_FIELDS = {
    **ORDER_EDITABLE, "line_items": {"type": "array", "minItems": 1, "items": LINE_ITEM_IN},
    "financial_status": _s(enum=list(FINANCIAL_STATUSES)), "total_tax": MONEY_IN,
    "customer": {"type": "object", "properties": {"id": _i(), "email": _s(format="email"), "first_name": _s(),
                                                  "last_name": _s(), "phone": _s()}},
    "discount_codes": {"type": "array", "items": {"type": "object", "properties": {
        "code": _s(), "amount": MONEY_IN, "type": _s()}}},
    "source_name": _s(),
}
WEBHOOK_FIELDS = {
    "topic": _s(enum=sorted(TOPIC_SCOPES)),
    # HTTPS, Google Pub/Sub or an EventBridge ARN as on Shopify, plus plain HTTP to loopback, which the fake
    # allows so that an implementation under test can take webhooks on 127.0.0.1 (store._valid_webhook_address).
    "address": _s(pattern=r"^((https|pubsub)://\S+|arn:aws:events:\S+|http://(127\.0\.0\.1|localhost|\[::1\])\S*)$",
                  maxLength=2048),
    "format": _s(enum=["json", "xml"]), "fields": {"type": "array", "items": _s()},
}
# "Customer must have a name, phone number or email address."
ANY_CONTACT = [{"required": [name], "properties": {name: NON_BLANK}}
               for name in ("email", "phone", "first_name", "last_name")]
INPUTS = {
    "CustomerCreate": {"type": "object", "properties": CUSTOMER_FIELDS, "anyOf": ANY_CONTACT},
    "CustomerUpdate": {"type": "object", "properties": CUSTOMER_FIELDS},
    "ProductCreate": {"type": "object", "properties": PRODUCT_FIELDS, "required": ["title"]},
    "ProductUpdate": {"type": "object", "properties": PRODUCT_FIELDS},
    "VariantInput": {"type": "object", "properties": VARIANT_FIELDS},
    "OrderCreate": {"type": "object", "properties": ORDER_FIELDS, "required": ["line_items"]},
    "OrderUpdate": {"type": "object", "properties": ORDER_EDITABLE},
    "WebhookCreate": {"type": "object", "properties": WEBHOOK_FIELDS, "required": ["topic", "address"]},
    "WebhookUpdate": {"type": "object", "properties": {"address": WEBHOOK_FIELDS["address"],
                                                       "fields": WEBHOOK_FIELDS["fields"]}},
}

SCHEMAS = {"Customer": CUSTOMER, "Product": PRODUCT, "Variant": VARIANT, "Order": ORDER, "Checkout": CHECKOUT,
           "Webhook": WEBHOOK, "Event": EVENT, "Shop": SHOP, "Errors": ERRORS, "Count": COUNT, **INPUTS}

LIST_PARAMS = [
    ("ids", "string"), ("since_id", "integer"), ("created_at_min", "string"), ("created_at_max", "string"),
    ("updated_at_min", "string"), ("updated_at_max", "string"), ("limit", "integer"), ("fields", "string"),
    ("page_info", "string"),
]


def _param(name: str, kind: str, where: str = "query", required: bool = False) -> dict:
    schema: dict = {"type": kind}
    if name == "limit":
        schema.update(minimum=1, maximum=250)
    if where == "path":
        schema = {"type": "integer", "minimum": 1}
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema}


def _errors(*codes: int) -> dict:
    described = {400: "Bad request", 401: "Invalid token", 403: "Missing scope", 404: "Not found",
                 405: "Method not allowed", 422: "Validation failed", 429: "Rate limited"}
    return {str(c): {"description": described[c], "content": {"application/json": {"schema": _ref("Errors")}}}
            for c in codes}


def _wrapped(root: str, schema: str, *, many: bool = False) -> dict:
    inner = {"type": "array", "items": _ref(schema)} if many else _ref(schema)
    return {"application/json": {"schema": _obj({root: inner})}}


def _op(op_id: str, ok: int, content: dict | None, params: list[dict], body: tuple[str, str] | None = None,
        error_codes: tuple[int, ...] = (400, 401, 403, 404, 429)) -> dict:
    op: dict = {"operationId": op_id, "parameters": params,
                "responses": {str(ok): {"description": "OK", **({"content": content} if content else {})},
                              **_errors(*error_codes)}}
    if body is not None:
        root, input_schema = body
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _obj(
            {root: _ref(input_schema)})}}}
        op["responses"].update(_errors(422))
    return op


def _resource(plural: str, singular: str, schema: str, *, writable: bool = True, list_extra=(),
              id_name: str | None = None) -> dict[str, dict]:
    """List, count and (when writable) create/get/update/delete paths; request bodies are `<Schema>Create/Update`."""
    rid = id_name or f"{singular}_id"
    list_params = [_param(n, k) for n, k in LIST_PARAMS] + [_param(n, "string") for n in list_extra]
    count_params = [_param(n, k) for n, k in LIST_PARAMS if n not in ("limit", "fields", "page_info")]
    count_params += [_param(n, "string") for n in list_extra]
    paths: dict[str, dict] = {
        f"/{plural}.json": {"get": _op(f"list_{plural}", 200, _wrapped(plural, schema, many=True), list_params)},
        f"/{plural}/count.json": {"get": _op(f"count_{plural}", 200,
                                             {"application/json": {"schema": _ref("Count")}}, count_params)},
    }
    if writable:
        one = [_param(rid, "integer", "path")]
        paths[f"/{plural}.json"]["post"] = _op(f"create_{singular}", 201, _wrapped(singular, schema), [],
                                               (singular, f"{schema}Create"))
        paths[f"/{plural}/{{{rid}}}.json"] = {
            "get": _op(f"get_{singular}", 200, _wrapped(singular, schema), [*one, _param("fields", "string")]),
            "put": _op(f"update_{singular}", 200, _wrapped(singular, schema), one, (singular, f"{schema}Update")),
            "delete": _op(f"delete_{singular}", 200, {"application/json": {"schema": {"type": "object"}}}, one,
                          error_codes=(400, 401, 403, 404, 422, 429)),
        }
    return paths


CUSTOMER_ID = {"customer_id": "$response.body#/customer/id"}
PRODUCT_ID = {"product_id": "$response.body#/product/id"}
# Every product is created with at least one variant (docs/vendor-behaviour.md §1.6 "Product"), so the first is
# always there.
FIRST_VARIANT = {"variant_id": "$response.body#/product/variants/0/id"}
VARIANT_ID = {"variant_id": "$response.body#/variant/id"}
ORDER_ID = {"order_id": "$response.body#/order/id"}
WEBHOOK_ID = {"webhook_id": "$response.body#/webhook/id"}

# OpenAPI links: where the real API's answer to one call is what a client sends in the next one
# (operationId, status) -> {target operationId: link parameters}. They drive schemathesis's stateful run.
LINKS: LinkTable = {
    ("create_customer", "201"): {op: CUSTOMER_ID for op in ("get_customer", "update_customer", "delete_customer")},
    ("create_product", "201"): {
        **{op: PRODUCT_ID for op in ("get_product", "update_product", "delete_product", "list_variants",
                                     "create_variant")},
        **{op: FIRST_VARIANT for op in ("get_variant", "update_variant")},
        **{op: {**PRODUCT_ID, **FIRST_VARIANT} for op in ("get_product_variant", "update_product_variant")},
    },
    ("create_variant", "201"): {
        **{op: VARIANT_ID for op in ("get_variant", "update_variant")},
        **{op: {"product_id": "$response.body#/variant/product_id", **VARIANT_ID}
           for op in ("get_product_variant", "update_product_variant")},
    },
    ("create_order", "201"): {op: ORDER_ID for op in ("get_order", "update_order", "delete_order", "cancel_order",
                                                      "close_order", "open_order")},
    # A closed order is what `open` is for; a cancelled one is read back to see `cancelled_at`.
    ("close_order", "200"): {"open_order": ORDER_ID},
    ("cancel_order", "200"): {"get_order": ORDER_ID},
    ("create_webhook", "201"): {op: WEBHOOK_ID for op in ("get_webhook", "update_webhook", "delete_webhook")},
}


@cache
def openapi_document() -> dict:
    """The whole document (built once)."""
    paths: dict[str, dict] = {}
    paths.update(_resource("customers", "customer", "Customer"))
    paths["/customers/search.json"] = {"get": _op("search_customers", 200, _wrapped("customers", "Customer", many=True),
                                                  [_param("query", "string"), _param("limit", "integer"),
                                                   _param("fields", "string")])}
    paths.update(_resource("products", "product", "Product",
                           list_extra=("title", "vendor", "handle", "product_type", "status")))
    pid = [_param("product_id", "integer", "path")]
    paths["/products/{product_id}/variants.json"] = {
        "get": _op("list_variants", 200, _wrapped("variants", "Variant", many=True),
                   pid + [_param(n, k) for n, k in LIST_PARAMS]),
        "post": _op("create_variant", 201, _wrapped("variant", "Variant"), pid, ("variant", "VariantInput")),
    }
    paths["/variants/{variant_id}.json"] = {
        "get": _op("get_variant", 200, _wrapped("variant", "Variant"), [_param("variant_id", "integer", "path")]),
        "put": _op("update_variant", 200, _wrapped("variant", "Variant"), [_param("variant_id", "integer", "path")],
                   ("variant", "VariantInput")),
    }
    nested = [*pid, _param("variant_id", "integer", "path")]
    paths["/products/{product_id}/variants/{variant_id}.json"] = {
        "get": _op("get_product_variant", 200, _wrapped("variant", "Variant"), nested),
        "put": _op("update_product_variant", 200, _wrapped("variant", "Variant"), nested, ("variant", "VariantInput")),
    }
    paths.update(_resource("orders", "order", "Order",
                           list_extra=("status", "financial_status", "fulfillment_status")))
    oid = [_param("order_id", "integer", "path")]
    for action in ("cancel", "close", "open"):
        paths[f"/orders/{{order_id}}/{action}.json"] = {
            "post": _op(f"{action}_order", 200, _wrapped("order", "Order"), oid,
                        error_codes=(400, 401, 403, 404, 422, 429))}
    paths.update(_resource("checkouts", "checkout", "Checkout", writable=False, list_extra=("status",)))
    paths.update(_resource("webhooks", "webhook", "Webhook", list_extra=("topic", "address")))
    paths.update(_resource("events", "event", "Event", writable=False, list_extra=("filter", "verb")))
    paths["/shop.json"] = {"get": _op("get_shop", 200, _wrapped("shop", "Shop"), [])}
    attach_links(paths, LINKS)
    return {
        "openapi": "3.1.0",
        "info": {"title": "shopsync fake Shopify Admin REST API", "version": "2024-10"},
        "servers": [{"url": "/shops/{shop}/admin/api/{version}",
                     "variables": {"shop": {"default": "demo"}, "version": {"default": "2024-10"}}}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"accessToken": {"type": "apiKey", "in": "header", "name": "X-Shopify-Access-Token"}},
        },
        "security": [{"accessToken": []}],
        "paths": paths,
    }
