"""Implementation adapters: how the world talks to a sync implementation, in-process or as a process.

Both speak the process contract of docs/design.md#the-process-contract: start and report health, take
settings, tick at a simulated instant, receive webhooks; a process adapter can also be killed and restarted on the same
state directory.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import httpx

from fakes.clock import parse_iso8601

CONTRACT_VERSION = "1"
ENTRY_POINT_GROUP = "shopsync.implementations"
# Where a user reads what the harness expects; every message about a broken contract points there.
CONTRACT_DOC = "docs/design.md#the-process-contract"
TROUBLE_DOC = "docs/design.md#when-the-harness-cannot-run"


class ImplementationError(Exception):
    """The implementation misbehaved (crashed, timed out, answered outside the contract): an `error`, not a `fail`."""


@dataclass(frozen=True)
class Health:
    """What `GET /health` said."""

    contract: str
    implementation: str
    version: str
    capabilities: tuple[str, ...]
    # Where the Shopify admin embeds the implementation's app page (capability `shopify-app-page`, MKT-1).
    app_url: str | None = None

    @classmethod
    def from_json(cls, body: Any) -> Health:
        """Read a health body; ImplementationError when it is not one."""
        if not isinstance(body, dict) or not isinstance(body.get("capabilities", []), list):
            raise ImplementationError(f"GET /health answered {body!r}, not a contract health document: answer "
                                      '{"contract": "1", "implementation": NAME, "version": V, "capabilities": '
                                      f'[...]}} (see {CONTRACT_DOC})')
        app_url = body.get("app_url")
        return cls(str(body.get("contract", "")), str(body.get("implementation", "?")), str(body.get("version", "?")),
                   tuple(str(c) for c in body.get("capabilities", [])),
                   app_url if isinstance(app_url, str) and app_url.startswith(("http://", "https://")) else None)


@dataclass(frozen=True)
class SettingsReply:
    """How the implementation answered `PUT /settings`."""

    status: int
    error: str | None = None

    @property
    def accepted(self) -> bool:
        """200: the settings are in force."""
        return self.status == 200


@dataclass(frozen=True)
class TickReply:
    """How a tick ended: whether work remains, and when the implementation next wants to run."""

    busy: bool = False
    next_wakeup: datetime | None = None

    @classmethod
    def from_json(cls, body: Any) -> TickReply:
        """Read the optional tick body `{"busy": bool, "next_wakeup": ISO | null}`."""
        if not isinstance(body, dict):
            return cls()
        wake = body.get("next_wakeup")
        try:
            when = parse_iso8601(wake) if isinstance(wake, str) else None
        except ValueError:
            when = None
        return cls(bool(body.get("busy", False)), when)


@dataclass(frozen=True)
class SyncError:
    """One record the implementation could not write, as `GET /status` lists it: which object, which record
    (a Shopify record by shop and id, a HubSpot record by id), what the vendor said, and since when."""

    object: str
    message: str
    shop: str | None = None
    shopify_id: str | None = None
    hubspot_id: str | None = None
    since: str | None = None


@dataclass(frozen=True)
class SyncStatus:
    """What `GET /status` said: the errors the sync shows its user right now (empty: all is well)."""

    errors: tuple[SyncError, ...] = ()

    @classmethod
    def from_json(cls, body: Any) -> SyncStatus:
        """Read a status body; ImplementationError when it is not one."""
        items = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("object"), str)
                                                  for i in items):
            raise ImplementationError(f"GET /status answered {str(body)[:300]!r}, not a contract status document: "
                                      'answer {"errors": [{"object": ..., "shop": ..., "shopify_id": ..., '
                                      f'"hubspot_id": ..., "message": ..., "since": ...}}]}} (see {CONTRACT_DOC})')

        def text(value: Any) -> str | None:
            return None if value is None else str(value)
        return cls(tuple(SyncError(str(i["object"]), str(i.get("message") or ""), text(i.get("shop")),
                                   text(i.get("shopify_id")), text(i.get("hubspot_id")), text(i.get("since")))
                         for i in items))


STATUS_CAPABILITY = "status"  # an implementation that serves GET /status claims it in /health
APP_PAGE_CAPABILITY = "shopify-app-page"  # it serves a page the Shopify admin embeds, at /health's `app_url`
IN_PROCESS_APP_HOST = "impl.sim"  # the host an in-process implementation's app page answers at, in the browser


@dataclass
class Environment:
    """What the world gives an implementation: fake URLs, a state directory, an in-process transport."""

    hubspot_url: str
    shopify_url: str
    state_dir: Path
    transport: httpx.BaseTransport | None = None  # in-process only: reaches the fakes without sockets
    call_timeout: float = 30.0


class Implementation(ABC):
    """The operations of the process contract, whatever carries them."""

    name = "implementation"
    webhook_base = "https://impl.sim"

    @abstractmethod
    def start(self, env: Environment) -> Health:
        """Start the implementation against the world's fakes; its health."""

    @abstractmethod
    def configure(self, settings: dict) -> SettingsReply:
        """`PUT /settings`."""

    @abstractmethod
    def tick(self, now: datetime) -> TickReply:
        """`POST /tick` at simulated `now`."""

    @abstractmethod
    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        """`POST /webhooks/{source}`; the HTTP status."""

    @abstractmethod
    def kill(self) -> None:
        """Stop at once, as a crash would."""

    @abstractmethod
    def restart(self) -> Health:
        """Start again on the same state directory."""

    @abstractmethod
    def stop(self) -> None:
        """Stop cleanly at the end of a run."""

    def output(self) -> str:
        """What the implementation printed (stdout and stderr), for the report."""
        return ""

    def status(self) -> SyncStatus | None:
        """`GET /status`: the errors the sync shows its user; None when it does not serve one."""
        return None

    def app_page(self) -> Callable | None:
        """In-process only: the WSGI application serving the app page at the health's `app_url` (None: the
        page, if any, is served by the implementation's own process at that URL)."""
        return None


def _iso(now: datetime) -> str:
    return now.isoformat().replace("+00:00", "Z")


class InProcess(Implementation):
    """A Python object with `configure(settings)`, `tick(now)`, `handle_webhook(source, headers, body)`.

    `factory` is called with the keyword arguments it accepts among `transport`, `state_dir`,
    `hubspot_url` and `shopify_url`. `configure` refuses settings by raising ValueError (422 with its
    message); `tick` may return `{"busy": ..., "next_wakeup": ...}`; `handle_webhook` returns a status.
    A kill drops the object; a restart builds a new one on the same state directory.
    """

    def __init__(self, factory: Callable[..., Any], name: str | None = None) -> None:
        self.factory = factory
        self.name = name or getattr(factory, "__name__", "in-process")
        self.obj: Any = None
        self.env: Environment | None = None

    def start(self, env: Environment) -> Health:
        self.env = env
        wanted = inspect.signature(self.factory).parameters
        offered = {"transport": env.transport, "state_dir": env.state_dir, "hubspot_url": env.hubspot_url,
                   "shopify_url": env.shopify_url}
        accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in wanted.values())
        self.obj = self.factory(**{k: v for k, v in offered.items() if accepts_any or k in wanted})
        health = getattr(self.obj, "health", None)
        found = Health.from_json(health()) if callable(health) else Health(CONTRACT_VERSION, self.name, "?", ())
        if callable(getattr(self.obj, "app_page", None)) and found.app_url is None:
            found = replace(found, app_url=f"http://{IN_PROCESS_APP_HOST}{IN_PROCESS_APP_PATH}/")
        return found

    def app_page(self) -> Callable | None:
        if not callable(getattr(self.obj, "app_page", None)):
            return None
        return mount_app_page(lambda: self.obj)

    def _live(self) -> Any:
        if self.obj is None:
            raise ImplementationError(f"{self.name} is not running")
        return self.obj

    def configure(self, settings: dict) -> SettingsReply:
        try:
            self._live().configure(json.loads(json.dumps(settings)))
        except ValueError as refused:
            return SettingsReply(422, str(refused))
        except Exception as crash:
            raise ImplementationError(f"configure raised {crash!r}") from crash
        return SettingsReply(200)

    def tick(self, now: datetime) -> TickReply:
        try:
            return TickReply.from_json(self._live().tick(now))
        except ImplementationError:
            raise
        except Exception as crash:
            raise ImplementationError(f"tick({_iso(now)}) raised {crash!r}") from crash

    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        try:
            answer = self._live().handle_webhook(source, dict(headers), bytes(body))
        except Exception as crash:
            raise ImplementationError(f"handle_webhook({source}) raised {crash!r}") from crash
        return int(answer[0] if isinstance(answer, tuple) else (answer or 200))

    def kill(self) -> None:
        self.obj = None

    def status(self) -> SyncStatus | None:
        report = getattr(self._live(), "status", None)
        if not callable(report):
            return None
        try:
            body = report()
        except Exception as crash:
            raise ImplementationError(f"status() raised {crash!r}") from crash
        return SyncStatus.from_json(json.loads(json.dumps(body)))

    def restart(self) -> Health:
        if self.env is None:
            raise ImplementationError("restart before start")
        return self.start(self.env)

    def stop(self) -> None:
        close = getattr(self.obj, "close", None)
        if callable(close):
            close()
        self.obj = None


IN_PROCESS_APP_PATH = "/app"


def is_app_path(path: str) -> bool:
    """Whether a request path is the app page's (under /app)."""
    return path == IN_PROCESS_APP_PATH or path.startswith(IN_PROCESS_APP_PATH + "/")


def mount_app_page(current: Callable[[], Any], lock: Any = None) -> Callable:
    """A WSGI application serving `current().app_page()` under /app (the object changes when it restarts; the
    in-process form of the contract's page is a method `app_page()` returning a WSGI application)."""
    def application(environ: dict, start_response: Callable) -> Any:
        obj = current()
        page = getattr(obj, "app_page", None) if obj is not None else None
        path = environ.get("PATH_INFO", "")
        if not callable(page) or not is_app_path(path):
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"no app page here"]
        inner = {**environ, "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + IN_PROCESS_APP_PATH,
                 "PATH_INFO": path[len(IN_PROCESS_APP_PATH):] or "/"}
        with lock if lock is not None else contextlib.nullcontext():
            return list(page()(inner, start_response))
    return application


PORT_ATTEMPTS = 3
ADDRESS_IN_USE = re.compile(r"(?i)address already in use|EADDRINUSE")


class PortTaken(ImplementationError):
    """The control port was bound by someone else before the implementation bound it."""


def free_port() -> int:
    """An ephemeral port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process(Implementation):
    """Any command speaking the HTTP contract: started with the contract's variables, driven over HTTP."""

    command: str
    name: str = "process"
    startup_timeout: float = 30.0
    log_dir: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.env: Environment | None = None
        self.http = httpx.Client(trust_env=False)
        self._logs: list[Path] = []

    @property
    def webhook_base(self) -> str:  # type: ignore[override]
        return f"http://127.0.0.1:{self.port}" if self.port else "http://127.0.0.1:0"

    def start(self, env: Environment) -> Health:
        if self.port is not None:  # a restart: the webhooks the fakes send still name this port
            return self._start(env)
        for attempt in range(PORT_ATTEMPTS):
            self.port = free_port()
            try:
                return self._start(env)
            except PortTaken:
                # Free a moment ago, bound by another process before the implementation could (parallel
                # runs on one machine): the first start may take another port, later ones may not.
                if attempt == PORT_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _start(self, env: Environment) -> Health:
        self.env = env
        assert self.port is not None
        env.state_dir.mkdir(parents=True, exist_ok=True)
        log_dir = self.log_dir or env.state_dir.parent / f"{env.state_dir.name}-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / f"run-{len(self._logs) + 1}.log"
        self._logs.append(log)
        variables = {**os.environ, **self.extra_env,
                     "SHOPSYNC_CONTROL_PORT": str(self.port), "SHOPSYNC_HUBSPOT_URL": env.hubspot_url,
                     "SHOPSYNC_SHOPIFY_URL": env.shopify_url, "SHOPSYNC_STATE_DIR": str(env.state_dir)}
        with log.open("ab") as sink:
            self.proc = subprocess.Popen(shlex.split(self.command), env=variables, stdout=sink,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                error = PortTaken if ADDRESS_IN_USE.search(self.output()[-2000:]) else ImplementationError
                raise error(f"{self.name} exited with {self.proc.returncode} before it answered GET "
                                          f"/health (command: {self.command}; see {TROUBLE_DOC}); its output:\n"
                                          f"{self.output()[-2000:]}")
            try:
                response = self.http.get(f"{self.webhook_base}/health", timeout=1.0)
                if response.status_code == 200:
                    health = Health.from_json(response.json())
                    self.name = health.implementation or self.name
                    return health
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.05)
        self.kill()
        raise ImplementationError(f"{self.name} did not answer GET /health on 127.0.0.1:{self.port} within "
                                  f"{self.startup_timeout:g} s: it must serve the contract on "
                                  f"127.0.0.1:$SHOPSYNC_CONTROL_PORT and answer 200 once ready. Run the command "
                                  f"({self.command}) by hand with the SHOPSYNC_* variables set to see why "
                                  f"(see {TROUBLE_DOC})")

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self.proc is None or self.env is None:
            raise ImplementationError(f"{self.name} is not running")
        try:
            return self.http.request(method, f"{self.webhook_base}{path}", timeout=self.env.call_timeout, **kwargs)
        except httpx.TimeoutException:
            raise ImplementationError(f"{method} {path} took longer than {self.env.call_timeout:g} s; a contract "
                                      "call must answer within that limit: do a long job over several ticks and "
                                      f'answer {{"busy": true}} to be ticked again (see {CONTRACT_DOC})') from None
        except httpx.HTTPError as error:
            raise ImplementationError(f"{method} {path} failed: {error!r}; the implementation stopped answering "
                                      f"on 127.0.0.1:{self.port} (see {TROUBLE_DOC})") from None

    def configure(self, settings: dict) -> SettingsReply:
        response = self._call("PUT", "/settings", json=settings)
        if response.status_code == 200:
            return SettingsReply(200)
        try:
            message = str(response.json().get("error"))
        except (ValueError, AttributeError):
            message = response.text[:500]
        if response.status_code != 422:
            raise ImplementationError(f"PUT /settings answered {response.status_code}: {message}; the contract "
                                      'allows 200 (accepted) or 422 with {"error": "..."} (refused), see '
                                      f"{CONTRACT_DOC}")
        return SettingsReply(422, message)

    def tick(self, now: datetime) -> TickReply:
        response = self._call("POST", "/tick", json={"now": _iso(now)})
        if response.status_code != 200:
            raise ImplementationError(f"POST /tick answered {response.status_code}: {response.text[:500]}; the "
                                      f"contract wants 200 once the due work is done (see {CONTRACT_DOC})")
        try:
            return TickReply.from_json(response.json())
        except ValueError:
            return TickReply()

    def handle_webhook(self, source: str, headers: dict[str, str], body: bytes) -> int:
        return self._call("POST", f"/webhooks/{source}", headers=headers, content=body).status_code

    def status(self) -> SyncStatus | None:
        response = self._call("GET", "/status")
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ImplementationError(f"GET /status answered {response.status_code}: {response.text[:500]}; the "
                                      f"contract wants 200 with the sync's errors (see {CONTRACT_DOC})")
        try:
            return SyncStatus.from_json(response.json())
        except ValueError:
            return SyncStatus.from_json(response.text)

    def kill(self) -> None:
        self.sigkill()
        self.proc = None

    def sigkill(self) -> None:
        """SIGKILL the process group and leave the adapter as it is (safe from another thread: the harness
        kills in the middle of a call it is serving, while the caller still waits for its answer)."""
        proc = self.proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def restart(self) -> Health:
        if self.env is None:
            raise ImplementationError("restart before start")
        self.kill()
        return self.start(self.env)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                self.kill()
        self.proc = None
        self.http.close()

    def output(self) -> str:
        return "".join(log.read_text(encoding="utf-8", errors="replace") for log in self._logs if log.exists())


def installed_implementations() -> dict[str, Any]:
    """Implementations registered under the `shopsync.implementations` entry-point group."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_implementation(name: str) -> InProcess:
    """The installed Python implementation called `name`, as an in-process adapter.

    `name` is an entry-point name of the `shopsync.implementations` group, or an import path
    `package.module:Factory` (handy for an implementation under development, or the harness's mutants).
    """
    if ":" in name:
        import importlib

        module_name, _, attribute = name.partition(":")
        try:
            factory = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as missing:
            raise LookupError(f"cannot import implementation {name!r}: {missing} (an import path is "
                              f"package.module:Factory, importable from the current directory; see "
                              f"{CONTRACT_DOC})") from None
        return InProcess(factory, attribute)
    found = installed_implementations().get(name)
    if found is None:
        known = ", ".join(sorted(installed_implementations())) or "none"
        raise LookupError(f"no implementation {name!r} in entry-point group {ENTRY_POINT_GROUP} (installed: {known});"
                          " register yours there, give an import path package.module:Factory, or run a program "
                          f'with --impl-cmd "CMD" (see {CONTRACT_DOC})')
    return InProcess(found.load(), name)
