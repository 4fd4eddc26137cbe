"""Progress on long commands (conform, bench, serve start-up), drawn with rich on standard error.

Shown only to a person: standard error is a terminal and `CI` is not set (`SHOPSYNC_PROGRESS=1` forces it on,
`=0` off). Otherwise every call here does nothing, so logs and CI output stay as they were.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


def wanted(stream: TextIO | None = None) -> bool:
    """Whether to draw progress on `stream` (standard error by default)."""
    forced = os.environ.get("SHOPSYNC_PROGRESS", "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
        return False
    target = stream if stream is not None else sys.stderr
    return bool(getattr(target, "isatty", lambda: False)())


def _console() -> Any:
    from rich.console import Console

    # Forced on (SHOPSYNC_PROGRESS=1), it is drawn even into a pipe or a log.
    return Console(file=sys.stderr, force_terminal=True if os.environ.get("SHOPSYNC_PROGRESS") == "1" else None)


class Bar:
    """One task of a progress display; `advance(label)` moves it on (no-op when progress is off)."""

    def __init__(self, progress: Any = None, task: Any = None) -> None:
        self._progress, self._task = progress, task

    def total(self, count: int) -> None:
        """Set (or correct) how many steps there are."""
        if self._progress is not None:
            self._progress.update(self._task, total=count)

    def advance(self, label: str = "", steps: int = 1) -> None:
        """One step done; `label` says which."""
        if self._progress is not None:
            self._progress.update(self._task, advance=steps, step=label)


@contextmanager
def bar(title: str, total: int | None = None) -> Iterator[Bar]:
    """A progress bar on standard error for the duration of the block (transient: it leaves no line behind)."""
    if not wanted():
        yield Bar()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TextColumn("{task.fields[step]}"), console=_console(), transient=True)
    with progress:
        yield Bar(progress, progress.add_task(title, total=total, step=""))


@contextmanager
def status(text: str) -> Iterator[None]:
    """A spinner with `text` while the block runs (start-up work of unknown length)."""
    if not wanted():
        yield
        return
    with _console().status(text):
        yield
