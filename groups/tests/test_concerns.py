"""Raising a concern with the coordinators, and resolving it.

A member of a group writes what worries them; only the programme's coordinators and the member read it, never the
rest of the group. Each coordinator gets one email that names the group and links to the concerns page, without
the text. A coordinator marks the concern as resolved with a note of what was done, and the member is told by email.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import Concern, ConcernStatus, GroupKind, GroupRole
from groups.services.concerns import raise_concern, resolve_concern
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import MembershipStatus, Programme, ProgrammeMembership, ProgrammeStatus, Role

pytestmark = pytest.mark.django_db

WORRY = "Our mentor shouts at Anna in every session."
NOTE = "I talked with the mentor and with Anna."


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


def create_url(group) -> str:
    return reverse("groups:concern_create", kwargs={"pk": group.pk})


def concerns_url(programme) -> str:
    return reverse("grouping:concerns", kwargs={"pk": programme.pk})


def resolve_url(concern) -> str:
    return reverse("grouping:concern_resolve", kwargs={"pk": concern.group.programme_id, "concern_pk": concern.pk})


def mail_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


def raise_as(person, world, text=WORRY) -> Concern:
    access = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    return raise_concern(access=access, user=person, text=text)


def close(programme: Programme) -> None:
    Programme.objects.filter(pk=programme.pk).update(status=ProgrammeStatus.CLOSED)
    programme.refresh_from_db()


# Raising a concern


def test_the_page_says_that_only_the_coordinators_read_it(as_user, world):
    response = as_user(world.mentee).get(create_url(world.group))
    text = response.text
    assert response.status_code == 200
    assert "Only the programme's coordinators read what you write." in text
    assert "The other members of your group do not see it, and neither does your mentor." in text
    assert "The coordinators are: Cora Coordinator." in text
    assert 'name="text"' in text and "Send to the coordinators" in text
    assert "You have no open concerns in this group." in text


def test_a_mentee_raises_a_concern_and_each_coordinator_gets_one_email_without_its_text(
    as_user, world, worker, django_capture_on_commit_callbacks
):
    second = UserFactory(email="second.coordinator@example.org", display_name="Sam Second")
    ProgrammeMembership.objects.create(programme=world.programme, user=second, role=Role.COORDINATOR)
    former = UserFactory(email="former.coordinator@example.org")
    ProgrammeMembership.objects.create(
        programme=world.programme, user=former, role=Role.COORDINATOR, status=MembershipStatus.WITHDRAWN
    )
    client = as_user(world.mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(world.group), {"text": f"  {WORRY}\r\nPlease help.  "}, follow=True)

    assert response.redirect_chain == [(create_url(world.group), 302)]
    assert "Your concern was sent to the coordinators. The other members of the group cannot see it." in response.text
    concern = Concern.objects.get()
    assert (concern.group, concern.raised_by, concern.status) == (world.group, world.mentee, ConcernStatus.OPEN)
    assert concern.text == f"{WORRY}\nPlease help."
    assert "Sent on" in response.text and "Our mentor shouts at Anna" in response.text  # their own open concern

    assert sorted(OutgoingEmail.objects.values_list("key", flat=True)) == sorted(
        [
            f"groups.concern_raised:{concern.pk}:{world.coordinator.pk}",
            f"groups.concern_raised:{concern.pk}:{second.pk}",
        ]
    )
    assert mail_to(former) == [] and mail_to(world.other_coordinator) == [] and mail_to(world.mentor) == []
    for coordinator in (world.coordinator, second):
        [message] = mail_to(coordinator)
        assert message.subject == "A concern was raised in Group A"
        assert 'A member of the group "Group A" in the programme "Pathways" raised a concern' in message.body
        assert f"{settings.SITE_URL}{concerns_url(world.programme)}\n" in message.body
        assert "shouts" not in message.body and "shouts" not in message.alternatives[0][0]
        assert "Max" not in message.body  # nor who raised it


def test_the_email_is_queued_once_per_coordinator_even_if_queued_again(world, django_capture_on_commit_callbacks):
    concern = raise_as(world.mentee, world)
    from outbox.services import queue_email

    queue_email(
        kind="groups.concern_raised",
        obj=concern,
        to=world.coordinator.email,
        recipient=world.coordinator,
        key=f"groups.concern_raised:{concern.pk}:{world.coordinator.pk}",
    )
    assert OutgoingEmail.objects.filter(kind="groups.concern_raised").count() == 1


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_the_mentor_and_the_mentee_can_raise_a_concern(as_user, world, persona):
    response = as_user(getattr(world, persona)).post(create_url(world.group), {"text": WORRY})
    assert response.status_code == 302
    assert Concern.objects.get().raised_by == getattr(world, persona)


def test_the_supervisor_of_a_mentor_circle_can_raise_a_concern(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, name="Circle", kind=GroupKind.MENTOR_CIRCLE)
    supervisor = UserFactory(display_name="Sue Supervisor")
    add_to_group(circle, supervisor, GroupRole.SUPERVISOR)
    page = as_user(supervisor).get(create_url(circle)).text
    assert "The other members of your group do not see it." in page and "neither does your mentor" not in page
    assert as_user(supervisor).post(create_url(circle), {"text": WORRY}).status_code == 302
    assert Concern.objects.get().group == circle


@pytest.mark.parametrize("text", ["", "   \r\n  "])
def test_an_empty_concern_is_refused_next_to_the_field(as_user, world, text):
    response = as_user(world.mentee).post(create_url(world.group), {"text": text})
    assert response.status_code == 200
    assert response.context["form"].errors == {"text": ["Please write what worries you."]}
    assert "Please write what worries you." in response.text
    assert not Concern.objects.exists() and not OutgoingEmail.objects.exists()


def test_a_concern_that_is_too_long_is_refused(as_user, world):
    response = as_user(world.mentee).post(create_url(world.group), {"text": "x" * 5001})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 403), ("other_coordinator", 404), ("other_group_member", 404), ("outsider", 404)],
)
def test_only_members_of_the_group_raise_concerns(as_user, world, persona, status):
    client = as_user(getattr(world, persona))
    assert client.get(create_url(world.group)).status_code == status
    assert client.post(create_url(world.group), {"text": WORRY}).status_code == status
    assert not Concern.objects.exists()


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, world):
    response = client.post(create_url(world.group), {"text": WORRY})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Concern.objects.exists()


def test_the_form_takes_only_get_and_post(as_user, world):
    assert as_user(world.mentee).put(create_url(world.group)).status_code == 405


def test_a_member_who_left_can_no_longer_raise_a_concern(as_user, world):
    world.group.memberships.filter(user=world.mentee).update(left_at=timezone.now())
    assert as_user(world.mentee).post(create_url(world.group), {"text": WORRY}).status_code == 404
    assert not Concern.objects.exists()


def test_no_new_concern_in_a_closed_programme(as_user, world):
    raise_as(world.mentee, world)
    close(world.programme)
    client = as_user(world.mentee)
    page = client.get(create_url(world.group)).text
    assert "This programme is closed. You can no longer raise a concern in it." in page
    assert 'name="text"' not in page
    assert "Our mentor shouts at Anna" in page  # the concern raised before still shows
    response = client.post(create_url(world.group), {"text": "Another one"}, follow=True)
    assert "This programme is closed. You can no longer raise a concern in it." in response.text
    assert Concern.objects.count() == 1
    assert "Raise a concern" not in client.get(reverse("groups:detail", kwargs={"pk": world.group.pk})).text


# Who reads it


def test_the_rest_of_the_group_never_sees_the_text(as_user, world):
    raise_as(world.mentee, world)
    other_mentee = UserFactory(display_name="Nora Newcomer")
    add_to_group(world.group, other_mentee, GroupRole.MENTEE)
    for person in (world.mentor, other_mentee):
        client = as_user(person)
        for url in (create_url(world.group), reverse("groups:detail", kwargs={"pk": world.group.pk})):
            response = client.get(url)
            assert response.status_code == 200
            assert "shouts" not in response.text
        assert "You have no open concerns in this group." in client.get(create_url(world.group)).text
    assert "shouts" in as_user(world.mentee).get(create_url(world.group)).text


def test_the_groups_page_links_members_to_the_concern_form(as_user, world):
    detail = reverse("groups:detail", kwargs={"pk": world.group.pk})
    for person in (world.mentee, world.mentor):
        page = as_user(person).get(detail).text
        assert "Raise a concern with the coordinator" in page and create_url(world.group) in page
    assert create_url(world.group) not in as_user(world.coordinator).get(detail).text  # not a member


def test_the_programme_overview_counts_the_open_concerns(as_user, world):
    overview = reverse("programmes:detail", kwargs={"pk": world.programme.pk})
    client = as_user(world.coordinator)
    assert "open concern" not in client.get(overview).text
    raise_as(world.mentee, world)
    raise_as(world.mentor, world, text="A mentee never comes.")
    page = client.get(overview).text
    assert "2 open concerns raised with the coordinators" in page and concerns_url(world.programme) in page


# The coordinators' list


def test_the_coordinator_sees_open_concerns_first_then_resolved_ones(as_user, world):
    first = raise_as(world.mentee, world)
    second = raise_as(world.other_group_member, world, text="Nobody answers my messages.")
    Concern.objects.filter(pk=second.pk).update(group=world.other_group)
    done = raise_as(world.mentor, world, text="The room is too small.")
    resolve_concern(concern=done, by=world.coordinator, resolution="Booked a bigger room.")
    UserFactory()  # noise
    response = as_user(world.coordinator).get(concerns_url(world.programme))
    assert [c.pk for c in response.context["open_concerns"]] == [first.pk, second.pk]  # waiting longest first
    assert [c.pk for c in response.context["resolved_concerns"]] == [done.pk]
    page = response.text
    assert page.index(WORRY) < page.index("Nobody answers my messages.") < page.index("The room is too small.")
    assert "Raised by Max Mentee (mentee) on" in page
    assert "Raised by Olga Othergroup (mentee) on" in page
    assert "Raised by Mina Mentor (mentor) on" in page
    assert "Resolved by Cora Coordinator on" in page and "Booked a bigger room." in page
    assert page.count("Mark as resolved") == 2
    assert resolve_url(first) in page and resolve_url(done) not in page
    assert "Open (2)" in page and "Resolved (1)" in page


def test_the_concerns_page_has_an_empty_state(as_user, world):
    page = as_user(world.coordinator).get(concerns_url(world.programme)).text
    assert "No open concerns." in page
    assert "Mentors and mentees can raise a concern from their group's page." in page
    assert "No resolved concerns yet." in page


def test_a_concern_of_another_programme_is_not_listed(as_user, world):
    elsewhere = MentoringGroupFactory(programme=world.other_programme)
    Concern.objects.create(group=elsewhere, raised_by=world.outsider, text="Elsewhere worry")
    page = as_user(world.coordinator).get(concerns_url(world.programme)).text
    assert "Elsewhere worry" not in page


@pytest.mark.parametrize(
    ("persona", "status"), [("mentor", 403), ("mentee", 403), ("other_coordinator", 404), ("outsider", 404)]
)
def test_only_the_programmes_coordinators_read_concerns(as_user, world, persona, status):
    raise_as(world.mentee, world)
    assert as_user(getattr(world, persona)).get(concerns_url(world.programme)).status_code == status


def test_the_concerns_page_takes_only_get(as_user, world):
    assert as_user(world.coordinator).post(concerns_url(world.programme)).status_code == 405


def test_the_concerns_page_makes_as_many_queries_for_eight_concerns_as_for_two(as_user, world):
    client = as_user(world.coordinator)
    url = concerns_url(world.programme)
    raise_as(world.mentee, world)
    resolve_concern(concern=raise_as(world.mentor, world), by=world.coordinator, resolution="Done")
    small = count_queries(client, url)
    for index in range(3):
        group = MentoringGroupFactory(programme=world.programme)
        mentee = UserFactory()
        add_to_group(group, mentee, GroupRole.MENTEE)
        Concern.objects.create(group=group, raised_by=mentee, text=f"Worry {index}")
        resolve_concern(
            concern=Concern.objects.create(group=group, raised_by=mentee, text=f"Old worry {index}"),
            by=world.coordinator,
        )
    assert Concern.objects.count() == 8
    # The session and the user, the programme's door, the concerns, the navigation bar's one, and the audit
    # event.
    assert count_queries(client, url) == small == 5


# Resolving


def test_the_coordinator_resolves_a_concern_and_its_author_is_told_with_the_note(
    as_user, world, worker, django_capture_on_commit_callbacks
):
    concern = raise_as(world.mentee, world)
    mail.outbox.clear()
    client = as_user(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resolve_url(concern), {"resolution": f"  {NOTE}\r\nWe meet again in May. "}, follow=True)
    assert response.redirect_chain == [(concerns_url(world.programme), 302)]
    assert "The concern is marked as resolved. The person who raised it gets an email." in response.text
    concern.refresh_from_db()
    assert (concern.status, concern.resolved_by) == (ConcernStatus.RESOLVED, world.coordinator)
    assert concern.resolved_at is not None
    assert concern.resolution == f"{NOTE}\nWe meet again in May."
    assert [email.key for email in OutgoingEmail.objects.filter(kind="groups.concern_resolved")] == [
        f"groups.concern_resolved:{concern.pk}"
    ]
    [message] = mail_to(world.mentee)
    assert message.subject == "Your concern in Group A is resolved"
    assert "Hello Max," in message.body
    assert "A coordinator has marked it as resolved." in message.body
    assert NOTE in message.body and NOTE in message.alternatives[0][0]
    assert f"{settings.SITE_URL}{create_url(world.group)}" in message.body
    assert mail_to(world.mentor) == [] and mail_to(world.coordinator) == []
    # The author sees it among their resolved concerns, with what was done.
    page = as_user(world.mentee).get(create_url(world.group)).text
    assert "Your resolved concerns" in page and NOTE in page
    assert "You have no open concerns in this group." in page


def test_a_concern_can_be_resolved_without_a_note(as_user, world):
    concern = raise_as(world.mentee, world)
    assert as_user(world.coordinator).post(resolve_url(concern), {}).status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RESOLVED and concern.resolution == ""
    assert "No note of what was done." in as_user(world.coordinator).get(concerns_url(world.programme)).text


def test_resolving_twice_says_who_resolved_it_first(as_user, world):
    concern = raise_as(world.mentee, world)
    resolve_concern(concern=concern, by=world.coordinator, resolution=NOTE)
    second = UserFactory(display_name="Sam Second")
    ProgrammeMembership.objects.create(programme=world.programme, user=second, role=Role.COORDINATOR)
    response = as_user(second).post(resolve_url(concern), {"resolution": "Me too"}, follow=True)
    assert "This concern was already resolved by Cora Coordinator." in response.text
    concern.refresh_from_db()
    assert (concern.resolved_by, concern.resolution) == (world.coordinator, NOTE)
    assert OutgoingEmail.objects.filter(kind="groups.concern_resolved").count() == 1


def test_a_note_that_is_too_long_comes_back_next_to_the_field(as_user, world):
    concern = raise_as(world.mentee, world)
    response = as_user(world.coordinator).post(resolve_url(concern), {"resolution": "x" * 2001})
    assert response.status_code == 200
    [shown] = response.context["open_concerns"]
    assert "resolution" in shown.form.errors
    assert "Ensure this value has at most 2000 characters" in response.text
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_a_concern_of_another_programme_cannot_be_resolved_from_this_one(as_user, world):
    elsewhere = MentoringGroupFactory(programme=world.other_programme)
    concern = Concern.objects.create(group=elsewhere, raised_by=world.outsider, text="Elsewhere worry")
    url = reverse("grouping:concern_resolve", kwargs={"pk": world.programme.pk, "concern_pk": concern.pk})
    assert as_user(world.coordinator).post(url, {"resolution": NOTE}).status_code == 404
    assert as_user(world.other_coordinator).post(resolve_url(concern), {}).status_code == 302  # its own coordinator
    missing = reverse("grouping:concern_resolve", kwargs={"pk": world.programme.pk, "concern_pk": 999999})
    assert as_user(world.coordinator).post(missing).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("mentee", 403), ("mentor", 403), ("other_group_member", 403), ("other_coordinator", 404), ("outsider", 404)],
)
def test_only_the_programmes_coordinators_resolve_concerns(as_user, world, persona, status):
    concern = raise_as(world.mentee, world)
    assert as_user(getattr(world, persona)).post(resolve_url(concern), {"resolution": NOTE}).status_code == status
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN


def test_resolving_takes_only_post(as_user, world):
    concern = raise_as(world.mentee, world)
    assert as_user(world.coordinator).get(resolve_url(concern)).status_code == 405


def test_a_concern_can_still_be_resolved_after_the_programme_closed(as_user, world):
    concern = raise_as(world.mentee, world)
    close(world.programme)
    response = as_user(world.coordinator).post(resolve_url(concern), {"resolution": NOTE}, follow=True)
    assert "The concern is marked as resolved." in response.text
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.RESOLVED


# The emails at send time


def test_the_coordinators_email_is_not_sent_once_the_concern_is_resolved(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        concern = raise_as(world.mentee, world)
    resolve_concern(concern=concern, by=world.coordinator)
    email = OutgoingEmail.objects.get(kind="groups.concern_raised")
    assert deliver(email.pk) == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_the_coordinators_email_is_not_sent_to_someone_who_stopped_coordinating(world):
    concern = raise_as(world.mentee, world)
    ProgrammeMembership.objects.filter(user=world.coordinator).update(status=MembershipStatus.WITHDRAWN)
    email = OutgoingEmail.objects.get(kind="groups.concern_raised", recipient=world.coordinator)
    assert email.object_id == concern.pk
    assert deliver(email.pk) == EmailStatus.CANCELLED


def test_the_author_of_an_erased_account_gets_no_email(as_user, world):
    concern = raise_as(world.mentee, world)
    world.mentee.anonymised_at = world.mentee.date_joined
    world.mentee.save(update_fields=["anonymised_at"])
    response = as_user(world.coordinator).post(resolve_url(concern), {}, follow=True)
    assert "The concern is marked as resolved." in response.text
    assert "gets an email" not in response.text
    assert not OutgoingEmail.objects.filter(kind="groups.concern_resolved").exists()
