from celery import shared_task

from feedback.services import rounds


@shared_task(ignore_result=True)
def run_survey_rounds() -> dict[str, int]:
    """Makes missing rounds, opens those due, invites newcomers, reminds, closes. Every few minutes from beat;
    running it twice at once sends nothing twice (each email is an outbox row with a unique key)."""
    return rounds.run_rounds()
