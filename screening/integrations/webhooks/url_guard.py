"""SSRF guard for webhook endpoint URLs: only public addresses are ever contacted.

Webhook URLs are typed by customers, and the worker that calls them sits inside the
operator's network, so a URL must not reach loopback, private, link-local (cloud metadata at
169.254.169.254), carrier-grade NAT, unique-local, multicast or otherwise reserved addresses.

:func:`check_url` validates the URL's shape, turns the host into IP addresses — literal IPs
in any spelling ``inet_aton`` accepts (``2130706433``, ``0x7f.1``, ``017700000001``,
``127.1``) are decoded here, the same way the C library would, never sent to DNS — resolves
names with ``getaddrinfo``, and refuses the URL if ANY address is not public. The caller
must then connect to one of :attr:`ResolvedTarget.addresses` (see :mod:`.http`), never
resolve the name again: a second lookup could return a different, internal address (DNS
rebinding).

Checking at registration time gives the user a clear error early; checking again at every
delivery is what actually protects, because DNS answers change.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network
_PRIVATE = "a private network address (RFC 1918)"
_DOCUMENTATION = "a documentation address"
_BLOCKED: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = (
    (_V4("0.0.0.0/8"), "an unspecified / 'this network' address (0.0.0.0/8)"),
    (_V4("10.0.0.0/8"), _PRIVATE),
    (_V4("100.64.0.0/10"), "a carrier-grade NAT address (100.64.0.0/10)"),
    (_V4("127.0.0.0/8"), "a loopback address"),
    (_V4("169.254.0.0/16"), "a link-local address (169.254.0.0/16, cloud metadata)"),
    (_V4("172.16.0.0/12"), _PRIVATE),
    (_V4("192.0.0.0/24"), "an IETF protocol assignment address (192.0.0.0/24)"),
    (_V4("192.0.2.0/24"), _DOCUMENTATION),
    (_V4("192.88.99.0/24"), "a 6to4 relay anycast address"),
    (_V4("192.168.0.0/16"), _PRIVATE),
    (_V4("198.18.0.0/15"), "a benchmarking address (198.18.0.0/15)"),
    (_V4("198.51.100.0/24"), _DOCUMENTATION),
    (_V4("203.0.113.0/24"), _DOCUMENTATION),
    (_V4("224.0.0.0/4"), "a multicast address"),
    (_V4("240.0.0.0/4"), "a reserved address (240.0.0.0/4, broadcast)"),
    (_V6("::/128"), "the unspecified address"),
    (_V6("::1/128"), "a loopback address"),
    (_V6("::/96"), "an IPv4-compatible IPv6 address (deprecated)"),
    (_V6("64:ff9b:1::/48"), "a local-use NAT64 address"),
    (_V6("100::/64"), "a discard-only address"),
    (_V6("2001:db8::/32"), _DOCUMENTATION),
    (_V6("2001::/23"), "an IETF protocol assignment address (2001::/23, Teredo)"),
    (_V6("3fff::/20"), _DOCUMENTATION),
    (_V6("5f00::/16"), "an SRv6 segment identifier address"),
    (_V6("fc00::/7"), "a unique-local address (fc00::/7, private IPv6)"),
    (_V6("fe80::/10"), "a link-local address (fe80::/10)"),
    (_V6("fec0::/10"), "a site-local address (deprecated)"),
    (_V6("ff00::/8"), "a multicast address"),
)
_GLOBAL_UNICAST_V6 = _V6("2000::/3")
_NAT64_WELL_KNOWN = _V6("64:ff9b::/96")

_HOSTNAME_RE = re.compile(
    r"(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
    r"(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?"
)
_NUMERIC_LOOKING_RE = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+))*\.?")


class UnsafeURL(ValueError):
    """A webhook URL that must not be called; ``reason`` says why in plain words."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused webhook URL {url!r}: {reason}")
        self.url = url
        self.reason = reason


class HostResolutionError(UnsafeURL):
    """The host name did not resolve (may be temporary; a delivery is retried)."""


@dataclass(frozen=True)
class ResolvedTarget:
    """A checked URL, ready to be called at one of ``addresses``.

    ``host`` is the ASCII host to send in ``Host`` and to verify the TLS certificate against
    (IDNA-encoded name, or the canonical text of a literal IP); ``target`` is the request
    target (path and query, at least ``/``); ``addresses`` are every address the host
    resolved to, all checked, deduplicated, in resolver order.
    """

    url: str
    scheme: str
    host: str
    port: int
    target: str
    addresses: tuple[str, ...]
    host_is_ip: bool

    @property
    def host_header(self) -> str:
        """The ``Host`` header value: brackets around IPv6, port only when not default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == DEFAULT_PORTS[self.scheme]:
            return host
        return f"{host}:{self.port}"


def _parse_inet_aton_part(text: str) -> int | None:
    if text[:2] == "0x":
        digits, base = text[2:], 16
        if not digits:
            return 0  # glibc's inet_aton reads a bare "0x" as zero
    elif len(text) > 1 and text[0] == "0":
        digits, base = text[1:], 8
    else:
        digits, base = text, 10
    try:
        return int(digits, base)
    except ValueError:
        return None


def parse_legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """Decode ``host`` the way C ``inet_aton`` does, or return ``None`` if it is not numeric.

    One to four dot-separated parts, each decimal, octal (leading ``0``) or hex (``0x``);
    the last part fills the remaining bytes: ``2130706433``, ``0x7f.1``, ``127.1`` and
    ``017700000001`` are all 127.0.0.1. ``getaddrinfo`` accepts these forms too, so they
    must be judged by the address they stand for.
    """
    text = host.lower()
    if not _NUMERIC_LOOKING_RE.fullmatch(text) or text.endswith("."):
        return None
    parts = text.split(".")
    if len(parts) > 4:
        return None
    values = [_parse_inet_aton_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    numbers = [v for v in values if v is not None]
    *head, last = numbers
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    value = last
    for index, byte in enumerate(head):
        value |= byte << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def address_refusal(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Return why ``address`` may not be contacted, or ``None`` if it is public.

    IPv4 embedded in IPv6 (``::ffff:a.b.c.d``, NAT64 ``64:ff9b::a.b.c.d``, 6to4
    ``2002:AABB:CCDD::``) is judged by the IPv4 address. ``allow_loopback`` (tests only)
    lets loopback through and nothing else.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped
        if embedded is None and address in _NAT64_WELL_KNOWN:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            inner = address_refusal(embedded, allow_loopback=allow_loopback)
            return None if inner is None else f"an IPv6 form of {embedded}, {inner}"
        if address.sixtofour is not None:
            inner = address_refusal(address.sixtofour, allow_loopback=allow_loopback)
            if inner is not None:
                return f"a 6to4 form of {address.sixtofour}, {inner}"
    if allow_loopback and address.is_loopback:
        return None
    for network, label in _BLOCKED:
        if address in network:
            return label
    if isinstance(address, ipaddress.IPv6Address) and address not in _GLOBAL_UNICAST_V6:
        return "not a global unicast IPv6 address"
    if not address.is_global:
        return "not a publicly routable address"
    return None


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def _parse_ip(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])


def _literal_ip(host: str) -> IPAddress | None:
    legacy = parse_legacy_ipv4(host)
    if legacy is not None:
        return legacy
    if ":" in host:
        try:
            return _parse_ip(host)
        except ValueError:
            return None
    return None


def check_url(
    url: str,
    *,
    allow_http: bool,
    allow_loopback: bool,
    resolver: Resolver | None = None,
) -> ResolvedTarget:
    """Check ``url`` and resolve its host; raise :class:`UnsafeURL` unless it is safe.

    Rules: absolute ``https`` URL (``http`` too when ``allow_http``, the embedded/dev mode);
    at most 2048 printable ASCII characters; no ``user:password@``; a port in 1–65535; a
    host that is a literal IP or a DNS name; every resolved address public (see
    :func:`address_refusal`). ``allow_loopback`` is for the project's own tests: it admits
    127.0.0.0/8 and ::1, nothing else. ``resolver(host, port) -> [ip, ...]`` replaces
    ``getaddrinfo`` (tests, custom DNS). Literal IPs are never sent to the resolver.
    Raises :class:`HostResolutionError` (a subclass) when the name does not resolve.
    """
    if not isinstance(url, str) or not url:
        raise UnsafeURL(str(url), "the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(url[:80] + "...", f"the URL is longer than {MAX_URL_LENGTH} characters")
    if not url.isascii() or any(ch <= " " or ch == "\x7f" for ch in url):
        raise UnsafeURL(
            url, "the URL contains spaces, control or non-ASCII characters (percent-encode them)"
        )
    try:
        parts = urlsplit(url)
        port_in_url = parts.port
    except ValueError as exc:
        raise UnsafeURL(url, f"the URL cannot be parsed ({exc})") from exc
    scheme = parts.scheme.lower()
    allowed = ("http", "https") if allow_http else ("https",)
    if scheme not in allowed:
        raise UnsafeURL(
            url,
            "only https:// URLs are allowed"
            if not allow_http
            else "only http:// and https:// URLs are allowed",
        )
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(url, "credentials in the URL (user:password@) are not allowed")
    raw_host = parts.hostname or ""
    if not raw_host:
        raise UnsafeURL(url, "the URL has no host")
    if port_in_url == 0:
        raise UnsafeURL(url, "port 0 is not a valid destination")
    port = port_in_url if port_in_url is not None else DEFAULT_PORTS[scheme]
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    literal = _literal_ip(raw_host)
    if literal is not None:
        host = str(literal)
        addresses: list[IPAddress] = [literal]
    else:
        host = raw_host.rstrip(".") if raw_host.endswith(".") else raw_host
        if _NUMERIC_LOOKING_RE.fullmatch(raw_host) or ":" in raw_host:
            raise UnsafeURL(url, f"{raw_host!r} is a malformed numeric address")
        if not _HOSTNAME_RE.fullmatch(raw_host):
            raise UnsafeURL(url, f"{raw_host!r} is not a valid host name")
        addresses = _resolve(url, raw_host, port, resolver)
    for address in addresses:
        refusal = address_refusal(address, allow_loopback=allow_loopback)
        if refusal is not None:
            shown = "" if literal is not None and raw_host == str(address) else f"{raw_host} -> "
            raise UnsafeURL(url, f"{shown}{address} is {refusal}")
    unique = tuple(dict.fromkeys(str(a) for a in addresses))
    return ResolvedTarget(
        url=url,
        scheme=scheme,
        host=host,
        port=port,
        target=target,
        addresses=unique,
        host_is_ip=literal is not None,
    )


def _resolve(url: str, host: str, port: int, resolver: Resolver | None) -> list[IPAddress]:
    try:
        answers = (resolver or _system_resolver)(host, port)
    except (OSError, UnicodeError) as exc:
        raise HostResolutionError(url, f"{host} does not resolve ({exc})") from exc
    if not answers:
        raise HostResolutionError(url, f"{host} resolved to no addresses")
    try:
        return [_parse_ip(answer) for answer in answers]
    except ValueError as exc:
        raise UnsafeURL(url, f"{host} resolved to a malformed address ({exc})") from exc
