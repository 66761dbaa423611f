"""One webhook delivery attempt: an HTTP POST to a checked, pinned address.

How the connection is made, and why this way:

- The URL goes through :func:`.url_guard.check_url` first; a refused URL never opens a
  socket.
- The request goes to one of the addresses that were just checked, never to a fresh DNS
  lookup of the name. This uses the standard library's ``http.client``: small subclasses
  of ``HTTPConnection`` / ``HTTPSConnection`` override ``connect()`` (a documented,
  overridable method) to open the TCP socket to the pinned IP, and for https wrap it with
  ``SSLContext.wrap_socket(server_hostname=<URL host>)`` so SNI and certificate checking are
  done against the host name in the URL. ``Host`` carries that name too. ``requests`` would
  need a custom transport adapter reaching into urllib3 pool internals to do the same, and
  is not a runtime dependency.
- Redirects are never followed (``http.client`` has no redirect logic): a 3xx is returned as
  a failed attempt, per the spec.
- ``timeout`` bounds the whole attempt after name resolution (``getaddrinfo`` has no timeout
  of its own; the system resolver's limits apply): TCP connect and TLS handshake get the
  time left as their socket timeout (for a handshake that is a total, not per read, since
  Python 3.5), and from the request on a watchdog shuts the socket down at the deadline so a
  server dripping one byte at a time cannot hold a worker.
- At most ``max_snippet_bytes`` (1 KiB) of the response body is read, for the delivery log;
  the rest is never read. ``Accept-Encoding: identity`` is sent, so no decompression.

:func:`post` never raises for network trouble: every outcome is a :class:`DeliveryResult`.
"""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import string
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from screening.integrations.webhooks.url_guard import (
    HostResolutionError,
    ResolvedTarget,
    Resolver,
    UnsafeURL,
    check_url,
)

DEFAULT_TIMEOUT_SECONDS = 15.0
MAX_SNIPPET_BYTES = 1024
USER_AGENT = "Screening-Webhooks/1.0"
_RESERVED_HEADERS = frozenset({"host", "content-length", "transfer-encoding", "connection"})

ERROR_UNSAFE_URL = "unsafe_url"
ERROR_DNS = "dns"
ERROR_CONNECT = "connect"
ERROR_TLS = "tls"
ERROR_TIMEOUT = "timeout"
ERROR_PROTOCOL = "protocol"


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one attempt.

    ``status_code`` is the HTTP status, or ``None`` when no response arrived (then
    ``error`` and ``error_kind`` say why). ``response_body_snippet`` is the first
    ``max_snippet_bytes`` bytes of the body decoded as UTF-8 (undecodable bytes replaced).
    ``error`` is also set next to a status for a 3xx (the redirect that was not followed)
    and for a body cut short by the deadline; success is decided by the status alone
    (:attr:`ok`, :func:`.retry.classify`), never by ``error``. ``retry_after``
    is the raw ``Retry-After`` header, for :func:`.retry.next_delay`. ``duration_ms`` is wall
    time of the whole attempt, checks included. ``error_kind`` is one of ``unsafe_url``,
    ``dns``, ``connect``, ``tls``, ``timeout``, ``protocol``; ``address`` is the IP the
    request was sent to, ``None`` if no connection was made.
    """

    status_code: int | None
    response_body_snippet: str
    error: str | None
    retry_after: str | None
    duration_ms: int
    error_kind: str | None = None
    address: str | None = None

    @property
    def ok(self) -> bool:
        """True for a 2xx response, the only success."""
        return self.status_code is not None and 200 <= self.status_code <= 299


@functools.cache
def _default_tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def _connect_tcp(address: str, port: int, timeout: float | None) -> socket.socket:
    sock = socket.create_connection((address, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _Watchdog:
    """Shuts a socket down at the deadline, unblocking any read pending on it.

    It holds the socket itself, not the connection: once a ``Connection: close`` response
    has begun, ``http.client`` detaches the socket from the connection and only the
    response's file object still reads from it.
    """

    def __init__(self, sock: socket.socket, seconds: float) -> None:
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass  # already closed: nothing left to unblock


def _seconds_left(deadline: float) -> float:
    """Seconds until ``deadline`` (a ``time.monotonic()`` value), at least 1 ms (a zero
    timeout would make ``socket`` non-blocking)."""
    return max(deadline - time.monotonic(), 0.001)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """``HTTPConnection`` whose socket goes to a fixed, pre-checked IP address."""

    def __init__(self, target: ResolvedTarget, address: str, deadline: float) -> None:
        super().__init__(target.host, target.port, timeout=_seconds_left(deadline))
        self.pinned_address = address
        self.deadline = deadline

    def connect(self) -> None:
        self.sock = _connect_tcp(self.pinned_address, self.port, _seconds_left(self.deadline))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """``HTTPSConnection`` to a fixed IP, with SNI and certificate check for the URL host.

    The handshake is bounded by the deadline: since Python 3.5 the socket timeout is the
    maximum total duration of a TLS handshake (ssl docs, ``do_handshake``), and it is set
    to the time left just before the handshake starts."""

    def __init__(
        self, target: ResolvedTarget, address: str, deadline: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(target.host, target.port, timeout=_seconds_left(deadline), context=context)
        self.pinned_address = address
        self.deadline = deadline
        self.tls_context = context

    def connect(self) -> None:
        raw = _connect_tcp(self.pinned_address, self.port, _seconds_left(self.deadline))
        try:
            raw.settimeout(_seconds_left(self.deadline))
            self.sock = self.tls_context.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _elapsed_ms(start: float) -> int:
    return int((time.monotonic() - start) * 1000)


def _failure(start: float, kind: str, message: str, address: str | None = None) -> DeliveryResult:
    return DeliveryResult(
        status_code=None,
        response_body_snippet="",
        error=message,
        retry_after=None,
        duration_ms=_elapsed_ms(start),
        error_kind=kind,
        address=address,
    )


_TOKEN_CHARS = frozenset(string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~")


def _request_headers(
    target: ResolvedTarget, headers: Mapping[str, str], body: bytes
) -> dict[str, str]:
    """The headers to send; refuses reserved or malformed caller headers (``ValueError``)."""
    for name, value in headers.items():
        if not name or not set(name) <= _TOKEN_CHARS:
            raise ValueError(f"invalid header name {name!r}")
        if any(ch in value for ch in "\r\n\0"):
            raise ValueError(f"header {name!r} contains a line break or NUL")
    clashing = sorted(name for name in headers if name.lower() in _RESERVED_HEADERS)
    if clashing:
        raise ValueError(f"headers set by the delivery client may not be passed: {clashing}")
    merged = {"Host": target.host_header}
    merged.update(headers)
    if not any(name.lower() == "user-agent" for name in headers):
        merged["User-Agent"] = USER_AGENT
    merged["Content-Length"] = str(len(body))
    merged["Connection"] = "close"
    return merged


class _AttemptFailed(Exception):
    def __init__(self, kind: str, message: str, address: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.address = address


def _open(
    target: ResolvedTarget, deadline: float, tls_context: ssl.SSLContext
) -> tuple[http.client.HTTPConnection, str]:
    """Connect to the first reachable checked address, in resolver order, before
    ``deadline`` (a ``time.monotonic()`` value); raise :class:`_AttemptFailed` otherwise."""
    last_kind, last_error = ERROR_CONNECT, "no address to connect to"
    for address in target.addresses:
        if deadline - time.monotonic() <= 0:
            raise _AttemptFailed(ERROR_TIMEOUT, "timed out before a connection was made")
        conn: http.client.HTTPConnection
        if target.scheme == "https":
            conn = _PinnedHTTPSConnection(target, address, deadline, tls_context)
        else:
            conn = _PinnedHTTPConnection(target, address, deadline)
        try:
            conn.connect()
        except ssl.SSLError as exc:
            conn.close()
            message = f"TLS handshake with {target.host} at {address} failed: {exc}"
            raise _AttemptFailed(ERROR_TLS, message, address) from exc
        except TimeoutError as exc:
            conn.close()
            last_kind = ERROR_TIMEOUT
            last_error = f"connecting to {address} port {target.port} timed out ({exc})"
        except OSError as exc:
            conn.close()
            last_kind = ERROR_CONNECT
            last_error = f"cannot connect to {address} port {target.port}: {exc}"
        else:
            return conn, address
    raise _AttemptFailed(last_kind, last_error)


def post(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    allow_http: bool = False,
    allow_loopback: bool = False,
    ssl_context: ssl.SSLContext | None = None,
    resolver: Resolver | None = None,
    max_snippet_bytes: int = MAX_SNIPPET_BYTES,
    method: str = "POST",
) -> DeliveryResult:
    """POST ``body`` to ``url`` once; never follow redirects; never raise for network errors.

    ``headers`` are sent as given (typically :func:`.signing.build_headers`); ``Host``,
    ``Content-Length``, ``Connection`` and ``Transfer-Encoding`` are set here and may not be
    passed (``ValueError``, as for malformed headers). ``timeout`` (seconds, > 0) bounds the
    whole attempt. ``allow_http`` / ``allow_loopback`` / ``resolver`` are passed to
    :func:`.url_guard.check_url`. ``ssl_context`` defaults to the system trust store with
    hostname checking; tests pass one trusting their own CA. ``method`` is the HTTP method
    (``POST`` for webhooks; ``PATCH`` for the Greenhouse completed-test callback).
    """
    if not isinstance(body, bytes):
        raise TypeError("body must be bytes (the exact payload that was signed)")
    if timeout <= 0:
        raise ValueError("timeout must be positive seconds")
    start = time.monotonic()
    deadline = start + timeout
    try:
        target = check_url(
            url, allow_http=allow_http, allow_loopback=allow_loopback, resolver=resolver
        )
    except HostResolutionError as exc:
        return _failure(start, ERROR_DNS, exc.reason)
    except UnsafeURL as exc:
        return _failure(start, ERROR_UNSAFE_URL, exc.reason)
    request_headers = _request_headers(target, headers, body)
    try:
        conn, address = _open(target, deadline, ssl_context or _default_tls_context())
    except _AttemptFailed as failed:
        return _failure(start, failed.kind, failed.message, failed.address)
    sock = conn.sock
    response: http.client.HTTPResponse | None = None
    notes: list[str] = []
    try:
        with _Watchdog(sock, deadline - time.monotonic()) as watchdog:
            try:
                conn.request(method, target.target, body=body, headers=request_headers)
                response = conn.getresponse()
            except Exception as exc:
                return _classify_exception(start, exc, watchdog.fired, timeout, address)
            # The status is the receiver's answer; the body is only kept for the log, so a
            # body cut short (deadline, reset) does not change the outcome.
            try:
                snippet = response.read(max_snippet_bytes)
            except Exception as exc:
                if not (watchdog.fired or isinstance(exc, OSError | http.client.HTTPException)):
                    raise
                snippet = b""
                notes.append(f"response body unreadable ({type(exc).__name__})")
            if watchdog.fired:
                notes.append(f"response body not complete within {timeout:g} s")
    finally:
        if response is not None:
            response.close()
        conn.close()
        sock.close()
    status = response.status
    if 300 <= status <= 399:
        shown = (response.getheader("Location") or "(none)")[:200]
        notes.insert(0, f"redirect ({status}) not followed; Location: {shown}")
    return DeliveryResult(
        status_code=status,
        response_body_snippet=snippet.decode("utf-8", errors="replace"),
        error="; ".join(dict.fromkeys(notes)) or None,
        retry_after=response.getheader("Retry-After"),
        duration_ms=_elapsed_ms(start),
        error_kind=None,
        address=address,
    )


def _classify_exception(
    start: float, exc: Exception, deadline_hit: bool, timeout: float, address: str
) -> DeliveryResult:
    """Turn an exception raised after connecting into a failed :class:`DeliveryResult`.

    Once the watchdog has fired, any exception is the deadline's doing (the socket was shut
    under the reader). Anything else that is not a network or protocol error is re-raised.
    """
    if deadline_hit or isinstance(exc, TimeoutError):
        return _failure(start, ERROR_TIMEOUT, f"no complete response within {timeout:g} s", address)
    if isinstance(exc, ssl.SSLError):
        return _failure(start, ERROR_TLS, f"TLS error: {exc}", address)
    if isinstance(exc, http.client.HTTPException | OSError):
        detail = str(exc) or type(exc).__name__
        return _failure(start, ERROR_PROTOCOL, f"{type(exc).__name__}: {detail}", address)
    raise exc
