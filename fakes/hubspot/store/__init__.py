"""HubSpotStore: the state and behaviour of the fake HubSpot, for many portals, with no HTTP in it.

Everything the vendor validates is validated here (property values, uniqueness, batch limits, search
limits, association types, scopes); the Flask routes only parse, call one method and render. All
timestamps come from the SimClock. Record ids come from one counter per store, so a seed fixes them.

Search is eventually consistent, as in the real API (docs/vendor-behaviour.md §3.5): every change appends a version
of the record, and search reads, for each record, the newest version at least `search_index_delay` old.

One module a group of operations, composed into one store the way fakeredis composes its command groups: `core`
(portals, apps, tokens, ids), `oauth`, `properties` (and pipelines), `writes`, `reads` (and search), `batch`,
`associations`, `webhook_settings`, `harness_edits` (marketers' edits, the judge's reads, seeding); `records`
holds the data types and limits; `modified_window` answers a poller's search by modified date and id in a big
table from its update index.
"""

from fakes.hubspot.store.associations import Associations
from fakes.hubspot.store.batch import Batches
from fakes.hubspot.store.harness_edits import HarnessEdits
from fakes.hubspot.store.oauth import Auth
from fakes.hubspot.store.properties import Properties
from fakes.hubspot.store.reads import RecordReads
from fakes.hubspot.store.records import (
    ASSOC_LIST_MAX,
    BATCH_LIMIT,
    HISTORY_BATCH_LIMIT,
    LIST_DEFAULT,
    LIST_MAX,
    TIERS,
    AssociationLink,
    BatchError,
    BatchResult,
    CrmRecord,
    Dashboard,
    Page,
    Portal,
    RecordVersion,
    RecordView,
    iso,
)
from fakes.hubspot.store.webhook_settings import WebhookSettings
from fakes.hubspot.store.writes import RecordWrites

__all__ = ["ASSOC_LIST_MAX", "BATCH_LIMIT", "HISTORY_BATCH_LIMIT", "LIST_DEFAULT", "LIST_MAX", "TIERS",
           "AssociationLink", "BatchError", "BatchResult", "CrmRecord", "Dashboard", "HubSpotStore", "Page", "Portal",
           "RecordVersion", "RecordView", "iso"]


class HubSpotStore(Auth, Properties, RecordWrites, RecordReads, Batches, Associations, WebhookSettings, HarnessEdits):
    """Thread-safe state of the fake HubSpot: portals, apps, tokens, and every CRM operation."""
