"""URL checks without network: literal addresses, and names through an injected resolver.

(Resolution through the system resolver and refusal-before-connect are covered by
tests/integration/webhooks.)
"""

from __future__ import annotations

import ipaddress

import pytest

from screening.integrations.webhooks.url_guard import (
    HostResolutionError,
    Resolver,
    UnsafeURL,
    address_refusal,
    check_url,
    parse_legacy_ipv4,
)


def no_lookup(host: str, port: int) -> list[str]:
    raise AssertionError(f"literal addresses must not be resolved (asked for {host!r})")


def resolving_to(*addresses: str) -> Resolver:
    def resolver(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolver


def refused(
    url: str,
    *,
    allow_http: bool = True,
    allow_loopback: bool = False,
    resolver: Resolver = no_lookup,
) -> str:
    """The reason ``check_url`` gives for refusing ``url`` (fails if it is accepted)."""
    with pytest.raises(UnsafeURL) as info:
        check_url(url, allow_http=allow_http, allow_loopback=allow_loopback, resolver=resolver)
    return info.value.reason


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",
        "0x7f.1",
        "017700000001",
        "127.1",
        "0x7f000001",
        "0177.0.0.1",
        "127.0.0.1",
        "0x7F.0.0.0x1",
    ],
)
def test_inet_aton_spellings_decode_to_loopback(host):
    assert parse_legacy_ipv4(host.lower()) == ipaddress.IPv4Address("127.0.0.1")
    assert "loopback" in refused(f"http://{host}:8080/")


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0", "0.0.0.0"),
        ("10.1", "10.0.0.1"),
        ("167772161", "10.0.0.1"),
        ("0xa9.254.0xa9fe", "169.254.169.254"),
        ("134744072", "8.8.8.8"),
        ("8.8.8.8", "8.8.8.8"),
    ],
)
def test_legacy_ipv4_values(host, expected):
    assert parse_legacy_ipv4(host) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize(
    "host", ["256.1.1.1", "1.2.3.4.5", "4294967296", "08.1.1.1", "1..2", "example.com", "1.2.3.256"]
)
def test_not_inet_aton_forms(host):
    assert parse_legacy_ipv4(host) is None


def test_bare_0x_is_zero_like_glibc():
    assert parse_legacy_ipv4("0x") == ipaddress.IPv4Address("0.0.0.0")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://127.0.0.1:9/", "loopback"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]:9/", "loopback"),
        ("http://[::ffff:7f00:1]/", "loopback"),
        ("http://169.254.169.254/", "link-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fe80::1%25eth0]/", "link-local"),
        ("http://10.0.0.1/", "RFC 1918"),
        ("http://172.31.255.255/", "RFC 1918"),
        ("http://192.168.0.10/", "RFC 1918"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://100.127.255.254/", "carrier-grade NAT"),
        ("http://[fc00::1]/", "unique-local"),
        ("http://[fd12:3456::1]/", "unique-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://224.0.0.251/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://255.255.255.255/", "reserved"),
        ("http://192.0.2.1/", "documentation"),
        ("http://[2001:db8::1]/", "documentation"),
        ("http://198.18.0.1/", "benchmarking"),
        ("http://[64:ff9b::a00:1]/", "10.0.0.1"),  # NAT64 of 10.0.0.1
        ("http://[2002:a9fe:a9fe::1]/", "169.254.169.254"),  # 6to4 of the metadata address
        ("http://[::10.0.0.1]/", "IPv4-compatible"),
    ],
)
def test_non_public_literal_addresses_are_refused(url, words):
    assert words in refused(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://8.8.8.8/",
        "https://134744072/",
        "https://[2606:4700:4700::1111]/",
        "https://[::ffff:8.8.8.8]/",
        "https://[64:ff9b::808:808]/",
        "http://1.1.1.1:8443/x",
    ],
)
def test_public_literal_addresses_pass_without_lookup(url):
    target = check_url(url, allow_http=True, allow_loopback=False, resolver=no_lookup)
    assert target.host_is_ip and len(target.addresses) == 1


def test_any_internal_answer_refuses_the_name():
    reason = refused(
        "https://hooks.example.com/", resolver=resolving_to("93.184.215.14", "10.0.0.7")
    )
    assert reason == "hooks.example.com -> 10.0.0.7 is a private network address (RFC 1918)"
    assert "loopback" in refused("https://a.example.com/", resolver=resolving_to("::1"))
    assert "link-local" in refused(
        "https://a.example.com/", resolver=resolving_to("93.184.215.14", "fe80::1%eth0")
    )


def test_resolved_target_for_a_public_name():
    target = check_url(
        "https://Hooks.Example.com:8443/in/bound?x=1#frag",
        allow_http=False,
        allow_loopback=False,
        resolver=resolving_to(
            "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14"
        ),
    )
    assert target.scheme == "https"
    assert target.host == "hooks.example.com"
    assert target.port == 8443
    assert target.target == "/in/bound?x=1"
    assert target.addresses == ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert target.host_header == "hooks.example.com:8443"
    assert not target.host_is_ip


def test_host_header_defaults():
    plain = check_url(
        "https://example.com",
        allow_http=False,
        allow_loopback=False,
        resolver=resolving_to("93.184.215.14"),
    )
    assert (plain.host_header, plain.port, plain.target) == ("example.com", 443, "/")
    v6 = check_url(
        "http://[2606:4700::1111]:8080/", allow_http=True, allow_loopback=False, resolver=no_lookup
    )
    assert v6.host_header == "[2606:4700::1111]:8080"


def test_allow_loopback_admits_loopback_and_nothing_else():
    for url in (
        "http://127.0.0.1:5000/",
        "http://[::1]:5000/",
        "http://2130706433:5000/",
        "http://[::ffff:127.0.0.1]:5000/",
    ):
        check_url(url, allow_http=True, allow_loopback=True, resolver=no_lookup)
    for url in (
        "http://10.0.0.1/",
        "http://169.254.169.254/",
        "http://[fc00::1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ):
        with pytest.raises(UnsafeURL):
            check_url(url, allow_http=True, allow_loopback=True, resolver=no_lookup)


def test_scheme_rules():
    assert refused("http://8.8.8.8/", allow_http=False) == "only https:// URLs are allowed"
    for url in (
        "ftp://8.8.8.8/",
        "file:///etc/passwd",
        "gopher://8.8.8.8/",
        "//8.8.8.8/",
        "8.8.8.8",
    ):
        assert "URLs are allowed" in refused(url)
    check_url("HTTPS://8.8.8.8/", allow_http=False, allow_loopback=False, resolver=no_lookup)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "empty"),
        ("https://user:pw@example.com/", "credentials"),
        ("https://user@8.8.8.8/", "credentials"),
        ("https://example.com:0/", "port 0"),
        ("https://example.com:99999/", "cannot be parsed"),
        ("https://example.com:http/", "cannot be parsed"),
        ("https:///path", "no host"),
        ("https://exa mple.com/", "spaces"),
        ("https://example.com/\r\nX-Injected: 1", "control"),
        ("https://bücher.example/", "non-ASCII"),
        ("https://127.0.0.1./", "malformed numeric"),
        ("https://1.2.3.4.5/", "malformed numeric"),
        ("https://exa_mple-.com/", "not a valid host name"),
        ("https://[::1/", "cannot be parsed"),
        ("https://example.com/" + "a" * 2100, "longer than 2048"),
    ],
)
def test_malformed_urls(url, words):
    assert words in refused(url, resolver=resolving_to("93.184.215.14"))


def test_unresolvable_name_raises_resolution_error():
    def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(HostResolutionError, match="does not resolve"):
        check_url(
            "https://nowhere.example/", allow_http=False, allow_loopback=False, resolver=failing
        )
    with pytest.raises(HostResolutionError, match="no addresses"):
        check_url(
            "https://nowhere.example/",
            allow_http=False,
            allow_loopback=False,
            resolver=resolving_to(),
        )


def test_address_refusal_accepts_public_addresses():
    for text in (
        "8.8.8.8",
        "1.1.1.1",
        "93.184.215.14",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
    ):
        assert address_refusal(ipaddress.ip_address(text)) is None
