"""The Redis cache (``CACHE_URL``) going away costs the site nothing but its memory: sign-ins still work, quickly.

The cache keeps allauth's rate limits. ``mentoring.cache.TolerantRedisCache`` treats a Redis that does not answer
as a cache that keeps nothing. These tests start a redis-server of their own on a free port and stop it; on a
laptop without the redis-server program they skip with one line, under CI they fail instead.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
import redis
from django.core.cache import cache, caches
from django.test import override_settings

from mentoring.cache import TolerantRedisCache
from mentoring.tests.factories import PASSWORD, UserFactory
from mentoring.tests.test_production_settings import manage

QUICK = 1.0  # seconds a sign-in may take while Redis is away (it takes a few milliseconds when all is well)


@contextmanager
def tolerant_cache(url: str, *, pause: float = 5.0):
    """The site's cache is the tolerant Redis cache at ``url``, configured as mentoring/settings.py does."""
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "PAUSE_AFTER_FAILURE": pause}
    with override_settings(
        CACHES={"default": {"BACKEND": "mentoring.cache.TolerantRedisCache", "LOCATION": url, "OPTIONS": options}}
    ):
        assert isinstance(caches["default"], TolerantRedisCache)
        yield


def stored_keys(server) -> list[bytes]:
    """What the Redis at ``server`` holds, asked directly."""
    client = redis.Redis.from_url(server.url)
    try:
        return client.keys("*")
    finally:
        client.close()


def sign_in(client, password: str = PASSWORD):
    started = time.monotonic()
    response = client.post("/accounts/login/", {"login": "ann@example.org", "password": password})
    return response, time.monotonic() - started


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_signing_in_works_while_redis_is_away_and_the_cache_works_again_once_it_is_back(private_redis, client, caplog):
    UserFactory(email="ann@example.org")
    with tolerant_cache(private_redis.url, pause=0.2):
        cache.set("greeting", "hello")
        assert cache.get("greeting") == "hello"
        assert sign_in(client, password="not-the-password")[0].status_code == 200  # the first request loads a lot

        private_redis.stop()
        with caplog.at_level(logging.WARNING, logger="mentoring.cache"):
            wrong, took_wrong = sign_in(client, password="not-the-password")
            right, took_right = sign_in(client)
        print(f"while Redis was away: a failed sign-in took {took_wrong:.3f} s, a sign-in {took_right:.3f} s")
        assert wrong.status_code == 200  # the form again, with its error
        assert wrong.context["form"].non_field_errors()
        assert right.status_code == 302
        assert signed_in(client)
        assert max(took_wrong, took_right) < QUICK
        assert cache.get("greeting", "missed") == "missed"
        assert "The cache (Redis) is not answering" in caplog.text

        private_redis.start()  # on the same port, empty
        time.sleep(0.3)  # the pause after the last failure runs out
        cache.set("greeting", "hello again")
        assert cache.get("greeting") == "hello again"
        assert b":1:greeting" in stored_keys(private_redis)


@pytest.mark.django_db
def test_rate_limits_count_again_once_redis_is_back(private_redis, client):
    """allauth counts failed sign-ins in the cache; once Redis answers again it counts them there."""
    UserFactory(email="ann@example.org")
    with tolerant_cache(private_redis.url, pause=0):
        private_redis.stop()
        sign_in(client, password="not-the-password")
        private_redis.start()
        sign_in(client, password="not-the-password")
    assert any(b"login_failed" in key for key in stored_keys(private_redis))


def test_every_cache_operation_is_a_miss_while_redis_is_away(private_redis):
    """With no pause, each operation really tries Redis and is refused."""
    with tolerant_cache(private_redis.url, pause=0):
        private_redis.stop()
        assert cache.get("a") is None
        assert cache.get("a", "default") == "default"
        assert cache.add("a", 1) is True  # as if it had been absent: whoever takes a lock with add gets it
        assert cache.set("a", 1) is None
        assert cache.touch("a") is False
        assert cache.delete("a") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("a") is False
        assert "a" not in cache
        assert cache.get_or_set("a", 7) == 7
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete_many(["a", "b"]) is None
        assert cache.clear() is False
        for operation in (cache.incr, cache.decr, cache.incr_version, cache.decr_version):
            with pytest.raises(ValueError, match="not found"):  # what Django promises for a key that is not there
                operation("a")


def test_the_async_operations_miss_too(private_redis):
    with tolerant_cache(private_redis.url, pause=0):
        private_redis.stop()

        async def operations():
            return (
                await cache.aget("a", "default"),
                await cache.aset("a", 1),
                await cache.aadd("a", 1),
                await cache.adelete("a"),
                await cache.aget_many(["a"]),
            )

        # In a thread of its own: a test run that drove a browser before may leave an event loop in this one.
        with ThreadPoolExecutor(max_workers=1) as thread:
            assert thread.submit(asyncio.run, operations()).result() == ("default", None, True, False, {})


def test_redis_that_does_not_answer_costs_one_timeout_then_nothing_until_the_pause_is_over():
    """A Redis that accepts connections and never answers (a hung server, a half-open network): the first
    operation waits for the half-second read timeout, the next ones in the pause do not ask at all."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # connections are accepted by the kernel; nothing ever reads or answers them
        url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        with tolerant_cache(url, pause=5):
            started = time.monotonic()
            assert cache.get("a", "missed") == "missed"
            first = time.monotonic() - started
            started = time.monotonic()
            for _ in range(20):
                cache.add("lock", True)
                cache.get("a")
                cache.set("a", 1)
                cache.delete("lock")
            later = time.monotonic() - started
    print(f"a silent Redis: the first operation took {first:.3f} s, the next 80 together {later:.3f} s")
    assert 0.4 < first < QUICK
    assert later < 0.1


def test_the_settings_use_the_tolerant_cache_with_short_timeouts_for_a_redis_url(tmp_path):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.CACHES['default'])",
        DEBUG="1",
        VAR_DIR=str(tmp_path / "var"),
        CACHE_URL="redis://cache.internal:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        {
            "BACKEND": "mentoring.cache.TolerantRedisCache",
            "LOCATION": "redis://cache.internal:6379/1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    )
