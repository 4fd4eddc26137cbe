"""Products and their variants."""

from __future__ import annotations

import json

from fakes.shopify.errors import Invalid, NotFound, missing_root
from fakes.shopify.models import Product, Variant
from fakes.shopify.pagination import Selection
from fakes.shopify.payload import Fields
from fakes.shopify.store.core import StoreCore
from fakes.shopify.store.records import ListQuery, Shop
from fakes.shopify.values import slugify


class Products(StoreCore):
    """Products and their variants."""

    def list_products(self, shop_name: str, query: ListQuery) -> Selection[Product]:
        """Products passing the filters (shared ones plus title, vendor, handle, product_type, status)."""
        wanted = {k: v for k, v in query.extra if k in ("title", "vendor", "handle", "product_type", "status")}

        def keep(product: Product) -> bool:
            if not query.admits(product):
                return False
            if "status" in wanted and product.status not in wanted["status"].split(","):
                return False
            if "handle" in wanted and product.handle not in wanted["handle"].split(","):
                return False
            return not any(str(getattr(product, k) or "") != v for k, v in wanted.items()
                           if k not in ("status", "handle"))

        return self.listing(shop_name, "products", keep, query)

    def get_product(self, shop_name: str, product_id: int) -> Product:
        """One product or 404."""
        return self.one(shop_name, "products", product_id)

    def create_product(self, shop_name: str, payload: object) -> Product:
        """Create a product; with no variants given it gets the one "Default Title" variant."""
        if not isinstance(payload, dict):
            raise missing_root("product")
        with self.lock:
            shop = self.shop(shop_name)
            f = Fields("product", payload)
            now = self.now()
            title = f.text("title")
            if title is None:
                f.add("title", "can't be blank")
            product = Product(id=self.next_id(), title=title or "", handle="", created_at=now, updated_at=now)
            self._apply_product(shop, product, f)
            variants = f.objects("variants") or [{}]
            options = f.objects("options")
            if options:
                product.option_names = [str(o.get("name") or f"Option{i + 1}") for i, o in enumerate(options[:3])]
            product.variants = []
            for position, spec in enumerate(variants, start=1):
                product.variants.append(self._new_variant(product, spec, position, f))
            self._check_variants(product, f)
            f.raise_if_any()
            handle = f.text("handle") or slugify(product.title)
            product.handle = self._unique_handle(shop, handle)
            if product.status == "active":
                product.published_at = now
            shop.products[product.id] = product
            self._event(shop, "Product", product.id, "create", f"{product.title} was created.")
            self._emit(shop, "products/create", product.rest(shop.info))
            return product

    def update_product(self, shop_name: str, product_id: int, payload: object) -> Product:
        """Update product fields; a `variants` list replaces the variants (ids keep existing ones)."""
        if not isinstance(payload, dict):
            raise missing_root("product")
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            f = Fields("product", payload)
            before = json.dumps(product.rest(shop.info), sort_keys=True)
            draft = Product(**{**product.__dict__, "variants": [Variant(**v.__dict__) for v in product.variants],
                               "tags": list(product.tags), "option_names": list(product.option_names)})
            if f.has("title"):
                title = f.text("title")
                if title is None:
                    f.add("title", "can't be blank")
                else:
                    draft.title = title
            self._apply_product(shop, draft, f)
            specs = f.objects("variants")
            if specs is not None:
                if not specs:
                    f.add("variants", "must have at least one variant")
                existing = {v.id: v for v in draft.variants}
                new_variants = []
                for position, spec in enumerate(specs, start=1):
                    vid = spec.get("id")
                    if vid is not None and vid in existing:
                        variant = existing[vid]
                        self._apply_variant(variant, Fields("variant", spec), f)
                        variant.position = position
                        new_variants.append(variant)
                    else:
                        new_variants.append(self._new_variant(draft, spec, position, f))
                draft.variants = new_variants
            self._check_variants(draft, f)
            f.raise_if_any()
            if f.has("handle") and f.text("handle"):
                draft.handle = self._unique_handle(shop, f.text("handle") or draft.handle, exclude=product.id)
            if draft.status == "active" and draft.published_at is None:
                draft.published_at = self.now()
            product.__dict__.update(draft.__dict__)
            if json.dumps(product.rest(shop.info), sort_keys=True) != before:
                product.updated_at = self.now()
                for variant in product.variants:
                    variant.product_id = product.id
                self._event(shop, "Product", product.id, "update", f"{product.title} was updated.")
                self._emit(shop, "products/update", product.rest(shop.info))
            return product

    def delete_product(self, shop_name: str, product_id: int) -> None:
        """Delete a product (a `destroy` event and `products/delete` webhook follow)."""
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            del shop.products[product_id]
            self._event(shop, "Product", product.id, "destroy", f"{product.title} was deleted.")
            self._emit(shop, "products/delete", {"id": product.id})

    def create_variant(self, shop_name: str, product_id: int, payload: object) -> Variant:
        """Add a variant to a product."""
        if not isinstance(payload, dict):
            raise missing_root("variant")
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            f = Fields("variant", payload)
            variant = self._new_variant(product, payload, len(product.variants) + 1, f)
            trial = Product(**{**product.__dict__, "variants": [*product.variants, variant]})
            self._check_variants(trial, f)
            f.raise_if_any()
            product.variants.append(variant)
            self._touch_product(shop, product)
            return variant

    def get_variant(self, shop_name: str, variant_id: int) -> Variant:
        """One variant by id, or 404."""
        products = self.shop(shop_name).products
        for product in products.values():
            for position, variant in enumerate(product.variants):
                if variant.id == variant_id:  # the live record's variant: the caller may change it
                    return products[product.id].variants[position]
        raise NotFound()

    def update_variant(self, shop_name: str, variant_id: int, payload: object) -> Variant:
        """Update a variant (price, sku, options...)."""
        if not isinstance(payload, dict):
            raise missing_root("variant")
        with self.lock:
            shop = self.shop(shop_name)
            variant = self.get_variant(shop_name, variant_id)
            product = self.get_product(shop_name, variant.product_id)
            f = Fields("variant", payload)
            draft = Variant(**variant.__dict__)
            self._apply_variant(draft, f, f)
            trial = Product(**{**product.__dict__,
                               "variants": [draft if v.id == variant_id else v for v in product.variants]})
            self._check_variants(trial, f)
            f.raise_if_any()
            if draft != variant:
                draft.updated_at = self.now()
                variant.__dict__.update(draft.__dict__)
                self._touch_product(shop, product)
            return variant

    def delete_variant(self, shop_name: str, product_id: int, variant_id: int) -> None:
        """Delete a variant; the last one of a product cannot go."""
        with self.lock:
            shop = self.shop(shop_name)
            product = self.get_product(shop_name, product_id)
            if not any(v.id == variant_id for v in product.variants):
                raise NotFound()
            if len(product.variants) == 1:
                raise Invalid({"base": ["Cannot delete the last variant of a product"]})
            product.variants = [v for v in product.variants if v.id != variant_id]
            for position, variant in enumerate(product.variants, start=1):
                variant.position = position
            self._touch_product(shop, product)

    def _touch_product(self, shop: Shop, product: Product) -> None:
        product.updated_at = self.now()
        self._event(shop, "Product", product.id, "update", f"{product.title} was updated.")
        self._emit(shop, "products/update", product.rest(shop.info))

    def _apply_product(self, shop: Shop, product: Product, f: Fields) -> None:
        if f.has("body_html"):
            product.body_html = f.text("body_html", max_len=512_000, blank_is_none=False)
        if f.has("vendor"):
            product.vendor = f.text("vendor")
        if f.has("product_type"):
            product.product_type = f.text("product_type") or ""
        if f.has("tags"):
            product.tags = f.tags() or []
        if f.has("status"):
            status = f.text("status")
            if status not in ("active", "archived", "draft"):
                f.add("status", "is not included in the list")
            else:
                product.status = status
        elif not product.vendor:
            product.vendor = shop.info.name

    def _new_variant(self, product: Product, spec: dict, position: int, errors: Fields) -> Variant:
        now = self.now()
        variant = Variant(id=self.next_id(), product_id=product.id, created_at=now, updated_at=now,
                          position=position, inventory_item_id=self.next_id())
        self._apply_variant(variant, Fields("variant", spec), errors)
        if variant.option1 is None:
            variant.option1 = "Default Title"
        variant.title = " / ".join(o for o in variant.options_key() if o)
        return variant

    def _apply_variant(self, variant: Variant, f: Fields, errors: Fields) -> None:
        for name in ("option1", "option2", "option3", "sku", "barcode"):
            if f.has(name):
                setattr(variant, name, f.text(name))
        if f.has("price"):
            price = f.amount("price")
            if price is not None:
                variant.price = price
        if f.has("compare_at_price"):
            variant.compare_at_price = f.amount("compare_at_price")
        if f.has("grams"):
            variant.grams = f.integer("grams", minimum=0) or 0
        if f.has("inventory_management"):
            variant.inventory_management = f.text("inventory_management")
        if f.has("taxable"):
            variant.taxable = f.flag("taxable", True)
        if f.has("requires_shipping"):
            variant.requires_shipping = f.flag("requires_shipping", True)
        variant.title = " / ".join(o for o in variant.options_key() if o) or "Default Title"
        if errors is f:  # the variant's own endpoint: its errors are already where they belong
            return
        for name, messages in f.errors.items():
            for message in messages:
                errors.add(name, message)
        f.errors.clear()

    def _check_variants(self, product: Product, f: Fields) -> None:
        if len(product.variants) > 100:
            f.add("variants", "Variants have reached maximum of 100")
        seen: set[tuple] = set()
        for variant in product.variants:
            key = variant.options_key()
            if key in seen:
                f.add("base", f"The variant '{variant.title}' already exists.")
            seen.add(key)

    def _unique_handle(self, shop: Shop, handle: str, exclude: int | None = None) -> str:
        taken = {p.handle for p in shop.products.values() if p.id != exclude}
        candidate, n = slugify(handle), 1
        base = candidate
        while candidate in taken:
            candidate = f"{base}-{n}"
            n += 1
        return candidate
