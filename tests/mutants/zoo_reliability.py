"""Mutants for the reliability scenarios: syncs that meet every MUST but fail their users when HubSpot refuses a
write (a portal's 2026-09 write rule). The conformance verdict does not see them (docs/spec.md is silent); the
reliability scenario `CNT-1/write-rule-added-mid-run` must, and its outcome names what each got wrong."""

from __future__ import annotations

from dataclasses import fields

from reference.engine import SyncEngine
from reference.objects.contacts import Contacts
from reference.objects.context import Context
from reference.refusals import Refusals


def _swap_contacts(engine: SyncEngine, stream: type[Contacts]) -> None:
    engine.streams = [stream() if type(s) is Contacts else s for s in engine.streams]


class _RefusalsNeverDue(Refusals):
    def due(self, kind, shop, now):  # type: ignore[no-untyped-def]
        return []


class _NoRetryContext(Context):
    @property
    def refusals(self) -> Refusals:
        return _RefusalsNeverDue(self.state)


class _ContactsNotRetrying(Contacts):
    def run(self, ctx: Context) -> None:
        super().run(_NoRetryContext(**{f.name: getattr(ctx, f.name) for f in fields(ctx)}))


class RetriesOnlyOnChange(SyncEngine):
    """Shows a refused customer in its status but never tries it again: it syncs only if the customer changes,
    so lifting the rule leaves it out of HubSpot for good (the old reference did this, without the status)."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap_contacts(self, _ContactsNotRetrying)


class _ContactsForgettingRefusals(Contacts):
    def _refused(self, ctx, group, why):  # type: ignore[no-untyped-def]
        """Logs the refusal, as the old reference did, and forgets it."""


class DropsRefusedRecords(SyncEngine):
    """Logs a refused write and moves on: nothing in its status, nothing tried again."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        _swap_contacts(self, _ContactsForgettingRefusals)


class HidesRefusals(SyncEngine):
    """Tries refused records again, but its status never shows them: its user cannot learn why a customer is
    missing from HubSpot."""

    def status(self) -> dict:
        return {"errors": []}


class KeepsStaleRefusals(SyncEngine):
    """Its status lists every record ever refused, long after it was written."""

    def __init__(self, transport=None, state_dir=None) -> None:
        super().__init__(transport, state_dir)
        self.ever: dict[tuple[str, str], dict] = {}

    def status(self) -> dict:
        for entry in super().status()["errors"]:
            self.ever[(entry["shop"], entry["shopify_id"])] = entry
        return {"errors": list(self.ever.values())}


_Z = "tests.mutants.zoo_reliability:"
# import name -> (the reliability scenario that must fail it, words of the check it must fail on)
RELIABILITY_MUTANTS: dict[str, tuple[str, str]] = {
    _Z + "RetriesOnlyOnChange": ("CNT-1/write-rule-added-mid-run", "syncs once the rule is lifted"),
    _Z + "DropsRefusedRecords": ("CNT-1/write-rule-added-mid-run", "the status lists exactly"),
    _Z + "HidesRefusals": ("CNT-1/write-rule-added-mid-run", "while the rule holds, the status lists exactly"),
    _Z + "KeepsStaleRefusals": ("CNT-1/write-rule-added-mid-run", "once one customer has its phone"),
}
