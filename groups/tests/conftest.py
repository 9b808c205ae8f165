"""The outbox's real components (a local SMTP server, a Celery worker in its own process) for the groups' tests."""

from outbox.tests.conftest import (  # noqa: F401
    celery_worker_process,
    smtp_server,
    worker_broker_url,
    worker_concurrency,
)
