"""Real local servers for the webhook delivery tests, and a network tripwire.

Everything listens on 127.0.0.1. The ``network_audit`` fixture (autouse here) records every
``socket.connect`` and ``socket.getaddrinfo`` the process makes, via a Python audit hook,
and makes any connect to a non-loopback address, and any lookup of a name other than
``localhost`` (answered from /etc/hosts), fail: these tests must never send traffic off the
machine, and a refused URL must be refused before any socket is opened.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.http_recorder import Answer, HttpServer, Recorded

# --------------------------------------------------------------------------- network audit


@dataclass
class NetworkAudit:
    """Socket activity seen while a test ran (from any thread of this process)."""

    connects: list[Any] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    active: bool = False

    def clear(self) -> None:
        self.connects.clear()
        self.lookups.clear()


_AUDIT = NetworkAudit()
_HOOK_INSTALLED = False


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and the like are not network traffic
    host = str(address[0]).split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _audit_hook(event: str, args: tuple[Any, ...]) -> None:
    if not _AUDIT.active:
        return
    if event == "socket.connect":
        address = args[1]
        _AUDIT.connects.append(address)
        if not _is_loopback(address):
            raise RuntimeError(f"webhook tests must not connect off the machine: {address!r}")
    elif event == "socket.getaddrinfo":
        host = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        _AUDIT.lookups.append(host)
        if host != "localhost" and not _is_ip_literal(host):
            raise RuntimeError(f"webhook tests must not send DNS queries: {host!r}")


@pytest.fixture(autouse=True)
def network_audit() -> Iterator[NetworkAudit]:
    global _HOOK_INSTALLED
    if not _HOOK_INSTALLED:
        sys.addaudithook(_audit_hook)  # hooks cannot be removed; it is inert when inactive
        _HOOK_INSTALLED = True
    _AUDIT.clear()
    _AUDIT.active = True
    try:
        yield _AUDIT
    finally:
        _AUDIT.active = False


# --------------------------------------------------------------------------- raw listener


class SocketListener:
    """A real TCP socket listening on 127.0.0.1; a thread accepts connections and hands each
    to :meth:`handle`, which owns (and closes) it, until :meth:`close`."""

    def __init__(self, backlog: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        self.sock.settimeout(0.05)
        self.port: int = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.handle(conn)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


class CountingListener(SocketListener):
    """Counts accepted connections and closes them at once."""

    def __init__(self) -> None:
        self.accepted = 0
        super().__init__(backlog=16)

    def handle(self, conn: socket.socket) -> None:
        self.accepted += 1
        conn.close()

    def settled_count(self) -> int:
        """Connections accepted so far, after giving any in-flight one time to be accepted
        (the kernel completes a TCP handshake before ``accept``, so a connect made by the
        code under test is in the backlog by the time it returns)."""
        time.sleep(0.15)
        return self.accepted


@pytest.fixture
def counting_listener() -> Iterator[CountingListener]:
    listener = CountingListener()
    try:
        yield listener
    finally:
        listener.close()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago and has no listener."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --------------------------------------------------------------------------- HTTP servers


class RecordingServer(HttpServer):
    """A threaded ``http.server`` on 127.0.0.1 that records requests and sends ``reply``."""

    def __init__(self, reply: Answer, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Recorded] = []

        def answer(request: Recorded) -> Answer:
            self.requests.append(request)
            return reply

        super().__init__(answer, tls)


@pytest.fixture
def http_server() -> Iterator[Callable[..., RecordingServer]]:
    """Factory: ``http_server(status=200, headers={}, body=b"ok", tls=None)`` starts a
    recording server; all are stopped after the test."""
    servers: list[RecordingServer] = []

    def start(
        status: int = 200,
        headers: dict[str, str] | None = None,
        body: bytes = b"ok",
        tls: ssl.SSLContext | None = None,
    ) -> RecordingServer:
        server = RecordingServer(Answer(status, headers or {}, body), tls)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.close()


class DripServer(SocketListener):
    """Accepts one request and answers one byte every ``interval`` seconds, forever.

    ``phase="head"`` drips the status line; ``phase="body"`` sends the head at once and then
    drips a body announced as 4096 bytes.
    """

    def __init__(self, phase: str, interval: float = 0.05) -> None:
        self.phase = phase
        self.interval = interval
        self.bytes_sent = 0
        super().__init__(backlog=4)

    def handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(1.0)
            try:
                conn.recv(65536)
                if self.phase == "body":
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4096\r\n\r\n")
                while not self._stop.is_set():
                    conn.sendall(b"H" if self.phase == "head" else b"x")
                    self.bytes_sent += 1
                    time.sleep(self.interval)
            except OSError:
                return


@pytest.fixture
def drip_server() -> Iterator[Callable[[str], DripServer]]:
    servers: list[DripServer] = []

    def start(phase: str) -> DripServer:
        server = DripServer(phase)
        servers.append(server)
        return server

    try:
        yield start
    finally:
        for server in servers:
            server.close()


class DribblingProxy(SocketListener):
    """A TCP proxy on 127.0.0.1 to ``upstream_port`` that passes the client's bytes on at once
    but the server's one byte every ``interval`` seconds (e.g. a TLS certificate chain)."""

    def __init__(self, upstream_port: int, interval: float = 0.02) -> None:
        self.upstream_port = upstream_port
        self.interval = interval
        self.bytes_relayed = 0
        self._relays: list[threading.Thread] = []
        super().__init__(backlog=4)

    def handle(self, conn: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=2)
        for target in (self._pump, self._dribble):
            thread = threading.Thread(target=target, args=(conn, upstream), daemon=True)
            self._relays.append(thread)
            thread.start()

    def _pump(self, client: socket.socket, upstream: socket.socket) -> None:
        client.settimeout(0.05)
        while not self._stop.is_set():
            try:
                data = client.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            try:
                upstream.sendall(data)
            except OSError:
                return

    def _dribble(self, client: socket.socket, upstream: socket.socket) -> None:
        upstream.settimeout(0.05)
        try:
            while not self._stop.is_set():
                try:
                    data = upstream.recv(1)
                except TimeoutError:
                    continue
                if not data:
                    return
                client.sendall(data)
                self.bytes_relayed += 1
                time.sleep(self.interval)
        except OSError:
            return
        finally:
            client.close()
            upstream.close()

    def close(self) -> None:
        super().close()
        for thread in self._relays:
            thread.join(timeout=2)


@pytest.fixture
def dribbling_proxy() -> Iterator[Callable[[int], DribblingProxy]]:
    proxies: list[DribblingProxy] = []

    def start(upstream_port: int) -> DribblingProxy:
        proxy = DribblingProxy(upstream_port)
        proxies.append(proxy)
        return proxy

    try:
        yield start
    finally:
        for proxy in proxies:
            proxy.close()


# --------------------------------------------------------------------------- TLS material


@dataclass(frozen=True)
class TLSFiles:
    ca_cert: Path
    server_cert: Path
    server_key: Path
    names: tuple[str, ...]

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.server_cert, self.server_key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_cert))


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    """A private CA and a server certificate for DNS names only (no IP addresses)."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError as exc:  # pragma: no cover - environment problem, fail loudly
        pytest.fail(f"the TLS tests need the 'cryptography' package to make certificates: {exc}")

    names = ("localhost", "webhook.example.test")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "screening test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("webhook-tls")
    files = TLSFiles(folder / "ca.pem", folder / "server.pem", folder / "server.key", names)
    files.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    files.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.server_key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files
