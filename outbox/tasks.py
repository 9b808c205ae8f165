from celery import shared_task

from outbox import services


@shared_task(acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> str:
    """Sends one email from the outbox. Safe to run twice: the second run finds the row claimed or sent."""
    return services.deliver(email_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    """Queues every email that is due and not held by a worker. Runs every minute from beat."""
    ids = services.due_email_ids()
    for email_id in ids:
        deliver_email.delay(email_id)
    return len(ids)
