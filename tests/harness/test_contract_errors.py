"""An implementation outside the process contract gets an error that says what to do and where to read."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from harness import ImplementationError, Process, World
from harness.adapters import Health, load_implementation

# Answers /health, then breaks the contract: PUT /settings with a 500, POST /tick with a 404.
OFF_CONTRACT = '''
import json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(200, {"contract": "1", "implementation": "off", "version": "0", "capabilities": []})

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer(500, {"error": "boom"})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer(404, {"error": "no such route"})

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(os.environ["SHOPSYNC_CONTROL_PORT"])), Handler).serve_forever()
'''


@pytest.fixture
def world(tmp_path: Path):
    world = World(seed=5, mode="process", workdir=tmp_path)
    world.open_portal()
    world.install_shop("alpha")
    yield world
    world.close()


def test_a_command_that_never_answers_health_is_told_where_to_serve_it(world: World) -> None:
    impl = Process(f"{sys.executable} -c 'import time; time.sleep(30)'", name="silent", startup_timeout=1.0)
    with pytest.raises(ImplementationError) as raised:
        world.attach(impl)
    message = str(raised.value)
    assert "did not answer GET /health" in message and "127.0.0.1:$SHOPSYNC_CONTROL_PORT" in message
    assert "by hand with the SHOPSYNC_* variables" in message
    assert "docs/design.md#when-the-harness-cannot-run" in message


def test_a_command_that_exits_names_itself_and_the_docs(world: World) -> None:
    command = f"{sys.executable} -c 'import sys; print(\"no port\"); sys.exit(3)'"
    with pytest.raises(ImplementationError) as raised:
        world.attach(Process(command, name="broken"))
    message = str(raised.value)
    assert "exited with 3 before it answered GET /health" in message and command in message
    assert "docs/design.md#when-the-harness-cannot-run" in message and message.rstrip().endswith("no port")


def test_answers_outside_the_contract_say_which_answers_it_allows(world: World, tmp_path: Path) -> None:
    script = tmp_path / "off_contract.py"
    script.write_text(OFF_CONTRACT)
    world.attach(Process(f"{sys.executable} {script}", name="off"))
    with pytest.raises(ImplementationError, match=r"PUT /settings answered 500: boom; the contract allows 200 "
                                                  r"\(accepted\) or 422 .*docs/design.md#the-process-contract"):
        world.configure(world.settings(enabled=("contacts",)))
    with pytest.raises(ImplementationError,
                       match=r"POST /tick answered 404.*wants 200.*docs/design.md#the-process-contract"):
        world.advance(30)


def test_a_health_body_that_is_not_one_shows_the_shape_expected() -> None:
    with pytest.raises(ImplementationError, match=r'answer \{"contract": "1", .*"capabilities": \[\.\.\.\]\} '
                                                  r"\(see docs/design.md#the-process-contract\)"):
        Health.from_json(["not", "a", "document"])


def test_an_unknown_implementation_lists_the_ways_to_name_one() -> None:
    with pytest.raises(LookupError, match=r"no implementation 'nope' .*installed: .*reference.*--impl-cmd"):
        load_implementation("nope")
