"""A real Celery worker, in its own process, sends the outbox's emails through a real broker (Redis).

The worker shares the test database, so it needs PostgreSQL; it writes the emails it sends to a folder
(EMAIL_URL=file://...). On a laptop without PostgreSQL or Redis these tests skip with one line; under CI they
must run.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from conftest import UNDER_CI, require_service
from mentoring.celery import app
from mentoring.tests.factories import ProgrammeFactory, UserFactory
from outbox.models import EmailStatus, OutgoingEmail
from outbox.tasks import deliver_email, sweep_outbox
from programmes.models import Invitation, Role
from programmes.services.invitations import Invitee, invite

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """Starts `celery -A mentoring worker` against the test database and the configured Redis broker."""
    if connection.vendor != "postgresql":
        message = "a real worker needs a database it can share (PostgreSQL); this run uses SQLite"
        if UNDER_CI:
            pytest.fail(f"{message}; CI requires it.")
        pytest.skip(message)
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        message = "a real worker test needs Redis as the broker (set CELERY_BROKER_URL)"
        if UNDER_CI:
            pytest.fail(f"{message}; CI requires it.")
        pytest.skip(message)
    require_service("Redis", settings.CELERY_BROKER_URL)
    app.control.purge()  # messages left by earlier tests in this run are not this test's business
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings",
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"file://{mail_dir}",
        "VAR_DIR": str(tmp_path / "var"),
        "SITE_URL": "http://testserver",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentoring",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.mail_dir = mail_dir
    yield process
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output[-4000:])  # shown by pytest when a test fails


def wait_for(condition, *, seconds: float = 45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def sent_files(worker) -> list[str]:
    return [path.read_text() for path in sorted(worker.mail_dir.iterdir())]


def test_an_invitation_email_goes_out_through_a_real_worker_once(worker):
    coordinator = UserFactory(display_name="Cora Coordinator")
    programme = ProgrammeFactory(name="Pathways")
    with transaction.atomic():
        [invitation] = invite(
            programme=programme, invitees=[Invitee(email="new.mentee@example.org", role=Role.MENTEE)], by=coordinator
        )
    email = OutgoingEmail.objects.get(kind="programmes.invitation", object_id=invitation.pk)

    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), "not sent"
    [message] = sent_files(worker)
    assert "To: new.mentee@example.org" in message
    assert "Pathways" in message
    invitation = Invitation.objects.get(pk=invitation.pk)
    assert f"http://testserver/join/invitation/{invitation.token()}/" in message

    deliver_email.delay(email.pk)  # the same task again, as after a retry: it finds the row already sent
    time.sleep(2)
    assert len(sent_files(worker)) == 1


def test_the_sweeper_on_a_real_worker_sends_what_the_broker_never_got(worker):
    coordinator = UserFactory()
    programme = ProgrammeFactory()
    # An email recorded while the broker was away: a row with no task behind it.
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=OSError("broker down")), transaction.atomic():
        [invitation] = invite(
            programme=programme, invitees=[Invitee(email="late@example.org", role=Role.MENTOR)], by=coordinator
        )
    email = OutgoingEmail.objects.get(object_id=invitation.pk)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))

    sweep_outbox.delay()
    sweep_outbox.delay()  # beat running twice: still one email
    assert wait_for(lambda: OutgoingEmail.objects.get(pk=email.pk).status == EmailStatus.SENT), "not sent"
    time.sleep(2)
    assert len(sent_files(worker)) == 1
    assert "To: late@example.org" in sent_files(worker)[0]
