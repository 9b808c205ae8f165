"""A coordinator brings three to five of the programme's mentors together in a mentor circle, led by a supervisor:
one of the programme's coordinators, or a person invited as supervisor."""

import pytest
from django.urls import reverse

from groups.models import GroupKind, GroupRole, MentoringGroup
from groups.services.kinds import CircleError, create_circle, supervisor_choices
from mentoring.tests.factories import UserFactory, programme_mentor
from mentoring.tests.querycount import count_queries
from programmes.models import Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db


def circle_url(world):
    return reverse("grouping:circle_create", kwargs={"pk": world.programme.pk})


@pytest.fixture
def mentors(world):
    """Five more mentors of the programme (the world's Mina is a sixth)."""
    return [programme_mentor(world.programme, user=UserFactory(display_name=f"Mentor {n}")) for n in range(1, 6)]


def data(mentors, supervisor, **changes):
    return {
        "name": "Mentor circle",
        "focus": "Cases from our groups",
        "mentors": [mentor.pk for mentor in mentors],
        "supervisor": supervisor.pk,
        **changes,
    }


def circle():
    return MentoringGroup.objects.get(kind=GroupKind.MENTOR_CIRCLE)


def test_the_coordinator_makes_a_circle_that_they_lead(as_user, world, mentors):
    response = as_user(world.coordinator).post(circle_url(world), data(mentors[:3], world.coordinator), follow=True)
    made = circle()
    assert response.redirect_chain == [(reverse("groups:detail", kwargs={"pk": made.pk}), 302)]
    assert "The mentor circle “Mentor circle” is made." in response.content.decode()
    assert (made.name, made.focus, made.programme) == ("Mentor circle", "Cases from our groups", world.programme)
    roles = {(m.user.display_name, m.role) for m in made.memberships.select_related("user")}
    assert roles == {
        ("Mentor 1", GroupRole.MENTOR),
        ("Mentor 2", GroupRole.MENTOR),
        ("Mentor 3", GroupRole.MENTOR),
        ("Cora Coordinator", GroupRole.SUPERVISOR),
    }


def test_the_circle_page_shows_its_supervisor_and_mentors_and_no_wishes(as_user, world, mentors):
    supervisor = UserFactory(display_name="Sue Supervisor")
    ProgrammeMembership.objects.create(programme=world.programme, user=supervisor, role=Role.SUPERVISOR)
    made = create_circle(programme=world.programme, name="Circle", mentors=mentors[:4], supervisor=supervisor)
    response = as_user(supervisor).get(reverse("groups:detail", kwargs={"pk": made.pk}))
    text = response.content.decode()
    assert [m.user for m in response.context["supervisors"]] == [supervisor]
    assert [m.user for m in response.context["mentors"]] == mentors[:4]
    assert "You lead this circle." in text
    assert "Mentor 4" in text
    assert "wishes" not in text.lower()
    text = as_user(mentors[0]).get(reverse("groups:detail", kwargs={"pk": made.pk})).content.decode()
    assert "Sue Supervisor" in text and "You are a mentor in this circle." in text


def test_the_form_lists_the_programmes_mentors_by_name_and_who_may_lead(as_user, world, mentors):
    mentee = world.mentee
    response = as_user(world.coordinator).get(circle_url(world))
    form = response.context["form"]
    text = response.content.decode()
    assert [label for _, label in form.fields["mentors"].choices] == [
        "Mentor 1",
        "Mentor 2",
        "Mentor 3",
        "Mentor 4",
        "Mentor 5",
        "Mina Mentor",
    ]
    assert mentee not in form.fields["mentors"].queryset
    assert list(form.fields["supervisor"].queryset) == [world.coordinator]
    assert "role “Supervisor” from the Invitations tab" in text
    assert reverse("programmes:invitations", kwargs={"pk": world.programme.pk}) in text
    assert reverse("grouping:groups", kwargs={"pk": world.programme.pk}) in text  # the breadcrumb's "Groups"
    assert 'aria-label="Programme sections"' in text  # the programme's tabs


def test_supervisors_are_the_programmes_coordinators_and_invited_supervisors(world):
    supervisor = UserFactory(display_name="Sue Supervisor")
    ProgrammeMembership.objects.create(programme=world.programme, user=supervisor, role=Role.SUPERVISOR)
    ProgrammeMembership.objects.create(programme=world.other_programme, user=UserFactory(), role=Role.SUPERVISOR)
    assert list(supervisor_choices(world.programme)) == [world.coordinator, supervisor]


@pytest.mark.parametrize(("count", "chosen"), [(2, "You chose 2."), (6, "You chose 6."), (0, None)])
def test_a_circle_has_three_to_five_mentors(as_user, world, mentors, count, chosen):
    everyone = [*mentors, world.mentor]
    response = as_user(world.coordinator).post(circle_url(world), data(everyone[:count], world.coordinator))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["mentors"]
    if chosen:
        assert errors["mentors"] == [f"A mentor circle has 3 to 5 mentors. {chosen}"]
    assert not MentoringGroup.objects.filter(kind=GroupKind.MENTOR_CIRCLE).exists()


def test_only_the_programmes_mentors_can_be_in_the_circle(as_user, world, mentors):
    other = programme_mentor(world.other_programme)
    for outsider in (world.mentee, other):
        response = as_user(world.coordinator).post(circle_url(world), data([*mentors[:2], outsider], world.coordinator))
        assert list(response.context["form"].errors) == ["mentors"]
        assert "Select a valid choice." in response.context["form"].errors["mentors"][0]
    with pytest.raises(CircleError):
        create_circle(programme=world.programme, name="C", mentors=[*mentors[:2], other], supervisor=world.coordinator)


def test_the_supervisor_must_lead_in_this_programme(as_user, world, mentors):
    for person in (mentors[4], world.other_coordinator, world.outsider):
        response = as_user(world.coordinator).post(circle_url(world), data(mentors[:3], person))
        assert list(response.context["form"].errors) == ["supervisor"]
        assert "Select a valid choice." in response.context["form"].errors["supervisor"][0]
    with pytest.raises(CircleError):
        create_circle(programme=world.programme, name="C", mentors=mentors[:3], supervisor=mentors[4])


def test_the_supervisor_is_not_one_of_the_mentors(as_user, world, mentors):
    ProgrammeMembership.objects.create(programme=world.programme, user=mentors[0], role=Role.SUPERVISOR)
    response = as_user(world.coordinator).post(circle_url(world), data(mentors[:3], mentors[0]))
    assert response.context["form"].errors == {
        "supervisor": ["The supervisor cannot also be one of the circle's mentors."]
    }
    with pytest.raises(CircleError):
        create_circle(programme=world.programme, name="C", mentors=mentors[:3], supervisor=mentors[0])


def test_the_circles_name_is_unique_in_the_programme(as_user, world, mentors):
    response = as_user(world.coordinator).post(circle_url(world), data(mentors[:3], world.coordinator, name="GROUP A"))
    assert response.context["form"].errors == {
        "name": ["Another group in this programme already has this name. Please choose another."]
    }


def test_an_empty_form_is_reported_field_by_field(as_user, world, mentors):
    response = as_user(world.coordinator).post(circle_url(world), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "mentors", "supervisor"}


def test_a_programme_with_too_few_mentors_says_so_instead_of_a_form(as_user, world):
    programme_mentor(world.programme)  # two with Mina
    client = as_user(world.coordinator)
    text = client.get(circle_url(world)).content.decode()
    assert "This programme has 2 mentors." in text
    assert "A mentor circle needs at least 3 mentors." in text
    assert reverse("programmes:invitations", kwargs={"pk": world.programme.pk}) in text
    assert "Make the mentor circle" not in text
    response = client.post(circle_url(world), {"name": "Circle"}, follow=True)
    assert response.redirect_chain == [(circle_url(world), 302)]
    assert "A mentor circle needs at least three mentors in the programme." in response.content.decode()


def test_a_closed_programme_gets_no_new_circles(as_user, world, mentors):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    response = client.post(circle_url(world), data(mentors[:3], world.coordinator), follow=True)
    assert response.redirect_chain == [(reverse("grouping:groups", kwargs={"pk": world.programme.pk}), 302)]
    assert not MentoringGroup.objects.filter(kind=GroupKind.MENTOR_CIRCLE).exists()


@pytest.mark.parametrize(("persona", "status"), [("mentor", 403), ("mentee", 403), ("other_coordinator", 404)])
def test_only_the_programmes_coordinators_make_circles(as_user, world, mentors, persona, status):
    client = as_user(getattr(world, persona))
    assert client.get(circle_url(world)).status_code == status
    assert client.post(circle_url(world), data(mentors[:3], world.coordinator)).status_code == status
    assert not MentoringGroup.objects.filter(kind=GroupKind.MENTOR_CIRCLE).exists()


def test_the_circle_form_takes_get_and_post_only(as_user, world):
    assert as_user(world.coordinator).put(circle_url(world)).status_code == 405


def test_the_circle_form_makes_as_many_queries_for_9_mentors_as_for_3(as_user, world):
    for _ in range(2):
        programme_mentor(world.programme)
    client = as_user(world.coordinator)
    small = count_queries(client, circle_url(world))
    for _ in range(6):
        programme_mentor(world.programme)
    assert count_queries(client, circle_url(world)) == small == 6


def test_a_circles_members_find_it_among_their_groups(as_user, world, mentors):
    made = create_circle(programme=world.programme, name="Circle", mentors=mentors[:3], supervisor=world.coordinator)
    rows = as_user(mentors[0]).get(reverse("groups:list")).context["rows"]
    assert [row["group"] for row in rows] == [made]
