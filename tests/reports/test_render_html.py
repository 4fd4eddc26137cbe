"""index.html: every requirement, the failure with its evidence, nothing loaded from the network, in Chromium."""

from __future__ import annotations

import re
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest

from reports import write_all
from reports.model import RunResult
from reports.render_html import code_spans, render_html, write_html
from tests.reports.sample import build_result, passing_result, spec_requirements
from tests.system_tools import CHROMIUM, require_tool

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(build_result())


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    end = html.find('<section class="block"', start)
    return html[start:end if end != -1 else len(html)]


def test_every_requirement_is_in_the_matrix(html: str) -> None:
    matrix = _section(html, "matrix")
    for rid, _, _ in spec_requirements():
        assert f'id="req-{rid}"' in matrix, rid
    assert matrix.count('<tr class="row-') == len(spec_requirements())


def test_sections_come_in_order(html: str) -> None:
    positions = [html.index(f'id="{anchor}"') for anchor in
                 ("matrix", "latency", "efficiency", "reliability", "failures", "warnings", "waivers")]
    assert positions == sorted(positions)
    assert "DOES NOT CONFORM" in html.split('id="matrix"')[0]


def test_the_failure_shows_its_evidence(html: str) -> None:
    failures = _section(html, "failures")
    assert 'id="failure-CNT-3-1"' in failures and "CNT-3/archived-contact-keeps-customer" in failures
    assert "Expected" in failures and "Found" in failures and "&#34;exists&#34;: false" in failures
    assert "/admin/api/2024-01/customers/7100000001.json" in failures and "rate_limit" in failures
    assert failures.count("<svg") == 1 and "Shopify</text>" in failures and "HubSpot</text>" in failures
    assert "shopsync replay reports/out/replay/CNT-3--archived-contact-keeps-customer.json" in failures
    assert "LAT-1" not in failures  # waived: shown with the warnings, not as a failure
    assert 'href="#failure-CNT-3-1"' in _section(html, "matrix")


def test_warnings_waivers_and_reliability(html: str) -> None:
    warnings = _section(html, "warnings")
    assert 'id="failure-LAT-1-1"' in warnings and 'id="failure-MKT-1-1"' in warnings
    waivers = _section(html, "waivers")
    assert "domain normalisation (fixed in 1.4.2)" in waivers  # the stale one
    assert "&#34;requirement&#34;: &#34;CNT-3&#34;" in waivers  # paste-ready entry for the new failure
    reliability = _section(html, "reliability")
    assert "records lost (must be 0)" in reliability and "duplicates (must be 0)" in reliability
    assert "Odd and hostile inputs by kind" in reliability and "malformed settings" in reliability
    assert "22 forged, stale or malformed input(s) refused" in reliability


def test_latency_plots_mark_the_bound_and_the_never_visible(html: str) -> None:
    latency = _section(html, "latency")
    assert latency.count("<svg") == 5  # contacts, companies, products, orders, carts
    assert latency.count("LAT-1 bound 10 min<") == 5
    assert "never visible" in latency and "10 min 40 s" in latency


def test_everything_is_escaped_and_nothing_is_loaded(html: str) -> None:
    assert "<script" not in html
    assert "&lt;script&gt;alert(" in html
    assert not re.search(r"<link[^>]+href", html)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(" not in html


def test_a_passing_run_and_an_empty_run_render(tmp_path: Path) -> None:
    page = render_html(passing_result())
    assert "CONFORMS" in page and "No requirement failed." in page
    empty = RunResult(build_result().run, [], [])
    write_html(empty, tmp_path)
    assert "No propagated change was measured" in (tmp_path / "index.html").read_text(encoding="utf-8")
    selected = passing_result()  # `--only CNT`: the other requirements were not exercised
    for requirement in selected.requirements:
        if not requirement.id.startswith("CNT"):
            requirement.status, requirement.scenarios = "skip", []
    page = render_html(selected)
    assert "PARTIAL RUN" in page and "CONFORMS" not in page


def test_write_all_writes_the_three_files(tmp_path: Path) -> None:
    paths = write_all(build_result(), tmp_path / "out")
    assert {name: p.name for name, p in paths.items()} == {"json": "conformance.json", "junit": "junit.xml",
                                                           "html": "index.html"}
    assert all(p.stat().st_size > 1000 for p in paths.values())


def _png_size(path: Path) -> tuple[int, int]:
    with path.open("rb") as handle:
        header = handle.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = require_tool(CHROMIUM)  # skipped without Chromium; a failure under CI=true (.ci/run installs it)
    page = write_html(build_result(), tmp_path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report.png"
    shot.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                   "--hide-scrollbars", "--window-size=1400,3000", f"--screenshot={shot}", page.as_uri()]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        dom = subprocess.run([*command[:-2], "--dump-dom", page.as_uri()], check=True, capture_output=True,
                             timeout=120, text=True).stdout
    assert "DOES NOT CONFORM" in dom and 'id="failure-CNT-3-1"' in dom and dom.count("<svg") >= 10
    assert _png_size(shot) == (1400, 3000)
    assert shot.stat().st_size > 100_000  # a page of tables and charts, not a blank screen


def test_code_spans_are_escaped() -> None:
    assert code_spans("from `<b>` & `x`") == "from <code>&lt;b&gt;</code> &amp; <code>x</code>"
    assert code_spans("one ` <i>") == "one ` &lt;i&gt;"


def test_a_failure_card_names_every_requirement_its_evidence_fails() -> None:
    result = build_result()
    cnt3 = next(r for r in result.requirements if r.id == "CNT-3")
    cnt3.evidence[0].requirements = ["CNT-3", "CNT-4"]
    card = _section(render_html(result), "failures")
    card = card[card.index('id="failure-CNT-3-1"'):]
    assert re.search(r'fails <a href="#req-CNT-3"><b>CNT-3</b></a>, <a href="#req-CNT-4"><b>CNT-4</b></a>', card)
