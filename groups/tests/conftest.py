"""The outbox's real components (a local SMTP server, a Celery worker in its own process) for the groups' tests."""

from outbox.tests.conftest import celery_worker_process, smtp_server, worker_concurrency  # noqa: F401
