"""The suite runs against real services under CI (see .ci/run): prove that it does."""

import pytest
from django.conf import settings
from django.db import connection

from conftest import UNDER_CI
from mentoring.celery import app


@pytest.mark.skipif(not UNDER_CI, reason="on a laptop the suite runs on SQLite")
def test_ci_runs_the_suite_on_postgresql(db):
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(not UNDER_CI, reason="on a laptop Celery uses the filesystem transport")
def test_ci_uses_redis_as_the_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")


def test_the_configured_broker_accepts_connections():
    with app.connection_for_write() as connection_:
        connection_.ensure_connection(max_retries=1)
        assert connection_.connected


def test_the_celery_app_reads_its_settings_from_django():
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
