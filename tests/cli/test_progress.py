"""Progress bars: drawn for a person at a terminal, never under CI or into a pipe, and never in the way."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scenarios import progress

ROOT = Path(__file__).resolve().parents[2]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("environment", "terminal", "shown"), [
    ({}, True, True), ({}, False, False), ({"CI": "true"}, True, False), ({"SHOPSYNC_PROGRESS": "1"}, False, True),
    ({"SHOPSYNC_PROGRESS": "0"}, True, False), ({"CI": "true", "SHOPSYNC_PROGRESS": "1"}, False, True),
])
def test_progress_is_for_people_at_a_terminal(monkeypatch: pytest.MonkeyPatch, environment: dict, terminal: bool,
                                              shown: bool) -> None:
    for name in ("CI", "SHOPSYNC_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert progress.wanted(_Terminal() if terminal else io.StringIO()) is shown


def test_a_bar_that_is_off_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPSYNC_PROGRESS", "0")
    with progress.bar("x", total=2) as bar, progress.status("y"):
        bar.advance("one")
        bar.total(3)


def test_conform_draws_a_bar_instead_of_pytests_dots(tmp_path: Path) -> None:
    env = {**os.environ, "SHOPSYNC_PROGRESS": "1", "COLUMNS": "200"}
    run = subprocess.run([sys.executable, "-m", "scenarios.cli", "conform", "--only", "SET-4", "-n", "1",
                          "--report-dir", str(tmp_path)], capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "conformance" in run.stderr and "1/1" in run.stderr
    assert "passed" not in run.stdout  # pytest's own report is kept back; the summary below is ours
    assert "MUST failures: none" in run.stdout
