"""Blueprints of the fake HubSpot, one per API area; each route parses, calls one store method, renders."""
