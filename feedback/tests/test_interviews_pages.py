"""Coordinators write down their interviews with mentees and mentors: what the person accomplished, the results,
their comments and concerns. The notes are confidential: only the programme's coordinators read them."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Interview, Stage
from mentoring.tests.factories import UserFactory, add_to_group, programme_mentor
from mentoring.tests.querycount import count_queries
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


def list_url(programme) -> str:
    return reverse("surveys:interviews", kwargs={"pk": programme.pk})


def create_url(programme) -> str:
    return reverse("surveys:interview_create", kwargs={"pk": programme.pk})


def edit_url(interview) -> str:
    return reverse("surveys:interview_edit", kwargs={"pk": interview.programme_id, "interview_pk": interview.pk})


def form_data(who, **changes) -> dict:
    return {
        "person": who.pk,
        "stage": Stage.END,
        "held_on": timezone.localdate().isoformat(),
        "accomplishments": "Finished the nursing course.",
        "results": "",
        "comments": "",
        "concerns": "",
    } | changes


def interview(world, person=None, *, days_ago=0, **fields) -> Interview:
    return Interview.objects.create(
        programme=world.programme,
        person=person or world.mentee,
        interviewer=world.coordinator,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **({"results": "Found a job."} | fields),
    )


def test_a_coordinator_records_an_interview(as_user, world):
    client = as_user(world.coordinator)
    page = client.get(create_url(world.programme))
    assert page.status_code == 200
    assert "Confidential notes." in page.content.decode()
    response = client.post(create_url(world.programme), form_data(world.mentee, concerns="Worried about money."))
    assert response.status_code == 302 and response["Location"] == list_url(world.programme)
    saved = Interview.objects.get()
    assert (saved.person, saved.interviewer, saved.stage) == (world.mentee, world.coordinator, Stage.END)
    assert saved.accomplishments == "Finished the nursing course." and saved.concerns == "Worried about money."
    assert saved.held_on == timezone.localdate()


def test_the_people_to_choose_are_the_programmes_active_mentees_and_mentors_by_name(as_user, world):
    zoe = programme_mentor(world.programme, user=UserFactory(display_name="Zoe Zimmer"))
    anna = UserFactory(display_name="Anna Alpha")
    add_to_group(world.other_group, anna, "mentee")
    gone = UserFactory(display_name="Gone Person")
    ProgrammeMembership.objects.create(
        programme=world.programme, user=gone, role=Role.MENTEE, status=MembershipStatus.WITHDRAWN
    )
    elsewhere = UserFactory(display_name="Else Where")
    ProgrammeMembership.objects.create(programme=world.other_programme, user=elsewhere, role=Role.MENTEE)
    form = as_user(world.coordinator).get(create_url(world.programme)).context["form"]
    names = [person.display_name for person in form.fields["person"].queryset]
    assert names == ["Anna Alpha", "Max Mentee", "Mina Mentor", "Olga Othergroup", "Zoe Zimmer"]
    assert zoe in form.fields["person"].queryset
    # The coordinator and people of other programmes cannot be chosen.
    response = as_user(world.coordinator).post(create_url(world.programme), form_data(elsewhere))
    assert response.status_code == 200
    assert "Please choose a person from the list." in response.content.decode()
    assert not Interview.objects.exists()


def test_at_least_one_of_the_four_notes_is_needed(as_user, world):
    response = as_user(world.coordinator).post(
        create_url(world.programme), form_data(world.mentee, accomplishments="   ")
    )
    assert response.status_code == 200
    assert "Please write at least one of the four notes" in response.content.decode()
    assert not Interview.objects.exists()


def test_the_date_cannot_be_in_the_future(as_user, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    response = as_user(world.coordinator).post(
        create_url(world.programme), form_data(world.mentee, held_on=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"] == ["The date cannot be in the future."]
    assert not Interview.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("held_on", "yesterday", "Please give a date"),
        ("held_on", "", "Please give the date of the interview."),
        ("person", "", "Please choose the person you talked to."),
        ("stage", "halfway", "Select a valid choice"),
        ("comments", "x" * 5001, "at most 5000 characters"),
    ],
)
def test_bad_input_is_explained_at_the_field(as_user, world, field, value, message):
    response = as_user(world.coordinator).post(create_url(world.programme), form_data(world.mentee, **{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Interview.objects.exists()


def test_the_list_shows_the_newest_first_with_person_stage_date_and_interviewer(as_user, world):
    old = interview(world, world.mentor, days_ago=30, stage=Stage.MIDPOINT)
    new = interview(world, world.mentee, days_ago=1)
    response = as_user(world.coordinator).get(list_url(world.programme))
    assert response.context["interviews"] == [new, old]
    page = response.content.decode()
    assert page.index("Max Mentee") < page.index("Mina Mentor")
    assert "Mid-point" in page and "End of programme" in page
    assert edit_url(new) in page
    assert "These notes are confidential." in page
    assert "Found a job." not in page  # the notes are on the interview's own page


def test_another_coordinator_is_named_as_the_interviewer(as_user, world):
    colleague = UserFactory(display_name="Carl Colleague")
    ProgrammeMembership.objects.create(programme=world.programme, user=colleague, role=Role.COORDINATOR)
    interview(world)
    assert "Cora Coordinator" in as_user(colleague).get(list_url(world.programme)).content.decode()


def test_the_empty_list_says_what_to_do_next(as_user, world):
    page = as_user(world.coordinator).get(list_url(world.programme)).content.decode()
    assert "No interviews yet." in page
    assert create_url(world.programme) in page


def test_a_coordinator_changes_an_interview_and_the_interviewer_stays(as_user, world):
    colleague = UserFactory(display_name="Carl Colleague")
    ProgrammeMembership.objects.create(programme=world.programme, user=colleague, role=Role.COORDINATOR)
    held = interview(world)
    client = as_user(colleague)
    page = client.get(edit_url(held))
    assert page.context["form"].initial["results"] == "Found a job."
    response = client.post(edit_url(held), form_data(world.mentee, results="Found a job as a nurse."))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.results == "Found a job as a nurse." and held.interviewer == world.coordinator


def test_an_interview_with_someone_who_left_can_still_be_changed(as_user, world):
    held = interview(world)
    ProgrammeMembership.objects.filter(programme=world.programme, user=world.mentee).update(
        status=MembershipStatus.WITHDRAWN
    )
    client = as_user(world.coordinator)
    response = client.post(edit_url(held), form_data(world.mentee, comments="Moved away."))
    assert response.status_code == 302
    assert world.mentee not in client.get(create_url(world.programme)).context["form"].fields["person"].queryset


def test_an_interview_of_another_programme_is_404(as_user, world):
    theirs = Interview.objects.create(
        programme=world.other_programme,
        person=world.outsider,
        interviewer=world.other_coordinator,
        held_on=timezone.localdate(),
        comments="Theirs",
    )
    url = reverse("surveys:interview_edit", kwargs={"pk": world.programme.pk, "interview_pk": theirs.pk})
    assert as_user(world.coordinator).get(url).status_code == 404


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_mentors_and_mentees_cannot_read_interviews_not_even_their_own(as_user, world, who):
    held = interview(world, getattr(world, who))
    client = as_user(getattr(world, who))
    assert client.get(list_url(world.programme)).status_code == 403
    assert client.get(edit_url(held)).status_code == 403


def test_a_closed_programme_keeps_its_interviews_read_only(as_user, world):
    held = interview(world, concerns="Money")
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    page = client.get(edit_url(held))
    assert page.context["form"] is None
    assert "Money" in page.content.decode() and "This programme is closed." in page.content.decode()
    response = client.post(edit_url(held), form_data(world.mentee, concerns="Changed"), follow=True)
    assert "This programme is closed." in response.content.decode()
    held.refresh_from_db()
    assert held.concerns == "Money"
    assert client.get(create_url(world.programme)).context["form"] is None
    assert client.post(create_url(world.programme), form_data(world.mentee)).status_code == 302
    assert Interview.objects.count() == 1
    assert create_url(world.programme) not in client.get(list_url(world.programme)).content.decode()


def test_the_interviews_list_query_count_stays_flat(as_user, world):
    client = as_user(world.coordinator)
    url = list_url(world.programme)
    interview(world)
    small = count_queries(client, url)
    for index in range(12):
        person = UserFactory()
        ProgrammeMembership.objects.create(programme=world.programme, user=person, role=Role.MENTEE)
        interview(world, person, days_ago=index)
    assert len(client.get(url).context["interviews"]) == 13
    # session and user, the programme's door, the interviews with their people, the navigation's one
    assert count_queries(client, url) == small == 4
