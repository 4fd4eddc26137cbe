"""The `shopsync` command: serve the fakes (and, as the project grows, conform, report, replay)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Sequence


def _serve(args: argparse.Namespace) -> int:
    from fakes.audit import AuditLog
    from fakes.clock import WallPacedClock
    from fakes.hubspot.app import create_app as create_hubspot_app
    from fakes.hubspot.demo import add_demo_portal
    from fakes.hubspot.store import HubSpotStore
    from fakes.outbox import Outbox
    from fakes.serving import serve_in_thread
    from fakes.shopify.app import create_app as create_shopify_app
    from fakes.shopify.demo import DEMO_APP, DEMO_APP_SECRET, add_demo_shop
    from fakes.shopify.seed import SeedPlan, seed_shop
    from fakes.shopify.seed_scale import seed_at_scale
    from fakes.shopify.store import ShopifyStore
    from scenarios import progress

    # In `serve` the simulated clock runs with real time (scaled by --speed) so buckets leak and
    # search indexes catch up as they would against the vendors.
    clock = WallPacedClock(speed=args.speed)
    audit = AuditLog()
    shopify_store = ShopifyStore(clock, Outbox())
    shop, shop_token = add_demo_shop(shopify_store)
    hubspot_store = HubSpotStore(clock, Outbox())
    portal_id, portal_token = add_demo_portal(hubspot_store)
    scale = args.customers or args.orders
    with progress.status("starting the fakes" + (f" (seeding with {args.seed})" if args.seed is not None else "")):
        if scale:
            started = time.perf_counter()
            made = seed_at_scale(shopify_store, shop, args.seed or 0, customers=args.customers, orders=args.orders)
            took = time.perf_counter() - started
            print(f"seeded {made.customers:,} customers and {made.orders:,} orders in {took:.1f} s "
                  f"({(made.customers + made.orders) / max(took, 1e-9):,.0f} records/s)", file=sys.stderr)
        elif args.seed is not None:
            seed_shop(shopify_store, shop, args.seed, SeedPlan(customers=25, products=8, orders=20, checkouts=5))
            hubspot_store.seed(portal_id, args.seed)
        shopify = serve_in_thread(create_shopify_app(shopify_store, audit=audit), args.host, args.shopify_port)
        hubspot = serve_in_thread(create_hubspot_app(hubspot_store, audit=audit), args.host, args.hubspot_port)
    described = {
        "shopify": {"url": shopify.url, "shop": shop, "admin_api": f"{shopify.url}/shops/{shop}/admin/api/2024-10",
                    "token": shop_token, "app": {"client_id": DEMO_APP, "client_secret": DEMO_APP_SECRET},
                    "openapi": f"{shopify.url}/openapi.json"},
        "hubspot": {"url": hubspot.url, "portal_id": portal_id, "token": portal_token,
                    "openapi": f"{hubspot.url}/openapi.json"},
        "clock": {"start": clock.start.isoformat(), "speed": args.speed},
    }
    if args.json:
        print(json.dumps(described), flush=True)
    else:
        print(f"fake Shopify  {described['shopify']['admin_api']}  token {shop_token}")
        print(f"fake HubSpot  {hubspot.url}  portal {portal_id}  token {portal_token}")
        print("Ctrl-C stops both.", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    shopify.stop()
    hubspot.stop()
    return 0


def _serve_impl(args: argparse.Namespace) -> int:
    from harness.adapters import load_implementation
    from harness.serve_impl import serve

    try:
        adapter = load_implementation(args.name)
    except LookupError as missing:
        print(f"shopsync serve-impl: {missing}", file=sys.stderr)
        return 2
    serve(adapter)
    return 0


def _conform(args: argparse.Namespace) -> int:
    import contextlib
    import io
    import shutil
    import time
    from pathlib import Path

    import pytest

    import scenarios.suites
    from reports.model import RunInfo
    from scenarios import progress
    from scenarios.aggregate import read_results
    from scenarios.runner import HARNESS_VERSION, ImplSpec, load_suites, only_advice, select, unmatched
    from scenarios.shards import failed_ids, in_shard, parse_shard, with_reruns
    from scenarios.waivers import load_waivers

    if args.seeds is not None:
        from scenarios.sweep import run_sweep
        return run_sweep(args)
    try:
        shard = parse_shard(args.shard) if args.shard else None
    except ValueError as bad:
        print(f"shopsync conform: --shard: {bad}", file=sys.stderr)
        return 2
    previous = None
    if args.rerun_failed:
        from reports.render_json import read_json
        try:
            previous = read_json(Path(args.rerun_failed))
        except (OSError, ValueError, KeyError) as bad:
            print(f"shopsync conform: cannot read {args.rerun_failed}: {bad}", file=sys.stderr)
            return 2
        # The same implementation, mode, profile and seed as the run whose failures are rerun.
        args.seed, args.mode, args.profile = previous.run.seed, previous.run.mode, previous.run.profile
        args.impl_cmd = previous.run.command
        args.intercept_hosts = previous.run.intercept
        args.impl = None if previous.run.command else previous.run.implementation
        args.only = ",".join(failed_ids(previous))
        print(f"shopsync conform: rerunning {len(failed_ids(previous))} failed scenario(s) of "
              f"{args.rerun_failed} at seed {args.seed}: {args.only or 'none'}")
    impl = ImplSpec(name=args.impl, command=args.impl_cmd, mode=args.mode, intercept=args.intercept_hosts)
    try:
        waivers = load_waivers(Path(args.waivers) if args.waivers else None)
    except (OSError, ValueError) as bad:
        print(f"shopsync conform: cannot read the waivers file: {bad}; it is JSON: "
              '{"waivers": [{"requirement", "scenario", "reason", "expires"}]} (see docs/design.md#judging)',
              file=sys.stderr)
        return 2
    if previous is not None and not args.only:
        return _write_run(previous.scenarios, previous.run, waivers, Path(args.report_dir), impl)
    if args.only and not select(load_suites(), args.only):
        print(f"shopsync conform: {only_advice(unmatched(load_suites(), args.only))}", file=sys.stderr)
        return 2
    if args.only and unmatched(load_suites(), args.only):
        # The rest still runs, but a typo beside valid ids would otherwise drop a requirement unnoticed.
        print(f"shopsync conform: warning: {only_advice(unmatched(load_suites(), args.only))}", file=sys.stderr)
    report_dir = Path(args.report_dir)
    results_dir = report_dir / "results"
    shutil.rmtree(results_dir, ignore_errors=True)
    results_dir.mkdir(parents=True, exist_ok=True)
    records_dir = report_dir / "records"
    earlier = Path(args.rerun_failed).parent / "records" if previous is not None else None
    if earlier is None or earlier.resolve() != records_dir.resolve():
        shutil.rmtree(records_dir, ignore_errors=True)
    if earlier is not None and earlier.is_dir() and earlier.resolve() != records_dir.resolve():
        shutil.copytree(earlier, records_dir)  # the rerun replaces the records of the scenarios it runs again
    suites = Path(scenarios.suites.__file__).parent
    pytest_args = [str(suites / "test_conformance.py"), "-p", "scenarios.plugin", "-o", "addopts=",
                   "-o", "python_files=test_conformance.py", "--rootdir", str(suites), "-p", "no:cacheprovider",
                   "-q", "--no-header", "-rN", "--shopsync-impl", args.impl or "reference",
                   "--shopsync-mode", impl.mode, "--shopsync-seed", str(args.seed), "--shopsync-profile", args.profile,
                   "--shopsync-results", str(results_dir), "--shopsync-records", str(records_dir)]
    if args.impl_cmd:
        pytest_args += ["--shopsync-impl-cmd", args.impl_cmd]
    if shard:
        pytest_args += ["--shopsync-shard", args.shard]
    if impl.intercept:
        pytest_args += ["--shopsync-intercept"]
    if args.only:
        pytest_args += ["--shopsync-only", args.only]
    if args.workers and args.workers != "1":
        pytest_args += ["-n", str(args.workers)]
    if args.k:
        pytest_args += ["-k", args.k]
    if args.exitfirst:
        pytest_args += ["-x"]
    began = time.monotonic()  # wall time of the run, for the report header only
    if progress.wanted():
        # A person at a terminal sees a bar instead of pytest's dots; pytest's output is shown only if the
        # suite itself breaks (the report and the summary below say everything else).
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = pytest.main([*pytest_args, "--shopsync-progress"])
        if code not in (0, 1):
            print(output.getvalue()[-20_000:])
    else:
        code = pytest.main(pytest_args)
    if code not in (0, 1):
        print(f"shopsync conform: the suite could not run (pytest exit {code})", file=sys.stderr)
        return 2
    results = read_results(results_dir)
    expected = in_shard(select(load_suites(), args.only), shard)
    if not args.k and not args.exitfirst and len(results) < len(expected) and args.profile != "dev":
        # A scenario that ran leaves a result file; fewer files means the suite itself broke.
        print(f"shopsync conform: {len(expected) - len(results)} scenario(s) left no result (a harness or "
              "import error); see the pytest output above", file=sys.stderr)
        return 2
    health_name = args.impl_cmd or args.impl or "reference"
    workers = int(args.workers) if str(args.workers).isdigit() else 0
    info = RunInfo(HARNESS_VERSION, health_name, _impl_version(args), args.impl_cmd, impl.mode, args.profile,
                   args.seed, round(time.monotonic() - began, 2), workers, shard=args.shard, intercept=impl.intercept)
    if previous is not None:
        results = with_reruns(previous.scenarios, results)
        info.shard = previous.run.shard
    return _write_run(results, info, waivers, report_dir, impl)


def _write_run(results: list, info, waivers: list, report_dir, impl) -> int:
    """Judge the scenario results as one run, write its report and replay bundles, print the summary."""
    from datetime import date

    from reports import write_all
    from scenarios.aggregate import aggregate

    run = aggregate(results, info, waivers, today=date.today())
    written = write_all(run, report_dir)
    _write_replays(run, impl, info.seed, report_dir)
    _print_summary(run)
    print(f"report: {written.get('html', report_dir / 'index.html')}")
    if run.new_waivers:
        from scenarios.waivers import as_json
        print("paste-ready waivers for the new failures:\n" + as_json(run.new_waivers))
    for waiver in run.stale_waivers:
        print(f"stale waiver (no longer fires): {waiver.requirement} {waiver.scenario}")
    return run.exit_code


def _impl_version(args: argparse.Namespace) -> str:
    if args.impl_cmd:
        return "?"
    try:
        from importlib.metadata import version
        return version("shopsync") if (args.impl or "reference") == "reference" else "?"
    except Exception:
        return "?"


def _write_replays(run, impl, seed: int, report_dir) -> None:
    import json

    from reports.redact import Redactor
    from scenarios.runner import load_suites

    specs = load_suites()
    directory = report_dir / "replays"
    directory.mkdir(parents=True, exist_ok=True)
    for scenario in run.scenarios:
        if scenario.status in ("fail", "error"):
            spec = specs.get(scenario.id)
            # Settings carry placeholders where credentials were: a replay derives the real ones from
            # the seed again, so the bundle stays replayable and holds no secret.
            bundle = {"bundle": "shopsync-replay/1", "harness_version": run.run.harness_version,
                      "scenario": scenario.id, "run_seed": seed, "scenario_seed": scenario.seed,
                      "implementation": impl.to_json(), "settings": scenario.settings,
                      "faults": spec.faults if spec else None}
            text = json.dumps(Redactor().value(bundle), indent=2)
            (directory / (scenario.id.replace("/", "__") + ".json")).write_text(text)


def _print_summary(run) -> None:
    worst: dict[str, str] = {}
    for requirement in run.requirements:
        values = [s.max for s in requirement.latency if s.max is not None]
        never = sum(s.over_bound for s in requirement.latency)
        worst[requirement.id] = (f"{max(values):.0f} s" if values else "-") + (f" ({never} over)" if never else "")
    print(f"\n{'requirement':<12}{'level':<8}{'status':<8}worst latency")
    for requirement in run.requirements:
        print(f"{requirement.id:<12}{requirement.level:<8}{requirement.status:<8}{worst[requirement.id]}")
    for outcome in run.reliability.scenarios:
        print(f"reliability {outcome['id']}: {outcome['status']}"
              + (f" ({outcome['message'][:160]})" if outcome["message"] else ""))
    failed = [r.id for r in run.requirements if r.status in ("fail", "error")]
    print(f"\n{len(run.scenarios)} scenarios; MUST failures: {', '.join(failed) if failed else 'none'}; "
          f"exit {run.exit_code}")


def _replay(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from scenarios.runner import ImplSpec, load_suites, run_scenario

    bundle = json.loads(Path(args.bundle).read_text(encoding="utf-8"))
    spec = load_suites().get(bundle["scenario"])
    if spec is None:
        print(f"shopsync replay: unknown scenario {bundle['scenario']}", file=sys.stderr)
        return 2
    impl = ImplSpec(**bundle["implementation"])
    result = run_scenario(spec, impl, int(bundle["run_seed"]))
    print(f"{result.id}: {result.status} (seed {result.seed}, {result.sim_seconds:.0f} simulated s)")
    recorded = bundle.get("settings")
    if recorded and result.settings and _settings_key(recorded) != _settings_key(result.settings):
        # Both are redacted the same way, so any difference is one the harness made, not a secret.
        print("  note: this harness ends the scenario with other settings than the bundle recorded", file=sys.stderr)
    for evidence in result.evidence:
        print(f"  {evidence.check}\n    expected: {evidence.expected!r}\n    found:    {evidence.found!r}")
    return 0 if result.status == "pass" else 1


def _settings_key(settings: dict) -> str:
    """Settings as text with the fakes' ephemeral ports left out (process mode binds new ones each run)."""
    import json
    import re
    return re.sub(r"(https?://127\.0\.0\.1):\d+", r"\1", json.dumps(settings, sort_keys=True))


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from reports import write_all
    from reports.render_json import read_json

    if args.merge:
        return _merge(args)
    if not args.directory:
        print("shopsync report: name a report directory, or --merge DIR... the shards to combine", file=sys.stderr)
        return 2
    directory = Path(args.directory)
    try:
        run = read_json(directory / "conformance.json")
    except (OSError, ValueError, KeyError) as bad:
        print(f"shopsync report: cannot read {directory / 'conformance.json'}: {bad}", file=sys.stderr)
        return 2
    written = write_all(run, directory)
    print(f"report: {written.get('html')}")
    return 0


def _merge(args: argparse.Namespace) -> int:
    """`shopsync report --merge DIR...`: the shards' scenarios judged again as one run."""
    import shutil
    from pathlib import Path

    from scenarios.runner import ImplSpec
    from scenarios.shards import merge_infos, merged_scenarios, read_runs
    from scenarios.waivers import load_waivers

    try:
        runs = read_runs(args.merge)
        info = merge_infos([run.run for run in runs])
        scenarios = merged_scenarios(runs)
        waivers = load_waivers(Path(args.waivers) if args.waivers else None)
    except (OSError, ValueError, KeyError) as bad:
        print(f"shopsync report --merge: {bad}", file=sys.stderr)
        return 2
    out = Path(args.report_dir)
    out.mkdir(parents=True, exist_ok=True)
    impl = ImplSpec(name=None if info.command else info.implementation, command=info.command, mode=info.mode,
                    intercept=info.intercept)
    for directory in args.merge:  # each shard's replay bundles and run records, with the merged report
        for kept in [*sorted((Path(directory) / "replays").glob("*.json")),
                     *sorted((Path(directory) / "records").glob("*.json.gz"))]:
            target = out / kept.parent.name / kept.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if kept.resolve() != target.resolve():
                shutil.copyfile(kept, target)
    print(f"merged {len(runs)} report(s), {len(scenarios)} scenarios")
    return _write_run(scenarios, info, waivers, out, impl)


def _judge(args: argparse.Namespace) -> int:
    """`shopsync judge DIR`: the saved run judged again from its records; says which verdicts changed."""
    from pathlib import Path

    from reports.render_json import read_json
    from scenarios.rejudge import differences, rejudged
    from scenarios.runner import ImplSpec
    from scenarios.waivers import load_waivers

    directory = Path(args.directory)
    try:
        run = read_json(directory / "conformance.json")
        waivers = load_waivers(Path(args.waivers) if args.waivers else None)
        scenarios, unrecorded = rejudged(run, directory)
    except (OSError, ValueError, KeyError) as bad:
        print(f"shopsync judge: cannot judge {directory}: {bad}", file=sys.stderr)
        return 2
    changed = differences(run.scenarios, scenarios)
    print(f"judged {len(scenarios) - len(unrecorded)} scenario(s) again from {directory / 'records'}"
          + (f"; {len(unrecorded)} kept as run (no record: ended before judgement)" if unrecorded else ""))
    for difference in changed:
        print(f"  {difference.scenario}\n    run:   {difference.before[:300]}\n    judge: {difference.after[:300]}")
    print(f"verdicts: {len(changed)} differ from the run" if changed else "verdicts: the same as the run")
    info = run.run
    impl = ImplSpec(name=None if info.command else info.implementation, command=info.command, mode=info.mode,
                    intercept=info.intercept)
    if args.report_dir:
        code = _write_run(scenarios, info, waivers, Path(args.report_dir), impl)
    else:
        from datetime import date

        from scenarios.aggregate import aggregate
        code = aggregate(scenarios, info, waivers, today=date.today()).exit_code
    return 3 if args.check and changed else code


def _trigger(args: argparse.Namespace) -> int:
    from scenarios import trigger

    try:
        world, deliveries, secret = trigger.build(args.topic, args.to, seed=args.seed, secret=args.secret)
    except ValueError as unknown:
        print(f"shopsync trigger: {unknown}", file=sys.stderr)
        return 2
    try:
        if not deliveries:
            print(f"shopsync trigger: {args.topic} fired no delivery to {args.to}", file=sys.stderr)
            return 2
        if args.show:
            print(trigger.describe(deliveries))
        sent = trigger.send(world, deliveries, duplicate=args.duplicate, late=args.late)
    finally:
        world.close()
    print(f"signed with the app's client secret {secret} (pass --secret to use yours)")
    for item in sent:
        answer = item.status if item.status is not None else f"no answer ({item.error})"
        print(f"{item.source} {item.topic} event {item.event_id} -> {args.to}: {answer}")
    return 0 if all(item.status is not None and 200 <= item.status < 300 for item in sent) else 1


def _spec(args: argparse.Namespace) -> int:
    import textwrap

    from scenarios.catalogue import closest, requirements

    wanted = args.id.strip().upper() if args.id else None
    chosen = [r for r in requirements() if wanted in (None, r.id, r.section)]
    if not chosen:
        near = closest(args.id)
        hint = f" (did you mean {near}?)" if near else ""
        print(f"shopsync spec: no requirement {args.id}{hint}; `shopsync spec` lists all {len(requirements())} "
              "of them, and docs/spec.md gives each its context", file=sys.stderr)
        return 2
    blocks = [f"{r.id} {r.level}\n" + textwrap.fill(r.text, width=100, initial_indent="  ", subsequent_indent="  ")
              for r in chosen]
    print("\n\n".join(blocks))
    return 0


def _count(text: str) -> int:
    """A record count: a non-negative integer (1000000, 1_000_000 or 1e6)."""
    try:
        value = float(text.replace("_", "")) if "e" in text.lower() else int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a count: {text!r}") from None
    if value < 0 or value != int(value):
        raise argparse.ArgumentTypeError(f"not a count: {text!r}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="shopsync", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run both fakes on real ports for manual exploration and SDK use")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--shopify-port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--hubspot-port", type=int, default=0, help="0 picks a free port")
    serve.add_argument("--seed", type=int, default=None, help="fill the demo shop and portal with seeded data")
    serve.add_argument("--customers", type=_count, default=0,
                       help="fill the demo shop with this many customers, fast (a Plus merchant's store: 1000000; "
                            "drawn from --seed, default 0)")
    serve.add_argument("--orders", type=_count, default=0,
                       help="and this many orders, one line item each, bought by those customers")
    serve.add_argument("--speed", type=float, default=1.0, help="simulated seconds per real second")
    serve.add_argument("--json", action="store_true", help="print one JSON line with URLs and tokens")
    serve.set_defaults(run=_serve)

    serve_impl = sub.add_parser("serve-impl", help="serve an installed in-process implementation under the "
                                                   "HTTP process contract (reads the SHOPSYNC_* variables)")
    serve_impl.add_argument("name", help="entry-point name in the shopsync.implementations group")
    serve_impl.set_defaults(run=_serve_impl)

    conform = sub.add_parser("conform", help="run the conformance suite against an implementation")
    which = conform.add_mutually_exclusive_group()
    which.add_argument("--impl", default="reference", help="installed implementation (entry-point name)")
    which.add_argument("--impl-cmd", default=None, help="command speaking the process contract (any language)")
    conform.add_argument("--mode", default="inprocess", choices=("inprocess", "process"),
                         help="run --impl in-process or under the process contract")
    seeds = conform.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=int, default=0)
    seeds.add_argument("--seeds", default=None, help="a sweep: the suite once per seed, e.g. 1-100 or 3,7,11-20; "
                                                     "each seed's report in REPORT_DIR/seed-N/, the summary in "
                                                     "REPORT_DIR/sweep.json and sweep.html")
    conform.add_argument("--only", default=None, help="requirement ids or prefixes, e.g. CNT-1,ORD")
    conform.add_argument("--intercept-hosts", action="store_true",
                         help="the implementation calls https://api.hubapi.com and https://{shop}.myshopify.com "
                              "unmodified: route them to the fakes through an HTTPS proxy with a CA minted for the "
                              "run (HTTPS_PROXY, SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS); any "
                              "other host is refused and reported")
    conform.add_argument("--shard", default=None, metavar="K/N",
                         help="run the K-th of N deterministic slices of the selection (merge the reports with "
                              "`shopsync report --merge`)")
    conform.add_argument("--rerun-failed", default=None, metavar="CONFORMANCE_JSON",
                         help="run only the scenarios that failed in that report, with its seed, implementation "
                              "and mode, and write the report with their new results in place")
    conform.add_argument("--profile", default="ci", choices=("dev", "ci", "certify"))
    conform.add_argument("--report-dir", default="reports/out")
    conform.add_argument("--waivers", default=None, help="JSON file of tolerated failures")
    conform.add_argument("-n", "--workers", default="auto", help="pytest-xdist workers (1 = no xdist)")
    conform.add_argument("-k", default=None, help="pytest -k expression over scenario ids")
    conform.add_argument("-x", "--exitfirst", action="store_true")
    conform.set_defaults(run=_conform)

    replay = sub.add_parser("replay", help="replay one failure from its bundle (reports/out/replays/*.json)")
    replay.add_argument("bundle")
    replay.set_defaults(run=_replay)

    report = sub.add_parser("report", help="re-render the HTML and JUnit reports from DIR/conformance.json, or "
                            "merge the reports of shards (--merge DIR...) into one")
    report.add_argument("directory", nargs="?", default=None)
    report.add_argument("--merge", nargs="+", metavar="DIR", default=None,
                        help="report directories of the shards of one run (conform --shard K/N)")
    report.add_argument("--report-dir", default="reports/out", help="where --merge writes the combined report")
    report.add_argument("--waivers", default=None, help="JSON file of tolerated failures, as for conform")
    report.set_defaults(run=_report)

    judge = sub.add_parser("judge", help="judge a saved run again from its records (DIR/records), without "
                           "replaying it, and say which verdicts differ from the run's")
    judge.add_argument("directory", help="a report directory of `shopsync conform` (holds conformance.json, records/)")
    judge.add_argument("--report-dir", default=None, help="write the report of the judged run here")
    judge.add_argument("--waivers", default=None, help="waivers file (JSON), as for conform")
    judge.add_argument("--check", action="store_true", help="exit 3 when a verdict differs from the run's")
    judge.set_defaults(run=_judge)
    trigger = sub.add_parser("trigger", help="send one signed, realistic webhook (Shopify topic or HubSpot event "
                             "type) built from a seeded simulated world to URL")
    trigger.add_argument("topic", help="e.g. customers/create, orders/create, contact.propertyChange")
    trigger.add_argument("--to", required=True, help="the receiver's URL")
    trigger.add_argument("--seed", type=int, default=0, help="the world the record comes from")
    trigger.add_argument("--secret", default=None, help="the app's client secret to sign with (default: the seed's)")
    trigger.add_argument("--duplicate", action="store_true", help="send the delivery twice (the same event id)")
    trigger.add_argument("--late", type=float, default=0.0, metavar="SECONDS",
                         help="send it as it would arrive SECONDS after the event")
    trigger.add_argument("--show", action="store_true", help="print each delivery (topic, id, body) first")
    trigger.set_defaults(run=_trigger)
    spec = sub.add_parser("spec", help="print a requirement of docs/spec.md (an ID such as CNT-1, or a section "
                                       "such as ORD), or all of them")
    spec.add_argument("id", nargs="?", default=None)
    spec.set_defaults(run=_spec)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `shopsync` console script."""
    args = build_parser().parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
