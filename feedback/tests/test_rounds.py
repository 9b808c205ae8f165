"""Survey rounds: made from the programme's dates, following them, opened on their day with everyone invited once,
reminded once, closed after their last day; coordinators open one by hand or extend its deadline."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from feedback.models import Audience, Purpose, Respondent, RespondentRole, RoundKind, RoundStatus
from feedback.services.rounds import (
    INVITATION_EMAIL,
    REMINDER_EMAIL,
    BadDates,
    RoundClosed,
    ensure_rounds,
    extend,
    open_now,
    open_round,
    planned_dates,
    remind,
    run_rounds,
    set_dates,
    sync_rounds,
)
from groups.models import GroupRole
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from outbox.models import OutgoingEmail
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


def test_a_programme_gets_a_midpoint_and_an_end_round_with_its_own_copies_of_the_defaults(world, rounds):
    midpoint, end = rounds
    assert (midpoint.kind, end.kind) == (RoundKind.MIDPOINT, RoundKind.END)
    assert midpoint.opens_on == world.programme.midpoint
    assert end.closes_on == world.programme.ends_on + datetime.timedelta(days=14)
    assert midpoint.mentee_questionnaire.purpose == Purpose.MIDPOINT
    assert midpoint.mentee_questionnaire.audience == Audience.MENTEES
    assert midpoint.mentor_questionnaire.audience == Audience.MENTORS
    assert end.mentee_questionnaire.purpose == Purpose.END
    assert midpoint.mentee_questionnaire.programme == world.programme
    assert midpoint.mentee_questionnaire.questions.filter(key="recommend", kind="rating").exists()
    assert world.programme.questionnaires.filter(purpose=Purpose.PULSE).count() == 1
    assert ensure_rounds(world.programme) == [midpoint, end]  # idempotent
    assert world.programme.questionnaires.count() == 5


def test_scheduled_rounds_follow_the_programme_dates_until_set_by_hand(world, rounds):
    midpoint, end = rounds
    Programme.objects.filter(pk=world.programme.pk).update(ends_on=datetime.date(2027, 8, 31))
    world.programme.refresh_from_db()
    assert sync_rounds(world.programme) == 2
    midpoint.refresh_from_db()
    assert (midpoint.opens_on, midpoint.closes_on) == planned_dates(world.programme, RoundKind.MIDPOINT)
    set_dates(end, opens_on=datetime.date(2027, 8, 1), closes_on=datetime.date(2027, 8, 20))
    Programme.objects.filter(pk=world.programme.pk).update(ends_on=datetime.date(2027, 9, 30))
    world.programme.refresh_from_db()
    assert sync_rounds(world.programme) == 1  # only the mid-point round still follows
    end.refresh_from_db()
    assert (end.opens_on, end.closes_on) == (datetime.date(2027, 8, 1), datetime.date(2027, 8, 20))


def test_dates_that_close_before_opening_are_refused(rounds):
    midpoint, _end = rounds
    with pytest.raises(BadDates):
        set_dates(midpoint, opens_on=datetime.date(2027, 2, 1), closes_on=datetime.date(2027, 1, 1))


def test_opening_invites_every_mentee_and_mentor_once_with_their_group(world, open_midpoint):
    respondents = {r.user: r for r in Respondent.objects.filter(round=open_midpoint)}
    assert set(respondents) == {world.mentee, world.mentor, world.other_group_member}
    assert respondents[world.mentee].role == RespondentRole.MENTEE
    assert respondents[world.mentor].role == RespondentRole.MENTOR
    assert respondents[world.mentee].group == world.group
    assert respondents[world.other_group_member].group == world.other_group
    emails = OutgoingEmail.objects.filter(kind=INVITATION_EMAIL)
    assert set(emails.values_list("to", flat=True)) == {
        world.mentee.email,
        world.mentor.email,
        "other.mentee@example.org",
    }
    assert set(emails.values_list("programme_id", flat=True)) == {world.programme.pk}
    assert open_midpoint.mentee_questionnaire.is_frozen
    assert open_round(open_midpoint) is False  # a second beat
    assert emails.count() == 3


def test_someone_joining_an_open_round_is_invited_on_the_next_run(world, open_midpoint):
    newcomer = UserFactory(email="new@example.org")
    add_to_group(world.group, newcomer, GroupRole.MENTEE)
    run_rounds()
    assert Respondent.objects.filter(round=open_midpoint, user=newcomer).exists()
    assert OutgoingEmail.objects.filter(kind=INVITATION_EMAIL, to="new@example.org").count() == 1
    run_rounds()
    assert OutgoingEmail.objects.filter(kind=INVITATION_EMAIL).count() == 4


def test_beat_opens_a_round_on_its_day_in_the_programmes_zone(world, rounds):
    midpoint, _end = rounds
    opens = datetime.datetime.combine(midpoint.opens_on, datetime.time(0, 30), tzinfo=world.programme.zone)
    run_rounds(now=opens - datetime.timedelta(hours=1))
    midpoint.refresh_from_db()
    assert midpoint.status == RoundStatus.SCHEDULED
    run_rounds(now=opens)
    midpoint.refresh_from_db()
    assert midpoint.status == RoundStatus.OPEN


def test_a_programme_not_yet_running_opens_no_round(world, rounds):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.MATCHING)
    run_rounds(now=timezone.now() + datetime.timedelta(days=400))
    assert set(world.programme.survey_rounds.values_list("status", flat=True)) == {RoundStatus.SCHEDULED}


def test_those_who_have_not_answered_get_one_reminder_after_the_set_days(world, open_midpoint):
    Respondent.objects.filter(user=world.mentor).update(submitted_at=timezone.now())
    assert remind() == 0
    later = timezone.now() + datetime.timedelta(days=open_midpoint.remind_after_days, minutes=1)
    assert remind(now=later) == 2
    assert remind(now=later) == 0
    assert set(OutgoingEmail.objects.filter(kind=REMINDER_EMAIL).values_list("to", flat=True)) == {
        world.mentee.email,
        "other.mentee@example.org",
    }


def test_a_round_closes_after_its_last_day_where_the_programme_runs(world, open_midpoint):
    last_day_end = datetime.datetime.combine(
        open_midpoint.closes_on + datetime.timedelta(days=1), datetime.time(0, 0), tzinfo=world.programme.zone
    )
    run_rounds(now=last_day_end - datetime.timedelta(minutes=1))
    open_midpoint.refresh_from_db()
    assert open_midpoint.status == RoundStatus.OPEN
    run_rounds(now=last_day_end)
    open_midpoint.refresh_from_db()
    assert open_midpoint.status == RoundStatus.CLOSED


def test_a_coordinator_opens_a_round_by_hand_and_extends_its_deadline(world, rounds):
    midpoint, _end = rounds
    opened = open_now(midpoint)
    assert opened.status == RoundStatus.OPEN
    assert opened.opens_on == world.programme.today()
    with pytest.raises(RoundClosed):
        open_now(opened)
    later = opened.closes_on + datetime.timedelta(days=7)
    assert extend(opened, closes_on=later).closes_on == later
    with pytest.raises(BadDates):
        extend(opened, closes_on=later - datetime.timedelta(days=1))


def test_extending_a_closed_round_opens_it_again(world, open_midpoint):
    from feedback.models import SurveyRound

    SurveyRound.objects.filter(pk=open_midpoint.pk).update(status=RoundStatus.CLOSED, closed_at=timezone.now())
    reopened = extend(open_midpoint, closes_on=open_midpoint.closes_on + datetime.timedelta(days=5))
    assert reopened.status == RoundStatus.OPEN


def test_beat_makes_rounds_for_a_programme_that_has_none(world):
    other = MentoringGroupFactory().programme
    assert not other.survey_rounds.exists()
    run_rounds()
    assert other.survey_rounds.count() == 2
