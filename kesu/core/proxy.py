"""Behind a reverse proxy: forwarded headers believed only from the proxies named in KESU_TRUSTED_PROXIES.

nginx in front of Kesu sees the person's address and whether they came over HTTPS, and tells Kesu in
``X-Forwarded-For`` and ``X-Forwarded-Proto``. Anyone can send those headers too, so they count only when the
connection comes from a trusted proxy (issue 24 §1):

* trusted peer: ``REMOTE_ADDR`` becomes the person's address (the right-most address in ``X-Forwarded-For``
  that is not itself a trusted proxy), so login throttling, audit and logs name people rather than the proxy;
  ``X-Forwarded-Proto`` is read through ``SECURE_PROXY_SSL_HEADER`` (set by the settings only in this case),
  so secure cookies, HSTS and CSRF origins see HTTPS;
* any other peer: the forwarded headers are removed before anything else reads them.

``KESU_TRUSTED_PROXIES`` lists addresses and networks (``127.0.0.1,10.0.0.0/8,::1``); ``unix`` stands for a
connection through a unix socket (only processes allowed to open the socket file can make one). With the list
empty the middleware does nothing, and the older per-header settings (KESU_CLIENT_ADDRESS_HEADER,
KESU_PROXY_SSL_HEADER) keep their meaning.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNIX = "unix"
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_REAL_IP", "HTTP_FORWARDED")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    """A parsed KESU_TRUSTED_PROXIES: networks, and whether unix-socket peers are trusted."""

    def __init__(self, entries: Iterable[str]):
        self.networks: list[Network] = []
        self.unix = False
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            if entry.lower() == UNIX:
                self.unix = True
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ImproperlyConfigured(
                    f"KESU_TRUSTED_PROXIES: {entry!r} is neither an address, a network (CIDR) nor 'unix'."
                ) from None

    def __bool__(self) -> bool:
        return bool(self.networks) or self.unix

    def trusts(self, address: str) -> bool:
        address = (address or "").strip()
        if not address or address.startswith("/") or address.lower() == UNIX:
            # gunicorn gives a unix-socket peer an empty (or path) address.
            return self.unix
        ip = parse_ip(address)
        if ip is None:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.networks)


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_address(remote: str, forwarded_for: str, proxies: TrustedProxies) -> str:
    """The person's address: walk X-Forwarded-For from the right past trusted proxies.

    Each proxy appends the address it received the connection from, so the right-most entries are the ones
    our own proxies wrote; the first address from the right that is not one of them is the person (anything
    left of it was written by the person's side and could be anything).
    """
    client = remote
    for hop in reversed([h for h in forwarded_for.split(",") if h.strip()]):
        ip = parse_ip(hop)
        if ip is None:
            break
        client = str(ip)
        if not proxies.trusts(client):
            break
    return client


class TrustedProxyMiddleware:
    """First middleware: believe forwarded headers from trusted proxies only (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = TrustedProxies(getattr(settings, "KESU_TRUSTED_PROXIES", ()))

    def __call__(self, request):
        if self.proxies:
            self.apply(request.META)
        return self.get_response(request)

    def apply(self, meta: dict) -> None:
        remote = meta.get("REMOTE_ADDR", "")
        if self.proxies.trusts(remote):
            forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                meta["KESU_PROXY_ADDR"] = remote
                meta["REMOTE_ADDR"] = client_address(remote, forwarded, self.proxies)
            return
        for header in FORWARDED_HEADERS:
            meta.pop(header, None)
