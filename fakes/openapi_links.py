"""OpenAPI links, shared by both fakes' documents: each create names the calls that take what it returns."""

from __future__ import annotations

from typing import Any

# (source operationId, status) -> target operationId -> parameter name -> runtime expression
LinkTable = dict[tuple[str, str], dict[str, dict[str, str]]]


def attach_links(paths: dict[str, Any], links: LinkTable) -> None:
    """Add each source response's `links` to a document's paths (by operationId)."""
    operations = {op["operationId"]: op for item in paths.values() for op in item.values()}
    for (source, status), targets in links.items():
        responses = operations[source]["responses"]
        # A copy: operations share response objects (`record`), and a link belongs to one of them.
        responses[status] = {**responses[status], "links": {
            target: {"operationId": target, "parameters": parameters} for target, parameters in targets.items()}}
