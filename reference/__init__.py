"""The reference HubSpot <-> Shopify sync engine: compact, readable, and conforming to every MUST of docs/spec.md.

It talks to both vendors only over HTTP (httpx), so pointing it at the real Shopify and HubSpot is a
matter of base URLs and tokens in the settings document. See `reference/README.md`.
"""
