"""Shopify's GraphQL Admin API: Shopify's own schema per version, resolvers over the one store, cost and errors.

* `schemas`: the introspection schemas Shopify publishes (installed by `make schemas`), one per version.
* `executor`: one request, from text to the JSON body Shopify answers (validation, cost, throttling).
* `cost`, `errors`, `search`, `paging`: Shopify's rules for those, shared with the B2B subset of
  `fakes/shopify/graphql_api.py` (the 2024-10..2025-07 versions, whose schema Shopify no longer publishes).
* `resolvers/`: one module per resource; a field without a resolver answers that the fake does not simulate it.
"""
