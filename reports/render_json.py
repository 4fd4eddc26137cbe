"""`conformance.json`: the run as a stable, pretty, UTF-8 JSON document that `shopsync report` reads back."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reports.model import RunResult
from reports.redact import Redactor

FILENAME = "conformance.json"
SCHEMA = "shopsync-conformance/1"


def dumps(result: RunResult) -> str:
    """The document's text: sorted keys and two-space indents, so two runs of one seed diff line by line."""
    # default=str: evidence may hold values JSON has no type for (a datetime, a Decimal); the report
    # shows them as text rather than failing to write at the end of a long run.
    # Redacted here too, so no writer of this file (a run, `shopsync report`) can put a credential in it.
    document = Redactor().value(result.to_json())
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def write_json(result: RunResult, directory: Path) -> Path:
    """Write `DIR/conformance.json` (creating DIR) and return its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / FILENAME
    # Write then rename, so a reader (CI, `shopsync report`) never sees half a document.
    partial = path.with_name(f".{FILENAME}.{os.getpid()}.tmp")
    partial.write_text(dumps(result), encoding="utf-8")
    partial.replace(path)
    return path


def read_json(path: Path) -> RunResult:
    """Read a `conformance.json` (or the directory holding one) back into a RunResult."""
    path = Path(path)
    if path.is_dir():
        path = path / FILENAME
    document = json.loads(path.read_text(encoding="utf-8"))
    schema = document.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise ValueError(f"{path}: unsupported schema {schema!r} (this harness reads {SCHEMA!r})")
    return RunResult.from_json(document)
