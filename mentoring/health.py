"""Is this instance able to work? ``/health/`` answers for load balancers, container orchestrators and monitoring:
the database and the message broker, each "ok" or "unavailable", with status 200 when both are ok and 503 when
either is not.

``?checks=database`` limits the answer to the parts named (comma-separated): a load balancer asks only for the
database, since pages keep working while the broker is away (emails wait in the outbox), and taking every web process
out of service then would turn a broker outage into a site outage. Monitoring asks for everything.

It says nothing else (no versions, no hosts, no error texts), so it needs no sign-in; and it changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

TIMEOUT_SECONDS = 2.0
OK, UNAVAILABLE = "ok", "unavailable"


def database_status() -> str:
    """A trivial query on the default database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return UNAVAILABLE
    return OK


def broker_status(url: str | None = None) -> str:
    """Redis answers a PING within two seconds; the filesystem transport's queue folder exists and is writable;
    the in-memory transport (tests) always works."""
    url = url or settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        import redis

        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
            try:
                return OK if client.ping() else UNAVAILABLE
            finally:
                client.close()
        except (redis.RedisError, OSError):
            return UNAVAILABLE
    if scheme == "filesystem":
        folder = Path(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get("data_folder_in", ""))
        return OK if folder.is_dir() and os.access(folder, os.W_OK) else UNAVAILABLE
    if scheme == "memory":
        return OK
    return UNAVAILABLE  # a transport this check does not know: say so rather than guess


CHECKS = ("database", "broker")


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    names = [name.strip() for name in request.GET.get("checks", ",".join(CHECKS)).split(",") if name.strip()]
    if not names or not set(names) <= set(CHECKS):
        return JsonResponse({"error": f"checks must name some of: {', '.join(CHECKS)}"}, status=400)
    status_of = {"database": database_status, "broker": broker_status}
    checks = {name: status_of[name]() for name in CHECKS if name in names}
    healthy = all(value == OK for value in checks.values())
    return JsonResponse({"status": OK if healthy else UNAVAILABLE, **checks}, status=200 if healthy else 503)
