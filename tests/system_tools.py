"""Optional system tools (a headless browser): skipped on a machine without them, required in CI.

A test that needs a tool outside the Python environment asks for it here. When the tool is missing,
the test is skipped with one line saying how to install it, so `make test` passes on a fresh machine;
under `CI=true` the same absence fails the test, because `.ci/run` installs every such tool and a
silent skip there would hide a check that never ran.
"""

from __future__ import annotations

import os
import shutil

import pytest

# Debian's package, which `.ci/run` installs; the tests never download a browser of their own.
CHROMIUM = ("chromium", "apt-get install chromium")


def in_ci() -> bool:
    """Whether this run is CI's (`CI=true`, as CI services and `.ci/run` set it)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_tool(tool: tuple[str, str]) -> str:
    """The path of the system command `tool` = (command, install line); skip the test without it, or
    fail it under CI=true."""
    command, install = tool
    found = shutil.which(command)
    if found:
        return found
    message = f"{command} is not installed; `{install}` enables this test"
    if in_ci():
        pytest.fail(f"{message} (CI=true: CI installs it, so running without it is a failure)", pytrace=False)
    pytest.skip(message)
