"""Throttling of every way in: sign-in page, admin sign-in, password reset requests, API tokens (issue 15 §3).

A refused try is answered "too many attempts, try again in N minutes" (HTTP 429 on the API) and is not
counted itself; nothing is locked for good and no CAPTCHA is needed. Each counter holds the number of
failures ``n`` and the moment the next try is allowed: after the rule's free failures, each failure makes the
next try wait 2^n seconds (shifted per rule, capped at KESU_LOGIN_MAX_DELAY_MINUTES). A counter is forgotten a
day after its last failure.

Who is counted, and why it does not let a stranger lock a user out:

* **user name + address** (the main rule): an attacker guessing one user's password from one address is
  slowed down quickly (3 free failures, then 8 s, 16 s, … 15 min between tries), but the real user signing in
  from their own address has a counter of their own and is not affected. A success clears this counter.
* **address** (any user name): stops one address trying a few passwords against every user. Looser (30 free
  failures), since a factory's PCs often share one NAT address; never cleared by a success, or an attacker
  could reset it by signing in to an account of their own.
* **user name, from every address** (a ceiling against a distributed attack): 200 failures in one day before
  it slows anyone down. From one address the back-off allows about 100 failures a day (ten in the first
  twenty minutes, then four an hour), so one address alone cannot reach it; only many addresses together can,
  and then the real user waits too, which we accept as the price of slowing a botnet down.

The counters live in Django's cache, which is a table of the database (or Redis, ``KESU_CACHE_URL``): every
server process and node counts on the same counters, and a restart keeps them. It slows password guessing
down; it is not a defence against a determined attacker with many addresses. Reads and writes of a counter
are not atomic: two simultaneous failures may count once, which only errs lenient.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

FORGET_SECONDS = 24 * 3600  # a counter is dropped a day after its last failure


@dataclasses.dataclass(frozen=True)
class Rule:
    """After ``free`` failures, failure n makes the next try wait 2^(n - shift) seconds (capped)."""

    name: str
    free: int
    shift: int = 0

    def delay(self, failures: int) -> int:
        if failures < self.free:
            return 0
        cap = settings.KESU_LOGIN_MAX_DELAY_MINUTES * 60
        return min(2 ** max(failures - self.shift, 0), cap)


def pair_rule() -> Rule:
    return Rule("pair", free=settings.KESU_LOGIN_FREE_FAILURES)


ADDRESS = Rule("address", free=30, shift=26)  # the first wait is 16 s, as for the others below
USER_CEILING = Rule("user", free=200, shift=196)
TOKEN_ADDRESS = Rule("token-address", free=10, shift=6)  # wrong bearer tokens from one address
RESET_ADDRESS = Rule("reset-address", free=10, shift=6)  # password reset requests from one address
RESET_EMAIL = Rule("reset-email", free=3, shift=0)  # reset mails to one address: no flooding someone's inbox


class Refused(Exception):
    """A try made before its wait is over; ``seconds`` until the next try is allowed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(1, math.ceil(seconds))
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.seconds < 60:
            return ngettext(
                "Too many attempts. Try again in %(count)d second.",
                "Too many attempts. Try again in %(count)d seconds.", self.seconds,
            ) % {"count": self.seconds}
        minutes = math.ceil(self.seconds / 60)
        return ngettext(
            "Too many attempts. Try again in %(count)d minute.",
            "Too many attempts. Try again in %(count)d minutes.", minutes,
        ) % {"count": minutes}


def client_address(request) -> str:
    """The address the request came from.

    REMOTE_ADDR, unless KESU_CLIENT_ADDRESS_HEADER names the header a reverse proxy in front of Kesu sets
    (e.g. HTTP_X_FORWARDED_FOR; its last entry is the one the proxy added). The header is never trusted
    otherwise: a client can send any X-Forwarded-For and would pick a fresh address for every try. Behind a
    proxy without that setting every request has the proxy's address, and everyone shares one address counter.
    """
    header = settings.KESU_CLIENT_ADDRESS_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip() or "unknown"
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _name(value: str) -> str:
    # Hashed: the cache should not hold a list of the user names and e-mail addresses people tried.
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _key(rule: Rule, *parts: str) -> str:
    return "kesu:throttle:" + ":".join((rule.name, *parts))


def _wait(key: str, now: float) -> float:
    state = cache.get(key)
    return max(0.0, state[1] - now) if state else 0.0


def _fail(key: str, rule: Rule, now: float) -> None:
    state = cache.get(key)
    failures = (state[0] if state else 0) + 1
    cache.set(key, (failures, now + rule.delay(failures)), FORGET_SECONDS)


def check(keys: list[tuple[str, Rule]]) -> None:
    """Raise :class:`Refused` if any of the counters still makes the caller wait."""
    now = time.time()
    wait = max((_wait(key, now) for key, _rule in keys), default=0.0)
    if wait > 0:
        raise Refused(wait)


def fail(keys: list[tuple[str, Rule]]) -> None:
    """Count one failure (or, for rules that count requests, one request) on each counter."""
    now = time.time()
    for key, rule in keys:
        _fail(key, rule, now)


# Sign-in (the page and the admin share these counters, so switching between them gains nothing).

def login_keys(username: str, address: str) -> list[tuple[str, Rule]]:
    name = _name(username)
    # The ceiling counts per calendar day (UTC): one address alone, held to ~100 failures a day by the pair
    # rule, would otherwise reach it over two or three days of slow guessing and lock the real user out.
    day = str(int(time.time() // 86400))
    return [
        (_key(pair_rule(), name, address), pair_rule()),
        (_key(ADDRESS, address), ADDRESS),
        (_key(USER_CEILING, name, day), USER_CEILING),
    ]


def login_check(username: str, address: str) -> None:
    check(login_keys(username, address))


def login_failed(username: str, address: str) -> None:
    fail(login_keys(username, address))


def login_succeeded(username: str, address: str) -> None:
    """The right password from this address: its own counter starts again (the others do not, see above)."""
    cache.delete(login_keys(username, address)[0][0])


# API tokens: a wrong token names no user, so it is counted per address.

def token_keys(address: str) -> list[tuple[str, Rule]]:
    return [(_key(TOKEN_ADDRESS, address), TOKEN_ADDRESS)]


# Password reset: every request counts, per address and per e-mail address asked for.

def reset_keys(email: str, address: str) -> list[tuple[str, Rule]]:
    return [(_key(RESET_ADDRESS, address), RESET_ADDRESS), (_key(RESET_EMAIL, _name(email)), RESET_EMAIL)]
