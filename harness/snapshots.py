"""A whole world's vendor state as one document: both fakes, the clock's instant, the tenants.

`snapshot_world` writes it; `load_fakes` fills a world's freshly made stores from it (the world's
`restore` makes the stores, apps and servers). What the harness keeps about the run rather than
what the vendors keep (the audit log, delivery statistics, the fault schedule, the implementation)
is not in it: a vendor restart does not touch those.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from fakes.hubspot import snapshot as hubspot_snapshot
from fakes.shopify import snapshot as shopify_snapshot
from fakes.snapshot import SnapshotError
from harness.tenants import PortalTenant, ShopTenant

if TYPE_CHECKING:
    from harness.world import World

WORLD_FORMAT = "shopsync-world-snapshot/1"


def snapshot_world(world: World) -> dict[str, Any]:
    """The document `World.restore` takes."""
    return {
        "format": WORLD_FORMAT,
        "seed": world.seed,
        "shopify": shopify_snapshot.dump(world.shopify),
        "hubspot": hubspot_snapshot.dump(world.apps["hubspot"].extensions["hubspot"]),
        # Plain JSON: the tenants are the harness's, not a vendor's records (the fakes' codec takes only those).
        "tenants": {"shops": [dataclasses.asdict(t) for t in world.shops],
                    "portal": dataclasses.asdict(world.portal) if world.portal is not None else None},
    }


def check_world_snapshot(document: Any) -> None:
    """SnapshotError unless `document` is a world snapshot this code reads."""
    if not isinstance(document, dict) or document.get("format") != WORLD_FORMAT:
        raise SnapshotError(f"not a {WORLD_FORMAT} document")


def load_fakes(world: World, document: dict[str, Any]) -> None:
    """Fill the world's (new, empty) stores from `document`, and take its seed and tenants."""
    shopify_snapshot.load(world.shopify, document["shopify"])
    hubspot_snapshot.load(world.apps["hubspot"].extensions["hubspot"], document["hubspot"])
    world.seed = int(document["seed"])
    tenants = document.get("tenants") or {}
    shops = [ShopTenant(**entry) for entry in tenants.get("shops") or []]
    # A fresh world may serve Shopify at another address than the snapshotted one did.
    world.shops = [dataclasses.replace(t, admin_url=f"{world.shopify_url}/shops/{t.shop}/admin") for t in shops]
    portal = tenants.get("portal")
    world.portal = PortalTenant(**{**portal, "shops": [ShopTenant(**t) for t in portal.get("shops") or []]}) \
        if portal else None
