"""What we know about the caller: real client address and device description."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ua_parser import parse as parse_user_agent

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: list[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in items)


def _is_trusted(address: str, trusted: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def client_address(scope: dict[str, Any], trusted: tuple[Network, ...]) -> str:
    """The peer address; behind trusted proxies, the client they saw in X-Forwarded-For.

    The header is read from the right, skipping our own proxies: the first address that is
    not a trusted proxy is the client. With one proxy that overwrites the header this is its
    first address; with a proxy that appends, a client cannot forge its address by sending
    its own X-Forwarded-For.
    """
    peer = (scope.get("client") or ("unknown", 0))[0]
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = header(scope, b"x-forwarded-for")
    if not forwarded:
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a malformed chain proves nothing
        if not _is_trusted(address, trusted):
            return address
    return hops[0] if hops else peer


def is_secure(scope: dict[str, Any], trusted: tuple[Network, ...]) -> bool:
    if scope.get("scheme") in {"https", "wss"}:
        return True
    peer = (scope.get("client") or ("", 0))[0]
    return bool(
        trusted
        and _is_trusted(peer, trusted)
        and (header(scope, b"x-forwarded-proto") or "").lower() == "https"
    )


@dataclass(frozen=True)
class DeviceInfo:
    """A sign-in's device: the app's device id if it sends one, else the user agent's digest."""

    key: str
    type: str
    name: str
    os: str | None
    browser: str | None
    user_agent: str


@lru_cache(maxsize=2048)
def describe_device(user_agent: str, device_id: str | None = None) -> DeviceInfo:
    parsed = parse_user_agent(user_agent or "")
    ua, os_, device = parsed.user_agent, parsed.os, parsed.device
    os_name = " ".join(p for p in [os_.family, os_.major] if p) if os_ else None
    browser = " ".join(p for p in [ua.family, ua.major] if p) if ua else None
    family = device.family if device else "Other"
    lowered = (user_agent or "").lower()
    if "ipad" in lowered or "tablet" in lowered:
        kind = "tablet"
    elif "mobi" in lowered or "android" in lowered or "iphone" in lowered:
        kind = "mobile"
    elif user_agent:
        kind = "desktop"
    else:
        kind = "unknown"
    name = family if family and family != "Other" else (os_name or browser or "Unknown device")
    key = device_id or "ua:" + hashlib.sha256((user_agent or "").encode()).hexdigest()[:32]
    return DeviceInfo(key, kind, name, os_name, browser, user_agent or "")


def mask_ip(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        parts = address.split(".")
        return ".".join([*parts[:2], "xxx", "xxx"])
    return ":".join(address.split(":")[:3]) + ":xxxx"
