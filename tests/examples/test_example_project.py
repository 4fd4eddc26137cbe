"""The example project (examples/contacts_sync) runs its own tests with shopsync's pytest plugin: the fixtures
come from the installed package's `pytest11` entry point, used from test files outside the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "contacts_sync"


def test_the_example_projects_tests_pass_with_the_plugins_fixtures() -> None:
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
                         cwd=EXAMPLE, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "7 passed" in run.stdout


def test_the_plugin_is_registered_for_pytest() -> None:
    from importlib.metadata import entry_points

    assert [ep.value for ep in entry_points(group="pytest11") if ep.name == "shopsync"] == ["scenarios.testing"]
