"""Who is acting, and through which channel, for the audit trail.

Set by the web middleware, the API authentication, imports and management
commands; read by the audit signal handlers. A ContextVar keeps concurrent
requests in waitress's threads apart.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    source: str = "system"  # web, api, admin, import, command, system


_actor: ContextVar[Actor] = ContextVar("kesu_actor", default=Actor())  # noqa: B039 — Actor is frozen


def current_actor() -> Actor:
    return _actor.get()


@contextlib.contextmanager
def acting_as(user: Any, source: str):
    token = _actor.set(Actor(user=user, source=source))
    try:
        yield
    finally:
        _actor.reset(token)


def set_actor(user: Any, source: str) -> None:
    """Set for the rest of the current context (used by API auth, which has no 'after')."""
    _actor.set(Actor(user=user, source=source))
