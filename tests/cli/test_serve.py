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
