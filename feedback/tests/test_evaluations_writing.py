"""A group's leaders write its evaluation for the coordinator, at mid-point and at the end of the programme.

They save a draft as often as they like, then send it; once sent it is read-only for them. The group's page
offers the evaluation to its leaders once the stage has come. Members who do not lead the group never see it; a
mentor circle has none; a closed programme is read-only.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import GroupEvaluation, Stage
from feedback.services.evaluations import (
    AlreadySent,
    NotAllowed,
    NotOpenYet,
    group_section,
    is_open,
    opens_on,
    save_evaluation,
)
from groups.access import GroupAccess
from groups.models import GroupKind, GroupRole
from groups.services.forming import ProgrammeClosed
from groups.services.kinds import create_circle
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group, programme_mentor
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

TEXTS = {
    "how_it_went": "Everyone comes and takes part.",
    "achievements": "Two members found work.",
    "difficulties": "Finding a room.",
    "conclusions": "Give groups a room.",
}


def set_dates(programme: Programme, *, started_days_ago: int, ends_in_days: int) -> Programme:
    today = timezone.localdate()
    programme.starts_on = today - datetime.timedelta(days=started_days_ago)
    programme.ends_on = today + datetime.timedelta(days=ends_in_days)
    programme.save(update_fields=["starts_on", "ends_on"])
    return programme


@pytest.fixture
def past_midpoint(world) -> Programme:
    """The world's programme, past its mid-point and more than a month from its end."""
    return set_dates(world.programme, started_days_ago=200, ends_in_days=100)


@pytest.fixture
def last_month(world) -> Programme:
    return set_dates(world.programme, started_days_ago=250, ends_in_days=20)


@pytest.fixture
def early(world) -> Programme:
    """The world's programme, before its mid-point."""
    return set_dates(world.programme, started_days_ago=10, ends_in_days=200)


def url(group, stage=Stage.MIDPOINT) -> str:
    return reverse("feedback:evaluation", kwargs={"pk": group.pk, "stage": stage})


def detail(group) -> str:
    return reverse("groups:detail", kwargs={"pk": group.pk})


def mentor_access(world) -> GroupAccess:
    return GroupAccess(group=world.group, group_role=GroupRole.MENTOR, is_coordinator=False)


# When a stage opens


def test_the_midpoint_opens_at_the_programmes_midpoint_and_the_end_a_month_before_it_ends(world):
    programme = world.programme  # 1 September 2026 to 31 May 2027
    assert opens_on(programme, Stage.MIDPOINT) == programme.midpoint
    assert opens_on(programme, Stage.END) == datetime.date(2027, 4, 30)
    assert not is_open(programme, Stage.MIDPOINT, today=programme.midpoint - datetime.timedelta(days=1))
    assert is_open(programme, Stage.MIDPOINT, today=programme.midpoint)
    assert not is_open(programme, Stage.END, today=datetime.date(2027, 4, 29))
    assert is_open(programme, Stage.END, today=datetime.date(2027, 4, 30))


def test_a_month_before_the_end_of_a_short_month_is_its_last_day(world):
    Programme.objects.filter(pk=world.programme.pk).update(ends_on=datetime.date(2027, 3, 31))
    world.programme.refresh_from_db()
    assert opens_on(world.programme, Stage.END) == datetime.date(2027, 2, 28)


def test_both_stages_open_when_the_coordinator_moves_the_programme_to_closing(world, early):
    early.move_to(ProgrammeStatus.CLOSING, by=world.coordinator)
    assert is_open(early, Stage.MIDPOINT) and is_open(early, Stage.END)


# The group's page


def test_the_group_page_offers_the_midpoint_evaluation_to_the_mentor_past_the_midpoint(as_user, world, past_midpoint):
    page = as_user(world.mentor).get(detail(world.group)).content.decode()
    assert "Write the mid-point evaluation" in page
    assert url(world.group) in page
    assert "Write the end evaluation" not in page


def test_the_group_page_offers_the_end_evaluation_in_the_last_month(as_user, world, last_month):
    page = as_user(world.mentor).get(detail(world.group)).content.decode()
    assert "Write the mid-point evaluation" in page and "Write the end evaluation" in page


def test_the_group_page_shows_nothing_before_the_midpoint(as_user, world, early):
    assert "evaluation" not in as_user(world.mentor).get(detail(world.group)).content.decode().lower()


def test_the_group_page_says_draft_then_sent_on_the_day(as_user, world, past_midpoint):
    client = as_user(world.mentor)
    client.post(url(world.group), {**TEXTS, "action": "draft"})
    page = client.get(detail(world.group)).content.decode()
    assert "Continue the mid-point evaluation" in page and "Draft" in page
    client.post(url(world.group), {**TEXTS, "action": "send"})
    page = client.get(detail(world.group)).content.decode()
    assert "Read the mid-point evaluation" in page
    assert "Sent" in page and "sent on" in page


@pytest.mark.parametrize("who", ["mentee", "coordinator"])
def test_people_who_do_not_lead_the_group_never_see_the_evaluation(as_user, world, past_midpoint, who):
    GroupEvaluation.objects.create(group=world.group, stage=Stage.MIDPOINT, author=world.mentor, how_it_went="Draft")
    page = as_user(getattr(world, who)).get(detail(world.group)).content.decode()
    assert "evaluation" not in page.lower()
    assert "Draft" not in page


def test_group_section_makes_no_query_for_someone_who_does_not_lead(world, past_midpoint, django_assert_num_queries):
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    with django_assert_num_queries(0):
        assert group_section(access) is None


# Writing


def test_the_mentor_saves_a_draft_and_comes_back_to_it(as_user, world, past_midpoint):
    client = as_user(world.mentor)
    assert client.get(url(world.group)).status_code == 200
    response = client.post(url(world.group), {**TEXTS, "action": "draft"}, follow=True)
    assert "Your draft is saved. The coordinator cannot see it until you send it." in response.content.decode()
    evaluation = GroupEvaluation.objects.get(group=world.group, stage=Stage.MIDPOINT)
    assert evaluation.submitted_at is None
    assert evaluation.author == world.mentor
    assert evaluation.how_it_went == TEXTS["how_it_went"]
    form = client.get(url(world.group)).context["form"]
    assert form.initial["conclusions"] == TEXTS["conclusions"]


def test_an_empty_draft_is_fine(as_user, world, past_midpoint):
    response = as_user(world.mentor).post(url(world.group), {"action": "draft"})
    assert response.status_code == 302
    assert GroupEvaluation.objects.filter(group=world.group).count() == 1


def test_sending_saves_and_sends_it_and_then_it_is_read_only(as_user, world, past_midpoint):
    client = as_user(world.mentor)
    response = client.post(url(world.group), {**TEXTS, "action": "send"}, follow=True)
    page = response.content.decode()
    assert "Thank you! Your evaluation was sent to the coordinator." in page
    assert "It can no longer be changed." in page
    assert TEXTS["achievements"] in page
    assert response.context["form"] is None
    evaluation = GroupEvaluation.objects.get(group=world.group, stage=Stage.MIDPOINT)
    assert evaluation.submitted_at is not None
    # A second tab, a replayed request: nothing changes.
    again = client.post(url(world.group), {"how_it_went": "Changed", "action": "draft"}, follow=True)
    assert "already sent to the coordinator" in again.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.how_it_went == TEXTS["how_it_went"]


def test_sending_an_empty_evaluation_says_what_to_do(as_user, world, past_midpoint):
    response = as_user(world.mentor).post(url(world.group), {"how_it_went": "   ", "action": "send"})
    assert response.status_code == 200
    assert "Please write at least one of the four parts" in response.content.decode()
    assert not GroupEvaluation.objects.exists()


def test_a_text_that_is_too_long_is_refused_at_the_field(as_user, world, past_midpoint):
    response = as_user(world.mentor).post(url(world.group), {"how_it_went": "x" * 5001, "action": "draft"})
    assert response.status_code == 200
    assert response.context["form"].errors["how_it_went"]
    assert not GroupEvaluation.objects.exists()


def test_the_end_evaluation_is_separate_from_the_midpoint(as_user, world, last_month):
    client = as_user(world.mentor)
    client.post(url(world.group), {**TEXTS, "action": "send"})
    client.post(url(world.group, Stage.END), {"conclusions": "A good year.", "action": "draft"})
    stages = dict(GroupEvaluation.objects.values_list("stage", "submitted_at"))
    assert stages[Stage.MIDPOINT] is not None and stages[Stage.END] is None


def test_before_the_stage_has_come_the_page_says_when_and_nothing_is_saved(as_user, world, early):
    client = as_user(world.mentor)
    page = client.get(url(world.group))
    assert page.context["form"] is None
    assert "You can write this evaluation from" in page.content.decode()
    response = client.post(url(world.group), {**TEXTS, "action": "send"}, follow=True)
    assert "You can write this evaluation from" in response.content.decode()
    assert not GroupEvaluation.objects.exists()


def test_an_unknown_stage_is_404(as_user, world, past_midpoint):
    assert as_user(world.mentor).get(url(world.group, "halfway")).status_code == 404


def test_a_mentee_of_the_group_is_refused(as_user, world, past_midpoint):
    client = as_user(world.mentee)
    assert client.get(url(world.group)).status_code == 403
    assert client.post(url(world.group), {**TEXTS, "action": "send"}).status_code == 403
    assert not GroupEvaluation.objects.exists()


def test_a_mentee_cannot_read_the_sent_evaluation_either(as_user, world, past_midpoint):
    save_evaluation(access=mentor_access(world), stage=Stage.MIDPOINT, user=world.mentor, texts=TEXTS, send=True)
    assert as_user(world.mentee).get(url(world.group)).status_code == 403


def test_people_outside_the_group_get_404(as_user, world, past_midpoint):
    assert as_user(world.other_group_member).get(url(world.group)).status_code == 404
    assert as_user(world.outsider).get(url(world.group)).status_code == 404


def test_a_co_mentor_continues_the_other_mentors_draft(as_user, world, past_midpoint):
    co_mentor = UserFactory(display_name="Cleo Comentor")
    add_to_group(world.group, co_mentor, GroupRole.MENTOR)
    as_user(world.mentor).post(url(world.group), {"how_it_went": "Good", "action": "draft"})
    client = as_user(co_mentor)
    assert client.get(url(world.group)).context["form"].initial["how_it_went"] == "Good"
    client.post(url(world.group), {"how_it_went": "Good", "conclusions": "More time", "action": "send"})
    evaluation = GroupEvaluation.objects.get()
    assert evaluation.author == co_mentor and evaluation.conclusions == "More time"


def test_every_member_of_a_peer_group_writes_its_evaluation(as_user, world, past_midpoint):
    peers = MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    member = UserFactory()
    add_to_group(peers, member, GroupRole.MENTEE)
    client = as_user(member)
    assert "Write the mid-point evaluation" in client.get(detail(peers)).content.decode()
    assert client.post(url(peers), {**TEXTS, "action": "send"}).status_code == 302
    assert GroupEvaluation.objects.get(group=peers).submitted_at is not None


def test_a_mentor_circle_has_no_evaluation(as_user, world, past_midpoint):
    mentors = [programme_mentor(world.programme) for _ in range(3)]
    circle = create_circle(programme=world.programme, name="Circle", mentors=mentors, supervisor=world.coordinator)
    assert as_user(world.coordinator).get(url(circle)).status_code == 404  # its supervisor
    assert as_user(mentors[0]).get(url(circle)).status_code == 404
    assert "evaluation" not in as_user(world.coordinator).get(detail(circle)).content.decode().lower()


def test_a_closed_programme_is_read_only(as_user, world, past_midpoint):
    save_evaluation(access=mentor_access(world), stage=Stage.MIDPOINT, user=world.mentor, texts=TEXTS)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentor)
    page = client.get(url(world.group))
    assert page.context["form"] is None
    assert "This programme is closed." in page.content.decode()
    assert TEXTS["difficulties"] in page.content.decode()  # the draft, to read
    response = client.post(url(world.group), {**TEXTS, "action": "send"}, follow=True)
    assert "This programme is closed." in response.content.decode()
    assert GroupEvaluation.objects.get().submitted_at is None
    group_page = client.get(detail(world.group)).content.decode()
    assert "Read the mid-point evaluation" in group_page and "Continue" not in group_page


# The service's own checks


def test_the_service_refuses_members_who_do_not_lead(world, past_midpoint):
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    with pytest.raises(NotAllowed):
        save_evaluation(access=access, stage=Stage.MIDPOINT, user=world.mentee, texts=TEXTS)


def test_the_service_refuses_a_sent_evaluation_a_closed_programme_and_a_stage_not_come(world, past_midpoint):
    access = mentor_access(world)
    with pytest.raises(NotOpenYet) as not_yet:
        save_evaluation(access=access, stage=Stage.END, user=world.mentor, texts=TEXTS)
    assert not_yet.value.opens_on == opens_on(world.programme, Stage.END)
    save_evaluation(access=access, stage=Stage.MIDPOINT, user=world.mentor, texts=TEXTS, send=True)
    with pytest.raises(AlreadySent):
        save_evaluation(access=access, stage=Stage.MIDPOINT, user=world.mentor, texts=TEXTS, send=True)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    with pytest.raises(ProgrammeClosed):
        save_evaluation(access=access, stage=Stage.MIDPOINT, user=world.mentor, texts=TEXTS)
    assert GroupEvaluation.objects.count() == 1
