"""One delivery attempt against real HTTP(S) servers on 127.0.0.1.

Loopback is only reachable with ``allow_loopback=True`` (the test-only switch); every
refusal case runs with it off and must be refused before any socket connects — the
``network_audit`` fixture (conftest) records connects and fails any off-machine one.
"""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from screening.integrations.webhooks import retry
from screening.integrations.webhooks.http import DeliveryResult, post
from screening.integrations.webhooks.signing import build_headers, generate_secret
from screening.integrations.webhooks.url_guard import UnsafeURL, check_url

BODY = json.dumps(
    {"type": "scorecard.ready", "timestamp": "2025-01-01T00:00:00Z", "data": {"id": 7}},
    separators=(",", ":"),
).encode()


def _signed(secrets: list[str], msg_id: str = "msg_delivery_1") -> dict[str, str]:
    return build_headers(msg_id, int(time.time()), BODY, secrets)


def test_delivers_signed_post_that_reference_library_verifies(http_server, network_audit):
    secret = generate_secret()
    server = http_server(status=204, body=b"")
    url = f"http://127.0.0.1:{server.port}/hooks/screening?src=test"

    result = post(url, BODY, _signed([secret]), timeout=5, allow_http=True, allow_loopback=True)

    assert result.ok and result.status_code == 204
    assert result.error is None and result.error_kind is None
    assert result.address == "127.0.0.1"
    assert len(server.requests) == 1
    received = server.requests[0]
    assert received.method == "POST"
    assert received.path == "/hooks/screening?src=test"
    assert received.body == BODY
    assert received.headers["Host"] == f"127.0.0.1:{server.port}"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["Content-Length"] == str(len(BODY))
    assert received.headers["User-Agent"] == "Screening-Webhooks/1.0"
    assert received.headers["Accept-Encoding"] == "identity"
    assert received.headers["Connection"] == "close"
    # What arrived on the wire verifies with the reference implementation.
    assert Webhook(secret).verify(received.body, received.headers) == json.loads(BODY)
    assert network_audit.connects == [("127.0.0.1", server.port)]


def test_rotation_headers_arrive_and_both_secrets_verify(http_server):
    new, old = generate_secret(), generate_secret()
    server = http_server()
    result = post(
        f"http://127.0.0.1:{server.port}/",
        BODY,
        _signed([new, old]),
        timeout=5,
        allow_http=True,
        allow_loopback=True,
    )
    assert result.status_code == 200 and result.response_body_snippet == "ok"
    received = server.requests[0]
    assert len(received.headers["webhook-signature"].split(" ")) == 2
    for secret in (new, old):
        Webhook(secret).verify(received.body, received.headers)


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f.1:{port}/",
        "http://017700000001:{port}/",
        "http://127.1:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://[::1]:{port}/",
        "http://localhost:{port}/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_loopback_in_any_spelling_is_refused_before_connecting(
    template, counting_listener, network_audit
):
    url = template.format(port=counting_listener.port)

    result = post(url, BODY, _signed([generate_secret()]), timeout=2, allow_http=True)

    assert result.status_code is None
    assert result.error_kind == "unsafe_url", result
    assert result.address is None
    assert network_audit.connects == []
    assert counting_listener.settled_count() == 0
    assert retry.classify(result.status_code) is retry.Outcome.RETRY


def test_counting_listener_does_see_a_connection_that_is_allowed(counting_listener):
    """Control for the test above: the listener counts a real connection, so its zero
    there means no connection was made."""
    result = post(
        f"http://127.0.0.1:{counting_listener.port}/",
        BODY,
        {},
        timeout=2,
        allow_http=True,
        allow_loopback=True,
    )
    assert result.status_code is None and result.error_kind in {"protocol", "timeout"}
    assert counting_listener.settled_count() == 1


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.1/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://100.64.0.1/", "carrier-grade NAT"),
        ("http://[fc00::1]/", "unique-local"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://224.0.0.1/", "multicast"),
        ("http://255.255.255.255/", "reserved"),
    ],
)
def test_internal_addresses_are_refused_without_any_socket_activity(url, words, network_audit):
    result = post(url, BODY, _signed([generate_secret()]), timeout=2, allow_http=True)

    assert result.error_kind == "unsafe_url"
    assert words in (result.error or "")
    assert network_audit.connects == []
    assert network_audit.lookups == []  # literal addresses are judged without any lookup


def test_loopback_switch_admits_loopback_only(network_audit):
    for url in ("http://10.0.0.1/", "http://169.254.169.254/", "http://[fc00::1]/"):
        result = post(url, BODY, {}, timeout=2, allow_http=True, allow_loopback=True)
        assert result.error_kind == "unsafe_url", url
    assert network_audit.connects == []


def test_https_is_required_unless_http_is_allowed(http_server, network_audit):
    server = http_server()
    url = f"http://127.0.0.1:{server.port}/"

    refused = post(url, BODY, {}, timeout=2, allow_http=False, allow_loopback=True)

    assert refused.error_kind == "unsafe_url"
    assert "https" in (refused.error or "")
    assert network_audit.connects == [] and network_audit.lookups == []
    assert server.requests == []
    allowed = post(url, BODY, {}, timeout=2, allow_http=True, allow_loopback=True)
    assert allowed.ok


def test_name_resolving_to_loopback_is_refused(counting_listener, network_audit):
    with pytest.raises(UnsafeURL, match="localhost -> 127.0.0.1 is a loopback address"):
        check_url(
            f"https://localhost:{counting_listener.port}/", allow_http=False, allow_loopback=False
        )
    assert "localhost" in network_audit.lookups  # it was really resolved, then refused
    assert network_audit.connects == []
    assert counting_listener.settled_count() == 0


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_is_not_followed(status, http_server, counting_listener, network_audit):
    target = f"http://127.0.0.1:{counting_listener.port}/internal"
    first = http_server(status=status, headers={"Location": target}, body=b"moved")

    result = post(
        f"http://127.0.0.1:{first.port}/hook",
        BODY,
        _signed([generate_secret()]),
        timeout=5,
        allow_http=True,
        allow_loopback=True,
    )

    assert result.status_code == status
    assert not result.ok
    assert retry.classify(result.status_code) is retry.Outcome.RETRY
    assert "not followed" in (result.error or "") and target in (result.error or "")
    assert len(first.requests) == 1
    assert counting_listener.settled_count() == 0
    assert network_audit.connects == [("127.0.0.1", first.port)]


def test_connects_to_checked_address_and_sends_original_host(http_server, network_audit):
    """The name is resolved once, by the guard; the socket goes to that address and the
    Host header keeps the name (a second lookup could be rebound to an internal address)."""
    server = http_server()
    lookups: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    result = post(
        f"http://webhook.example.test:{server.port}/in",
        BODY,
        {},
        timeout=5,
        allow_http=True,
        allow_loopback=True,
        resolver=resolver,
    )

    assert result.ok, result
    assert lookups == ["webhook.example.test"]
    assert "webhook.example.test" not in network_audit.lookups  # no system lookup at all
    assert server.requests[0].headers["Host"] == f"webhook.example.test:{server.port}"
    assert network_audit.connects == [("127.0.0.1", server.port)]


def test_name_with_any_internal_address_is_refused(network_audit):
    result = post(
        "https://mixed.example.test/",
        BODY,
        {},
        timeout=2,
        allow_loopback=True,
        resolver=lambda host, port: ["127.0.0.1", "10.1.2.3"],
    )
    assert result.error_kind == "unsafe_url"
    assert "10.1.2.3" in (result.error or "")
    assert network_audit.connects == []


def test_unresolvable_name_is_a_dns_failure(network_audit):
    # An injected resolver stands in for DNS so no query leaves the machine.
    def no_such_host(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = post("https://no-such-host.example/", BODY, {}, timeout=2, resolver=no_such_host)

    assert result.error_kind == "dns" and result.status_code is None
    assert "no-such-host.example does not resolve" in (result.error or "")
    assert retry.classify(result.status_code) is retry.Outcome.RETRY
    assert network_audit.connects == []


def test_gone_disables_and_retry_after_is_reported(http_server):
    gone = http_server(status=410, body=b"unsubscribed")
    busy = http_server(status=503, headers={"Retry-After": "7200"}, body=b"later")

    result_gone = post(
        f"http://127.0.0.1:{gone.port}/", BODY, {}, timeout=5, allow_http=True, allow_loopback=True
    )
    result_busy = post(
        f"http://127.0.0.1:{busy.port}/", BODY, {}, timeout=5, allow_http=True, allow_loopback=True
    )

    assert retry.classify(result_gone.status_code) is retry.Outcome.DISABLE_ENDPOINT
    assert result_gone.response_body_snippet == "unsubscribed"
    assert result_busy.status_code == 503 and result_busy.retry_after == "7200"
    decision = retry.decide(2, result_busy.status_code, result_busy.retry_after)
    assert decision.outcome is retry.Outcome.RETRY
    assert decision.delay == timedelta(hours=2)  # Retry-After beats the 5-minute step


def test_response_body_read_is_bounded(http_server):
    server = http_server(body=b"\xe2\x82\xac" + b"a" * 5_000_000)
    started = time.monotonic()

    result = post(
        f"http://127.0.0.1:{server.port}/",
        BODY,
        {},
        timeout=5,
        allow_http=True,
        allow_loopback=True,
    )

    assert result.ok
    assert result.response_body_snippet == "€" + "a" * (1024 - 3)
    assert time.monotonic() - started < 2


def test_slow_response_head_times_out_within_the_deadline(drip_server):
    server = drip_server("head")
    started = time.monotonic()

    result = post(
        f"http://127.0.0.1:{server.port}/",
        BODY,
        {},
        timeout=0.6,
        allow_http=True,
        allow_loopback=True,
    )

    elapsed = time.monotonic() - started
    assert result.error_kind == "timeout", result
    assert result.status_code is None
    assert retry.classify(result.status_code) is retry.Outcome.RETRY
    assert 0.5 <= elapsed < 1.5
    assert server.bytes_sent >= 3  # the server was really dripping, not silent


def test_slow_body_is_cut_at_the_deadline_and_the_status_stands(drip_server):
    server = drip_server("body")
    started = time.monotonic()

    result = post(
        f"http://127.0.0.1:{server.port}/",
        BODY,
        {},
        timeout=0.6,
        allow_http=True,
        allow_loopback=True,
    )

    elapsed = time.monotonic() - started
    assert 0.5 <= elapsed < 1.5
    assert result.ok and result.status_code == 200  # the receiver did answer 200
    assert "not complete within 0.6 s" in (result.error or "")
    assert 3 <= len(result.response_body_snippet) < 1024
    assert set(result.response_body_snippet) == {"x"}


def test_connection_refused_is_a_connect_failure(closed_port):
    result = post(
        f"http://127.0.0.1:{closed_port}/",
        BODY,
        {},
        timeout=2,
        allow_http=True,
        allow_loopback=True,
    )
    assert result.error_kind == "connect" and result.status_code is None
    assert retry.classify(result.status_code) is retry.Outcome.RETRY


def test_caller_may_not_set_transport_headers(http_server):
    server = http_server()
    for name in ("Host", "content-length", "Transfer-Encoding", "Connection"):
        with pytest.raises(ValueError, match="may not be passed"):
            post(
                f"http://127.0.0.1:{server.port}/",
                BODY,
                {name: "x"},
                timeout=2,
                allow_http=True,
                allow_loopback=True,
            )
    with pytest.raises(ValueError, match="line break"):
        post(
            f"http://127.0.0.1:{server.port}/",
            BODY,
            {"X-A": "a\r\nHost: evil"},
            timeout=2,
            allow_http=True,
            allow_loopback=True,
        )
    assert server.requests == []


# --------------------------------------------------------------------------- https


def _https_post(url: str, context, **kwargs) -> DeliveryResult:
    return post(url, BODY, {}, timeout=5, allow_loopback=True, ssl_context=context, **kwargs)


def test_https_checks_certificate_against_url_host_while_pinned(http_server, tls_files):
    server = http_server(tls=tls_files.server_context())
    context = tls_files.client_context()

    by_name = _https_post(f"https://localhost:{server.port}/a", context)
    pinned = _https_post(
        f"https://webhook.example.test:{server.port}/b",
        context,
        resolver=lambda host, port: ["127.0.0.1"],
    )

    assert by_name.ok and pinned.ok, (by_name, pinned)
    assert [r.headers["Host"] for r in server.requests] == [
        f"localhost:{server.port}",
        f"webhook.example.test:{server.port}",
    ]


def test_https_refuses_certificate_not_naming_the_host(http_server, tls_files):
    server = http_server(tls=tls_files.server_context())

    # The certificate names localhost and webhook.example.test, not the IP 127.0.0.1, nor
    # this other name that resolves to the same server.
    by_ip = _https_post(f"https://127.0.0.1:{server.port}/", tls_files.client_context())
    other = _https_post(
        f"https://other.example.test:{server.port}/",
        tls_files.client_context(),
        resolver=lambda host, port: ["127.0.0.1"],
    )

    for result in (by_ip, other):
        assert result.error_kind == "tls", result
        assert "certificate" in (result.error or "").lower()
    assert server.requests == []


def test_https_refuses_untrusted_certificate(http_server, tls_files):
    server = http_server(tls=tls_files.server_context())
    result = post(f"https://localhost:{server.port}/", BODY, {}, timeout=5, allow_loopback=True)
    assert result.error_kind == "tls"
    assert "certificate verify failed" in (result.error or "")
    assert server.requests == []


def test_slow_tls_handshake_is_bounded_by_the_deadline(http_server, tls_files, dribbling_proxy):
    server = http_server(tls=tls_files.server_context())
    proxy = dribbling_proxy(server.port)
    started = time.monotonic()

    result = post(
        f"https://localhost:{proxy.port}/",
        BODY,
        {},
        timeout=0.6,
        allow_loopback=True,
        ssl_context=tls_files.client_context(),
    )

    elapsed = time.monotonic() - started
    assert result.error_kind == "timeout", result
    assert 0.5 <= elapsed < 1.5
    assert proxy.bytes_relayed >= 5  # the handshake was under way, one byte at a time
    assert server.requests == []
