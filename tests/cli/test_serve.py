"""`shopsync serve`: both fakes on real ports, one JSON line with URLs and tokens, until interrupted."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx


def test_serve_prints_urls_and_tokens_and_both_fakes_answer():
    proc = subprocess.Popen([sys.executable, "-m", "scenarios.cli", "serve", "--json", "--seed", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        described = json.loads(proc.stdout.readline())
        shopify, hubspot = described["shopify"], described["hubspot"]
        assert shopify["token"] == "shpat_demo" and hubspot["token"] == "pat-na1-demo"
        customers = httpx.get(f"{shopify['admin_api']}/customers.json", params={"limit": 5},
                              headers={"X-Shopify-Access-Token": shopify["token"]}, timeout=10)
        assert customers.status_code == 200 and len(customers.json()["customers"]) == 5
        assert "rel=\"next\"" in customers.headers["Link"]
        assert customers.headers["Server"].startswith("shopsync")  # waitress, not Flask's dev server
        contacts = httpx.get(f"{hubspot['url']}/crm/v3/objects/contacts",
                             headers={"Authorization": f"Bearer {hubspot['token']}"}, timeout=10)
        assert contacts.status_code == 200 and contacts.json()["results"]
        assert httpx.get(shopify["openapi"], timeout=10).json()["openapi"].startswith("3.")
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0


def test_serve_seeds_a_big_store_and_pages_it_from_the_cursor():
    proc = subprocess.Popen([sys.executable, "-m", "scenarios.cli", "serve", "--json", "--customers", "12_000",
                             "--orders", "12000", "--seed", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        described = json.loads(proc.stdout.readline())
        shopify = described["shopify"]
        headers = {"X-Shopify-Access-Token": shopify["token"]}
        graphql = f"{shopify['url']}/shops/{shopify['shop']}/admin/api/2026-10/graphql.json"
        counted = httpx.post(graphql, headers=headers, timeout=30, json={
            "query": "{ customersCount(limit: null) { count } ordersCount(limit: null) { count } }"}).json()
        assert counted["data"] == {"customersCount": {"count": 12_000}, "ordersCount": {"count": 12_000}}
        page = httpx.get(f"{shopify['admin_api']}/orders.json", params={"limit": 250, "status": "any"},
                         headers=headers, timeout=30)
        orders = page.json()["orders"]
        assert len(orders) == 250 and all(o["customer"]["email"].endswith("@example.com") for o in orders)
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=15) == 0
    assert "seeded 12,000 customers and 12,000 orders" in proc.stderr.read()
