"""The groups' background work. The schedule is in ``mentoring.celery``."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from groups.services.goals import queue_goal_reviews


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=3)
def send_goal_reviews(self) -> int:
    """Queues the mid-point review emails that are due. Runs every hour from beat; running twice, or a retry,
    sends nothing twice (each email has a unique key in the outbox). Returns how many emails were queued."""
    try:
        return queue_goal_reviews()
    except DatabaseError as error:
        raise self.retry(exc=error, countdown=60) from error
