"""The review of goals at the programme's mid-point: for three weeks from it, the group's pages prompt mentees and
mentors to look at their goals; and an hourly task emails each of them once, however often it runs."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import GroupKind, GroupMembership, GroupRole
from groups.services.goals import programme_today, queue_goal_reviews
from groups.tasks import send_goal_reviews
from mentoring.celery import app
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

PROMPT = "It is the middle of the programme: a good time to look at your goals."


def midpoint_days_ago(programme: Programme, days: int) -> Programme:
    """Moves the programme's dates so that its mid-point was ``days`` days ago where it runs (negative: to come)."""
    midpoint = programme_today(programme) - datetime.timedelta(days=days)
    Programme.objects.filter(pk=programme.pk).update(
        starts_on=midpoint - datetime.timedelta(days=100), ends_on=midpoint + datetime.timedelta(days=100)
    )
    programme.refresh_from_db()
    assert programme.midpoint == midpoint
    return programme


# The prompt on the pages


@pytest.mark.parametrize(("days", "shown"), [(-1, False), (0, True), (10, True), (20, True), (21, False)])
def test_the_prompt_shows_from_the_midpoint_for_three_weeks(as_user, world, days, shown):
    midpoint_days_ago(world.programme, days)
    client = as_user(world.mentee)
    assert (PROMPT in client.get(reverse("groups:goals", kwargs={"pk": world.group.pk})).text) is shown
    assert (PROMPT in client.get(reverse("groups:detail", kwargs={"pk": world.group.pk})).text) is shown


def test_the_mentor_is_prompted_to_look_at_the_goals_with_the_mentees(as_user, world):
    midpoint_days_ago(world.programme, 3)
    text = as_user(world.mentor).get(reverse("groups:goals", kwargs={"pk": world.group.pk})).text
    assert PROMPT in text
    assert "Look at the goals with your mentees at your next session." in text


def test_the_coordinator_is_not_prompted(as_user, world):
    midpoint_days_ago(world.programme, 3)
    assert PROMPT not in as_user(world.coordinator).get(reverse("groups:detail", kwargs={"pk": world.group.pk})).text


def test_a_programme_that_is_not_running_prompts_nobody(as_user, world):
    midpoint_days_ago(world.programme, 3)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSING)
    assert PROMPT not in as_user(world.mentee).get(reverse("groups:goals", kwargs={"pk": world.group.pk})).text


def test_a_mentor_circle_is_not_prompted(as_user, world):
    midpoint_days_ago(world.programme, 3)
    circle = MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE)
    add_to_group(circle, world.mentor, GroupRole.MENTOR)
    assert PROMPT not in as_user(world.mentor).get(reverse("groups:goals", kwargs={"pk": circle.pk})).text


# The email


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


def review_emails():
    return OutgoingEmail.objects.filter(kind="groups.goal_review")


def test_each_mentee_and_mentor_of_the_running_programme_is_emailed_once(world):
    circle = MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE)
    circle_mentor = UserFactory()
    add_to_group(circle, circle_mentor, GroupRole.MENTOR)
    add_to_group(circle, world.coordinator, GroupRole.SUPERVISOR)
    add_to_group(world.other_group, world.mentor, GroupRole.MENTOR)  # a mentor of two groups: one email
    left = UserFactory()
    add_to_group(world.group, left, GroupRole.MENTEE)
    GroupMembership.objects.filter(user=left).update(left_at=timezone.now())

    assert queue_goal_reviews(today=world.programme.midpoint) == 3
    recipients = set(review_emails().values_list("recipient__display_name", flat=True))
    assert recipients == {"Mina Mentor", "Max Mentee", "Olga Othergroup"}
    assert set(review_emails().values_list("key", flat=True)) == {
        f"groups.goal_review:{world.programme.pk}:{person.pk}"
        for person in (world.mentor, world.mentee, world.other_group_member)
    }


def test_running_twice_queues_nothing_new(world, django_capture_on_commit_callbacks):
    today = world.programme.midpoint
    with django_capture_on_commit_callbacks() as first:
        assert queue_goal_reviews(today=today) == 3
    with django_capture_on_commit_callbacks() as second:
        assert queue_goal_reviews(today=today + datetime.timedelta(days=1)) == 0
    assert review_emails().count() == 3
    assert (len(first), len(second)) == (3, 0)


def test_the_task_run_twice_sends_each_email_once(world, worker, django_capture_on_commit_callbacks):
    midpoint_days_ago(world.programme, 0)
    for _ in range(2):  # two beats, or a retry
        with django_capture_on_commit_callbacks(execute=True):
            send_goal_reviews.apply()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        person.email for person in (world.mentor, world.mentee, world.other_group_member)
    )
    assert set(review_emails().values_list("status", flat=True)) == {EmailStatus.SENT}


@pytest.mark.parametrize(("days", "queued"), [(-1, 0), (0, 3), (7, 3), (8, 0)])
def test_the_email_goes_from_the_midpoint_to_a_week_after(world, days, queued):
    assert queue_goal_reviews(today=world.programme.midpoint + datetime.timedelta(days=days)) == queued


@pytest.mark.parametrize("status", [ProgrammeStatus.MATCHING, ProgrammeStatus.CLOSING, ProgrammeStatus.CLOSED])
def test_only_running_programmes_send_it(world, status):
    Programme.objects.filter(pk=world.programme.pk).update(status=status)
    assert queue_goal_reviews(today=world.programme.midpoint) == 0


def test_the_midpoint_is_the_day_where_the_programme_runs(world):
    """At 20:00 UTC on the day before the mid-point, it is already the mid-point in Auckland, not in Berlin."""
    auckland = ProgrammeFactory(time_zone="Pacific/Auckland")
    group = MentoringGroupFactory(programme=auckland)
    kiri = UserFactory(display_name="Kiri")
    add_to_group(group, kiri, GroupRole.MENTEE)
    day_before = world.programme.midpoint - datetime.timedelta(days=1)
    assert auckland.midpoint == world.programme.midpoint
    evening = datetime.datetime.combine(day_before, datetime.time(20, 0), tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=evening):
        assert queue_goal_reviews() == 1
    assert review_emails().get().recipient == kiri


def test_the_email_links_to_each_groups_goals_and_shows_no_goal(world, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue_goal_reviews(today=world.programme.midpoint)
    message = next(message for message in mail.outbox if message.to == [world.mentor.email])
    assert message.subject == 'Half-way through "Pathways": time to look at your goals'
    assert "Please look at the goals with your mentees at your next session." in message.body
    assert reverse("groups:goals", kwargs={"pk": world.group.pk}) in message.body
    assert reverse("groups:goals", kwargs={"pk": world.group.pk}) in message.alternatives[0][0]
    mentee_message = next(message for message in mail.outbox if message.to == [world.mentee.email])
    assert "What have you reached so far?" in mentee_message.body


def test_nothing_is_sent_to_someone_who_left_the_groups_before_sending(world):
    queue_goal_reviews(today=world.programme.midpoint)
    GroupMembership.objects.filter(user=world.mentee).update(left_at=timezone.now())
    email = review_emails().get(recipient=world.mentee)
    assert deliver(email.pk) == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_nothing_is_sent_once_the_programme_stopped_running(world):
    queue_goal_reviews(today=world.programme.midpoint)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSING)
    email = review_emails().get(recipient=world.mentor)
    assert deliver(email.pk) == EmailStatus.CANCELLED


def test_the_task_runs_every_hour_from_beat():
    entry = app.conf.beat_schedule["goal-reviews"]
    assert entry["task"] == "groups.tasks.send_goal_reviews"
    assert entry["schedule"] == 3600.0
    assert send_goal_reviews.name == "groups.tasks.send_goal_reviews"
    assert send_goal_reviews.acks_late is True
