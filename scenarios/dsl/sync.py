"""The sync's settings as a scenario changes them (`w.sync`): objects on and off, mappings, deleted syncs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.adapters import SettingsReply
from scenarios.dsl.history import Change
from scenarios.dsl.rules import OBJECTS, copy_value

if TYPE_CHECKING:
    from scenarios.dsl.simulation import Sim


class Sync:
    """The sync's settings as a person edits them in the app: switches, mappings, delete."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        self.objects: dict[str, dict | None] = {name: {"enabled": False, "mappings": []} for name in OBJECTS}
        self.objects["contacts"]["only_with_email"] = True
        self.poll_interval = 60.0
        self.last_reply = None

    def enable(self, *names: str) -> Sync:
        """Switch objects on (an initial sync follows, SET-2)."""
        for name in names or OBJECTS:
            entry = self.objects.get(name) or {"enabled": False, "mappings": []}
            entry["enabled"] = True
            self.objects[name] = entry
        return self.apply()

    def disable(self, *names: str) -> Sync:
        """Switch objects off (SET-3)."""
        for name in names:
            if self.objects.get(name):
                self.objects[name]["enabled"] = False
        return self.apply()

    def delete(self, *names: str) -> Sync:
        """Delete the sync of these objects: their settings go (SET-4)."""
        for name in names:
            self.objects[name] = None
        return self.apply()

    def email_only(self, on: bool) -> Sync:
        """The contact limit "sync only contacts with an email address" (SET-6)."""
        self.objects["contacts"]["only_with_email"] = on
        return self.apply()

    def map(self, obj: str, hubspot_property: str, shopify_field: str, direction: str = "both") -> Any:
        """Add a custom field mapping; returns the settings reply (refused below Ops Hub Starter, CON-4)."""
        proposed = {k: (dict(v, mappings=list(v["mappings"])) if v else None) for k, v in self.objects.items()}
        proposed[obj]["mappings"].append({"hubspot_property": hubspot_property, "shopify_field": shopify_field,
                                          "direction": direction})
        reply = self._push(proposed)
        if reply.accepted:
            self.objects = proposed
        return reply

    def apply(self) -> Sync:
        """Send the current settings; a refusal is a failed check of the scenario."""
        reply = self._push(self.objects)
        if not reply.accepted:
            self.sim.fail("settings refused", expected="200", found=f"{reply.status} {reply.error}")
        return self

    def propose(self, document: Any, *, kind: str = "malformed settings") -> SettingsReply:
        """PUT a settings document exactly as given, valid or not; the reply. Nothing the harness believes
        in force changes: a refusal must leave the last accepted settings in force (and an acceptance of
        a malformed document leaves nobody knowing what is). Counted as a hostile input of `kind`."""
        reply = self.sim.world.configure(document)
        self.last_reply = reply
        self.sim.tried(kind, refused=reply.status == 422)
        self.sim.history.add(Change(self.sim.now(), "settings", "settings", "refused" if reply.status == 422
                                    else f"answered-{reply.status}", None, kind, {"error": reply.error}))
        return reply

    def document(self, objects: dict | None = None) -> dict:
        """The settings document these switches make."""
        w = self.sim.world
        return w.settings(objects=objects if objects is not None else self.objects, poll_interval=self.poll_interval,
                          validate=False)

    def _push(self, objects: dict):
        document = self.document(objects)
        reply = self.sim.world.configure(document)
        self.last_reply = reply
        if reply.accepted:
            self.sim.history.add(Change(self.sim.now(), "settings", "settings", "configure", None, "",
                                        {"objects": copy_value(objects)}))
        return reply

    def status(self):
        """What the implementation shows its user (`GET /status`): a SyncStatus, None when it serves none."""
        return self.sim.world.implementation.status() if self.sim.world.implementation else None

    def enabled(self, name: str) -> bool:
        """Whether an object's sync is on right now."""
        entry = self.objects.get(name)
        return bool(entry and entry["enabled"])
