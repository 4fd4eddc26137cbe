"""A sync that knows only the vendors' real addresses, as most do: https://api.hubapi.com and
https://{shop}.myshopify.com are written into it (standard library only). It syncs Shopify customers to HubSpot
contacts, one way, by polling, and tells a telemetry host it started.

Judge it without changing a line: shopsync routes the real hosts to its fakes through an HTTPS proxy with a CA of
the run (`HTTPS_PROXY`, `SSL_CERT_FILE`, which urllib honours) and refuses, and reports, the telemetry host.

    shopsync conform --impl-cmd "python examples/hardcoded_hosts_impl.py" --intercept-hosts --only CNT-2
"""
import contextlib
import json
import os
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

HUBSPOT = "https://api.hubapi.com"
SHOPIFY = "https://{shop}.myshopify.com"
state = {"settings": {}, "tokens": {}, "cursors": {}, "written": {}, "told": False}


def call(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null"), answer.headers


def token(shop):
    if shop["shop"] not in state["tokens"]:
        shopify = state["settings"]["shopify"]
        answer, _ = call("POST", SHOPIFY.format(shop=shop["shop"]) + "/admin/oauth/access_token", {
            "client_id": shopify["client_id"], "client_secret": shopify["client_secret"],
            "code": shop["authorization_code"]})
        state["tokens"][shop["shop"]] = answer["access_token"]
    return state["tokens"][shop["shop"]]


def customers(shop, since):
    url = SHOPIFY.format(shop=shop["shop"]) + "/admin/api/2026-10/customers.json?limit=250"
    if since:
        url += "&updated_at_min=" + urllib.request.quote(since.isoformat())
    found = []
    while url:
        page, headers = call("GET", url, headers={"X-Shopify-Access-Token": token(shop)})
        found += page["customers"]
        links = [part.split(";")[0].strip("<> ") for part in (headers.get("Link") or "").split(",")
                 if 'rel="next"' in part]
        url = links[0] if links else None
    return found


def tick(now):
    if not state["told"]:
        state["told"] = True
        with contextlib.suppress(urllib.error.URLError, OSError):  # no telemetry today
            call("POST", "https://telemetry.example.com/started", {"at": now.isoformat()})
    settings = state["settings"]
    if not ((settings.get("objects") or {}).get("contacts") or {}).get("enabled"):
        return
    hubspot = {"Authorization": "Bearer " + settings["hubspot"]["access_token"]}
    for shop in settings["shops"]:
        since = state["cursors"].get(shop["shop"])
        due = {}
        for customer in customers(shop, since - timedelta(minutes=2) if since else None):
            email = (customer.get("email") or "").strip().lower()
            if not email:
                continue
            props = {k: v for k, v in (("firstname", customer.get("first_name")),
                                       ("lastname", customer.get("last_name")), ("phone", customer.get("phone")),
                                       ("city", (customer.get("default_address") or {}).get("city")),
                                       ("zip", (customer.get("default_address") or {}).get("zip")),
                                       ("country", (customer.get("default_address") or {}).get("country")))
                     if v}
            if state["written"].get(email) != props:
                due[email] = props
        items = list(due.items())
        for start in range(0, len(items), 100):
            call("POST", HUBSPOT + "/crm/v3/objects/contacts/batch/upsert", {"inputs": [
                {"id": email, "idProperty": "email", "properties": {**props, "email": email}}
                for email, props in items[start:start + 100]]}, hubspot)
        state["written"].update(due)
        state["cursors"][shop["shop"]] = now


class Contract(BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")

    def do_GET(self):
        self.answer(200, {"contract": "1", "implementation": "hardcoded-hosts", "version": "0.1",
                          "capabilities": ["contacts"]})

    def do_PUT(self):
        state["settings"] = self.read()
        self.answer(200, {"ok": True})

    def do_POST(self):
        body = self.read()
        if self.path == "/tick":
            tick(datetime.fromisoformat(body["now"].replace("Z", "+00:00")))
        self.answer(200, {"busy": False, "next_wakeup": None} if self.path == "/tick" else {})

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(os.environ["SHOPSYNC_CONTROL_PORT"])), Contract).serve_forever()
