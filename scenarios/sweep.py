"""`shopsync conform --seeds 1-100`: the suite once per seed, each seed's report in `seed-N/`, then a summary.

Each seed is an ordinary `shopsync conform --seed N` run in a child process, so a sweep judges exactly what
single runs judge, and a seed that breaks the harness (or leaks memory over hours) cannot take the others
with it. The child's console goes to `seed-N/console.log`; the sweep prints one line per seed as it
finishes, then the table of requirements with the seeds they failed at, and writes `sweep.json` and
`sweep.html` (reports/sweep.py).
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from reports.render_json import read_json
from reports.stats import FAILING
from reports.sweep import SeedRun, build_sweep, seed_ranges, write_sweep

MAX_SEEDS = 10_000  # a typo such as "1-1000000" would run for weeks: refused rather than started


def parse_seeds(text: str) -> list[int]:
    """`"3,7,11-20"` -> [3, 7, 11, ..., 20], in the order given, each seed once; ValueError saying what is wrong."""
    seeds: list[int] = []
    parts = [part.strip() for part in str(text).split(",")]
    if not any(parts):
        raise ValueError("no seed given (expected e.g. 1-100 or 3,7,11-20)")
    for part in parts:
        low, dash, high = part.partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise ValueError(f"{part!r} is neither a seed nor a range of seeds (expected e.g. 7 or 11-20)")
        start, end = int(low), int(high) if dash else int(low)
        if end < start:
            raise ValueError(f"the range {part!r} runs backwards (write {end}-{start})")
        if end - start + 1 > MAX_SEEDS:
            raise ValueError(f"the range {part!r} holds more than {MAX_SEEDS} seeds")
        seeds.extend(range(start, end + 1))
    unique = list(dict.fromkeys(seeds))
    if len(unique) > MAX_SEEDS:
        raise ValueError(f"{len(unique)} seeds: a sweep runs at most {MAX_SEEDS}")
    return unique


def implementation_flags(args: argparse.Namespace) -> str:
    """The flags that select the implementation, as a replay command repeats them."""
    hosts = " --intercept-hosts" if getattr(args, "intercept_hosts", False) else ""
    if args.impl_cmd:
        return f"--impl-cmd {shlex.quote(args.impl_cmd)}{hosts}"
    return f"--impl {args.impl or 'reference'}" + (" --mode process" if args.mode == "process" else "") + hosts


def seed_command(args: argparse.Namespace, seed: int, report_dir: Path) -> list[str]:
    """The single-seed `shopsync conform` that one seed of the sweep runs."""
    command = [sys.executable, "-m", "scenarios.cli", "conform", "--seed", str(seed), "--report-dir", str(report_dir),
               "--mode", args.mode, "--profile", args.profile, "-n", str(args.workers)]
    command += ["--impl-cmd", args.impl_cmd] if args.impl_cmd else ["--impl", args.impl or "reference"]
    for flag, value in (("--only", args.only), ("--waivers", args.waivers), ("-k", args.k),
                        ("--shard", getattr(args, "shard", None))):
        if value:
            command += [flag, value]
    if getattr(args, "intercept_hosts", False):
        command.append("--intercept-hosts")
    return command + (["-x"] if args.exitfirst else [])


def run_seed(args: argparse.Namespace, seed: int, report_dir: Path) -> SeedRun:
    """Run the suite at one seed into `report_dir/seed-N/` and read its verdict back."""
    directory = report_dir / f"seed-{seed}"
    shutil.rmtree(directory, ignore_errors=True)  # a report left by an earlier sweep must not pass for this one's
    directory.mkdir(parents=True)
    began = time.monotonic()  # wall time, for the report only; nothing inside the simulation reads it
    with (directory / "console.log").open("w", encoding="utf-8") as console:
        code = subprocess.run(seed_command(args, seed, directory), stdout=console, stderr=subprocess.STDOUT,
                              check=False).returncode
    wall = time.monotonic() - began
    run = None
    if code in (0, 1):
        try:
            run = read_json(directory)
        except (OSError, ValueError, KeyError):
            code = 2  # the run ended without a readable report: the harness did not judge this seed
    return SeedRun(seed, code if code in (0, 1) else 2, wall, run, directory.name)


def _seed_line(done: SeedRun, index: int, total: int) -> str:
    width = len(str(total))
    head = f"[{index:>{width}}/{total}] seed {done.seed}: exit {done.exit_code}, {done.wall_seconds:.1f} s"
    if done.run is None:
        return f"{head}, harness error: see {done.report}/console.log"
    failed = [r.id for r in done.run.requirements if r.level == "MUST" and r.status in FAILING]
    reliability = done.run.reliability
    return (f"{head}, MUST failures: {', '.join(failed) if failed else 'none'}, "
            f"lost {reliability.records_lost}, duplicates {reliability.duplicates}")


def _print_summary(document: dict, paths: dict[str, Path]) -> None:
    print(f"\n{'requirement':<12}{'level':<8}{'worst':<7}{'failed at':<24}{'warned at':<20}errored at")
    unrun = [r["id"] for r in document["requirements"] if r["worst"] == "skip"]
    for requirement in document["requirements"]:
        if requirement["worst"] == "skip":
            continue
        seeds = requirement["seeds"]
        print(f"{requirement['id']:<12}{requirement['level']:<8}{requirement['worst']:<7}"
              f"{seed_ranges(seeds['fail']) or '-':<24}{seed_ranges(seeds['warn']) or '-':<20}"
              f"{seed_ranges(seeds['error']) or '-'}")
    if unrun:
        print(f"not run at any seed: {', '.join(unrun)}")
    replays = [f for r in document["requirements"] for f in r["failures"] if r["level"] == "MUST"]
    if replays:
        print("\nreplay the MUST failures:")
        for replay in dict.fromkeys(f["replay"] for f in replays):
            print(f"  {replay}")
    failed = [r["seed"] for r in document["runs"] if r["must_failures"] or r["exit_code"] == 1]
    unjudged = [r["seed"] for r in document["runs"] if not r["judged"]]
    reliability = document["reliability"]
    print(f"\n{len(document['runs'])} seed(s); MUST failed at: {seed_ranges(failed) or 'none'}"
          + (f"; not judged (harness error): {seed_ranges(unjudged)}" if unjudged else "")
          + f"; records lost {reliability['records_lost']}, duplicates {reliability['duplicates']}"
          + ("; interrupted" if document["interrupted"] else "") + f"; exit {document['exit_code']}")
    print(f"sweep report: {paths['html']}")


def run_sweep(args: argparse.Namespace) -> int:
    """`shopsync conform --seeds ...`: exit 0 when every MUST passed at every seed, 1 when a MUST failed at some
    seed, 2 when the harness could not judge a seed."""
    from scenarios.runner import load_suites, select
    from scenarios.waivers import load_waivers

    try:
        seeds = parse_seeds(args.seeds)
    except ValueError as bad:
        print(f"shopsync conform: --seeds {args.seeds}: {bad}", file=sys.stderr)
        return 2
    # Checked once here rather than failing the same way at every seed.
    if args.only and not select(load_suites(), args.only):
        print(f"shopsync conform: --only {args.only} selects no scenario", file=sys.stderr)
        return 2
    try:
        load_waivers(Path(args.waivers) if args.waivers else None)
    except (OSError, ValueError) as bad:
        print(f"shopsync conform: cannot read the waivers file: {bad}", file=sys.stderr)
        return 2
    report_dir = Path(args.report_dir)
    flags = implementation_flags(args)
    print(f"sweep of {len(seeds)} seed(s) ({seed_ranges(seeds)}) against {flags}; reports in {report_dir}/seed-N/",
          flush=True)
    done: list[SeedRun] = []
    interrupted = False
    try:
        for index, seed in enumerate(seeds, start=1):
            done.append(run_seed(args, seed, report_dir))
            print(_seed_line(done[-1], index, len(seeds)), flush=True)
    except KeyboardInterrupt:
        interrupted = True  # the seeds that finished are still reported
    document = build_sweep(done, flags, profile=args.profile, only=args.only, interrupted=interrupted)
    paths = write_sweep(document, report_dir)
    _print_summary(document, paths)
    return int(document["exit_code"])
