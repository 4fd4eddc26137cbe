"""The `shopsync` command: serve the fakes (and, as the project grows, conform, report, replay)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence


def _serve(args: argparse.Namespace) -> int:
    from fakes.audit import AuditLog
    from fakes.clock import WallPacedClock
    from fakes.hubspot.app import create_app as create_hubspot_app
    from fakes.hubspot.demo import add_demo_portal
    from fakes.hubspot.store import HubSpotStore
    from fakes.outbox import Outbox
    from fakes.serving import serve_in_thread
    from fakes.shopify.app import create_app as create_shopify_app
    from fakes.shopify.demo import DEMO_APP, DEMO_APP_SECRET, add_demo_shop
    from fakes.shopify.seed import SeedPlan, seed_shop
    from fakes.shopify.store import ShopifyStore

    # In `serve` the simulated clock runs with real time (scaled by --speed) so buckets leak and
    # search indexes catch up as they would against the vendors.
    clock = WallPacedClock(speed=args.speed)
    audit = AuditLog()
    shopify_store = ShopifyStore(clock, Outbox())
    shop, shop_token = add_demo_shop(shopify_store)
    hubspot_store = HubSpotStore(clock, Outbox())
    portal_id, portal_token = add_demo_portal(hubspot_store)
    if args.seed is not None:
        seed_shop(shopify_store, shop, args.seed, SeedPlan(customers=25, products=8, orders=20, checkouts=5))
        hubspot_store.seed(portal_id, args.seed)
    shopify = serve_in_thread(create_shopify_app(shopify_store, audit=audit), args.host, args.shopify_port)
    hubspot = serve_in_thread(create_hubspot_app(hubspot_store, audit=audit), args.host, args.hubspot_port)
    described = {
        "shopify": {"url": shopify.url, "shop": shop, "admin_api": f"{shopify.url}/shops/{shop}/admin/api/2024-10",
                    "token": shop_token, "app": {"client_id": DEMO_APP, "client_secret": DEMO_APP_SECRET},
                    "openapi": f"{shopify.url}/openapi.json"},
        "hubspot": {"url": hubspot.url, "portal_id": portal_id, "token": portal_token,
                    "openapi": f"{hubspot.url}/openapi.json"},
        "clock": {"start": clock.start.isoformat(), "speed": args.speed},
    }
    if args.json:
        print(json.dumps(described), flush=True)
    else:
        print(f"fake Shopify  {described['shopify']['admin_api']}  token {shop_token}")
        print(f"fake HubSpot  {hubspot.url}  portal {portal_id}  token {portal_token}")
        print("Ctrl-C stops both.", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    shopify.stop()
    hubspot.stop()
    return 0


def _serve_impl(args: argparse.Namespace) -> int:
    from fakes.world.adapters import load_implementation
    from fakes.world.serve_impl import serve

    try:
        adapter = load_implementation(args.name)
    except LookupError as missing:
        print(f"shopsync serve-impl: {missing}", file=sys.stderr)
        return 2
    serve(adapter)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="shopsync", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run both fakes on real ports for manual exploration and SDK use")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--shopify-port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--hubspot-port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=None, help="fill the demo shop and portal with seeded data")
    serve.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    serve.add_argument("--json", action="store_true", help="print one JSON line with URLs and tokens")
    serve.set_defaults(run=_serve)

    serve_impl = sub.add_parser("serve-impl", help="serve an installed in-process implementation under the "
                                                   "HTTP process contract (reads the SHOPSYNC_* variables)")
    serve_impl.add_argument("name", help="entry-point name in the shopsync.implementations group")
    serve_impl.set_defaults(run=_serve_impl)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `shopsync` console script."""
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
