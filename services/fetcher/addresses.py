"""Which addresses the fetcher may connect to (the SSRF guard's rules).

Only public unicast addresses are allowed: loopback, private, link-local,
multicast, unspecified, reserved ranges and cloud metadata endpoints are
refused, including when they hide inside IPv4-mapped, 6to4, Teredo or NAT64
IPv6 addresses, or behind the legacy ``inet_aton`` spellings that resolvers
still accept (``2130706433``, ``0177.0.0.1``, ``0x7f.1``). An explicit allowlist
of networks (configuration) lets tests and private deployments through.

>>> AddressPolicy().refusal("127.0.0.1")
'loopback'
>>> AddressPolicy(allow=("127.0.0.0/8",)).refusal("127.0.0.1") is None
True
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Instance-metadata services of the big clouds (AWS, GCP, Azure, Alibaba, Oracle, ECS).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.170.2",
        "169.254.169.123",
        "100.100.100.200",
        "168.63.129.16",
        "192.0.0.192",
        "fd00:ec2::254",
    )
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.I)


def parse_inet_aton(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any spelling ``inet_aton`` accepts, else None.

    >>> str(parse_inet_aton("2130706433")), str(parse_inet_aton("0177.0.0.1"))
    ('127.0.0.1', '127.0.0.1')
    """
    if not _NUMERIC_HOST.match(host):
        return None
    try:
        parts = [_aton_part(p) for p in host.rstrip(".").split(".")]
    except ValueError:
        return None
    *head, last = parts
    if any(p > 0xFF for p in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    value = last
    for index, part in enumerate(head):
        value |= part << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _aton_part(part: str) -> int:
    if part.lower().startswith("0x"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part, 10)


def literal_address(host: str) -> IPAddress | None:
    """The address a URL host denotes without DNS (IPv6 brackets and zone ids allowed)."""
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return parse_inet_aton(bare)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress) -> str | None:
    """Why an address is refused (a metric label), or None for public unicast."""
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None:
            why = classify(inner)
            return f"{why}_embedded" if why else None
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link_local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


@dataclass(frozen=True)
class AddressPolicy:
    """The guard's decision for one address; ``allow`` lists networks that bypass it."""

    allow: Iterable[str] = ()
    _networks: tuple[Network, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        nets = tuple(ipaddress.ip_network(n, strict=False) for n in self.allow)
        object.__setattr__(self, "_networks", nets)

    def allowed(self, ip: IPAddress) -> bool:
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(
            c in net for c in candidates for net in self._networks if c.version == net.version
        )

    def refusal(self, address: str | IPAddress) -> str | None:
        ip = address if not isinstance(address, str) else literal_address(address)
        if ip is None:
            return "not_an_address"
        if self.allowed(ip):
            return None
        return classify(ip)
