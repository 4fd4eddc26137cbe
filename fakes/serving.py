"""Serve a WSGI app on 127.0.0.1 with waitress (a production server), in a background thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from waitress.server import create_server


@dataclass
class RunningServer:
    """A server started by `serve_in_thread`; `url` is its base URL, `stop()` shuts it down."""

    url: str
    port: int
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        """Close the listening socket and wait for the serving thread."""
        self._server.close()  # type: ignore[attr-defined]
        self._thread.join(timeout=5)


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> RunningServer:
    """Start `app` on `host:port` (0 = an ephemeral port) and return once it accepts connections."""
    server = create_server(app, host=host, port=port, threads=threads, ident="shopsync",
                           clear_untrusted_proxy_headers=True)
    bound = server.effective_port  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.run, name=f"waitress-{bound}", daemon=True)
    thread.start()
    return RunningServer(f"http://{host}:{bound}", bound, server, thread)
