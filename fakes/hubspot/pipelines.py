"""Default pipelines: the order pipeline with the stage ids of docs/vendor-behaviour.md §3.7 and the deal pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PipelineStage:
    """One stage of a pipeline."""

    id: str
    label: str
    display_order: int
    metadata: dict[str, str] = field(default_factory=dict)

    def as_json(self, iso_created: str) -> dict[str, Any]:
        """The vendor's `PipelineStage` shape."""
        return {"id": self.id, "label": self.label, "displayOrder": self.display_order,
                "metadata": dict(self.metadata), "createdAt": iso_created, "updatedAt": iso_created,
                "archived": False, "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT"}


@dataclass
class Pipeline:
    """A pipeline of an object type (orders, deals)."""

    id: str
    label: str
    display_order: int
    stages: list[PipelineStage]

    def stage(self, stage_id: str) -> PipelineStage | None:
        """The stage with this id, if the pipeline has it."""
        return next((s for s in self.stages if s.id == stage_id), None)

    def as_json(self, iso_created: str) -> dict[str, Any]:
        """The vendor's `Pipeline` shape."""
        return {"id": self.id, "label": self.label, "displayOrder": self.display_order,
                "stages": [s.as_json(iso_created) for s in self.stages], "createdAt": iso_created,
                "updatedAt": iso_created, "archived": False}


ORDER_PIPELINE_ID = "14a2e10e-5471-408a-906e-c51f3b04369e"
# Same ids in several unrelated portals, so apparently global defaults (docs/vendor-behaviour.md §3.7, I-3p).
ORDER_STAGES = {
    "Open": "4b27b500-f031-4927-9811-68a0b525cbae",
    "Processed": "937ea84d-0a4f-4dcf-9028-3f9c2aafbf03",
    "Shipped": "aa99e8d0-c1d5-4071-b915-d240bbb1aed9",
    "Delivered": "3725360f-519b-4b18-a593-494d60a29c9f",
    "Cancelled": "3c85a297-e9ce-400b-b42e-9f16853d69d6",
}
_DEAL_STAGES = [("appointmentscheduled", "Appointment Scheduled", "0.2"),
                ("qualifiedtobuy", "Qualified To Buy", "0.4"),
                ("presentationscheduled", "Presentation Scheduled", "0.6"),
                ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8"),
                ("contractsent", "Contract Sent", "0.9"),
                ("closedwon", "Closed Won", "1.0"),
                ("closedlost", "Closed Lost", "0.0")]


def default_pipelines() -> dict[str, list[Pipeline]]:
    """Fresh default pipelines per object type name, for a new portal."""
    order_stages = [PipelineStage(sid, label, i, {"state": "CLOSED" if label in ("Delivered", "Cancelled")
                                                  else "OPEN"})
                    for i, (label, sid) in enumerate(ORDER_STAGES.items())]
    deal_stages = [PipelineStage(sid, label, i, {"isClosed": str(sid.startswith("closed")).lower(),
                                                 "probability": prob})
                   for i, (sid, label, prob) in enumerate(_DEAL_STAGES)]
    return {
        "orders": [Pipeline(ORDER_PIPELINE_ID, "Orders pipeline", 0, order_stages)],
        "deals": [Pipeline("default", "Sales Pipeline", 0, deal_stages)],
    }
