"""The client's address: the one helper every rate limit, throttle and log uses.

`X-Forwarded-For` is a list the client may start itself; only the entries our own
proxies appended can be believed. `TRUSTED_PROXY_COUNT` says how many proxies of ours
stand in front of the application (0: none, the TCP peer `REMOTE_ADDR` is the client).
With N proxies, each appends the address it received the request from, so the N-th
address from the right is the one our outermost proxy saw: the client. Anything left
of it was written by the client and is ignored. See docs/deploy.md.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def _normalise(value: str) -> str | None:
    """An address as a proxy may write it ("1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443",
    "2001:db8::1") in canonical form, or None when it is not an address."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # IPv4 with a port; IPv6 has at least two colons
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, taken only from the trusted proxy hop."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            # Fewer entries than proxies: the request entered after the outermost proxy
            # (a health check, an internal call); every entry then came from our proxies,
            # and the leftmost is the farthest address they saw.
            address = _normalise(hops[-proxies] if len(hops) >= proxies else hops[0])
            if address:
                return address
    return _normalise(request.META.get("REMOTE_ADDR", "")) or UNKNOWN


def client_network(request: HttpRequest) -> str:
    """What per-address limits count by: an IPv4 address, or the /64 an IPv6 address
    belongs to (one subscriber usually holds a whole /64, so counting single IPv6
    addresses would let them rotate through 2^64 of them)."""
    address = client_ip(request)
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address) + "/64"
    return address
