"""Serve a WSGI app on 127.0.0.1 with waitress (a production server), in a background thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from waitress.server import create_server


@dataclass
class RunningServer:
    """A server started by `serve_in_thread`; `url` is its base URL, `stop()` shuts it down."""

    url: str
    port: int
    _server: object
    _thread: threading.Thread

    def stop(self) -> None:
        """Close the listening socket and every connection, then wait for the serving and worker threads."""
        server: Any = self._server

        def close_all() -> None:
            # Runs in the serving thread: a socket closed from another thread can still be in the select()
            # the loop is blocked in, which then fails with EBADF. An empty map ends waitress's loop.
            for dispatcher in list(server._map.values()):
                dispatcher.close()

        if self._thread.is_alive():
            try:
                server.trigger.pull_trigger(close_all)
            except OSError:
                # The trigger is already closed (waitress closes it with the listener when its accept
                # handler fails), so the loop cannot be woken: close what is left from here instead.
                close_all()
            self._thread.join(timeout=5)
        server.task_dispatcher.shutdown(timeout=5)

    def kill(self) -> None:
        """Stop as a crashed server would: the listener and every open connection go at once.

        A fake restarted on the same port must not keep answering from its old state on a keep-alive
        connection; `stop` already closes every connection, so a kill is a stop.
        """
        self.stop()


def serve_in_thread(app, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> RunningServer:
    """Start `app` on `host:port` (0 = an ephemeral port) and return once it accepts connections."""
    server = create_server(app, host=host, port=port, threads=threads, ident="shopsync",
                           clear_untrusted_proxy_headers=True)
    bound = server.effective_port  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.run, name=f"waitress-{bound}", daemon=True)
    thread.start()
    return RunningServer(f"http://{host}:{bound}", bound, server, thread)
