"""A tiny process-contract implementation for the world's tests (standard library only).

It counts ticks in its state directory (so a restart resumes the count), reads the shop once per
tick, and sleeps inside a tick when its settings ask it to (to test the harness's time limit).
"""

import json
import os
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STATE = Path(os.environ["SHOPSYNC_STATE_DIR"])
STATE.mkdir(parents=True, exist_ok=True)
SETTINGS = STATE / "settings.json"
TICKS = STATE / "ticks.json"


def load(path, default):
    return json.loads(path.read_text()) if path.exists() else default


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def do_GET(self):
        if self.path == "/health":
            self.reply(200, {"contract": "1", "implementation": "tiny", "version": "1", "capabilities": ["contacts"]})
        else:
            self.reply(404, {"error": "not found"})

    def do_PUT(self):
        settings = json.loads(self.body())
        if settings.get("hubspot", {}).get("ops_hub") == "free":
            return self.reply(422, {"error": "custom mappings need Operations Hub Starter"})
        SETTINGS.write_text(json.dumps(settings))
        self.reply(200, {"ok": True})

    def do_POST(self):
        body = self.body()
        if self.path == "/tick":
            now = json.loads(body)["now"]
            settings = load(SETTINGS, {})
            if settings.get("limits", {}).get("poll_interval_seconds") == 599:
                import time
                time.sleep(5)
            shop = settings["shops"][0]
            tokens = load(STATE / "tokens.json", {})
            if shop["shop"] not in tokens:
                form = urllib.parse.urlencode({"client_id": settings["shopify"]["client_id"],
                                               "client_secret": settings["shopify"]["client_secret"],
                                               "code": shop["authorization_code"]}).encode()
                with urllib.request.urlopen(f"{shop['admin_url']}/oauth/access_token", form) as answer:
                    tokens[shop["shop"]] = json.loads(answer.read())["access_token"]
                (STATE / "tokens.json").write_text(json.dumps(tokens))
            request = urllib.request.Request(f"{shop['admin_url']}/api/2024-10/shop.json",
                                             headers={"X-Shopify-Access-Token": tokens[shop["shop"]]})
            with urllib.request.urlopen(request) as answer:
                answer.read()
            ticks = load(TICKS, []) + [now]
            TICKS.write_text(json.dumps(ticks))
            return self.reply(200, {"busy": False, "next_wakeup": None})
        if self.path.startswith("/webhooks/"):
            return self.reply(200, {})
        self.reply(404, {"error": "not found"})

    def log_message(self, *args):
        pass


import urllib.parse  # noqa: E402

print("tiny implementation ready", flush=True)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["SHOPSYNC_CONTROL_PORT"])), Handler).serve_forever()
