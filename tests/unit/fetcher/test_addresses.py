"""SSRF address classification: every spelling of a refused address is refused."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.fetcher.addresses import AddressPolicy, classify, literal_address, parse_inet_aton

POLICY = AddressPolicy()


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.255.255.1", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link_local"),
        ("100.100.100.200", "metadata"),
        ("100.64.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.251", "multicast"),
        ("255.255.255.255", "private"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link_local"),
        ("fc00::1", "private"),
        ("fd00:ec2::254", "metadata"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback_embedded"),
        ("::ffff:169.254.169.254", "metadata_embedded"),
        ("::ffff:10.0.0.1", "private_embedded"),
        ("2002:7f00:1::", "loopback_embedded"),  # 6to4 around 127.0.0.1
        ("64:ff9b::a00:1", "private_embedded"),  # NAT64 around 10.0.0.1
        ("[::1]", "loopback"),
        ("2130706433", "loopback"),  # decimal 127.0.0.1
        ("0177.0.0.1", "loopback"),  # octal
        ("0x7f.0.0.1", "loopback"),  # hex
        ("0x7f.1", "loopback"),  # short form a.b
        ("127.1", "loopback"),
        ("2852039166", "metadata"),  # decimal 169.254.169.254
        ("012.0.0.1", "private"),  # octal 10.0.0.1
    ],
)
def test_refused(address: str, why: str) -> None:
    assert POLICY.refusal(address) == why


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert POLICY.refusal(address) is None


@pytest.mark.parametrize("host", ["example.com", "1.2.3.256", "08.0.0.1", "1.2.3.4.5", ""])
def test_names_and_invalid_spellings_are_not_literals(host: str) -> None:
    assert literal_address(host) is None


def test_allowlist_admits_only_its_networks() -> None:
    policy = AddressPolicy(allow=("127.0.0.1/32",))
    assert policy.refusal("127.0.0.1") is None
    assert policy.refusal("::ffff:127.0.0.1") is None  # the same host, mapped
    assert policy.refusal("127.0.0.2") == "loopback"
    assert policy.refusal("10.0.0.1") == "private"


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_decimal_spelling_is_the_address(value: int) -> None:
    assert parse_inet_aton(str(value)) == ipaddress.IPv4Address(value)


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_octal_and_hex_dotted_spellings(value: int) -> None:
    octets = ipaddress.IPv4Address(value).packed
    assert parse_inet_aton(".".join(f"0{b:o}" for b in octets)) == ipaddress.IPv4Address(value)
    assert parse_inet_aton(".".join(f"0x{b:x}" for b in octets)) == ipaddress.IPv4Address(value)


@given(st.ip_addresses())
def test_classification_agrees_with_is_global_for_plain_addresses(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    if classify(ip) is None:
        assert ip.is_global or (isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped)
