"""The marketing tools a portal shows inside the Shopify admin (MKT-1): forms and chatflows.

Forms are HubSpot's Marketing Forms v3 (`GET /marketing/v3/forms`). HubSpot publishes no chatflows API;
the closest documented endpoint is the Conversations inbox API's channel accounts, where each live-chat
channel account is a chat a visitor can open (docs/vendor-behaviour.md §10). Both are seeded per portal
from the run's seed, paged by an opaque `after` cursor, and kept in the portal (so snapshots carry them).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

FORM_DEFAULT_LIMIT = 20
CHANNEL_DEFAULT_LIMIT = 20
MAX_LIMIT = 100
LIVE_CHAT = "1000"
# Conversations channels by id (docs/vendor-behaviour.md §10.2); chatflows live on the live-chat channel.
CHANNELS = (("1000", "Chat"), ("1001", "Facebook Messenger"), ("1002", "Email"))

_FORM_TOPICS = ("Newsletter sign-up", "Contact us", "Wholesale enquiry", "Back in stock alert", "Product review",
                "Event registration", "Size guide download", "Gift card request", "Returns request",
                "Loyalty club", "Catalogue request", "Store visit booking", "Personal shopper", "Trade account")
_FORM_PLACES = ("home page", "footer", "blog", "checkout", "landing page", "pop-up", "product page", "spring sale",
                "summer sale", "holiday campaign")
_CHATFLOWS = ("Website live chat", "Checkout help bot", "Returns assistant", "Wholesale chat", "Order status bot",
              "Sizing help")
_INBOXES = ("Sales", "Support")


@dataclass
class FormField:
    """One field of a form, as v3 nests it in a field group."""

    name: str
    label: str
    field_type: str
    required: bool = False


@dataclass
class Form:
    """A HubSpot form (`formType` hubspot)."""

    id: str
    name: str
    created_at: datetime
    updated_at: datetime
    fields: list[FormField]
    archived: bool = False
    form_type: str = "hubspot"

    def as_json(self) -> dict:
        """The v3 shape: one field group per field, as HubSpot's editor makes them."""
        return {"id": self.id, "name": self.name, "createdAt": _iso(self.created_at),
                "updatedAt": _iso(self.updated_at), "archived": self.archived, "formType": self.form_type,
                "fieldGroups": [{"groupType": "default_group", "richTextType": "text", "fields": [
                    {"objectTypeId": "0-1", "name": f.name, "label": f.label, "required": f.required,
                     "hidden": False, "fieldType": f.field_type}]} for f in self.fields],
                "configuration": {"language": "en", "cloneable": True, "editable": True, "archivable": True,
                                  "recaptchaEnabled": False, "notifyContactOwner": False, "notifyRecipients": [],
                                  "createNewContactForNewEmail": False, "prePopulateKnownValues": True,
                                  "allowLinkToResetKnownValues": False, "lifecycleStages": [],
                                  "postSubmitAction": {"type": "thank_you", "value": "Thanks!"}},
                "displayOptions": {"renderRawHtml": False, "theme": "default_style", "submitButtonText": "Submit",
                                   "style": {}, "cssClass": ""},
                "legalConsentOptions": {"type": "none"}}


@dataclass
class ChannelAccount:
    """A channel account of the Conversations inbox (a live-chat one is a chatflow)."""

    id: str
    channel_id: str
    name: str
    inbox_id: str
    created_at: datetime
    active: bool = True
    archived: bool = False

    def as_json(self) -> dict:
        """The Conversations v3 shape."""
        return {"id": self.id, "channelId": self.channel_id, "name": self.name, "inboxId": self.inbox_id,
                "active": self.active, "archived": self.archived, "authorized": True,
                "createdAt": _iso(self.created_at),
                "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": f"{self.channel_id}-{self.id}"}}


@dataclass
class MarketingTools:
    """A portal's forms and conversation channel accounts."""

    forms: list[Form] = field(default_factory=list)
    channel_accounts: list[ChannelAccount] = field(default_factory=list)

    def chatflows(self) -> list[ChannelAccount]:
        """The live-chat channel accounts that are on: what the app lists as chatflows."""
        return [a for a in self.channel_accounts if a.channel_id == LIVE_CHAT and a.active and not a.archived]

    def live_forms(self) -> list[Form]:
        """Forms not archived, in id order (the order the list endpoint pages them in)."""
        return [f for f in self.forms if not f.archived]


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def seed_tools(portal_id: int, seed: int, now: datetime) -> MarketingTools:
    """Forms and chat accounts for one portal, the same for the same seed: between 18 and 30 forms (more than
    one page of the default 20, so a client must page), three to five chatflows, one archived form, one email
    inbox account and one chat account switched off (neither is a chatflow to show)."""
    rng = random.Random(f"shopsync:{seed}:marketing:{portal_id}")
    names = sorted({f"{topic} ({place})" for topic in _FORM_TOPICS for place in _FORM_PLACES})
    chosen = rng.sample(names, rng.randint(18, 30))
    forms = []
    for index, name in enumerate(chosen):
        created = now - timedelta(days=rng.randint(30, 900), seconds=rng.randint(0, 86_399))
        fields = [FormField("email", "Email", "email", True)]
        if rng.random() < 0.7:
            fields.append(FormField("firstname", "First name", "single_line_text"))
        if rng.random() < 0.4:
            fields.append(FormField("message", "Message", "multi_line_text"))
        form_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        forms.append(Form(form_id, name, created, created + timedelta(days=rng.randint(0, 20)), fields,
                          archived=index == len(chosen) - 1))
    forms.sort(key=lambda f: f.id)
    accounts = []
    chats = rng.sample(_CHATFLOWS, rng.randint(3, 5))
    for index, name in enumerate([*chats, "Chat (switched off)"]):
        accounts.append(ChannelAccount(str(800_000 + portal_id * 100 + index), LIVE_CHAT, name,
                                       str(portal_id * 10 + index % len(_INBOXES) + 1),
                                       now - timedelta(days=rng.randint(30, 600)), active=index < len(chats)))
    accounts.append(ChannelAccount(str(800_000 + portal_id * 100 + 50), "1002", f"support@portal{portal_id}.example",
                                   str(portal_id * 10 + 2), now - timedelta(days=rng.randint(30, 600))))
    return MarketingTools(forms, accounts)


def page(items: list, after: str | None, limit: int, key) -> tuple[list, str | None]:
    """One page of `items` (sorted by `key`) after the cursor `after` (the last key of the previous page)."""
    start = 0
    if after:
        start = next((i for i, item in enumerate(items) if key(item) > after), len(items))
    chunk = items[start:start + limit]
    more = start + limit < len(items)
    return chunk, (key(chunk[-1]) if more and chunk else None)
