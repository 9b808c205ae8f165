"""The Celery application.

Run a worker with ``celery -A mentoring worker`` and exactly one scheduler with ``celery -A mentoring beat``.
The whole periodic schedule lives in ``app.conf.beat_schedule`` below: later features add their sweepers here
and nowhere else.
"""

import json
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Emails recorded in the outbox that no task is holding: queued while the broker was away, left by a
    # worker that died, or due for another attempt. Sending claims each row first, so overlap is harmless.
    "sweep-outbox": {"task": "outbox.tasks.sweep_outbox", "schedule": 60.0},
    # Asks mentees and mentors to review their goals once their programme reaches its mid-point. Hourly, so that
    # every time zone gets it on the day; the outbox's unique key sends each person one email only.
    "goal-reviews": {"task": "groups.tasks.send_goal_reviews", "schedule": 3600.0},
    # Reminders before sessions (the programme's hours, e.g. 24 and 2), to log a session a day after it, and of
    # action items coming due. Each is an outbox row with a unique key, queued only once it is due: no far-future
    # countdowns on the broker, and overlapping runs queue nothing twice.
    "due-reminders": {"task": "groups.tasks.send_due_reminders", "schedule": 300.0},
    # Survey rounds: opens each on its day (where its programme runs), invites everyone asked (and newcomers),
    # reminds once those who have not answered after the round's days, closes rounds after their last day.
    "survey-rounds": {"task": "feedback.tasks.run_survey_rounds", "schedule": 300.0},
}


def forget_queue(queue: str) -> None:
    """Empties and removes a Redis queue, including any message a killed worker left unacknowledged (Redis would
    hand it back to the queue an hour later). For the tests and benchmarks that run workers on a queue of their
    own."""
    with app.connection_for_write() as broker:
        channel = broker.default_channel
        channel.queue_purge(queue)
        client = channel.client
        client.delete(channel.keyprefix_queue % queue, channel.keyprefix_binding_permanent % queue)
        for tag, payload in client.hgetall(channel.unacked_key).items():
            _message, _exchange, routing_key = json.loads(payload)
            if routing_key == queue:
                client.hdel(channel.unacked_key, tag)
                client.zrem(channel.unacked_index_key, tag)
