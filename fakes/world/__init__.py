"""The simulated world: one clock, both fakes, a seed, faults, webhook delivery, implementation adapters."""

from fakes.world.adapters import Environment, Health, Implementation, ImplementationError, InProcess, Process
from fakes.world.faults import ApiFault, FaultSchedule, WebhookFault
from fakes.world.world import World

__all__ = ["ApiFault", "Environment", "FaultSchedule", "Health", "Implementation", "ImplementationError",
           "InProcess", "Process", "WebhookFault", "World"]
