"""Two-way streams (contacts, companies, products): pull -> match -> merge -> write -> record.

A *group* is one HubSpot record and the Shopify records linked to it (one per shop at most). Each
tick a stream pulls what changed on either side (webhook hints, polls with overlapping cursors, full
listings on an initial sync), drops what equals the view it last synced (its own echoes, CNT-6),
gathers the rest into groups, and merges field by field: a field that changed on one side since the
last sync flows to the others; changed on several, the latest change by each side's own update
timestamp wins (CNT-5). Then it writes in batches and records the new views.

What a pass pulls is staged in a scratch SQLite file and handled a chunk at a time, so that memory
does not grow with the stores (an initial sync of 100,000 customers holds one chunk, not the store).

One module per phase: `pull`, `deletions`, `match` (which also completes groups), `merge` (pure), `write`;
`stream.TwoWay` runs them. Subclasses say what the object is keyed on and how its Shopify side is read
and written (`base.StreamBase`).
"""

from reference.objects.twoway.merge import merge_fields
from reference.objects.twoway.records import Group, Member, Pass, Seeds, Source
from reference.objects.twoway.stream import TwoWay

__all__ = ["Group", "Member", "Pass", "Seeds", "Source", "TwoWay", "merge_fields"]
