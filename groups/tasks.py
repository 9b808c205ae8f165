"""The groups' background work. The schedule is in ``mentoring.celery``."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from groups.services.goals import queue_goal_reviews
from groups.services.reminders import queue_due_reminders


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=3)
def send_goal_reviews(self) -> int:
    """Queues the mid-point review emails that are due. Runs every hour from beat; running twice, or a retry,
    sends nothing twice (each email has a unique key in the outbox). Returns how many emails were queued."""
    try:
        return queue_goal_reviews()
    except DatabaseError as error:
        raise self.retry(exc=error, countdown=60) from error


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=3)
def send_due_reminders(self) -> int:
    """Queues the reminders that are due: before sessions, to log a session, action items coming due. Runs every
    five minutes from beat; running twice, or a retry, sends nothing twice (each reminder has a unique key in the
    outbox). Returns how many reminders were queued."""
    try:
        return queue_due_reminders(now=timezone.now())
    except DatabaseError as error:
        raise self.retry(exc=error, countdown=60) from error
