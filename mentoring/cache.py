"""A Redis cache that an unavailable Redis cannot turn into errors.

The cache holds allauth's rate limits (sign-in failures, sign-ups, password resets) and nothing the site cannot
rebuild. Django's ``RedisCache`` raises when Redis does not answer, so with Redis away every sign-in would fail
with a server error. ``TolerantRedisCache`` treats a Redis that does not answer as a cache that keeps nothing, like
Django's ``DummyCache``: reads miss, writes are dropped, and the site goes on working. The rate limits are then not
enforced until Redis is back (allauth takes a lock with ``add``; refusing it would answer every sign-in with "too
many attempts").

Two things keep an outage cheap for each request: the connect and read timeouts in the settings (half a second),
and a pause: after Redis failed to answer, this process does not ask it again for ``PAUSE_AFTER_FAILURE`` seconds
(default 5), so a request makes at most one slow attempt instead of one per cache operation. A warning is logged
when Redis stops answering and a note when it answers again.

Only connection errors and timeouts are forgiven: a Redis that answers with an error, or a value that cannot be
pickled, still raises as it would anywhere else.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
DEFAULT_PAUSE_AFTER_FAILURE = 5.0


class TolerantRedisCache(RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` that behaves as an empty cache while Redis is unavailable.

    ``OPTIONS`` are those of ``RedisCache`` (passed to redis-py's connection pool, e.g. ``socket_timeout``), plus
    ``PAUSE_AFTER_FAILURE``: seconds not to ask Redis again after it failed to answer (0 asks every time)."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.pause_after_failure = float(options.pop("PAUSE_AFTER_FAILURE", DEFAULT_PAUSE_AFTER_FAILURE))
        super().__init__(server, {**params, "OPTIONS": options})
        self._lock = threading.Lock()
        self._unavailable_until: float | None = None  # time.monotonic() before which Redis is not asked

    def _attempt(self, operation, *args, on_unavailable=None):
        """Runs one cache operation against Redis; returns ``on_unavailable`` instead if Redis does not answer, or
        failed to answer less than ``pause_after_failure`` seconds ago."""
        with self._lock:
            paused = self._unavailable_until is not None and time.monotonic() < self._unavailable_until
        if paused:
            return on_unavailable
        try:
            result = operation(*args)
        except UNAVAILABLE as error:
            with self._lock:
                first = self._unavailable_until is None
                self._unavailable_until = time.monotonic() + self.pause_after_failure
            if first:
                logger.warning("The cache (Redis) is not answering; going on without it: %s", error)
            return on_unavailable
        if self._unavailable_until is not None:
            with self._lock:
                self._unavailable_until = None
            logger.info("The cache (Redis) is answering again.")
        return result

    # Every method of RedisCache that talks to Redis; BaseCache's others (get_or_set, decr, incr_version, the
    # async ones, ``in``) are built on these.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # As if the key was absent and is now set: whoever adds a lock gets it.
        return self._attempt(super().add, key, value, timeout, version, on_unavailable=True)

    def get(self, key, default=None, version=None):
        return self._attempt(super().get, key, default, version, on_unavailable=default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._attempt(super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._attempt(super().touch, key, timeout, version, on_unavailable=False)

    def delete(self, key, version=None):
        return self._attempt(super().delete, key, version, on_unavailable=False)

    def get_many(self, keys, version=None):
        return self._attempt(super().get_many, keys, version, on_unavailable={})

    def has_key(self, key, version=None):
        return self._attempt(super().has_key, key, version, on_unavailable=False)

    def incr(self, key, delta=1, version=None):
        # Django's promise for a key that is not there: ValueError, which every caller of incr handles already
        # (keys expire at any moment).
        missing = object()
        result = self._attempt(super().incr, key, delta, version, on_unavailable=missing)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that could not be stored: all of them.
        return self._attempt(super().set_many, data, timeout, version, on_unavailable=list(data))

    def delete_many(self, keys, version=None):
        self._attempt(super().delete_many, keys, version)

    def clear(self):
        return self._attempt(super().clear, on_unavailable=False)
