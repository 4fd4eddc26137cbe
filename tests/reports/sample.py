"""A realistic RunResult built by hand: every docs/spec.md requirement, one MUST failure with its evidence and timeline,
a waived MUST, a SHOULD warning, MAY information, a requirement not exercised, and latencies past the bound."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reports.model import (
    Efficiency,
    Evidence,
    LatencySample,
    Reliability,
    RequirementResult,
    RunInfo,
    RunResult,
    ScenarioResult,
    TimelineEvent,
    Waiver,
)
from reports.stats import summarise_latency

SPEC = Path(__file__).resolve().parents[2] / "docs" / "spec.md"
SPEC_LINE = re.compile(r"^- \*\*([A-Z]{3}-\d+) (MUST|SHOULD|MAY)\*\* (.*)")
T0 = datetime(2031, 1, 1, 9, 0, tzinfo=UTC)
SEED = 4242


def spec_requirements() -> list[tuple[str, str, str]]:
    """(id, level, text) of every requirement in docs/spec.md, continuation lines joined."""
    found: list[list[str]] = []
    open_item = False
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        match = SPEC_LINE.match(line)
        if match:
            found.append([match.group(1), match.group(2), match.group(3).strip()])
            open_item = True
        elif line.startswith(("- ", "#")) or not line.strip():
            open_item = False  # another list item (HAR-1 has no level) or a heading ends the requirement
        elif open_item and line.startswith("  "):
            found[-1][2] += " " + line.strip()
    return [(i, level, text) for i, level, text in found]


def iso(offset_seconds: float) -> str:
    return (T0 + timedelta(seconds=offset_seconds)).isoformat().replace("+00:00", "Z")


def call(seq: int, at: float, fake: str, method: str, path: str, status: int, *, tenant: str | None = "alpha",
         caller: str | None = "shopsync-app", phase: str = "tick", fault: str | None = None) -> dict:
    """An audit-log entry as AuditEntry.as_json() writes it."""
    return {"seq": seq, "at": iso(at), "fake": fake, "tenant": tenant, "method": method, "path": path, "query": "",
            "status": status, "caller": caller, "phase": phase, "fault": fault, "read_only": False}


def cnt3_evidence() -> Evidence:
    """The deliberate failure: an archived HubSpot contact made the implementation delete the Shopify customer."""
    customer = "/admin/api/2024-01/customers/7100000001.json"
    calls = [
        call(812, 302, "hubspot", "GET", "/crm/v3/objects/contacts/501", 404, tenant="101", caller="shopsync-hubspot"),
        call(815, 330, "shopify", "GET", "/admin/api/2024-01/customers/7100000001.json", 429, fault="rate_limit"),
        call(817, 340, "shopify", "DELETE", customer, 200),
    ]
    timeline = [TimelineEvent(iso(t), "harness", "tick", f"tick {k}") for k, t in enumerate(range(0, 2101, 30))]
    timeline += [
        TimelineEvent(iso(0), "shopify", "change", "create customer alpha/7100000001 <ada@example.com>"),
        TimelineEvent(iso(31), "hubspot", "api", "POST /crm/v3/objects/contacts -> 201"),
        TimelineEvent(iso(32), "hubspot", "api", "PUT /crm/v4/objects/contacts/501/associations -> 200"),
        TimelineEvent(iso(300), "hubspot", "change", "archive contact 101/501 (marketer)"),
        TimelineEvent(iso(302), "harness", "webhook", "hubspot contact.deletion -> 200"),
        TimelineEvent(iso(304), "harness", "webhook", "hubspot contact.deletion -> 200 [duplicated]"),
        TimelineEvent(iso(330), "shopify", "fault", f"GET {customer} -> 429 [rate_limit]"),
        TimelineEvent(iso(340), "shopify", "api", f"DELETE {customer} -> 200"),
        TimelineEvent(iso(2100), "harness", "check", "customer alpha/7100000001 exists? no"),
    ]
    timeline.sort(key=lambda e: e.at)
    return Evidence("CNT-3: customer still exists after its contact was archived in HubSpot",
                    expected={"customer": "alpha/7100000001", "exists": True, "email": "ada@example.com"},
                    found={"customer": "alpha/7100000001", "exists": False, "deleted_by": "shopsync-app",
                           "note": "<script>alert('not escaped')</script>"},
                    calls=calls, timeline=timeline, record="customer alpha/7100000001",
                    scenario="CNT-3/archived-contact-keeps-customer")


def latency_samples(rng: random.Random) -> dict[str, list[LatencySample]]:
    """Samples per scenario id: most well inside the bound, one over it (products), one never visible (orders)."""
    def sample(obj: str, op: str, direction: str, at: float, seconds: float | None) -> LatencySample:
        return LatencySample(obj, op, direction, iso(at), iso(at + seconds) if seconds is not None else None, seconds)

    out: dict[str, list[LatencySample]] = {
        "CNT-1/email-match-links": [sample("contacts", "create", "to_hubspot", 60 * k, rng.uniform(20, 150))
                                    for k in range(24)]
        + [sample("contacts", "update", d, 60 * k, rng.uniform(30, 240))
           for k in range(16) for d in ("to_hubspot", "to_shopify")],
        "CMP-1/name-or-domain-links": [sample("companies", "create", "to_hubspot", 90 * k, rng.uniform(40, 280))
                                       for k in range(8)]
        + [sample("companies", "update", "to_shopify", 90 * k, rng.uniform(60, 320)) for k in range(6)],
        "PRD-2/deleted-product-archived": [sample("products", "create", "to_hubspot", 45 * k, rng.uniform(15, 200))
                                           for k in range(12)]
        + [sample("products", "delete", "to_hubspot", 300, 640.0)]
        + [sample("products", "delete", "to_hubspot", 400 + k, rng.uniform(40, 90)) for k in range(4)],
        "ORD-5/order-changes-reach-hubspot": [sample("orders", "create", "to_hubspot", 30 * k, rng.uniform(25, 180))
                                              for k in range(20)]
        + [sample("orders", "update", "to_hubspot", 30 * k, rng.uniform(35, 330)) for k in range(10)]
        + [sample("orders", "update", "to_hubspot", 900, None)],
        "CRT-1/abandoned-checkout-becomes-cart": [sample("carts", "create", "to_hubspot", 20 * k, rng.uniform(60, 400))
                                                  for k in range(10)],
    }
    return out


def build_result() -> RunResult:
    """The sample run: CNT-3 fails (exit 1), LAT-1 fails waived, MKT-1 warns, ORD-4 / CRT-2 inform, DSH-2 skips."""
    rng = random.Random(SEED)
    samples = latency_samples(rng)
    failure = cnt3_evidence()
    lat_waiver = Waiver("LAT-1", "*", "order updates lag under the 5xx storm; fix planned in 1.5", "2031-06-30")
    stale = Waiver("CMP-1", "CMP-1/name-or-domain-links", "domain normalisation (fixed in 1.4.2)", "2031-03-01")
    # A waived MUST failure is "warn" with its waiver, as scenarios/aggregate.py writes it.
    statuses = {"CNT-3": "fail", "LAT-1": "warn", "MKT-1": "warn", "ORD-4": "info", "CRT-2": "info", "DSH-2": "skip"}
    requirements, scenarios = [], []
    for n, (rid, level, text) in enumerate(spec_requirements()):
        status = statuses.get(rid, "pass")
        slug = {"CNT-3": "archived-contact-keeps-customer", "CNT-1": "email-match-links",
                "CMP-1": "name-or-domain-links", "PRD-2": "deleted-product-archived",
                "ORD-5": "order-changes-reach-hubspot", "CRT-1": "abandoned-checkout-becomes-cart"}.get(rid, "basic")
        ids = [f"{rid}/{slug}"] + ([f"{rid}/under-faults"] if n % 3 == 0 else [])
        req = RequirementResult(rid, level, text, status)
        for k, sid in enumerate(ids):
            if status == "skip":
                break
            seed = SEED + 17 * n + k
            scen_status = "fail" if status == "fail" and k == 0 and rid == "CNT-3" else (
                "fail" if rid == "MKT-1" else "pass")  # a SHOULD not met: the scenario failed, the verdict warns
            evidence = [failure] if scen_status == "fail" else []
            if rid == "MKT-1":
                evidence = [Evidence("MKT-1: the app page lists no chatflows", scenario=sid,
                                     expected=["forms", "chatflows", "contacts"], found=["forms", "contacts"])]
            lat = samples.get(sid, [])
            scenarios.append(ScenarioResult(
                sid, sid.split("/", 1)[1].replace("-", " "), [rid], seed, scen_status,
                message="customer deleted by the implementation" if rid == "CNT-3" and k == 0 else "",
                sim_seconds=2100.0 + 60 * k, evidence=evidence, latencies=lat,
                efficiency=Efficiency(api_calls=40 + n, shopify_calls=20 + n, hubspot_calls=20, records_synced=12),
                replay=f"shopsync replay reports/out/replay/{sid.replace('/', '--')}.json"))
            req.scenarios.append({"id": sid, "seed": seed, "status": scen_status})
            req.evidence.extend(evidence)
        if rid == "LAT-1":
            everything = [s for group in samples.values() for s in group]
            req.latency = summarise_latency(everything)
            req.evidence = [Evidence("LAT-1: 2 propagations over 10 minutes", expected="every propagation <= 600 s",
                                     found={"products delete": "640 s", "orders update": "never visible"})]
            req.waiver = lat_waiver
        elif rid == "ORD-4":
            req.note = "orders imported beforehand were not duplicated"
        elif rid == "CRT-2":
            req.note = "switching cart sync on again duplicated 3 carts"
        elif rid == "CMP-1":
            req.waiver = stale
        for sid in ids:
            if sid in samples and rid != "LAT-1":
                req.latency = summarise_latency(samples[sid])
        requirements.append(req)

    every_sample = [s for group in samples.values() for s in group]
    efficiency = {
        "contacts": Efficiency(412, 198, 214, 88, rate_limited=9, retries=12, faults_injected={"429": 9}),
        "companies": Efficiency(96, 40, 56, 14, rate_limited=0, retries=2),
        "products": Efficiency(138, 61, 77, 17, rate_limited=3, retries=3),
        "orders": Efficiency(305, 120, 185, 31, rate_limited=2, retries=7),
        "carts": Efficiency(77, 30, 47, 10, rate_limited=0, retries=0),
    }
    efficiency["all"] = Efficiency(*(sum(getattr(e, f) for e in efficiency.values()) for f in
                                     ("api_calls", "shopify_calls", "hubspot_calls", "records_synced",
                                      "rate_limited", "retries")))
    return RunResult(
        run=RunInfo("0.1.0", "reference", "1.4.0", None, "inprocess", "dev", SEED, wall_seconds=74.2, workers=2),
        requirements=requirements,
        scenarios=scenarios,
        latency=summarise_latency(every_sample),
        efficiency=efficiency,
        reliability=Reliability(faults_injected={"429": 14, "500": 6, "503": 4, "timeout": 3, "connection reset": 1},
                                webhook_faults={"dropped": 4, "duplicated": 3, "reordered": 2, "delayed": 5},
                                crashes_survived=2, inputs_tried=1200, records_lost=0, duplicates=0,
                                hostile_inputs={"odd data": 40, "forged webhook": 6, "malformed settings": 16},
                                hostile_refused=22),
        stale_waivers=[stale],
        new_waivers=[Waiver("CNT-3", "CNT-3/archived-contact-keeps-customer", "<say why this failure is tolerated>",
                            "2031-02-01")],
        exit_code=1,
    )


def passing_result() -> RunResult:
    """The same run with every requirement passing and nothing waived."""
    result = build_result()
    for req in result.requirements:
        req.status, req.evidence, req.waiver = "pass", [], None
        req.scenarios = [{**s, "status": "pass"} for s in req.scenarios]
    for scenario in result.scenarios:
        scenario.status, scenario.evidence = "pass", []
    result.stale_waivers, result.new_waivers, result.exit_code = [], [], 0
    return result
