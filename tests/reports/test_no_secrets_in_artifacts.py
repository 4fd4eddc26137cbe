"""No credential the world minted appears in anything a conformance run writes or prints.

A small `shopsync conform` run (in this process, so the test can see its worlds) of a careless
implementation under the process contract: `tests.reports.leaky:LeakyEngine` prints its settings and
tokens, crashes with tokens in its error, and breaks CNT-1. Three scenarios: the OAuth install
(CON-1, passes), a CNT-1 one (fails: replay bundle) and a two-shop one (implementation error, with
the last calls as evidence). Then every file under the report directory and everything printed is
searched for every secret of every world the run made: tenants' credentials and whatever the fakes
issued (tokens, codes, app secrets, developer keys). Then `shopsync replay` reproduces the failure
from its bundle, which holds placeholders, not secrets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scenarios.runner
from harness import World
from harness.tenants import minted_secrets
from reports.redact import PLACEHOLDER
from scenarios import cli

ONLY = "CON-1/oauth-install,CNT-1/customer-matches-existing-contact,CON-2/two-stores"
IMPL = "tests.reports.leaky:LeakyEngine"


class _Recorded(World):
    """A World that remembers itself, so the test can ask it what it minted after the run."""

    made: list[World] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _Recorded.made.append(self)


def _secrets(worlds: list[World]) -> set[str]:
    found: set[str] = set()
    for world in worlds:
        found |= minted_secrets(world.seed, world.shopify, world.hubspot, world.shops, world.portal)
    return found


def _hits(text: str, secrets: set[str]) -> list[str]:
    return sorted(secret for secret in secrets if secret in text)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[World]:
    _Recorded.made = []
    monkeypatch.setattr(scenarios.runner, "World", _Recorded)
    # The conform run's own pytest gets a temporary directory of its own: in the shared numbered ones,
    # another pytest session on the machine could rotate the implementation's state away mid-run.
    monkeypatch.setenv("PYTEST_ADDOPTS", f"--basetemp={tmp_path / 'conform-tmp'}")
    return _Recorded.made


def test_no_secret_in_reports_results_bundles_or_output(tmp_path: Path, recorded: list[World],
                                                        capfd: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report"
    code = cli.main(["conform", "--impl", IMPL, "--mode", "process", "--only", ONLY, "-n", "1",
                     "--report-dir", str(report)])
    printed = capfd.readouterr()
    assert code == 1, printed.out[-3000:]
    secrets = _secrets(recorded)
    assert len(recorded) == 3 and len(secrets) > 15

    written = sorted(p for p in report.rglob("*") if p.is_file())
    names = {p.relative_to(report).as_posix() for p in written}
    assert {"conformance.json", "junit.xml", "index.html"} <= names
    assert any(n.startswith("results/") for n in names) and any(n.startswith("replays/") for n in names)
    leaks = {p.relative_to(report).as_posix(): _hits(p.read_text(encoding="utf-8", errors="replace"), secrets)
             for p in written}
    leaks["stdout"], leaks["stderr"] = _hits(printed.out, secrets), _hits(printed.err, secrets)
    assert {where: hits for where, hits in leaks.items() if hits} == {}

    # The leaks were there to be caught: the implementation printed its settings and tokens, and the
    # two-shop crash carried tokens in its message.
    document = json.loads((report / "conformance.json").read_text())
    statuses = {s["id"]: s["status"] for s in document["scenarios"]}
    assert statuses == {"CON-1/oauth-install": "pass", "CNT-1/customer-matches-existing-contact": "fail",
                        "CON-2/two-stores": "error"}, [(s["id"], s["message"]) for s in document["scenarios"]]
    assert document["reliability"]["secrets_redacted"] > 10
    assert all("settings:" in s["output"] and PLACEHOLDER in s["output"] for s in document["scenarios"])
    crashed = next(s for s in document["scenarios"] if s["status"] == "error")
    assert PLACEHOLDER in crashed["message"]

    # The bundle is replayable: its settings carry placeholders, the replay derives the real ones again.
    [bundle_path] = (report / "replays").glob("CNT-1__*.json")
    bundle = json.loads(bundle_path.read_text())
    assert bundle["settings"]["hubspot"]["access_token"] == PLACEHOLDER
    assert bundle["settings"]["shops"][0]["authorization_code"] == PLACEHOLDER
    before = len(recorded)
    replayed = cli.main(["replay", str(bundle_path)])
    output = capfd.readouterr()
    assert replayed == 1
    original = next(s for s in document["scenarios"] if s["id"] == bundle["scenario"])
    assert all(e["check"] in output.out for e in original["evidence"])
    assert "other settings than the bundle" not in output.err
    assert _hits(output.out + output.err, _secrets(recorded[before:])) == []


def test_no_secret_in_what_pytest_shows_of_an_in_process_implementation(tmp_path: Path, recorded: list[World],
                                                                         capfd: pytest.CaptureFixture[str]) -> None:
    # In-process, the implementation prints into the harness's own output, which pytest captures and
    # shows under a failing test: that is redacted too.
    report = tmp_path / "report"
    code = cli.main(["conform", "--impl", IMPL, "--only", "CNT-1/customer-matches-existing-contact", "-n", "1",
                     "--report-dir", str(report)])
    printed = capfd.readouterr()
    assert code == 1
    assert "Captured stdout call" in printed.out and "settings:" in printed.out
    secrets = _secrets(recorded)
    leaks = {p.name: _hits(p.read_text(encoding="utf-8", errors="replace"), secrets) for p in report.rglob("*")
             if p.is_file()}
    leaks["console"] = _hits(printed.out + printed.err, secrets)
    assert {where: hits for where, hits in leaks.items() if hits} == {}
