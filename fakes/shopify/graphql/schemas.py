"""Shopify's own Admin API schemas, one per version, as Shopify publishes them.

Shopify ships the introspection result of each Admin API version in its ISC-licensed npm package
`@shopify/dev-mcp` (`dist/data/admin_<version>.json.gz`). `make schemas` (this module's `fetch`) packs the
pinned release with npm, checks the tarball against the pinned integrity and keeps only those files, in
`.cache/shopify-admin-schemas/` (or `$SHOPSYNC_SHOPIFY_SCHEMAS`); nothing of Shopify's is committed here.

graphql-core builds an executable schema from each, so every query, argument, input object and enum is
validated as at Shopify, and introspection answers Shopify's schema.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from pathlib import Path

from graphql import GraphQLSchema, build_client_schema

PACKAGE = "@shopify/dev-mcp"
PACKAGE_VERSION = "1.16.0"
# `npm view @shopify/dev-mcp@1.16.0 dist.integrity`: the tarball must hash to this, whatever served it.
INTEGRITY = "sha512-tqgRnK7sQhjew+htxtleTH23nXB5fZcsrhWgEkomsorGXvLOB2mh2upwZm8uzuTDNTZnqtLMe64yIwh6s2awtw=="
# The versions that release carries: the stable ones Shopify still supported in late 2026, and `unstable`
# (docs/vendor-behaviour.md §1.1). Older versions fall forward to the oldest of these, as at Shopify.
VERSIONS = ("2025-10", "2026-01", "2026-04", "2026-07", "2026-10", "unstable")
ENV_DIR = "SHOPSYNC_SHOPIFY_SCHEMAS"
PROVENANCE = "PROVENANCE.json"


class SchemaMissing(RuntimeError):
    """Shopify's schema for a version is not installed here."""


def schema_dir() -> Path:
    """Where the schemas live: `$SHOPSYNC_SHOPIFY_SCHEMAS`, else `.cache/shopify-admin-schemas` at the repo root."""
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / ".cache" / "shopify-admin-schemas"


def schema_file(version: str) -> Path:
    return schema_dir() / f"admin_{version}.json.gz"


def installed() -> bool:
    """Whether every version's schema is in place (the provenance file is written last)."""
    return (schema_dir() / PROVENANCE).is_file() and all(schema_file(v).is_file() for v in VERSIONS)


_lock = threading.Lock()
_built: dict[str, GraphQLSchema] = {}
_introspection: dict[str, dict] = {}


def introspection(version: str) -> dict:
    """The introspection result Shopify published for `version` (`{"__schema": ...}`)."""
    with _lock:
        if version not in _introspection:
            path = schema_file(version)
            if version not in VERSIONS or not path.is_file():
                raise SchemaMissing(f"Shopify's Admin API schema {version} is not installed in {schema_dir()}: "
                                    f"run `make schemas` (or python -m fakes.shopify.graphql.schemas fetch)")
            with gzip.open(path, "rb") as raw:
                _introspection[version] = json.loads(raw.read())["data"]
        return _introspection[version]


def schema(version: str) -> GraphQLSchema:
    """The executable schema of `version`, built once per process."""
    found = _built.get(version)
    if found is not None:
        return found
    data = introspection(version)
    with _lock:
        if version not in _built:
            built = build_client_schema(data)
            # Shopify's schema breaks one rule graphql-core 3.3 checks (an implementation field deprecated
            # while its interface field is not, e.g. Customer.hasTimelineComment); Shopify serves it as it
            # is, so the fake does too instead of refusing every request.
            built._validation_errors = []  # type: ignore[attr-defined]
            _built[version] = built
        return _built[version]


# ------------------------------------------------------------------------------------------- install


def _integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def fetch(target: Path | None = None) -> Path:
    """Pack the pinned `@shopify/dev-mcp` with npm, check its integrity, keep the Admin schemas in `target`."""
    target = target or schema_dir()
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is needed to install Shopify's Admin schemas (Debian: apt-get install npm)")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([npm, "pack", f"{PACKAGE}@{PACKAGE_VERSION}", "--silent", "--pack-destination", work],
                       check=True, stdout=subprocess.DEVNULL)
        tarball = next(Path(work).glob("*.tgz"))
        found = _integrity(tarball)
        if found != INTEGRITY:
            raise SystemExit(f"{PACKAGE}@{PACKAGE_VERSION}: integrity {found} is not the pinned {INTEGRITY}")
        target.mkdir(parents=True, exist_ok=True)
        (target / PROVENANCE).unlink(missing_ok=True)
        wanted = {f"package/dist/data/admin_{v}.json.gz": f"admin_{v}.json.gz" for v in VERSIONS}
        wanted["package/LICENSE"] = "LICENSE"
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive.getmembers():
                name = wanted.get(member.name)
                if name is None or not member.isfile():
                    continue
                source = archive.extractfile(member)
                assert source is not None
                (target / name).write_bytes(source.read())
        missing = [v for v in VERSIONS if not (target / f"admin_{v}.json.gz").is_file()]
        if missing:
            raise SystemExit(f"{PACKAGE}@{PACKAGE_VERSION} has no Admin schema for {', '.join(missing)}")
        (target / PROVENANCE).write_text(json.dumps(
            {"package": PACKAGE, "version": PACKAGE_VERSION, "integrity": INTEGRITY, "versions": list(VERSIONS),
             "license": "ISC (see LICENSE)"}, indent=2) + "\n")
    return target


def main(argv: list[str]) -> int:
    if argv[:1] == ["fetch"]:
        if installed() and "--force" not in argv:
            print(f"Shopify's Admin schemas are installed in {schema_dir()}")
            return 0
        print(f"Shopify's Admin schemas installed in {fetch()}")
        return 0
    if argv[:1] == ["check"]:
        return 0 if installed() else 1
    print("usage: python -m fakes.shopify.graphql.schemas fetch [--force] | check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
