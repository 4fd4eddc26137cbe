"""MKT-1's scenario: what it says of an implementation without an app page, and without a browser; and the
screenshot it attaches, kept whole through redaction and shown inline in the HTML report."""

from __future__ import annotations

import base64

import pytest

from harness.adapters import InProcess
from reports.model import ScenarioResult
from reports.redact import Redactor
from scenarios.runner import ImplSpec, load_suites, run_scenario
from tests.system_tools import CHROMIUM, require_tool

SCENARIO = "MKT-1/app-inside-shopify"


class _NoPage:
    """Syncs nothing and claims contacts only: no app page to embed."""

    def health(self) -> dict:
        return {"contract": "1", "implementation": "no-page", "version": "0", "capabilities": ["contacts"]}

    def configure(self, settings: dict) -> None:
        pass

    def tick(self, now) -> dict:
        return {"busy": False, "next_wakeup": None}

    def handle_webhook(self, source: str, headers: dict, body: bytes) -> int:
        return 200


def test_an_implementation_without_the_capability_fails_mkt1_saying_so() -> None:
    result = run_scenario(load_suites()[SCENARIO], ImplSpec(), 3, inputs=InProcess(_NoPage, "no-page"))
    assert result.status == "fail"
    assert [e.check for e in result.evidence] == ["MKT-1: no app page inside Shopify"]
    assert "shopify-app-page" in str(result.evidence[0].expected)


def test_without_a_browser_the_scenario_is_skipped_saying_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPSYNC_CHROMIUM", "/nonexistent/chromium")
    result = run_scenario(load_suites()[SCENARIO], ImplSpec(), 3)
    assert result.status == "skip" and "apt-get install chromium" in result.message


def test_the_reference_passes_with_a_screenshot_of_the_admin() -> None:
    require_tool(CHROMIUM)  # skipped without Chromium; a failure under CI=true (.ci/run installs it)
    result = run_scenario(load_suites()[SCENARIO], ImplSpec(), 5)
    assert result.status == "pass", [e.check for e in result.evidence]
    shot = base64.b64decode(result.attachments[0]["data"])
    assert shot.startswith(b"\x89PNG\r\n\x1a\n") and len(shot) > 30_000  # a page of tables, not a blank frame
    assert any("page(s) inside the admin's iframe" in note for note in result.notes)


def test_attachments_survive_redaction_and_are_inlined_in_the_html_report() -> None:
    from reports.render_html import _pictures
    from tests.reports.sample import build_result

    # Base64 runs that look like a HubSpot access token (C + 60 characters) must not be cut out of an image.
    data = "C" + "A" * 80 + "pat-na1-0123456789abcdef"
    result = build_result()
    scenario = ScenarioResult("MKT-1/x", "x", ["MKT-1"], 1, "pass",
                              attachments=[{"kind": "screenshot", "title": "admin", "media_type": "image/png",
                                            "data": data}])
    result.scenarios.append(scenario)
    redacted = Redactor(["pat-na1-0123456789abcdef"]).copy(result)
    assert redacted.scenarios[-1].attachments[0]["data"] == data
    assert _pictures(redacted)[-1]["uri"] == f"data:image/png;base64,{data}"
    text_note = Redactor().value({"media_type": "text/plain", "data": "Bearer abc123def456"})
    assert "abc123def456" not in text_note["data"]  # a text attachment is still redacted
