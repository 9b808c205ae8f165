from celery import shared_task

from outbox import services


@shared_task(acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> str:
    """Sends one email from the outbox. Safe to run twice: the second run finds the row claimed or sent."""
    return services.deliver(email_id)


@shared_task(acks_late=True, ignore_result=True)
def deliver_emails(email_ids: list[int]) -> int:
    """Sends a batch of emails over one connection. Safe to run twice, and alongside other batches holding some of
    the same rows: each row is claimed before it is sent. Returns how many were sent."""
    return sum(status == services.EmailStatus.SENT for status in services.deliver_many(email_ids).values())


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Queues every email that is due and not held by a worker, in batches. Runs every minute from beat."""
    ids = services.due_email_ids()
    services.enqueue_batches(ids)
    return len(ids)
