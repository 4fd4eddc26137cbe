"""`make bench`: run every benchmark, print a table, write benchmarks/out/results.json.

Figures are ratios against a baseline measured in the same run (the machines are shared and noisy);
absolute rates are printed for context only. Nothing here passes or fails.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import sys
from pathlib import Path

from benchmarks import bench_engine, bench_fakes, bench_latency, bench_scale, bench_world
from scenarios import progress

OUT = Path(__file__).with_name("out")


def machine() -> dict:
    """What the figures were measured on."""
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine()}


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    seconds = float(os.environ.get("SHOPSYNC_BENCH_SECONDS", "2"))
    results: dict = {"machine": machine()}

    quick = os.environ.get("SHOPSYNC_BENCH_QUICK") == "1"
    with progress.bar("benchmarks", total=11) as bar:
        fakes = bench_fakes.run(seconds)
        moto = {r["call"]: r["per_second"] for r in fakes if r["fake"].startswith("moto")}
        for row in fakes:
            row["vs_moto_http"] = round(row["per_second"] / moto[row["call"]], 2) if moto.get(row["call"]) else None
        results["fakes"] = fakes
        bar.advance("fakes vs moto")

        world = bench_world.run(min(seconds, 1.0))
        baseline = world[1]["per_second"]
        for row in world:
            row["vs_new_world"] = round(row["per_second"] / baseline, 1) if baseline else None
        results["world"] = world
        bar.advance("world")

        results["engine_efficiency"] = [bench_engine.efficiency(obj, n) for obj, n in
                                        (("contacts", 600), ("products", 300), ("orders", 300), ("carts", 300),
                                         ("contacts", 5000), ("orders", 5000))]
        bar.advance("engine efficiency")
        results["rate_limited_initial_sync"] = [bench_engine.rate_limited_initial_sync(n)
                                                for n in ((1000,) if quick else (1000, 10_000))]
        bar.advance("rate-limited initial sync")
        results["bulk_initial_sync"] = bench_engine.bulk_initial_sync(10_000 if quick else 100_000)
        bar.advance("bulk initial sync")
        results["scale"] = [bench_engine.scale(n, obj) for obj in ("contacts", "orders")
                            for n in ((1000, 10_000) if quick else (1000, 10_000, 100_000))]
        bar.advance("scale")
        results["idle_cost"] = bench_engine.idle_cost()
        bar.advance("idle cost")
        million = 100_000 if quick else 1_000_000
        results["store_memory"] = [bench_scale.store_memory(n) for n in (100_000, million)]
        results["list_pages"] = bench_scale.list_latency(million)
        results["search_window"] = bench_scale.search_window(million)
        results["snapshot_round_trip"] = bench_scale.snapshot_round_trip(100_000)
        results["million_initial_sync"] = bench_scale.initial_sync(million)
        bar.advance("a Plus merchant's store")
        results["latency"] = bench_latency.run()
        bar.advance("latency")
        results["soak"] = bench_engine.soak(hours=2 if quick else 24)
        bar.advance("soak")
        suite = bench_engine.suite_speedup()
        results["conformance_suite"] = suite
        bar.advance("conformance suite")

    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(results, indent=2))
    print(f"machine: {results['machine']}")
    print(f"\n{'fake':<12}{'transport':<18}{'call':<8}{'req/s':>10}{'x moto (http)':>16}")
    for row in fakes:
        ratio = f"{row['vs_moto_http']:.2f}" if row["vs_moto_http"] is not None else "-"
        print(f"{row['fake']:<12}{row['transport']:<18}{row['call']:<8}{row['per_second']:>10.0f}{ratio:>16}")
    print(f"\n{'world':<32}{'per s':>10}{'µs each':>10}{'x new world':>13}")
    for row in world:
        print(f"{row['case']:<32}{row['per_second']:>10.0f}{row['microseconds']:>10.1f}{row['vs_new_world']:>13}")
    print(f"\n{'initial sync':<13}{'records':>8}{'Shopify pts':>12}{'least':>8}{'ratio':>7}{'calls':>7}"
          f"{'least':>7}{'HubSpot':>9}{'least':>7}")
    for row in results["engine_efficiency"]:
        print(f"{row['object']:<13}{row['records']:>8}{row['shopify_points']:>12}{row['least_shopify_points']:>8}"
              f"{_num(row['points_ratio'], 7, 2)}{row['shopify_calls']:>7}{row['least_shopify_calls']:>7}"
              f"{row['hubspot_calls']:>9}{row['least_hubspot_calls']:>7}")
    for row in results["rate_limited_initial_sync"]:
        print(f"rate-limited initial sync of {row['customers']} customers + {row['orders']} orders: "
              f"{row['simulated_seconds']:.0f} simulated s; the cost bucket's bound {row['bound_seconds']} s "
              f"(ratio {row['ratio']}), bulk exports' bound {row['bulk_bound_seconds']} s (ratio {row['bulk_ratio']}); "
              f"{row['shopify_points']} Shopify points in {row['shopify_calls']} calls "
              f"({row['bulk_operations']} bulk operations, {row['throttled']} throttled; paging every record once "
              f"costs {row['paged_points']} points)")
    row = results["bulk_initial_sync"]
    print(f"initial sync of {row['customers']} customers through a bulk operation (Standard shop): "
          f"{row['simulated_seconds']:.0f} simulated s, {row['wall_seconds']} s wall; {row['shopify_points']} Shopify "
          f"points in {row['shopify_calls']} calls ({row['bulk_operations']} bulk operation; paging them would cost "
          f"{row['paged_points']} points, {row['paged_bound_seconds']} s of the bucket); HubSpot "
          f"{row['hubspot_calls']} calls (least {row['least_hubspot_calls']})")
    for row in results["scale"]:
        shopify_name = "customers" if row["object"] == "contacts" else row["object"]
        print(f"scale {row['records']} {shopify_name}: {row['wall_seconds']} s wall, {row['per_record_ms']} ms/record, "
              f"peak RSS {row['peak_mib']} MiB (+{row['sync_peak_mib']} MiB during the sync: the fakes' own "
              f"{row['fakes_growth_mib']} MiB, the rest {row['engine_peak_mib']} MiB); the engine in its own "
              f"process: +{row['engine_process_growth_mib']} MiB over {row['engine_process_ready_mib']} MiB; "
              f"Shopify: {row['shopify_points']} points in {row['shopify_calls']} calls, "
              f"{row['bulk_operations']} bulk operation(s)")
    idle = results["idle_cost"]
    print(f"\nidle cost over {idle['hours']} quiet hours (2 shops): "
          + ", ".join(f"{k.replace('_', ' ')} {idle['reference'][k]} (was {idle['polling_every_interval'][k]}, "
                      f"ratio {idle['ratio'][k]})" for k in idle["reference"]))
    for row in results["store_memory"]:
        print(f"\nstore of {row['records']:,} customers + {row['records']:,} orders and their HubSpot counterparts: "
              f"fakes +{row['fakes_peak_mib']} MiB peak over the empty world's {row['empty_world_mib']} MiB "
              f"(Shopify alone {row['shopify_mib']} MiB); seeded at {row['seed_records_per_second']:,} records/s, "
              f"HubSpot written at {row['hubspot_records_per_second']:,} records/s in batches of 100")
    pages = results["list_pages"]
    for row in pages["pages"]:
        print(f"page {row['page']:<26} {row['ms']:>8} ms at {pages['records']:,} vs {row['baseline_ms']:>8} ms at "
              f"{pages['baseline_records']:,}: ratio {row['ratio']}")
    window = results["search_window"]
    print(f"search by modified date, every contact modified since (a poll after an initial sync): "
          f"{window['window_ms']} ms a page at {window['records']:,} vs {window['baseline_ms']} ms at "
          f"{window['baseline_records']:,} (ratio {window['ratio']}); judging every record instead: "
          f"{window['records_read_ms']} ms ({window['speedup']}x)")
    snap = results["snapshot_round_trip"]
    print(f"snapshot of {snap['records']:,} + {snap['records']:,}: {snap['snapshot_mib']} MiB of JSON, dumped in "
          f"{snap['dump_seconds']} s, restored in {snap['restore_seconds']} s; restored snapshot identical: "
          f"{snap['exact']}, same pages: {snap['same_pages']}")
    sync = results["million_initial_sync"]
    print(f"initial sync of {sync['customers']:,} customers + {sync['orders']:,} orders in process mode: "
          f"{sync['wall_seconds']} s wall, {sync['simulated_seconds']:.0f} simulated s; engine process "
          f"+{sync['engine_process_growth_mib']} MiB over {sync['engine_process_ready_mib']} MiB, fakes' process peak "
          f"+{sync['fakes_process_peak_mib']} MiB; Shopify {sync['shopify_points']} points in {sync['shopify_calls']} "
          f"calls ({sync['bulk_operations']} bulk operations); HubSpot {sync['hubspot_calls']} calls for a least "
          f"{sync['least_hubspot_calls']} (ratio {sync['hubspot_ratio']})")
    print(f"\n{'latency':<32}{'object':<10}{'op':<8}{'n':>4}{'p50':>7}{'p95':>7}{'max':>7}{'/bound':>8}")
    for row in results["latency"]:
        print(f"{row['case']:<32}{row['object']:<10}{row['operation']:<8}{row['samples']:>4}"
              f"{_num(row['p50'])}{_num(row['p95'])}{_num(row['max'])}{_num(row['max_vs_bound'], 8, 2)}")
    soak = results["soak"]
    print(f"\nsoak {soak['hours']} h ({soak['changes']} changes): {soak['wall_seconds']} s wall, "
          f"speed-up {soak['speedup']}x")
    print(f"conformance suite: {suite['scenarios']} scenarios, {suite['simulated_seconds']:.0f} simulated s in "
          f"{suite['wall_seconds']} s wall on {suite['workers']} workers, speed-up {suite['speedup']}x")
    print(f"\nwritten: {OUT / 'results.json'}")
    return 0


def _num(value: float | None, width: int = 7, digits: int = 0) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'-':>{width}}"


if __name__ == "__main__":
    sys.exit(main())
