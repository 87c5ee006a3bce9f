"""Where a webhook may be sent: public addresses only, checked when it is subscribed and again when it is sent.

A tenant names the URL, the server makes the request: without this check a tenant could make the server
POST to its own loopback services, the cloud metadata address (169.254.169.254) or the office network
(server-side request forgery, OWASP SSRF prevention cheat sheet). Subscription refuses literal private
addresses and local host names; delivery resolves the host once, refuses the attempt if any address is not
global, and connects to the address it checked (the Host header and the TLS server name stay the URL's), so
a name that resolves differently between check and connection (DNS rebinding) cannot slip through.
``CORRESPONDENCE_WEBHOOK_ALLOW_PRIVATE=true`` lifts the rule for a receiver on the same network.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from ..errors import InputError

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


class TargetRefused(Exception):
    """The URL's host is, or resolves to, an address a webhook may not reach."""


@dataclass(frozen=True)
class Target:
    """The request to make: `url` with the checked address in place of the host, plus the original host."""

    url: str
    host_header: str
    server_name: str | None  # TLS SNI and certificate name, for https


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_subscription(url: str, *, allow_private: bool) -> None:
    """Refuse, naming the field, a URL whose host is plainly local (the name is resolved when sending)."""
    if allow_private:
        return
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    literal = _literal(host)
    if (literal is not None and not _public(literal)) or host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES):
        raise InputError("url", "must be a public address: private, loopback and link-local hosts are refused "
                                "(set CORRESPONDENCE_WEBHOOK_ALLOW_PRIVATE=true for a receiver on this network)")


def resolve_target(url: str, *, allow_private: bool) -> Target:
    """The address to connect to for `url`; raises `TargetRefused` when a resolved address is not public."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TargetRefused(f"cannot resolve {host}: {exc.strerror}") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise TargetRefused(f"cannot resolve {host}")
    if not allow_private:
        bad = [a for a in addresses if not _public(a)]
        if bad:
            raise TargetRefused(f"{host} resolves to {bad[0]}, which is not a public address")
    chosen = min(addresses, key=lambda a: a.version)  # IPv4 first, as most receivers listen there
    netloc = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    if parts.port:
        netloc += f":{parts.port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if not parts.port else f"{shown}:{parts.port}"
    return Target(pinned, host_header, host if parts.scheme == "https" and _literal(host) is None else None)
