"""Applying to a programme: its public application page, and the form for mentees and for mentors."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import (
    ApplicationFactory,
    GoalAreaFactory,
    MentorProfileFactory,
    ProgrammeFactory,
    UserFactory,
)
from programmes.models import Application, ApplicationStatus, Programme, ProgrammeStatus, Role
from programmes.services.applications import (
    AlreadyMember,
    ApplicationLocked,
    ApplicationsClosed,
    submit_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(world) -> Programme:
    """A recruiting programme with two goal areas; nobody of the world has a role in it."""
    programme = ProgrammeFactory(name="Bridges", status=ProgrammeStatus.RECRUITING, application_intro="Join us!")
    GoalAreaFactory(programme=programme, name="Careers", position=0)
    GoalAreaFactory(programme=programme, name="Studies", position=1)
    return programme


def page_url(programme) -> str:
    return reverse("join:apply", kwargs={"key": programme.application_key})


def form_url(programme, role: str = "mentee") -> str:
    return reverse("join:apply_as", kwargs={"key": programme.application_key, "role": role})


def area(programme, name: str):
    return programme.goal_areas.get(name=name)


def mentee_answers(programme, **changes) -> dict:
    if "goal_areas" not in changes and programme.goal_areas.filter(name="Careers").exists():
        changes["goal_areas"] = [area(programme, "Careers").pk]
    return {
        "goals": "Find work in my field within a year.",
        "field": "Engineering",
        "support_expected": "Advice on applications.",
        "mentor_kind": "Patient and direct.",
        "mentor_background": "Has worked in a large company.",
        "gender_preference": "woman",
        "age_preference": "older",
        "languages": "Farsi,  English,",
        "accessibility_needs": "Step-free access.",
        "availability": ["evenings", "weekends"],
        "availability_note": "Not on Fridays.",
        "consent": "on",
        **changes,
    }


def mentor_answers(programme, **changes) -> dict:
    if "goal_areas" not in changes and programme.goal_areas.filter(name="Studies").exists():
        changes["goal_areas"] = [area(programme, "Studies").pk]
    return {
        "expertise": "Scholarships",
        "background": "University lecturer for 15 years.",
        "languages": "English, German",
        "max_groups": "2",
        "engagement": "volunteer",
        "motivation": "I like to help.",
        "gender": "man",
        "age_band": "",
        "availability": ["mornings"],
        "consent": "on",
        **changes,
    }


# The application page


def test_signed_out_visitors_read_the_page_and_are_offered_an_account_that_brings_them_back(client, programme):
    response = client.get(page_url(programme))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Bridges" in page and "Join us!" in page
    assert "To apply, you need an account" in page
    back = page_url(programme)
    assert f"{reverse('account_signup')}?next={back}" in page
    assert f"{reverse('account_login')}?next={back}" in page
    assert form_url(programme) not in page


def test_signed_in_people_choose_to_apply_as_mentee_or_mentor(as_user, world, programme):
    page = as_user(world.outsider).get(page_url(programme)).content.decode()
    assert "Apply as a mentee" in page and "Apply as a mentor" in page
    assert form_url(programme, "mentee") in page and form_url(programme, "mentor") in page


def test_the_page_shows_an_application_already_made_and_a_role_already_held(as_user, world, programme):
    ApplicationFactory(programme=programme, applicant=world.outsider, role=Role.MENTEE)
    world.programme.status = ProgrammeStatus.RECRUITING
    world.programme.save()
    ApplicationFactory(programme=world.programme, applicant=world.mentee, role=Role.MENTOR)
    page = as_user(world.outsider).get(page_url(programme)).content.decode()
    assert "You have applied." in page and form_url(programme, "mentee") not in page
    assert form_url(programme, "mentor") in page
    page = as_user(world.mentee).get(page_url(world.programme)).content.decode()
    assert "You already take part in this programme as a mentee." in page


def test_unknown_keys_and_drafts_have_no_page(client, world):
    assert client.get(reverse("join:apply", kwargs={"key": "no-such-key-here"})).status_code == 404
    draft = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    assert client.get(page_url(draft)).status_code == 404
    client.force_login(world.outsider)
    assert client.get(form_url(draft)).status_code == 404


@pytest.mark.parametrize("status", [ProgrammeStatus.MATCHING, ProgrammeStatus.RUNNING, ProgrammeStatus.CLOSED])
def test_when_the_programme_does_not_recruit_applications_are_closed(client, world, programme, status):
    Programme.objects.filter(pk=programme.pk).update(status=status)
    for visitor in (None, world.outsider):
        if visitor:
            client.force_login(visitor)
        response = client.get(page_url(programme))
        assert response.status_code == 200
        assert "Applications are closed" in response.content.decode()
        assert "Apply as a mentee" not in response.content.decode()
    response = client.get(form_url(programme))
    assert response.status_code == 200
    assert "Applications are closed" in response.content.decode()
    client.post(form_url(programme), mentee_answers(programme))
    assert not Application.objects.exists()


def test_the_page_refuses_post(client, programme):
    assert client.post(page_url(programme)).status_code == 405


# Applying


def test_a_mentee_applies_with_goals_wishes_and_needs(as_user, world, programme):
    client = as_user(world.outsider)
    form = client.get(form_url(programme)).context["form"]
    assert [choice.choice_label for choice in form["goal_areas"]] == ["Careers", "Studies"]
    assert "expertise" not in form.fields and "max_groups" not in form.fields
    before = timezone.now()
    response = client.post(form_url(programme), mentee_answers(programme, needs_language_support="on"), follow=True)
    application = Application.objects.get()
    assert response.redirect_chain[-1][0] == reverse("join:my_application", kwargs={"application_pk": application.pk})
    assert "Thank you! Your application has been sent to the coordinators." in response.content.decode()
    assert (application.programme, application.applicant, application.role) == (programme, world.outsider, "mentee")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.goals == "Find work in my field within a year."
    assert [a.name for a in application.goal_areas.all()] == ["Careers"]
    assert application.field == "Engineering"
    assert application.support_expected == "Advice on applications."
    assert application.mentor_kind == "Patient and direct."
    assert application.mentor_background == "Has worked in a large company."
    assert (application.gender_preference, application.age_preference) == ("woman", "older")
    assert application.languages == "Farsi, English"
    assert application.needs_language_support is True
    assert application.accessibility_needs == "Step-free access."
    assert application.availability == ["evenings", "weekends"]
    assert (application.available_mornings, application.available_weekends) == (False, True)
    assert application.availability_note == "Not on Fridays."
    assert application.consent_given_at >= before
    assert application.updated_at >= before


def test_a_mentor_applies_with_expertise_capacity_and_motivation(as_user, world, programme):
    client = as_user(world.outsider)
    form = client.get(form_url(programme, "mentor")).context["form"]
    assert "goals" not in form.fields and "mentor_kind" not in form.fields
    assert (
        "Some mentees say they would prefer a mentor of a certain gender or age"
        in client.get(form_url(programme, "mentor")).content.decode()
    )
    client.post(form_url(programme, "mentor"), mentor_answers(programme))
    application = Application.objects.get()
    assert application.role == Role.MENTOR
    assert [a.name for a in application.goal_areas.all()] == ["Studies"]
    assert application.expertise == "Scholarships"
    assert application.background == "University lecturer for 15 years."
    assert application.max_groups == 2
    assert application.engagement == "volunteer"
    assert application.motivation == "I like to help."
    assert (application.gender, application.age_band) == ("man", "")
    assert application.availability == ["mornings"]
    assert application.goals == ""


def test_the_consent_text_says_plainly_how_the_data_is_used(as_user, world, programme):
    client = as_user(world.outsider)
    mentee_page = client.get(form_url(programme)).content.decode()
    mentor_page = client.get(form_url(programme, "mentor")).content.decode()
    for page in (mentee_page, mentor_page):
        assert "The coordinators of this programme see your application" in page
        assert "ask for your data to be erased" in page
    assert "mentor data bank" in mentor_page
    assert "mentor data bank" not in mentee_page


def test_consent_is_required(as_user, world, programme):
    answers = mentee_answers(programme)
    del answers["consent"]
    response = as_user(world.outsider).post(form_url(programme), answers)
    assert response.status_code == 200
    assert response.context["form"].errors["consent"] == ["We can only take your application with your agreement."]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("role", "changes", "field"),
    [
        ("mentee", {"goals": ""}, "goals"),
        ("mentee", {"goal_areas": []}, "goal_areas"),
        ("mentee", {"languages": " , ,"}, "languages"),
        ("mentee", {"availability": []}, "availability"),
        ("mentee", {"availability": ["nights"]}, "availability"),
        ("mentee", {"gender_preference": "robot"}, "gender_preference"),
        ("mentor", {"max_groups": "6"}, "max_groups"),
        ("mentor", {"max_groups": "0"}, "max_groups"),
        ("mentor", {"max_groups": "two"}, "max_groups"),
        ("mentor", {"engagement": ""}, "engagement"),
        ("mentor", {"motivation": ""}, "motivation"),
        ("mentor", {"goal_areas": [], "expertise": ""}, "expertise"),
        ("mentor", {"goal_areas": ["999999"]}, "goal_areas"),
    ],
)
def test_bad_answers_are_explained_at_their_field(as_user, world, programme, role, changes, field):
    answers = (mentee_answers if role == "mentee" else mentor_answers)(programme, **changes)
    response = as_user(world.outsider).post(form_url(programme, role), answers)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Please check the answers marked below." in response.content.decode()
    assert not Application.objects.exists()


def test_a_goal_area_of_another_programme_cannot_be_chosen(as_user, world, programme):
    foreign = GoalAreaFactory(programme=world.programme, name="Elsewhere")
    response = as_user(world.outsider).post(form_url(programme), mentee_answers(programme, goal_areas=[foreign.pk]))
    assert "goal_areas" in response.context["form"].errors
    with pytest.raises(ValueError):
        submit_application(
            programme=programme,
            applicant=world.outsider,
            role="mentee",
            answers={"goals": "x", "languages": "English"},
            goal_areas=[foreign],
            availability=["mornings"],
        )


def test_without_goal_areas_the_form_does_not_ask_for_them(as_user, world):
    bare = ProgrammeFactory(status=ProgrammeStatus.RECRUITING)
    client = as_user(world.outsider)
    assert "goal_areas" not in client.get(form_url(bare)).context["form"].fields
    answers = mentee_answers(bare)
    assert "goal_areas" not in answers
    assert client.post(form_url(bare), answers).status_code == 302


def test_an_unknown_role_is_not_found(as_user, world, programme):
    client = as_user(world.outsider)
    for role in ("coordinator", "boss"):
        assert client.get(form_url(programme, role)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in_and_back(client, programme):
    response = client.get(form_url(programme))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={form_url(programme)}"


def test_wrong_method(as_user, world, programme):
    assert as_user(world.outsider).put(form_url(programme)).status_code == 405


def test_languages_come_from_an_earlier_application(as_user, world, programme):
    ApplicationFactory(applicant=world.outsider, languages="Tigrinya, English")
    form = as_user(world.outsider).get(form_url(programme)).context["form"]
    assert form["languages"].value() == "Tigrinya, English"


def test_a_mentor_in_the_bank_starts_from_their_profile(as_user, world, programme):
    MentorProfileFactory(
        user=world.outsider,
        languages="English, Somali",
        expertise="studies, Public speaking",
        background="Teacher.",
        max_groups=3,
        engagement="either",
        available_weekends=True,
        available_evenings=False,
    )
    client = as_user(world.outsider)
    form = client.get(form_url(programme, "mentor")).context["form"]
    assert form["languages"].value() == "English, Somali"
    assert form["background"].value() == "Teacher."
    assert form["expertise"].value() == "Public speaking"
    assert [int(pk) for pk in form["goal_areas"].value()] == [area(programme, "Studies").pk]
    assert str(form["max_groups"].value()) == "3"
    assert form["engagement"].value() == "either"
    assert form["availability"].value() == ["weekends"]
    assert client.get(form_url(programme)).context["form"]["languages"].value() == "English, Somali"


# One application per role: changing it, and when it can no longer change


def test_the_applicant_changes_an_open_application(as_user, world, programme):
    client = as_user(world.outsider)
    client.post(form_url(programme), mentee_answers(programme))
    application = Application.objects.get()
    Application.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.WAITLISTED, updated_at=timezone.now() - datetime.timedelta(days=1)
    )
    form = client.get(form_url(programme)).context["form"]
    assert form["goals"].value() == "Find work in my field within a year."
    assert form["availability"].value() == ["evenings", "weekends"]
    assert "Change your application to Bridges" in client.get(form_url(programme)).content.decode()
    response = client.post(
        form_url(programme),
        mentee_answers(programme, goals="Start my own business.", goal_areas=[area(programme, "Studies").pk]),
        follow=True,
    )
    assert "Your changes have been saved." in response.content.decode()
    assert Application.objects.count() == 1
    application.refresh_from_db()
    assert application.goals == "Start my own business."
    assert [a.name for a in application.goal_areas.all()] == ["Studies"]
    assert application.status == ApplicationStatus.WAITLISTED
    assert application.updated_at > timezone.now() - datetime.timedelta(minutes=1)


@pytest.mark.parametrize("status", [ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN])
def test_a_decided_or_withdrawn_application_is_shown_read_only(as_user, world, programme, status):
    application = ApplicationFactory(programme=programme, applicant=world.outsider, status=status, goals="Old goals")
    client = as_user(world.outsider)
    response = client.get(form_url(programme))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Old goals" in page
    assert application.get_status_display() in page
    assert "form" not in response.context
    client.post(form_url(programme), mentee_answers(programme))
    application.refresh_from_db()
    assert application.goals == "Old goals"


def test_an_open_application_is_read_only_once_recruitment_ends(as_user, world, programme):
    application = ApplicationFactory(programme=programme, applicant=world.outsider, goals="Old goals")
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.MATCHING)
    client = as_user(world.outsider)
    page = client.get(form_url(programme)).content.decode()
    assert "Old goals" in page
    assert "The programme no longer takes applications, so your answers can no longer be changed." in page
    client.post(form_url(programme), mentee_answers(programme))
    application.refresh_from_db()
    assert application.goals == "Old goals"


def test_a_member_in_that_role_is_told_so(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.RECRUITING)
    client = as_user(world.mentor)
    response = client.get(form_url(world.programme, "mentor"))
    assert response.status_code == 200
    assert "You already take part in this programme as a mentor." in response.content.decode()
    client.post(form_url(world.programme, "mentor"), mentor_answers(ProgrammeFactory()))
    assert not Application.objects.exists()
    # ... but may apply in the other role.
    assert "form" in client.get(form_url(world.programme, "mentee")).context


def test_the_service_refuses_what_the_pages_do_not_offer(world, programme):
    answers = {"goals": "x", "languages": "English"}
    submit_application(programme=programme, applicant=world.outsider, role="mentee", answers=answers)
    Application.objects.update(status=ApplicationStatus.ACCEPTED)
    with pytest.raises(ApplicationLocked):
        submit_application(programme=programme, applicant=world.outsider, role="mentee", answers=answers)
    with pytest.raises(AlreadyMember):
        Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.RECRUITING)
        submit_application(programme=world.programme, applicant=world.mentee, role="mentee", answers=answers)
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.MATCHING)
    with pytest.raises(ApplicationsClosed):
        submit_application(programme=programme, applicant=world.outsider, role="mentor", answers={})
    with pytest.raises(ValueError):
        submit_application(programme=programme, applicant=world.outsider, role="coordinator", answers={})


def test_answers_of_the_other_role_are_refused_by_the_service(world, programme):
    with pytest.raises(ValueError):
        submit_application(
            programme=programme,
            applicant=UserFactory(),
            role="mentee",
            answers={"goals": "x", "languages": "English", "max_groups": 3},
        )
