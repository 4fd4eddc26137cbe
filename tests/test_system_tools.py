"""An optional system tool skips its test on a fresh machine and fails it in CI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.system_tools import require_tool

ABSENT = ("shopsync-no-such-browser", "apt-get install shopsync-no-such-browser")


def test_a_missing_tool_skips_with_the_line_that_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="`apt-get install shopsync-no-such-browser` enables this test"):
        require_tool(ABSENT)


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_a_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_tool(ABSENT)


def test_a_present_tool_is_found_by_its_path(monkeypatch: pytest.MonkeyPatch) -> None:
    python = Path(sys.executable)
    monkeypatch.setenv("PATH", str(python.parent))
    monkeypatch.setenv("CI", "true")
    assert Path(require_tool((python.name, "-"))).samefile(python)
