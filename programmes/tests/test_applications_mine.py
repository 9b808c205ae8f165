"""A person's own applications: the list across programmes, one application with its status, and withdrawing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.tests.factories import ApplicationFactory, ProgrammeFactory
from mentoring.tests.querycount import count_queries
from programmes.models import ApplicationStatus, Programme, ProgrammeStatus, Role
from programmes.services.applications import ApplicationLocked, ProgrammeArchived, withdraw

pytestmark = pytest.mark.django_db


def detail_url(application) -> str:
    return reverse("join:my_application", kwargs={"application_pk": application.pk})


def withdraw_url(application) -> str:
    return reverse("join:withdraw_application", kwargs={"application_pk": application.pk})


def test_the_list_shows_the_persons_own_applications_in_every_programme(as_user, world):
    first = ApplicationFactory(applicant=world.outsider, programme=ProgrammeFactory(name="Bridges"))
    second = ApplicationFactory(
        applicant=world.outsider, programme=ProgrammeFactory(name="Harbour"), role=Role.MENTOR, status="accepted"
    )
    ApplicationFactory(programme=ProgrammeFactory(name="Somebody else's"))
    response = as_user(world.outsider).get(reverse("join:my_applications"))
    assert response.status_code == 200
    assert list(response.context["applications"]) == [second, first]
    page = response.content.decode()
    assert "Bridges" in page and "Harbour" in page and "Somebody else" not in page
    assert detail_url(first) in page and detail_url(second) in page
    assert "Accepted" in page and "New" in page


def test_the_list_has_an_empty_state_that_says_how_to_apply(as_user, world):
    page = as_user(world.outsider).get(reverse("join:my_applications")).content.decode()
    assert "You have not applied to any programme yet." in page
    assert "Open it to apply." in page


def test_the_list_makes_the_same_number_of_queries_for_many_applications(as_user, world):
    client = as_user(world.outsider)
    ApplicationFactory(applicant=world.outsider)
    small = count_queries(client, reverse("join:my_applications"))
    for _ in range(5):
        ApplicationFactory(applicant=world.outsider)
    assert count_queries(client, reverse("join:my_applications")) == small == 5


def test_an_open_application_shows_what_was_written_and_can_be_changed_or_withdrawn(as_user, world):
    application = ApplicationFactory(applicant=world.outsider, goals="Learn German.", mentor_kind="Calm.")
    page = as_user(world.outsider).get(detail_url(application)).content.decode()
    assert "Learn German." in page and "Calm." in page
    assert "The coordinators will read your application and write to you." in page
    assert reverse("join:apply_as", kwargs={"key": application.programme.application_key, "role": "mentee"}) in page
    assert withdraw_url(application) in page


def test_after_recruitment_an_open_application_can_be_withdrawn_but_not_changed(as_user, world):
    application = ApplicationFactory(applicant=world.outsider)
    Programme.objects.filter(pk=application.programme_id).update(status=ProgrammeStatus.MATCHING)
    page = as_user(world.outsider).get(detail_url(application)).content.decode()
    assert "Change your answers" not in page
    assert withdraw_url(application) in page


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (ApplicationStatus.ACCEPTED, "You have a place in the programme."),
        (ApplicationStatus.DECLINED, "could not offer you a place this time"),
        (ApplicationStatus.WITHDRAWN, "You withdrew this application."),
    ],
)
def test_a_decided_application_cannot_be_changed_or_withdrawn(as_user, world, status, words):
    application = ApplicationFactory(applicant=world.outsider, status=status)
    page = as_user(world.outsider).get(detail_url(application)).content.decode()
    assert words in page
    assert "Change your answers" not in page
    assert withdraw_url(application) not in page


def test_someone_elses_application_does_not_exist_for_them(as_user, world):
    application = ApplicationFactory(applicant=world.mentee)
    for persona in ("outsider", "mentor", "coordinator"):
        client = as_user(getattr(world, persona))
        assert client.get(detail_url(application)).status_code == 404
        assert client.post(withdraw_url(application)).status_code == 404
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    application = ApplicationFactory(applicant=world.mentee)
    for url in (reverse("join:my_applications"), detail_url(application)):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
    assert client.post(withdraw_url(application))["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("status", [ApplicationStatus.SUBMITTED, ApplicationStatus.WAITLISTED])
def test_the_applicant_withdraws_an_open_application(as_user, world, status):
    application = ApplicationFactory(applicant=world.outsider, status=status)
    response = as_user(world.outsider).post(withdraw_url(application), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(application)
    assert "Your application has been withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


@pytest.mark.parametrize(
    "status", [ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN]
)
def test_a_decided_application_cannot_be_withdrawn(as_user, world, status):
    application = ApplicationFactory(applicant=world.outsider, status=status)
    response = as_user(world.outsider).post(withdraw_url(application), follow=True)
    assert "can no longer be withdrawn" in response.content.decode()
    application.refresh_from_db()
    assert application.status == status
    with pytest.raises(ApplicationLocked):
        withdraw(application=application)


def test_nothing_is_withdrawn_in_a_closed_programme(as_user, world):
    application = ApplicationFactory(applicant=world.outsider)
    Programme.objects.filter(pk=application.programme_id).update(status=ProgrammeStatus.CLOSED)
    response = as_user(world.outsider).post(withdraw_url(application), follow=True)
    assert "This programme is closed." in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    with pytest.raises(ProgrammeArchived):
        withdraw(application=application)


def test_withdraw_refuses_get(as_user, world):
    application = ApplicationFactory(applicant=world.outsider)
    assert as_user(world.outsider).get(withdraw_url(application)).status_code == 405
    assert as_user(world.outsider).post(reverse("join:my_applications")).status_code == 405
