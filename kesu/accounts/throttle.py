"""Login throttling: too many failures for one user name or one address lock further tries for a while.

Kept in the cache (per process with the default local-memory cache, shared
when KESU_CACHE_URL points to a shared cache); it protects against password
guessing, not against a determined distributed attacker.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[str]:
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"kesu:login-fail:user:{name}", f"kesu:login-fail:addr:{address}"]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def is_locked(username: str, address: str) -> bool:
    limit = settings.KESU_LOGIN_MAX_FAILURES
    # The address limit is looser: a factory shares one NAT address among many people.
    user_key, addr_key = _keys(username, address)
    return (cache.get(user_key, 0) >= limit) or (cache.get(addr_key, 0) >= limit * 4)


def record_failure(username: str, address: str) -> None:
    timeout = settings.KESU_LOGIN_LOCKOUT_MINUTES * 60
    for key in _keys(username, address):
        cache.add(key, 0, timeout)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout)


def clear(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0])
