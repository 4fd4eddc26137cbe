"""The load generator of the load test: a separate process of concurrent clients against both fakes.

Usage: python load_client.py SHOPIFY_URL HUBSPOT_URL CLIENTS SECONDS. Prints one JSON line: what it
did and every status it received. Each client writes records with its own unique keys, reads lists,
and makes a duplicate on purpose now and then (which the fakes must refuse).
"""

import json
import sys
import threading
import time

import httpx


def client_loop(n: int, shopify: str, hubspot: str, until: float, tally: dict, lock: threading.Lock) -> None:
    shop_headers = {"X-Shopify-Access-Token": "shpat_demo"}
    hub_headers = {"Authorization": "Bearer pat-na1-demo"}
    made_customers, made_contacts, statuses = [], [], {}
    with httpx.Client(trust_env=False, timeout=30) as http:
        i = 0
        while time.monotonic() < until:
            i += 1
            email = f"load-{n}-{i}@example.com"
            calls = [
                ("shopify-create", lambda email=email: http.post(f"{shopify}/customers.json", headers=shop_headers,
                                                     json={"customer": {"email": email, "first_name": f"C{n}"}})),
                ("hubspot-create", lambda email=email: http.post(f"{hubspot}/crm/v3/objects/contacts",
                                                                 headers=hub_headers,
                                                                 json={"properties": {"email": email}})),
                ("shopify-list", lambda: http.get(f"{shopify}/customers.json", headers=shop_headers,
                                                  params={"limit": 50})),
                ("hubspot-list", lambda: http.get(f"{hubspot}/crm/v3/objects/contacts", headers=hub_headers)),
            ]
            if i % 10 == 0:  # a duplicate: must be refused, never stored twice
                calls.append(("shopify-duplicate", lambda: http.post(
                    f"{shopify}/customers.json", headers=shop_headers,
                    json={"customer": {"email": f"load-{n}-1@example.com"}})))
            for name, call in calls:
                response = call()
                statuses.setdefault(name, {}).setdefault(str(response.status_code), 0)
                statuses[name][str(response.status_code)] += 1
                if name == "shopify-create" and response.status_code == 201:
                    made_customers.append(response.json()["customer"]["id"])
                if name == "hubspot-create" and response.status_code == 201:
                    made_contacts.append(response.json()["id"])
    with lock:
        tally["customers"] += made_customers
        tally["contacts"] += made_contacts
        for name, counts in statuses.items():
            for code, count in counts.items():
                tally["statuses"].setdefault(name, {}).setdefault(code, 0)
                tally["statuses"][name][code] += count


def main() -> None:
    shopify, hubspot, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    until = time.monotonic() + seconds
    tally: dict = {"customers": [], "contacts": [], "statuses": {}}
    lock = threading.Lock()
    threads = [threading.Thread(target=client_loop, args=(n, shopify, hubspot, until, tally, lock))
               for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(tally))


if __name__ == "__main__":
    main()
