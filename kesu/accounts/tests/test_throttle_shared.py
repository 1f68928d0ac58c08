"""The throttle's counters are shared by every server process (issue 24 §2): they live in the database cache
table, or in Redis with KESU_CACHE_URL, never in one process's memory."""

from __future__ import annotations

import socket

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

from kesu.accounts import throttle

pytestmark = pytest.mark.django_db


def _other_process_cache():
    # What another server process has: its own cache object, nothing in common with ours but the table.
    return DatabaseCache("kesu_cache", {})


def test_the_default_cache_is_the_database_table_the_migrations_make():
    from django.core.cache import caches

    assert isinstance(caches["default"], DatabaseCache)
    assert "kesu_cache" in connection.introspection.table_names()


def test_failures_counted_by_one_process_make_another_refuse(monkeypatch, settings):
    settings.KESU_LOGIN_FREE_FAILURES = 3
    keys = throttle.login_keys("sales1", "10.0.0.7")
    for _ in range(3):
        throttle.fail(keys)  # three failures through process one
    monkeypatch.setattr(throttle, "cache", _other_process_cache())
    with pytest.raises(throttle.Refused) as refused:
        throttle.check(keys)  # process two refuses the fourth try
    assert 1 <= refused.value.seconds <= 8  # the third failure made the next try wait 2^3 s


def test_another_address_is_not_refused_by_those_failures(monkeypatch, settings):
    settings.KESU_LOGIN_FREE_FAILURES = 3
    for _ in range(3):
        throttle.fail(throttle.login_keys("sales1", "10.0.0.7"))
    monkeypatch.setattr(throttle, "cache", _other_process_cache())
    throttle.check(throttle.login_keys("sales1", "10.0.0.8"))  # does not raise


def _redis_reachable() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="needs the redis package and Redis on 127.0.0.1:6379")
def test_with_kesu_cache_url_the_counters_are_shared_through_redis(monkeypatch, settings):
    from django.core.cache.backends.redis import RedisCache

    settings.KESU_LOGIN_FREE_FAILURES = 2

    def redis_cache():
        return RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "kesu-test"})

    keys = throttle.login_keys("qa1", "10.0.0.9")
    monkeypatch.setattr(throttle, "cache", redis_cache())
    throttle.cache.delete_many([key for key, _rule in keys])
    try:
        throttle.fail(keys)
        throttle.fail(keys)
        monkeypatch.setattr(throttle, "cache", redis_cache())
        with pytest.raises(throttle.Refused):
            throttle.check(keys)
    finally:
        throttle.cache.delete_many([key for key, _rule in keys])
