"""Host interception: an implementation that calls `https://api.hubapi.com` and `https://{shop}.myshopify.com`
unmodified reaches the fakes through an HTTPS proxy on 127.0.0.1 with a certificate authority minted for the run.

The implementation is started with `HTTPS_PROXY`/`HTTP_PROXY` pointing at the proxy and `SSL_CERT_FILE`,
`REQUESTS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS` naming the run's CA. The proxy answers a `CONNECT` to a vendor host
with a certificate for that host signed by the CA, reads the HTTP requests inside the tunnel (h11) and hands each
to the fake behind the host, the `Host` header kept (the fake Shopify routes `{shop}.myshopify.com/admin/...` by
it). A `CONNECT` to any other host is refused (403) and remembered, for the report.

TLS runs on the machine's real clock, so the certificates are valid from a day before the real now: this is the
transport, not the simulation, whose clock the implementation still gets from `/tick` only.
"""

from __future__ import annotations

import contextlib
import datetime as real_time
import socket
import socketserver
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import h11
import httpx

HUBSPOT_HOST = "api.hubapi.com"
SHOPIFY_SUFFIX = ".myshopify.com"
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "proxy-connection", "content-length"})
MAX_HEAD = 65_536


class CertificateAuthority:
    """A CA of one run (EC P-256) and the server certificates it signs, one per host, in a directory."""

    def __init__(self, directory: Path) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        self._x509, self._hashes, self._ec, self._serialization = x509, hashes, ec, serialization
        self.directory = directory
        self._key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shopsync interception CA (one run)")])
        now = real_time.datetime.now(real_time.UTC)
        public = self._key.public_key()
        self.certificate = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - real_time.timedelta(days=1)).not_valid_after(now + real_time.timedelta(days=7))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(self._key, hashes.SHA256()))
        self.path = directory / "shopsync-ca.pem"
        self.path.write_bytes(self.certificate.public_bytes(serialization.Encoding.PEM))
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def server_context(self, host: str) -> ssl.SSLContext:
        """A TLS server context presenting a certificate for `host` (made once per host)."""
        with self._lock:
            if host not in self._contexts:
                self._contexts[host] = self._issue(host)
            return self._contexts[host]

    def _issue(self, host: str) -> ssl.SSLContext:
        x509, serialization = self._x509, self._serialization
        key = self._ec.generate_private_key(self._ec.SECP256R1())
        now = real_time.datetime.now(real_time.UTC)
        certificate = (
            x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME,
                                                                                 host)]))
            .issuer_name(self.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - real_time.timedelta(days=1)).not_valid_after(now + real_time.timedelta(days=7))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self._key.public_key()), critical=False)
            .sign(self._key, self._hashes.SHA256()))
        stem = self.directory / host.replace("*", "_")
        chain = stem.with_suffix(".pem")
        chain.write_bytes(certificate.public_bytes(serialization.Encoding.PEM)
                          + self.certificate.public_bytes(serialization.Encoding.PEM))
        key_file = stem.with_suffix(".key")
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain, key_file)
        return context


@dataclass
class Interceptor:
    """The proxy of one run: vendor hosts to the fakes' URLs, everything else refused."""

    hubspot_url: str
    shopify_url: str
    refused: list[str] = field(default_factory=list)  # host:port of every CONNECT (or request) refused

    def __post_init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="shopsync-ca-")
        self.ca = CertificateAuthority(Path(self._tmp.name))
        self._http = httpx.Client(trust_env=False, timeout=60.0)
        interceptor = self

        class Handler(_Tunnel):
            owner = interceptor

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="shopsync-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """The proxy's address, for HTTPS_PROXY."""
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """What the implementation's process is started with, so that its clients use the proxy and the CA."""
        ca = str(self.ca.path)
        return {"HTTPS_PROXY": self.url, "https_proxy": self.url, "HTTP_PROXY": self.url, "http_proxy": self.url,
                "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost", "SSL_CERT_FILE": ca,
                "REQUESTS_CA_BUNDLE": ca, "CURL_CA_BUNDLE": ca, "NODE_EXTRA_CA_CERTS": ca, "NODE_USE_ENV_PROXY": "1",
                "SHOPSYNC_PROXY": self.url, "SHOPSYNC_CA_FILE": ca}

    def upstream(self, host: str) -> str | None:
        """The fake's base URL behind a vendor host, or None for a host outside the simulated world."""
        host = host.lower()
        if host == HUBSPOT_HOST:
            return self.hubspot_url
        if host.endswith(SHOPIFY_SUFFIX) and len(host) > len(SHOPIFY_SUFFIX):
            return self.shopify_url
        return None

    def forward(self, host: str, method: str, target: str, headers: list[tuple[str, str]],
                body: bytes) -> httpx.Response:
        """One request from inside a tunnel, to the fake behind `host` (the Host header kept for it)."""
        base = self.upstream(host)
        assert base is not None
        kept = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
        return self._http.request(method, base + target, headers=kept, content=body)

    def close(self) -> None:
        """Stop the proxy and forget the CA."""
        self._server.shutdown()
        self._server.server_close()
        self._http.close()
        self._tmp.cleanup()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Tunnel(socketserver.StreamRequestHandler):
    """One client connection: a CONNECT tunnel (TLS terminated here) or a plain-HTTP proxy request."""

    owner: Interceptor
    rbufsize = 0  # read the CONNECT head byte by byte: nothing of the TLS handshake after it may be buffered away

    def handle(self) -> None:
        head = self._head(self.rfile)
        if head is None:
            return
        method, target, _headers = head
        if method == "CONNECT":
            host = target.rpartition(":")[0]
            if self.owner.upstream(host) is None:
                self.owner.refused.append(target)
                self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            self.wfile.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            self.wfile.flush()
            try:
                tls = self.owner.ca.server_context(host).wrap_socket(self.connection, server_side=True)
            except (ssl.SSLError, OSError):
                return  # the client refused our certificate (no CA given to it): nothing to serve
            with contextlib.closing(tls):
                self._serve(tls, host)
            return
        # Plain HTTP through the proxy (absolute-form target): vendors are HTTPS only, so any is refused.
        self.owner.refused.append(target)
        self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    @staticmethod
    def _head(stream: Any) -> tuple[str, str, list[tuple[str, str]]] | None:
        line = stream.readline(MAX_HEAD).decode("latin-1").strip()
        parts = line.split()
        if len(parts) != 3:
            return None
        headers = []
        while True:
            raw = stream.readline(MAX_HEAD).decode("latin-1")
            if raw in ("\r\n", "\n", ""):
                break
            name, _, value = raw.partition(":")
            headers.append((name.strip(), value.strip()))
        return parts[0].upper(), parts[1], headers

    def _serve(self, tls: socket.socket, host: str) -> None:
        """HTTP/1.1 requests inside the tunnel, one after the other, each to the fake."""
        conn = h11.Connection(h11.SERVER)
        while True:
            try:
                request, body = self._request(conn, tls)
            except (h11.RemoteProtocolError, OSError, ssl.SSLError):
                return
            if request is None:
                return
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers]
            try:
                answer = self.owner.forward(host, request.method.decode(), request.target.decode("latin-1"), headers,
                                            body)
                status, reply_headers, content = answer.status_code, answer.headers.multi_items(), answer.content
            except httpx.HTTPError as error:
                status, reply_headers, content = 502, [("Content-Type", "text/plain")], repr(error).encode()
            out = [(k, v) for k, v in reply_headers if k.lower() not in HOP_BY_HOP | {"content-encoding"}]
            out.append(("Content-Length", str(len(content))))
            try:
                tls.sendall(conn.send(h11.Response(status_code=status, headers=out)))
                tls.sendall(conn.send(h11.Data(data=content)) + conn.send(h11.EndOfMessage()))
            except (OSError, ssl.SSLError, h11.LocalProtocolError):
                return
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                return
            try:
                conn.start_next_cycle()
            except h11.LocalProtocolError:
                return

    @staticmethod
    def _request(conn: h11.Connection, tls: socket.socket) -> tuple[Any, bytes]:
        request, body = None, b""
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = tls.recv(65_536)
                conn.receive_data(data)
                if not data and request is None:
                    return None, b""
                continue
            if isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                return request, body
            elif isinstance(event, h11.ConnectionClosed):
                return None, b""
