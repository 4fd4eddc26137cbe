"""CNT-6 over every quiet span of a run: a write while nothing changed is an echo whether it comes after the final
quiet point or in a span a scenario let pass in the middle (`Sim.idle`). The judge once looked only after the final
quiet point, so a write inside an earlier quiet span went unseen."""

from __future__ import annotations

from scenarios.judge import history
from scenarios.judge.record import Call
from tests.judge.histories import at, run


def _write(minute: float, *, status: int = 200, path: str = "/crm/v3/objects/contacts/101") -> Call:
    return Call(1, at(minute), "hubspot", "1", "PATCH", path, "", status, "app", "tick")


def _cnt6(calls: list[Call], spans: list[tuple[float, float]]) -> list[str]:
    record = run([])
    record.quiet_at, record.calls = None, calls
    record.quiet_spans = [(at(start), at(end)) for start, end in spans]
    return [e.check for e in history(record) if e.check.startswith("CNT-6")]


def test_a_write_inside_a_quiet_span_is_an_echo_and_one_outside_is_not():
    assert _cnt6([_write(30)], [(20, 140)]) == ["CNT-6: writes after quiescence (the implementation echoes its own "
                                                "writes)"]
    assert _cnt6([_write(10), _write(150)], [(20, 140)]) == []
    assert _cnt6([_write(20)], [(20, 140)]) == []  # at the instant the span began: the change that ended the busy time


def test_a_refused_write_or_a_search_in_a_quiet_span_is_no_echo():
    assert _cnt6([_write(30, status=400), _write(31, path="/crm/v3/objects/contacts/search")], [(20, 140)]) == []


def test_after_the_final_quiet_point_as_before():
    record = run([])
    record.quiet_at, record.calls = at(200), [_write(230)]
    assert [e.check.split(":")[0] for e in history(record)] == ["CNT-6"]
