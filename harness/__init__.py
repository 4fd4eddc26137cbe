"""The harness: the simulated world (one clock, both fakes, a seed, faults, webhook delivery, tenants, snapshots),
the implementation adapters and the process contract, host interception. `fakes/` holds only the vendors."""

from harness.adapters import Environment, Health, Implementation, ImplementationError, InProcess, Process
from harness.faults import ApiFault, FaultSchedule, WebhookFault
from harness.world import World

__all__ = ["ApiFault", "Environment", "FaultSchedule", "Health", "Implementation", "ImplementationError",
           "InProcess", "Process", "WebhookFault", "World"]
