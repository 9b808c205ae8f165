"""The programme's application page, as the coordinator prepares it: the introduction, the goal areas applicants
choose from, and the address to share."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.tests.factories import ApplicationFactory, GoalAreaFactory
from programmes.models import GoalArea, Programme, ProgrammeStatus
from programmes.services.applications import GoalAreasInUse, ProgrammeArchived, update_recruitment

pytestmark = pytest.mark.django_db


def url(world) -> str:
    return reverse("programmes:recruitment", kwargs={"pk": world.programme.pk})


def areas(programme) -> list[tuple[str, int]]:
    return list(programme.goal_areas.order_by("position").values_list("name", "position"))


def set_status(world, status) -> None:
    Programme.objects.filter(pk=world.programme.pk).update(status=status)


def test_the_page_shows_the_address_to_share_and_when_applications_are_open(as_user, world):
    response = as_user(world.coordinator).get(url(world))
    assert response.status_code == 200
    page = response.content.decode()
    address = "https://testserver" + reverse("join:apply", kwargs={"key": world.programme.application_key})
    assert f'value="{address}"' in page
    assert "Applications are open only while the programme is “Recruiting”. It is now “Running”." in page


def test_while_recruiting_the_page_says_applications_are_open(as_user, world):
    set_status(world, ProgrammeStatus.RECRUITING)
    page = as_user(world.coordinator).get(url(world)).content.decode()
    assert "Applications are open." in page


def test_coordinator_writes_the_introduction_and_the_goal_areas(as_user, world):
    client = as_user(world.coordinator)
    response = client.post(
        url(world), {"intro": "  For people new to the city.  ", "goal_areas": "Careers\n\n  Studies \nHousing\n"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(world)
    world.programme.refresh_from_db()
    assert world.programme.application_intro == "For people new to the city."
    assert areas(world.programme) == [("Careers", 0), ("Studies", 1), ("Housing", 2)]
    form = client.get(url(world)).context["form"]
    assert form.initial["goal_areas"] == "Careers\nStudies\nHousing"


def test_existing_areas_are_kept_by_name_whatever_the_case_and_reordered(as_user, world):
    careers = GoalAreaFactory(programme=world.programme, name="careers", position=0)
    studies = GoalAreaFactory(programme=world.programme, name="Studies", position=1)
    application = ApplicationFactory(programme=world.programme)
    application.goal_areas.set([careers])
    as_user(world.coordinator).post(url(world), {"intro": "", "goal_areas": "Studies\nCAREERS\nCareers\nHealth"})
    assert areas(world.programme) == [("Studies", 0), ("CAREERS", 1), ("Health", 2)]
    assert set(world.programme.goal_areas.values_list("pk", flat=True)) >= {careers.pk, studies.pk}
    assert list(application.goal_areas.values_list("name", flat=True)) == ["CAREERS"]


def test_an_area_no_application_chose_can_be_removed(as_user, world):
    GoalAreaFactory(programme=world.programme, name="Careers")
    GoalAreaFactory(programme=world.programme, name="Unused")
    as_user(world.coordinator).post(url(world), {"intro": "", "goal_areas": "Careers"})
    assert [name for name, _position in areas(world.programme)] == ["Careers"]


def test_removing_an_area_that_applications_chose_is_refused_and_nothing_is_saved(as_user, world):
    careers = GoalAreaFactory(programme=world.programme, name="Careers")
    GoalAreaFactory(programme=world.programme, name="Studies")
    ApplicationFactory(programme=world.programme).goal_areas.set([careers])
    response = as_user(world.coordinator).post(url(world), {"intro": "New text", "goal_areas": "Studies\nHousing"})
    assert response.status_code == 200
    assert response.context["form"].errors["goal_areas"] == [
        "“Careers” cannot be removed: applications have already chosen it. Please add it back."
    ]
    assert "“Careers” cannot be removed" in response.content.decode()
    world.programme.refresh_from_db()
    assert world.programme.application_intro == ""
    assert [name for name, _position in areas(world.programme)] == ["Careers", "Studies"]


def test_removing_several_used_areas_names_them_all(world):
    first = GoalAreaFactory(programme=world.programme, name="Careers")
    second = GoalAreaFactory(programme=world.programme, name="Studies")
    ApplicationFactory(programme=world.programme).goal_areas.set([first, second])
    with pytest.raises(GoalAreasInUse) as refused:
        update_recruitment(programme=world.programme, intro="", goal_areas=[])
    assert refused.value.names == ["Careers", "Studies"]
    assert GoalArea.objects.filter(programme=world.programme).count() == 2


@pytest.mark.parametrize(
    ("goal_areas", "message"),
    [
        ("Careers\n" + "x" * 101, "Line 2 is too long: an area can have at most 100 characters."),
        (
            "\n".join(f"Area {n}" for n in range(31)),
            "Please keep to 30 areas at most, so that applicants can choose easily.",
        ),
    ],
)
def test_bad_goal_areas_are_explained_at_the_field(as_user, world, goal_areas, message):
    response = as_user(world.coordinator).post(url(world), {"intro": "", "goal_areas": goal_areas})
    assert response.status_code == 200
    assert response.context["form"].errors["goal_areas"] == [message]
    assert not world.programme.goal_areas.exists()


def test_a_closed_programme_refuses_changes(as_user, world):
    set_status(world, ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    response = client.post(url(world), {"intro": "Too late", "goal_areas": "Careers"}, follow=True)
    assert "This programme is closed. Its application page can no longer be changed." in response.content.decode()
    world.programme.refresh_from_db()
    assert world.programme.application_intro == ""
    assert not world.programme.goal_areas.exists()
    assert client.get(url(world)).status_code == 302
    with pytest.raises(ProgrammeArchived):
        update_recruitment(programme=world.programme, intro="", goal_areas=["Careers"])


def test_wrong_method(as_user, world):
    assert as_user(world.coordinator).put(url(world)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("mentee", 403), ("mentor", 403), ("outsider", 404), ("other_coordinator", 404)],
)
def test_only_the_programmes_coordinators_prepare_the_page(as_user, world, persona, expected):
    client = as_user(getattr(world, persona))
    assert client.get(url(world)).status_code == expected
    assert client.post(url(world), {"intro": "Mine", "goal_areas": "Mine"}).status_code == expected
    assert not world.programme.goal_areas.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    response = client.get(url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
