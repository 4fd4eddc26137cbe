"""B2B companies of one shop: the state behind the fake's GraphQL `companies` API and `companies/*` webhooks.

Shopify has no REST resource for companies (docs/vendor-behaviour.md §1.6 "B2B companies"): they exist only in the
GraphQL Admin API, so this module is the store side of `graphql_api.py`. It is pure Python: no Flask,
no GraphQL. Validation that Shopify performs lives here (it is behaviour); the GraphQL layer only
renders a `CompanyUserError` as a `userErrors` entry.

Website / domain. A Shopify company has no domain or website field (checked: `Company` and
`CompanyInput`, https://shopify.dev/docs/api/admin-graphql/latest/objects/Company and
https://shopify.dev/docs/api/admin-graphql/latest/input-objects/CompanyInput -- `CompanyInput` is only
customerSince, externalId, name, note, and has no `metafields` either). A merchant who wants one adds a
metafield, so the fake keeps the website in the metafield `custom.website` of type `url`
(`WEBSITE_NAMESPACE`, `WEBSITE_KEY`, `WEBSITE_TYPE`): `custom` is the namespace the Shopify admin gives
merchant-defined metafields, and `url` is the standard type for a web address. The value is a full URL
(`https://acme.example`); `domain_of()` turns it into the bare host the sync matches on.
"""

from __future__ import annotations

import copy
import hashlib
import html
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from fakes.clock import parse_iso8601

WEBSITE_NAMESPACE = "custom"
WEBSITE_KEY = "website"
WEBSITE_TYPE = "url"

# `MetafieldsSetInput.namespace` may be omitted: "If omitted the app-reserved namespace will be used"
# (https://shopify.dev/docs/api/admin-graphql/latest/input-objects/metafieldssetinput). Real shops
# spell it `app--<api client id>`; the fake has one app, so one fixed id.
APP_RESERVED_NAMESPACE = "app--1"

TOPIC_CREATE = "companies/create"
TOPIC_UPDATE = "companies/update"
TOPIC_DELETE = "companies/delete"

# Limits. 255 for the name is the brief's figure (the capture below only shows 300 rejected); 64 for
# externalId and "note too long" at ~6000 come from captures of a real 2025-01 shop replayed in
# airhorns/shopify-draft-proxy (tests/b2b_* and fixtures/conformance/.../b2b/*); 5000 is our guess.
NAME_MAX = 255
EXTERNAL_ID_MAX = 64
NOTE_MAX = 5000
# Which externalId characters Shopify accepts is not documented; "has spaces" is rejected in the
# capture. Guess: printable ASCII without whitespace.
EXTERNAL_ID_RE = re.compile(r"^[\x21-\x7e]+$")
TAG_RE = re.compile(r"<[^>]*>")

# Metafield key 2-64 and namespace 3-255 characters of [A-Za-z0-9_-] (MetafieldsSetInput docs above).
METAFIELD_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
METAFIELDS_SET_MAX = 25  # "Allows a maximum of 25 metafields to be set at a time" (metafieldsSet docs)

# The metafield types the fake knows (a subset of https://shopify.dev/docs/apps/build/custom-data/metafields/list-of-data-types).
METAFIELD_TYPES = frozenset({
    "single_line_text_field", "multi_line_text_field", "url", "number_integer", "number_decimal",
    "boolean", "json", "date", "date_time", "color", "rich_text_field",
})


@dataclass
class Metafield:
    """One metafield on a company: namespace/key identify it, `type` and `value` (always a string) hold it."""

    id: int
    namespace: str
    key: str
    type: str
    value: str
    created_at: datetime
    updated_at: datetime

    @property
    def compare_digest(self) -> str:
        """An opaque digest of the stored value, for `metafieldsSet(compareDigest:)` (compare-and-set)."""
        return hashlib.sha256(f"{self.id}\x00{self.type}\x00{self.value}".encode()).hexdigest()


@dataclass
class Company:
    """A B2B company as Shopify keeps it; ids are plain integers, GIDs are made by the API layer."""

    id: int
    name: str
    note: str | None
    external_id: str | None
    customer_since: datetime
    created_at: datetime
    updated_at: datetime
    # Keyed by (namespace, key). Records rather than (type, value) tuples because GraphQL exposes each
    # metafield's id, createdAt and updatedAt too.
    metafields: dict[tuple[str, str], Metafield] = field(default_factory=dict)

    @property
    def gid(self) -> str:
        """The company's global id, `gid://shopify/Company/<id>`."""
        return company_gid(self.id)


class CompanyUserError(Exception):
    """A validation failure Shopify reports as a `userErrors` entry, not as an HTTP or GraphQL error.

    `field` is the path inside the mutation's input object as Shopify names it (e.g. `["name"]`,
    `["notes"]`); the GraphQL layer puts the argument name in front. `code` is a value of
    `BusinessCustomerErrorCode` or `MetafieldsSetUserErrorCode`. Several errors found at once travel
    together: the first is the exception, the rest are in `more`.
    """

    def __init__(self, field: list[str], message: str, code: str, *, detail: str | None = None,
                 element_index: int | None = None, more: Sequence[CompanyUserError] = ()) -> None:
        super().__init__(message)
        self.field = list(field)
        self.message = message
        self.code = code
        self.detail = detail
        self.element_index = element_index
        self.more = tuple(more)

    def all(self) -> list[CompanyUserError]:
        """This error and the ones found with it, in the order Shopify lists them."""
        return [self, *self.more]

    def __repr__(self) -> str:
        return f"CompanyUserError({self.field!r}, {self.message!r}, {self.code!r})"


class CompanyNotFound(CompanyUserError):
    """The id names no company of this shop; `field` is the argument that held it (`companyId`, `id`)."""

    def __init__(self, argument: str = "companyId") -> None:
        # Exact text and code from a real 2025-01 shop (companyUpdate with an unknown id), captured in
        # airhorns/shopify-draft-proxy fixtures/conformance/.../b2b/b2b-company-mutation-validation.json.
        super().__init__([argument], "Resource requested does not exist.", "RESOURCE_NOT_FOUND")


def _raise_all(errors: list[CompanyUserError]) -> None:
    if errors:
        first, *rest = errors
        raise CompanyUserError(first.field, first.message, first.code, detail=first.detail,
                               element_index=first.element_index, more=rest)


def company_gid(company_id: int) -> str:
    """The GID of a company id."""
    return f"gid://shopify/Company/{company_id}"


def metafield_gid(metafield_id: int) -> str:
    """The GID of a metafield id."""
    return f"gid://shopify/Metafield/{metafield_id}"


def parse_gid(gid: str, kind: str) -> int | None:
    """The integer id inside `gid://shopify/<kind>/<id>`, or None when `gid` is not one of that kind."""
    match = re.fullmatch(rf"gid://shopify/{re.escape(kind)}/(\d+)(?:\?.*)?", gid or "")
    return int(match.group(1)) if match else None


def normalize_website(value: str) -> str:
    """A website as stored in `custom.website`: a full URL, `https://` added to a bare domain."""
    text = value.strip()
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", text):
        text = "https://" + text
    return text


def domain_from_url(value: str | None) -> str | None:
    """The bare lower-case host of a website (`https://www.Acme.example/x` -> `acme.example`)."""
    if not value:
        return None
    host = urlsplit(normalize_website(value)).hostname or ""
    host = host.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host or None


def _as_utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_iso8601(value)
    if value.tzinfo is None:
        raise ValueError("company timestamps must be aware datetimes")
    return value.astimezone(UTC)


def _rest_time(instant: datetime | None, utc_offset: timedelta) -> str | None:
    # REST and webhook bodies carry the shop's offset (`2021-12-31T19:00:00-05:00`), never `Z`.
    if instant is None:
        return None
    local = (instant.astimezone(UTC) + utc_offset).replace(tzinfo=None)
    return local.isoformat(timespec="seconds") + _offset_text(utc_offset)


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _validate_metafield_value(mf_type: str, value: str) -> str | None:
    """Why `value` is not a valid `mf_type` value, or None when it is (messages are our wording)."""
    if mf_type == "single_line_text_field" and ("\n" in value or "\r" in value):
        return "Value must be a single line of text."
    if mf_type == "url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https", "mailto", "sms", "tel") or (
                parts.scheme in ("http", "https") and not parts.netloc):
            return "Value must be a valid URL with scheme http, https, mailto, sms, or tel."
    if mf_type == "number_integer" and not re.fullmatch(r"[+-]?\d+", value):
        return "Value must be an integer."
    if mf_type == "number_decimal":
        try:
            Decimal(value)
        except InvalidOperation:
            return "Value must be a decimal."
    if mf_type == "boolean" and value not in ("true", "false"):
        return "Value must be true or false."
    if mf_type in ("json", "rich_text_field"):
        try:
            json.loads(value)
        except ValueError:
            return "Value is invalid JSON."
    if mf_type in ("date", "date_time"):
        try:
            parse_iso8601(value)
        except ValueError:
            return "Value must be in ISO 8601 format."
    if mf_type == "color" and not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return "Value must be a hex color code."
    return None


@dataclass(frozen=True)
class MetafieldsSetInput:
    """One element of `metafieldsSet(metafields:)`, with GraphQL's field names turned into Python's.

    `compare_digest` is `...` (Ellipsis) when the caller did not send it: sending `null` means
    "only if the metafield does not exist yet", which is different from not sending it.
    """

    owner_id: int | str | None  # a company's id, or the GID of another owner (a customer, product or order)
    key: str
    value: str
    namespace: str | None = None
    type: str | None = None
    compare_digest: Any = ...


class CompanyBook:
    """The companies of one shop, thread-safe; every committed change is reported through `on_change`.

    `now` is the simulated clock, `next_id` hands out ids (companies and metafields share it, as
    Shopify's ids are globally unique), and `on_change(topic, company)` receives `companies/create`,
    `companies/update` or `companies/delete` with a snapshot of the company after the change. It is
    called after the book's lock is released, so a callback may read the book.
    """

    def __init__(self, now: Callable[[], datetime], next_id: Callable[[], int],
                 on_change: Callable[[str, Company], None], *, lock: threading.RLock | None = None) -> None:
        self._now = now
        self._next_id = next_id
        self._on_change = on_change
        self._lock = lock or threading.RLock()
        self._companies: dict[int, Company] = {}
        # Metafields of the shop's other owners (customers, products, orders), by the owner's GID. The
        # store says which owners exist (`owner_exists`); companies keep theirs on the company.
        self._owned: dict[str, dict[tuple[str, str], Metafield]] = {}
        self.owner_exists: Callable[[str], bool] = lambda _gid: False

    # ---------------------------------------------------------------- reading

    def now(self) -> datetime:
        """The simulated time the book stamps changes with."""
        return self._now()

    def get(self, company_id: int) -> Company | None:
        """A snapshot of the company with this id, or None."""
        with self._lock:
            company = self._companies.get(company_id)
            return copy.deepcopy(company) if company else None

    def list(self) -> list[Company]:
        """Snapshots of every company, in id order."""
        with self._lock:
            return [copy.deepcopy(self._companies[i]) for i in sorted(self._companies)]

    def domain_of(self, company: Company | int) -> str | None:
        """The bare domain of a company's website metafield (`custom.website`), or None."""
        if isinstance(company, int):
            found = self.get(company)
            if found is None:
                return None
            company = found
        website = company.metafields.get((WEBSITE_NAMESPACE, WEBSITE_KEY))
        return domain_from_url(website.value) if website else None

    def website_of(self, company: Company) -> str | None:
        """The full URL stored in the company's website metafield, or None."""
        website = company.metafields.get((WEBSITE_NAMESPACE, WEBSITE_KEY))
        return website.value if website else None

    def metafields_of(self, owner_gid: str) -> dict[tuple[str, str], Metafield]:
        """Copies of the metafields of a customer, product or order, by (namespace, key)."""
        with self._lock:
            return copy.deepcopy(self._owned.get(owner_gid, {}))

    def dump_state(self) -> dict[str, Any]:
        """Every company, by id, and the other owners' metafields, for a snapshot (copies: the book stays the
        owner)."""
        with self._lock:
            return {"companies": copy.deepcopy(self._companies), "owned": copy.deepcopy(self._owned)}

    def load_state(self, state: dict[Any, Any]) -> None:
        """Replace the book's companies and metafields with restored ones (a snapshot from before other owners
        had metafields is the companies alone, by id)."""
        with self._lock:
            if set(state) <= {"companies", "owned"} and "companies" in state:
                self._companies, self._owned = dict(state["companies"]), dict(state.get("owned") or {})
            else:
                self._companies, self._owned = dict(state), {}

    # ---------------------------------------------------------------- writing

    def create(self, name: str | None, note: str | None = None, external_id: str | None = None,
               customer_since: datetime | str | None = None,
               metafields: Iterable[Mapping[str, Any]] | None = None,
               website: str | None = None) -> Company:
        """Create a company (`companyCreate`), raising `CompanyUserError` as Shopify would report it.

        `metafields` (dicts with namespace, key, type, value) and `website` are harness conveniences
        for a merchant's edit in the admin; the real `CompanyInput` has neither, so over GraphQL a
        client sets them afterwards with `metafieldsSet`.
        """
        extra = list(metafields or [])
        if website is not None:
            extra.append({"namespace": WEBSITE_NAMESPACE, "key": WEBSITE_KEY, "type": WEBSITE_TYPE,
                          "value": normalize_website(website)})
        with self._lock:
            clean_name, clean_note, clean_external = self._validate(
                name=name, note=note, external_id=external_id, check_name=True, company_id=None)
            now = self._now()
            company = Company(id=self._next_id(), name=clean_name, note=clean_note,
                              external_id=clean_external,
                              # customerSince is non-null; when not given it is the creation time.
                              customer_since=_as_utc(customer_since) or now,
                              created_at=now, updated_at=now)
            inputs = [MetafieldsSetInput(owner_id=company.id, namespace=m.get("namespace"), key=m["key"],
                                         type=m.get("type"), value=m["value"]) for m in extra]
            self._companies[company.id] = company
            try:
                self._apply_metafields(inputs, touch=False)
            except CompanyUserError:
                del self._companies[company.id]
                raise
            snapshot = copy.deepcopy(company)
        self._on_change(TOPIC_CREATE, snapshot)
        return copy.deepcopy(snapshot)

    def update(self, company_id: int, **fields: Any) -> Company:
        """Change a company (`companyUpdate`); keyword arguments are name, note, external_id, website.

        `customer_since` is refused as on the real API ("This field may only be set on creation.",
        INVALID_INPUT, from the same capture as `CompanyNotFound`). `website=None` removes the website
        metafield. A call that changes nothing returns the company without an update webhook.
        """
        unknown = set(fields) - {"name", "note", "external_id", "customer_since", "website"}
        if unknown:
            raise TypeError(f"unknown company fields: {sorted(unknown)}")
        with self._lock:
            company = self._companies.get(company_id)
            if company is None:
                raise CompanyNotFound("companyId")
            if "customer_since" in fields:
                raise CompanyUserError(["customerSince"], "This field may only be set on creation.",
                                       "INVALID_INPUT")
            name, note, external_id = self._validate(
                name=fields.get("name", company.name), note=fields.get("note", company.note),
                external_id=fields.get("external_id", company.external_id),
                check_name="name" in fields, company_id=company_id)
            changed = (name, note, external_id) != (company.name, company.note, company.external_id)
            if "website" in fields:
                changed |= self._set_website(company, fields["website"])
            if not changed:
                return copy.deepcopy(company)
            company.name, company.note, company.external_id = name, note, external_id
            company.updated_at = self._now()
            snapshot = copy.deepcopy(company)
        self._on_change(TOPIC_UPDATE, snapshot)
        return copy.deepcopy(snapshot)

    def delete(self, company_id: int) -> None:
        """Delete a company (`companyDelete`); an unknown id raises `CompanyNotFound` on argument `id`."""
        with self._lock:
            company = self._companies.pop(company_id, None)
            if company is None:
                raise CompanyNotFound("id")
            snapshot = copy.deepcopy(company)
        self._on_change(TOPIC_DELETE, snapshot)

    def set_metafields(self, owner_id: int, entries: Iterable[Mapping[str, Any]]) -> list[Metafield]:
        """Set metafields on one company (dicts with namespace, key, type, value[, compareDigest])."""
        inputs = [MetafieldsSetInput(owner_id=owner_id, namespace=e.get("namespace"), key=e.get("key", ""),
                                     type=e.get("type"), value=e.get("value", ""),
                                     compare_digest=e.get("compareDigest", e.get("compare_digest", ...)))
                  for e in entries]
        return self.metafields_set(inputs)

    def metafields_set(self, inputs: Sequence[MetafieldsSetInput]) -> list[Metafield]:
        """`metafieldsSet`: validate every input, then write them all or none (the mutation is atomic).

        Each owner whose metafields changed gets a fresh `updated_at` and one `companies/update`
        (a guess: Shopify does not document whether a metafield write touches the owner).
        """
        with self._lock:
            written, touched = self._apply_metafields(list(inputs), touch=True)
            snapshots = [copy.deepcopy(self._companies[cid]) for cid in touched]
            result = [copy.deepcopy(m) for m in written]
        for snapshot in snapshots:
            self._on_change(TOPIC_UPDATE, snapshot)
        return result

    def reset(self) -> None:
        """Forget every company (a fresh shop); no webhooks."""
        with self._lock:
            self._companies.clear()
            self._owned.clear()

    # ---------------------------------------------------------------- rendering

    def rest_json(self, company: Company, *, utc_offset: timedelta = timedelta(0),
                  metafield_namespaces: Sequence[str] = ()) -> dict[str, Any]:
        """The body of a `companies/*` webhook for this company.

        Keys and order follow the sample payloads of companies/create|update|delete in Shopify's webhook
        reference (https://shopify.dev/docs/api/webhooks?reference=toml, "companies/create"): no numeric
        `id`, the GID in `admin_graphql_api_id`, and the same full shape on delete (unlike the id-only
        deletes of REST resources, docs/vendor-behaviour.md §1.8). Times carry the shop's UTC offset. When the
        subscription asked for `metafield_namespaces`, the matching metafields are added as REST does.
        """
        body: dict[str, Any] = {
            "name": company.name,
            "note": company.note,
            "external_id": company.external_id,
            # Contacts are not modelled, so a company never has a main contact.
            "main_contact_admin_graphql_api_id": None,
            "created_at": _rest_time(company.created_at, utc_offset),
            "updated_at": _rest_time(company.updated_at, utc_offset),
            "customer_since": _rest_time(company.customer_since, utc_offset),
            "admin_graphql_api_id": company.gid,
        }
        if metafield_namespaces:
            body["metafields"] = [
                {"id": m.id, "namespace": m.namespace, "key": m.key, "value": m.value, "description": None,
                 "owner_id": company.id, "created_at": _rest_time(m.created_at, utc_offset),
                 "updated_at": _rest_time(m.updated_at, utc_offset), "owner_resource": "company",
                 "type": m.type, "admin_graphql_api_id": metafield_gid(m.id)}
                for m in sorted(company.metafields.values(), key=lambda m: m.id)
                if m.namespace in metafield_namespaces
            ]
        return body

    # ---------------------------------------------------------------- internals

    def _validate(self, *, name: str | None, note: str | None, external_id: str | None, check_name: bool,
                  company_id: int | None) -> tuple[str, str | None, str | None]:
        errors: list[CompanyUserError] = []
        # Shopify strips HTML from a company name before validating it: "<b>B2B Draft</b>" is stored as
        # "B2B Draft" and " <b>  </b> " is blank (captures in airhorns/shopify-draft-proxy, I-3p).
        clean_name = html.unescape(TAG_RE.sub("", name or "")).strip()
        if check_name and not clean_name:
            errors.append(CompanyUserError(["name"], "Name can't be blank", "BLANK"))
        elif len(clean_name) > NAME_MAX:
            errors.append(CompanyUserError(["name"], "Company name is too long", "TOO_LONG"))
        if note is not None:
            # The note field is reported as `notes` (sic) in the real userErrors.
            if TAG_RE.search(note):
                errors.append(CompanyUserError(["notes"], "Note contains HTML tags", "INVALID",
                                               detail="contains_html_tags"))
            if len(note) > NOTE_MAX:
                errors.append(CompanyUserError(["notes"], "Note is too long", "TOO_LONG"))
        if external_id is not None and external_id != "":
            if len(external_id) > EXTERNAL_ID_MAX:
                errors.append(CompanyUserError(["externalId"], "External ID is too long", "TOO_LONG"))
            elif not EXTERNAL_ID_RE.match(external_id):
                errors.append(CompanyUserError(["externalId"], "External ID contains invalid characters",
                                               "INVALID", detail="external_id_contains_invalid_chars"))
            elif any(c.external_id == external_id and c.id != company_id for c in self._companies.values()):
                errors.append(CompanyUserError(["externalId"], "External ID has already been taken", "TAKEN",
                                               detail="duplicate_external_id"))
        _raise_all(errors)
        return clean_name, note, (external_id or None)

    def _set_website(self, company: Company, website: str | None) -> bool:
        key = (WEBSITE_NAMESPACE, WEBSITE_KEY)
        if website is None or website == "":
            return company.metafields.pop(key, None) is not None
        value = normalize_website(website)
        problem = _validate_metafield_value(WEBSITE_TYPE, value)
        if problem:
            raise CompanyUserError(["website"], problem, "INVALID_VALUE")
        current = company.metafields.get(key)
        if current and current.value == value and current.type == WEBSITE_TYPE:
            return False
        now = self._now()
        if current:
            current.value, current.type, current.updated_at = value, WEBSITE_TYPE, now
        else:
            company.metafields[key] = Metafield(self._next_id(), WEBSITE_NAMESPACE, WEBSITE_KEY, WEBSITE_TYPE,
                                                value, now, now)
        return True

    def _apply_metafields(self, inputs: list[MetafieldsSetInput],
                          touch: bool) -> tuple[list[Metafield], list[int]]:
        """Validate all inputs (raising every problem at once), then write them; caller holds the lock."""
        if len(inputs) > METAFIELDS_SET_MAX:
            raise CompanyUserError(["metafields"], f"Exceeded the maximum metafields input limit of "
                                   f"{METAFIELDS_SET_MAX}.", "LESS_THAN_OR_EQUAL_TO")
        errors: list[CompanyUserError] = []

        def fail(index: int, name: str, message: str, code: str) -> None:
            errors.append(CompanyUserError(["metafields", str(index), name], message, code, element_index=index))

        for index, entry in enumerate(inputs):
            owner = self._owner(entry.owner_id)
            if owner is None:
                fail(index, "ownerId", "Owner does not exist.", "INVALID")
                continue
            namespace = entry.namespace if entry.namespace is not None else APP_RESERVED_NAMESPACE
            if not 3 <= len(namespace) <= 255:
                fail(index, "namespace", "Namespace is too short (minimum is 3 characters)" if len(namespace) < 3
                     else "Namespace is too long (maximum is 255 characters)",
                     "TOO_SHORT" if len(namespace) < 3 else "TOO_LONG")
            elif not METAFIELD_KEY_RE.match(namespace.replace("--", "-")):
                fail(index, "namespace", "Namespace contains one or more invalid characters.", "INVALID")
            if not 2 <= len(entry.key) <= 64:
                fail(index, "key", "Key is too short (minimum is 2 characters)" if len(entry.key) < 2
                     else "Key is too long (maximum is 64 characters)",
                     "TOO_SHORT" if len(entry.key) < 2 else "TOO_LONG")
            elif not METAFIELD_KEY_RE.match(entry.key):
                fail(index, "key", "Key contains one or more invalid characters.", "INVALID")
            existing = owner.metafields.get((namespace, entry.key))
            mf_type = entry.type or (existing.type if existing else None)
            if not mf_type:
                fail(index, "type", "Type can't be blank", "BLANK")
            elif mf_type not in METAFIELD_TYPES:
                fail(index, "type", f"Type '{mf_type}' is not a valid type.", "INVALID_TYPE")
            else:
                problem = _validate_metafield_value(mf_type, entry.value)
                if problem:
                    fail(index, "value", problem, "INVALID_VALUE")
            if entry.compare_digest is not ...:
                # compareDigest: null means "must not exist yet"; a digest must match the stored value.
                current = existing.compare_digest if existing else None
                if entry.compare_digest != current:
                    fail(index, "compareDigest", "The resource has been updated since it was loaded. Try "
                         "again with an updated `compareDigest` value.", "STALE_OBJECT")
        _raise_all(errors)

        now = self._now()
        written: list[Metafield] = []
        touched: list[int] = []
        for entry in inputs:
            owner = self._owner(entry.owner_id)
            assert owner is not None
            namespace = entry.namespace if entry.namespace is not None else APP_RESERVED_NAMESPACE
            existing = owner.metafields.get((namespace, entry.key))
            mf_type = entry.type or existing.type  # type: ignore[union-attr]
            if existing is None:
                existing = Metafield(self._next_id(), namespace, entry.key, mf_type, entry.value, now, now)
                owner.metafields[(namespace, entry.key)] = existing
                changed = True
            else:
                changed = (existing.type, existing.value) != (mf_type, entry.value)
                existing.type, existing.value = mf_type, entry.value
                if changed:
                    existing.updated_at = now
            written.append(existing)
            if changed and touch and isinstance(owner, Company) and owner.id not in touched:
                owner.updated_at = now
                touched.append(owner.id)
        return written, touched

    def _owner(self, owner_id: int | str | None) -> Company | _Owned | None:
        """What holds the metafields of `owner_id`: a company, or another owner the store has; caller holds
        the lock. A customer's, product's or order's metafields do not touch the owner (no `updated_at`,
        no webhook): Shopify does not document that they do."""
        if isinstance(owner_id, int):
            return self._companies.get(owner_id)
        if isinstance(owner_id, str) and self.owner_exists(owner_id):
            return _Owned(self._owned.setdefault(owner_id, {}))
        return None


@dataclass
class _Owned:
    """The metafields of a customer, product or order, as `_apply_metafields` writes them."""

    metafields: dict[tuple[str, str], Metafield]
