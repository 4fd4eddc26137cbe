"""A headless Chromium looking at the simulated world, as a merchant's browser would (MKT-1).

Playwright drives Debian's Chromium (never a downloaded one). Every request the browser makes goes through one
router: in process mode the fakes and the implementation listen on 127.0.0.1 and their requests go through;
in-process they have no sockets, so the router answers for their simulated hosts through the world's in-process
transport and the implementation's WSGI app page. Any other host is refused and remembered: the pages must work
offline (no script or font from a CDN).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from harness.adapters import IN_PROCESS_APP_HOST

CHROMIUM_INSTALL = "apt-get install chromium"
LAUNCH_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage")
PAGE_TIMEOUT_MS = 30_000  # real time: a page of the simulated world loads in well under a second


class BrowserMissing(RuntimeError):
    """No Chromium on this machine (the message says how to install it)."""


def chromium_path() -> str:
    """Debian's Chromium (or `SHOPSYNC_CHROMIUM`); BrowserMissing without one."""
    found = os.environ.get("SHOPSYNC_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not os.access(found, os.X_OK):
        raise BrowserMissing(f"Chromium is not installed: `{CHROMIUM_INSTALL}` (or set SHOPSYNC_CHROMIUM)")
    return found


class Browser:
    """One browser context over the world; `open(url)` gives a page. Use as a context manager."""

    def __init__(self, *, local_hosts: dict[str, httpx.BaseTransport] | None = None,
                 viewport: tuple[int, int] = (1280, 900)) -> None:
        self.local_hosts = dict(local_hosts or {})
        self.viewport = viewport
        self.refused: list[str] = []  # URLs of hosts outside the world the pages asked for
        self._playwright: Any = None
        self._browser: Any = None
        self.context: Any = None

    @classmethod
    def for_world(cls, world: Any, app_page: Callable | None) -> Browser:
        """A browser that reaches `world`'s fakes and the implementation's page in either mode."""
        hosts: dict[str, httpx.BaseTransport] = {}
        if world.transport is not None:
            for url in (world.shopify_url, world.hubspot_url):
                hosts[urlsplit(url).hostname or ""] = world.transport
        if app_page is not None:
            hosts[IN_PROCESS_APP_HOST] = httpx.WSGITransport(app=app_page)
        return cls(local_hosts=hosts)

    def __enter__(self) -> Browser:
        from playwright.sync_api import sync_playwright

        executable = chromium_path()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, args=list(LAUNCH_ARGS))
            self.context = self._browser.new_context(viewport={"width": self.viewport[0], "height": self.viewport[1]},
                                                     service_workers="block")
            self.context.set_default_timeout(PAGE_TIMEOUT_MS)
            self.context.route("**/*", self._route)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for close in (lambda: self.context and self.context.close(), lambda: self._browser and self._browser.close(),
                      lambda: self._playwright and self._playwright.stop()):
            with contextlib.suppress(Exception):  # closing a browser that already went away
                close()
        self.context = self._browser = self._playwright = None

    def open(self, url: str) -> tuple[Any, Any]:
        """A new page at `url`: (page, the main document's response)."""
        page = self.context.new_page()
        response = page.goto(url, wait_until="load")
        return page, response

    def _route(self, route: Any) -> None:
        request = route.request
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if parts.scheme in ("data", "about", "blob"):
            route.continue_()
            return
        transport = self.local_hosts.get(host)
        if transport is not None:
            self._answer(route, request, transport)
        elif host == "127.0.0.1":
            route.continue_()
        else:
            self.refused.append(request.url)
            route.abort("blockedbyclient")

    @staticmethod
    def _answer(route: Any, request: Any, transport: httpx.BaseTransport) -> None:
        headers = {k: v for k, v in request.headers.items() if not k.startswith(":")}
        with httpx.Client(transport=transport, timeout=PAGE_TIMEOUT_MS / 1000, trust_env=False) as client:
            response = client.request(request.method, request.url, headers=headers, content=request.post_data_buffer)
        kept = {k: v for k, v in response.headers.items()
                if k.lower() not in ("content-length", "content-encoding", "transfer-encoding", "connection")}
        route.fulfill(status=response.status_code, headers=kept, body=response.content)
