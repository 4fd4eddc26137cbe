"""The simulated world: fake vendor APIs on one simulated clock."""
