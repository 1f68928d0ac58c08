"""Reads remembered for the length of a batch of work (``remembering``), e.g. the worker handing on two
hundred events of the same company: the company's settings, templates, rules and calendar are read once, not
once an event. Outside a batch every call reads afresh, so pages always see the latest settings.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models

F = TypeVar("F", bound=Callable[..., Any])

_memo: ContextVar[dict | None] = ContextVar("kesu_memo", default=None)


@contextlib.contextmanager
def remembering() -> Iterator[None]:
    """Inside this block, functions marked ``remembered`` compute each result once per arguments."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _key(value: Any) -> Any:
    return (value._meta.label_lower, value.pk) if isinstance(value, models.Model) else value


def remembered(func: F) -> F:
    """Mark a read whose result may be kept for the rest of a ``remembering`` block (arguments: records, which
    count by their primary key, or hashable values)."""

    @functools.wraps(func)
    def wrapper(*args):
        memo = _memo.get()
        if memo is None:
            return func(*args)
        key = (func, *map(_key, args))
        if key not in memo:
            memo[key] = func(*args)
        return memo[key]

    return wrapper  # type: ignore[return-value]
