"""The smallest implementation of the shopsync process contract (standard library only).

Run the suite against it:  shopsync conform --impl-cmd "python examples/minimal_impl.py"
It answers every call of the contract and syncs nothing, so the report lists what is left to build.
"""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

settings = {}


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

    def do_GET(self):  # GET /health
        self.answer(200, {"contract": "1", "implementation": "minimal", "version": "0.1", "capabilities": []})

    def do_PUT(self):  # PUT /settings: the whole configuration
        settings.update(self.read())
        self.answer(200, {"ok": True})

    def do_POST(self):  # POST /tick {"now": ...} and POST /webhooks/{shopify,hubspot}
        body = self.read()
        if self.path == "/tick":
            now = body["now"]  # the only clock you may use; do the work that is due at `now` here
            self.answer(200, {"busy": False, "next_wakeup": None, "now": now})
        else:
            self.answer(200, {})

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(os.environ["SHOPSYNC_CONTROL_PORT"])), Contract).serve_forever()
