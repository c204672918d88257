"""The client's address comes only from the trusted proxy hop (core.clientip)."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory

from fanrepublic.core.clientip import client_ip, client_network


def request(remote="198.51.100.9", forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No trusted proxy: the header is whatever the client wrote, so it is ignored.
        (0, "1.1.1.1", "198.51.100.9"),
        (0, None, "198.51.100.9"),
        # One proxy: the address it appended (rightmost) is the client's.
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (1, "203.0.113.5", "203.0.113.5"),
        # Two proxies (a CDN, then nginx): the second from the right.
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        # Fewer entries than proxies: every one came from our proxies; the leftmost.
        (2, "203.0.113.5", "203.0.113.5"),
        # No header behind a proxy (a health check): the peer.
        (1, None, "198.51.100.9"),
        # Ports and brackets as some proxies write them; canonical IPv6.
        (1, "203.0.113.5:4431", "203.0.113.5"),
        (1, "[2001:DB8::1]:443", "2001:db8::1"),
        (1, "2001:db8:0:0::1", "2001:db8::1"),
        # Not an address: the peer, never the text.
        (1, "evil, not-an-ip", "198.51.100.9"),
    ],
)
def test_client_ip_takes_the_trusted_hop(settings, proxies, forwarded, expected):
    # Given a number of trusted proxies and a forwarded header
    settings.TRUSTED_PROXY_COUNT = proxies
    # Then the client is the address the outermost trusted proxy saw
    assert client_ip(request(forwarded=forwarded)) == expected


def test_ipv6_clients_are_counted_by_their_64(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_network(request(remote="2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert client_network(request(remote="2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert client_network(request(remote="203.0.113.5")) == "203.0.113.5"


def test_allauth_asks_the_same_helper(settings):
    # Given one trusted proxy (allauth's own setting would still say 0 here)
    settings.TRUSTED_PROXY_COUNT = 1
    req = request(remote="10.0.0.2", forwarded="6.6.6.6, 203.0.113.5")
    # Then allauth's limits count by the same client address
    assert get_adapter(req).get_client_ip(req) == "203.0.113.5"
