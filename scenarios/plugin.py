"""The pytest plugin of the conformance suite: options, the scenario runner fixture, result files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reports.redact import Redactor
from scenarios.dsl import ScenarioSpec
from scenarios.runner import ImplSpec, result_to_file, run_scenario, select
from scenarios.shards import in_shard, parse_shard

# The credentials of the scenario a test ran, for redacting what pytest captured during it.
SECRETS = pytest.StashKey[set[str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("shopsync", "shopsync conformance suite")
    group.addoption("--shopsync-impl", default="reference", help="installed implementation (entry-point name)")
    group.addoption("--shopsync-impl-cmd", default=None, help="command speaking the process contract")
    group.addoption("--shopsync-mode", default="inprocess", choices=("inprocess", "process"))
    group.addoption("--shopsync-seed", type=int, default=0)
    group.addoption("--shopsync-only", default=None, help="requirement ids, prefixes or scenario ids, comma-separated")
    group.addoption("--shopsync-profile", default="ci", choices=("dev", "ci", "certify"))
    group.addoption("--shopsync-results", default=None, help="directory for one JSON result per scenario")
    group.addoption("--shopsync-records", default=None,
                    help="directory for the run record each scenario was judged from (shopsync judge DIR)")
    group.addoption("--shopsync-shard", default=None, help="K/N: run only the K-th of N deterministic slices")
    group.addoption("--shopsync-progress", action="store_true", help="draw a progress bar on standard error")
    group.addoption("--shopsync-intercept", action="store_true",
                    help="route https://api.hubapi.com and https://{shop}.myshopify.com to the fakes through a proxy")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from scenarios.suites.test_conformance import SCENARIOS

    shard = config.getoption("--shopsync-shard")
    wanted = in_shard(select(SCENARIOS, config.getoption("--shopsync-only")), parse_shard(shard) if shard else None)
    profile = config.getoption("--shopsync-profile")
    keep, drop = [], []
    for item in items:
        sid = item.callspec.params.get("scenario_id") if hasattr(item, "callspec") else None
        spec = SCENARIOS.get(sid) if sid else None
        if spec is None or (sid in wanted and not (profile == "dev" and "faults" in spec.tags)):
            keep.append(item)
            if spec is not None:
                item.add_marker(pytest.mark.requirements(*spec.requirements))
        else:
            drop.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def shopsync_run(request: pytest.FixtureRequest, tmp_path: Path):
    """Run a scenario against the configured implementation; fail the test when the scenario fails."""
    config = request.config
    impl = ImplSpec(name=config.getoption("--shopsync-impl"), command=config.getoption("--shopsync-impl-cmd"),
                    mode=config.getoption("--shopsync-mode"), intercept=config.getoption("--shopsync-intercept"))
    seed = config.getoption("--shopsync-seed")
    results = config.getoption("--shopsync-results")
    records = config.getoption("--shopsync-records")

    def run(spec: ScenarioSpec) -> None:
        secrets = request.node.stash.setdefault(SECRETS, set())
        result = run_scenario(spec, impl, seed, workdir=tmp_path, secrets=secrets,
                              records=Path(records) if records else None)
        if results:
            result_to_file(result, Path(results))
        request.node.user_properties.append(("requirements", ",".join(spec.requirements)))
        request.node.user_properties.append(("seed", str(result.seed)))
        if result.status == "error":
            pytest.fail(f"implementation error: {result.message}\nreplay: {result.replay}", pytrace=False)
        if result.status == "fail":
            lines = [f"{e.check}\n    expected: {e.expected!r}\n    found:    {e.found!r}" for e in result.evidence]
            pytest.fail("\n".join(lines[:12]) + f"\nreplay: {result.replay}", pytrace=False)
    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """Redact what pytest captured (an in-process implementation's prints and logs) before it shows it."""
    outcome = yield
    report = outcome.get_result()
    redactor = Redactor(item.stash.get(SECRETS, set()))
    report.sections = [(title, redactor.text(text)) for title, text in report.sections]
    if report.longrepr is not None:
        text = str(report.longrepr)
        clean = redactor.text(text)
        if clean != text:
            report.longrepr = clean


class ProgressBar:
    """Advances a progress bar (scenarios/progress.py) per finished scenario, on the controller under xdist too."""

    def __init__(self) -> None:
        from scenarios import progress

        self._context = progress.bar("conformance")
        self.bar = self._context.__enter__()
        self.failed = 0

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if session.items:
            self.bar.total(len(session.items))

    @pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent without it
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        self.bar.total(len(ids))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.failed += report.failed
            scenario = report.nodeid.rsplit("[", 1)[-1].rstrip("]")
            self.bar.advance(f"{scenario} {report.outcome}" + (f" · {self.failed} failed" if self.failed else ""))

    def pytest_unconfigure(self) -> None:
        self._context.__exit__(None, None, None)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requirements(*ids): the docs/spec.md requirements a scenario covers")
    if config.getoption("--shopsync-progress", default=False) and not hasattr(config, "workerinput"):
        config.pluginmanager.register(ProgressBar(), "shopsync-progress")
    os.environ.setdefault("SHOPSYNC_SUITE", "1")
