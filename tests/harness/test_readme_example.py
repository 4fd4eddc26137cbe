"""The README's "Plug in your implementation" example is the file it shows, and it speaks the contract."""

from __future__ import annotations

import sys
from pathlib import Path

from harness import Process, World

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "minimal_impl.py"


def test_readme_shows_the_example_verbatim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert EXAMPLE.read_text(encoding="utf-8").strip() in readme


def test_the_example_is_started_configured_and_ticked(tmp_path):
    world = World(seed=5, mode="process", workdir=tmp_path)
    try:
        world.open_portal()
        world.install_shop("alpha")
        health = world.attach(Process(f"{sys.executable} {EXAMPLE}", name="minimal"))
        assert health.implementation == "minimal"
        assert world.configure(world.settings()).accepted
        world.advance(60)
        assert world.stats.ticks == 2 and world.stats.errors == []
    finally:
        world.close()
