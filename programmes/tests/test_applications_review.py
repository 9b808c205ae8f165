"""The coordinator reviews the applications: a list to sort and filter, with counts per status, and each
application in full."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import ApplicationFactory, GoalAreaFactory, UserFactory
from mentoring.tests.querycount import count_queries
from programmes.models import Application, ApplicationStatus, Role
from programmes.services.people import anonymise_person

pytestmark = pytest.mark.django_db


def url(world, **query) -> str:
    return reverse("programmes:applications", kwargs={"pk": world.programme.pk}) + (
        "?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else ""
    )


def names(response) -> list[str]:
    return [application.applicant.display_name for application in response.context["page"]]


@pytest.fixture
def applications(world) -> dict[str, Application]:
    """Four applications, submitted a day apart: Dana first, Bea last."""
    careers = GoalAreaFactory(programme=world.programme, name="Careers")
    studies = GoalAreaFactory(programme=world.programme, name="Studies")
    start = timezone.now() - datetime.timedelta(days=10)
    rows = {}
    for day, (name, role, status, support, areas) in enumerate(
        [
            ("Dana", Role.MENTEE, ApplicationStatus.WAITLISTED, True, [careers]),
            ("Carl", Role.MENTOR, ApplicationStatus.SUBMITTED, False, [careers, studies]),
            ("Alba", Role.MENTEE, ApplicationStatus.ACCEPTED, False, [studies]),
            ("Bea", Role.MENTEE, ApplicationStatus.SUBMITTED, True, []),
        ]
    ):
        application = ApplicationFactory(
            programme=world.programme,
            applicant=UserFactory(display_name=name),
            role=role,
            status=status,
            needs_language_support=support,
            submitted_at=start + datetime.timedelta(days=day),
            expertise="Interviews" if role == Role.MENTOR else "",
        )
        application.goal_areas.set(areas)
        rows[name] = application
    ApplicationFactory(programme=world.other_programme, applicant=UserFactory(display_name="Elsewhere"))
    return rows


def test_the_list_shows_each_application_with_a_link_to_it(as_user, world, applications):
    response = as_user(world.coordinator).get(url(world))
    assert response.status_code == 200
    assert names(response) == ["Bea", "Alba", "Carl", "Dana"]  # newest first
    page = response.content.decode()
    for application in applications.values():
        assert (
            reverse("programmes:application", kwargs={"pk": world.programme.pk, "application_pk": application.pk})
            in page
        )
    assert "Elsewhere" not in page
    assert "Interviews" in page and "Health care" in page and "Careers, Studies" in page
    assert "Needs language support" in page


def test_the_list_counts_the_applications_per_status(as_user, world, applications):
    response = as_user(world.coordinator).get(url(world, role="mentor"))
    assert response.context["total"] == 4
    assert response.context["status_counts"] == [
        ("submitted", "New", 2),
        ("accepted", "Accepted", 1),
        ("waitlisted", "On the waiting list", 1),
        ("declined", "Declined", 0),
        ("withdrawn", "Withdrawn", 0),
    ]
    page = response.content.decode()
    assert "All (4)" in page and "New (2)" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sort": "oldest"}, ["Dana", "Carl", "Alba", "Bea"]),
        ({"sort": "name"}, ["Alba", "Bea", "Carl", "Dana"]),
        ({"sort": "role"}, ["Bea", "Alba", "Dana", "Carl"]),
        ({"sort": "status"}, ["Bea", "Carl", "Alba", "Dana"]),
        ({"role": "mentor"}, ["Carl"]),
        ({"status": "submitted"}, ["Bea", "Carl"]),
        ({"support": "on"}, ["Bea", "Dana"]),
        ({"role": "mentee", "status": "submitted", "sort": "name"}, ["Bea"]),
    ],
)
def test_sorting_and_filtering(as_user, world, applications, query, expected):
    assert names(as_user(world.coordinator).get(url(world, **query))) == expected


def test_filtering_by_goal_area(as_user, world, applications):
    careers = world.programme.goal_areas.get(name="Careers")
    response = as_user(world.coordinator).get(url(world, area=careers.pk, sort="name"))
    assert names(response) == ["Carl", "Dana"]
    assert response.context["filtered"] is True


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "shoe-size"},
        {"role": "coordinator"},
        {"status": "lost"},
        {"area": "abc"},
        {"area": "99999"},
        {"area": "99999999999999999999999"},
        {"page": "x"},
        {"page": "999"},
    ],
)
def test_bad_parameters_fall_back_to_the_defaults(as_user, world, applications, query):
    response = as_user(world.coordinator).get(url(world, **query))
    assert response.status_code == 200
    assert set(names(response)) == {"Bea", "Alba", "Carl", "Dana"}
    assert not response.context["filters"].errors


def test_an_area_of_another_programme_is_not_a_filter(as_user, world, applications):
    foreign = GoalAreaFactory(programme=world.other_programme)
    response = as_user(world.coordinator).get(url(world, area=foreign.pk))
    assert len(names(response)) == 4


def test_no_applications_yet_says_how_to_get_some(as_user, world):
    page = as_user(world.coordinator).get(url(world)).content.decode()
    assert "No applications yet." in page
    assert reverse("programmes:recruitment", kwargs={"pk": world.programme.pk}) in page


def test_no_match_says_so_and_offers_the_whole_list(as_user, world, applications):
    page = as_user(world.coordinator).get(url(world, status="declined")).content.decode()
    assert "No application matches these filters." in page
    assert "Show all applications" in page


def test_the_list_is_paged_and_keeps_the_filters(as_user, world):
    for _ in range(51):
        ApplicationFactory(programme=world.programme, needs_language_support=True)
    client = as_user(world.coordinator)
    first = client.get(url(world, support="on"))
    assert len(first.context["page"].object_list) == 50
    assert "?support=on&amp;page=2" in first.content.decode()
    assert len(client.get(url(world, support="on", page=2)).context["page"].object_list) == 1


def test_an_erased_applicant_is_shown_as_a_former_participant(as_user, world):
    application = ApplicationFactory(programme=world.programme, applicant=UserFactory(display_name="Gone Person"))
    anonymise_person(user=application.applicant)
    client = as_user(world.coordinator)
    page = client.get(url(world)).content.decode()
    assert "Gone Person" not in page and "Former participant" in page
    detail = reverse("programmes:application", kwargs={"pk": world.programme.pk, "application_pk": application.pk})
    assert "Former participant" in client.get(detail).content.decode()


def _more(world, how_many: int) -> None:
    areas = list(world.programme.goal_areas.all())
    for number in range(how_many):
        application = ApplicationFactory(
            programme=world.programme,
            role=Role.MENTOR if number % 2 else Role.MENTEE,
            needs_language_support=True,
        )
        application.goal_areas.set(areas)


def test_the_list_query_count_stays_flat(as_user, world, applications):
    client = as_user(world.coordinator)
    small = count_queries(client, url(world))
    _more(world, 16)  # five times as many
    assert count_queries(client, url(world)) == small == 8


def test_the_filtered_list_query_count_stays_flat(as_user, world, applications):
    client = as_user(world.coordinator)
    careers = world.programme.goal_areas.get(name="Careers")
    filtered = url(world, area=careers.pk, support="on", sort="status")
    small = count_queries(client, filtered)
    _more(world, 16)
    assert count_queries(client, filtered) == small == 9


def test_the_detail_shows_everything_the_applicant_wrote(as_user, world):
    application = ApplicationFactory(
        programme=world.programme,
        applicant=UserFactory(display_name="Hana", email="hana@example.org"),
        goals="Become a pharmacist.",
        field="Pharmacy",
        support_expected="Exam practice.",
        mentor_kind="Someone who passed the same exam.",
        mentor_background="Pharmacist.",
        gender_preference="woman",
        age_preference="similar",
        languages="Japanese, English",
        needs_language_support=True,
        accessibility_needs="Large print.",
        available_weekends=True,
        availability_note="Sundays only.",
        decision_note="Ask about dates.",
    )
    application.goal_areas.set([GoalAreaFactory(programme=world.programme, name="Careers")])
    page = as_user(world.coordinator).get(
        reverse("programmes:application", kwargs={"pk": world.programme.pk, "application_pk": application.pk})
    )
    text = page.content.decode()
    for words in (
        "Hana",
        "hana@example.org",
        "Become a pharmacist.",
        "Pharmacy",
        "Exam practice.",
        "Someone who passed the same exam.",
        "Pharmacist.",
        "A woman",
        "About my age",
        "Japanese, English",
        "Would like support with the programme's language",
        "Large print.",
        "Weekday evenings, Weekends",
        "Sundays only.",
        "Careers",
        "Ask about dates.",
        "Tell the applicant by email",
    ):
        assert words in text, words


def test_a_mentors_application_shows_their_expertise(as_user, world):
    application = ApplicationFactory(
        programme=world.programme,
        role=Role.MENTOR,
        expertise="Negotiation",
        background="Union official.",
        max_groups=3,
        engagement="paid",
        motivation="Giving back.",
        gender="non_binary",
        age_band="60_plus",
    )
    text = (
        as_user(world.coordinator)
        .get(reverse("programmes:application", kwargs={"pk": world.programme.pk, "application_pk": application.pk}))
        .content.decode()
    )
    for words in ("Negotiation", "Union official.", "3", "Paid", "Giving back.", "Non-binary", "60 or over"):
        assert words in text, words


def test_list_refuses_post(as_user, world):
    assert as_user(world.coordinator).post(url(world)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("mentee", 403), ("mentor", 403), ("other_group_member", 403), ("outsider", 404), ("other_coordinator", 404)],
)
def test_only_the_programmes_coordinators_see_the_list(as_user, world, persona, expected):
    assert as_user(getattr(world, persona)).get(url(world)).status_code == expected
