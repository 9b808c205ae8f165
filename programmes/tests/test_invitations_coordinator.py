"""The coordinator's side of invitations: the list, inviting one person, a pasted list or a CSV file, resending
and revoking; and who may do any of it."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import InvitationFactory, UserFactory
from mentoring.tests.querycount import count_queries
from outbox.models import EmailStatus, OutgoingEmail
from programmes.imports import MAX_BYTES
from programmes.models import Invitation, InvitationStatus, ProgrammeStatus, Role
from programmes.services import invitations as services

pytestmark = pytest.mark.django_db


def url(name: str, world, **kwargs) -> str:
    return reverse(f"programmes:{name}", kwargs={"pk": world.programme.pk, **kwargs})


def invitation_url(name: str, world, invitation) -> str:
    return url(name, world, invitation_pk=invitation.pk)


def messages_in(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _follow(response):
    return response.client.get(response["Location"])


def csv_file(content: str | bytes, name: str = "people.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def invite(world, email: str, role: str = Role.MENTEE, **fields) -> Invitation:
    return InvitationFactory(programme=world.programme, invited_by=world.coordinator, email=email, role=role, **fields)


def close(programme) -> None:
    programme.status = ProgrammeStatus.CLOSED
    programme.save()


# The list ---------------------------------------------------------------------------------------------------


def test_the_list_shows_each_invitation_with_its_state_and_its_latest_email(as_user, world):
    pending = services.invite(
        programme=world.programme,
        invitees=[services.Invitee("ann@example.org", Role.MENTEE, "Ann")],
        by=world.coordinator,
    )[0]
    expired = invite(world, "bo@example.org", expires_at=timezone.now() - datetime.timedelta(days=1))
    accepted = invite(world, "cy@example.org", role=Role.MENTOR)
    services.accept(token=accepted.raw_token, user=UserFactory(email="cy@example.org"))
    revoked = invite(world, "dee@example.org")
    services.revoke(invitation=revoked)
    OutgoingEmail.objects.filter(object_id=pending.pk).update(status=EmailStatus.FAILED)

    response = as_user(world.coordinator).get(url("invitations", world))
    assert response.status_code == 200
    rows = {invitation.email: invitation for invitation in response.context["page"]}
    assert {email: row.state for email, row in rows.items()} == {
        "ann@example.org": InvitationStatus.PENDING,
        "bo@example.org": InvitationStatus.EXPIRED,
        "cy@example.org": InvitationStatus.ACCEPTED,
        "dee@example.org": InvitationStatus.REVOKED,
    }
    assert rows["ann@example.org"].email_label == "Failed"
    assert rows["ann@example.org"].sent_count == 1
    text = response.content.decode()
    assert "Check the address, then resend." in text
    assert "Cora Coordinator" in text
    # Resend and revoke are offered for pending and expired invitations only.
    for invitation, offered in ((pending, True), (expired, True), (accepted, False), (revoked, False)):
        assert (invitation_url("invitation_resend", world, invitation) in text) is offered
        assert (invitation_url("invitation_revoke", world, invitation) in text) is offered


def test_the_latest_email_is_the_one_shown(as_user, world):
    invitation = services.invite(
        programme=world.programme, invitees=[services.Invitee("ann@example.org", Role.MENTEE)], by=world.coordinator
    )[0]
    OutgoingEmail.objects.update(status=EmailStatus.FAILED)
    services.resend(invitation=invitation)  # a second email, waiting to be sent
    response = as_user(world.coordinator).get(url("invitations", world))
    assert response.context["page"][0].email_label == "Waiting to be sent"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "pending"}, {"ann@example.org", "ann.mentor@example.org"}),
        ({"state": "expired"}, {"bo@example.org"}),
        ({"state": "revoked"}, {"dee@example.org"}),
        ({"state": "accepted"}, set()),
        ({"role": "mentor"}, {"ann.mentor@example.org"}),
        ({"state": "pending", "role": "mentee"}, {"ann@example.org"}),
        ({"state": "nonsense"}, {"ann@example.org", "ann.mentor@example.org", "bo@example.org", "dee@example.org"}),
    ],
)
def test_the_list_filters_by_state_and_role(as_user, world, query, expected):
    invite(world, "ann@example.org")
    invite(world, "ann.mentor@example.org", role=Role.MENTOR)
    invite(world, "bo@example.org", expires_at=timezone.now() - datetime.timedelta(days=1))
    services.revoke(invitation=invite(world, "dee@example.org"))
    response = as_user(world.coordinator).get(url("invitations", world), query)
    assert response.status_code == 200
    assert {invitation.email for invitation in response.context["page"]} == expected


def test_a_filter_that_matches_nothing_says_so(as_user, world):
    invite(world, "ann@example.org")
    response = as_user(world.coordinator).get(url("invitations", world), {"state": "accepted"})
    assert b"No invitations match these filters." in response.content


def test_with_no_invitations_the_list_points_to_invite_people(as_user, world):
    response = as_user(world.coordinator).get(url("invitations", world))
    assert b"No one has been invited yet." in response.content
    assert url("invite", world).encode() in response.content


def test_the_list_makes_the_same_number_of_queries_however_many_invitations(as_user, world):
    client = as_user(world.coordinator)
    for n in range(3):
        services.invite(
            programme=world.programme,
            invitees=[services.Invitee(f"person{n}@example.org", Role.MENTEE)],
            by=UserFactory(),
        )
    few = count_queries(client, url("invitations", world))
    for n in range(3, 15):  # five times as many
        services.invite(
            programme=world.programme,
            invitees=[services.Invitee(f"person{n}@example.org", Role.MENTOR)],
            by=UserFactory(),
        )
    assert count_queries(client, url("invitations", world)) == few
    # session, user, the programme's door, the count and the page (with each one's inviter and latest email),
    # and the navigation (which groups).
    assert few == 5


# Inviting ---------------------------------------------------------------------------------------------------


def test_the_invite_page_offers_three_ways_and_a_sample_file(as_user, world):
    response = as_user(world.coordinator).get(url("invite", world))
    assert response.status_code == 200
    text = response.content.decode()
    for action in (url("invite", world), url("invite_list", world), url("invite_csv", world)):
        assert f'action="{action}#' in text
    assert "name,email,role\nAnn Example,ann@example.org,mentee" in text
    assert 'enctype="multipart/form-data"' in text


def test_inviting_one_person(as_user, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(world.coordinator).post(
            url("invite", world), {"one-name": "Ann", "one-email": "Ann@Example.org", "one-role": Role.MENTOR}
        )
    assert response.status_code == 302
    assert response["Location"] == url("invitations", world)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.name, invitation.role) == ("ann@example.org", "Ann", Role.MENTOR)
    assert invitation.invited_by == world.coordinator
    assert invitation.programme == world.programme
    assert OutgoingEmail.objects.get().to == "ann@example.org"
    assert len(callbacks) == 1  # the email is queued once the transaction commits
    assert "An invitation to ann@example.org is on its way." in messages_in(_follow(response))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"one-email": "bob@", "one-role": "mentee"}, "email", "Enter a valid email address."),
        ({"one-email": "", "one-role": "mentee"}, "email", "This field is required."),
        ({"one-email": "ann@example.org", "one-role": "boss"}, "role", "Select a valid choice."),
        (
            {"one-email": "Mentee@example.org", "one-role": "mentee"},
            "email",
            "mentee@example.org is already taking part in this programme as Mentee.",
        ),
    ],
)
def test_inviting_one_person_with_bad_input_says_what_is_wrong(as_user, world, data, field, message):
    response = as_user(world.coordinator).post(url("invite", world), data)
    assert response.status_code == 200
    assert any(error.startswith(message) for error in response.context["one_form"].errors[field])
    assert not Invitation.objects.exists()


def test_an_active_member_may_be_invited_in_another_role(as_user, world):
    response = as_user(world.coordinator).post(
        url("invite", world), {"one-email": world.mentee.email, "one-role": "mentor"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().role == Role.MENTOR


def test_inviting_a_pasted_list(as_user, world):
    response = as_user(world.coordinator).post(
        url("invite_list", world),
        {
            "list-role": "mentee",
            "list-people": "ann@example.org\nBo Sample <bo@example.org>\nCy Example, cy@example.org, mentor\n",
        },
    )
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("email", "name", "role")) == {
        ("ann@example.org", "", "mentee"),
        ("bo@example.org", "Bo Sample", "mentee"),
        ("cy@example.org", "Cy Example", "mentor"),
    }
    assert OutgoingEmail.objects.count() == 3
    assert "3 invitations are on their way." in messages_in(_follow(response))


def test_a_bad_pasted_list_invites_nobody_and_shows_each_line(as_user, world):
    response = as_user(world.coordinator).post(
        url("invite_list", world),
        {"list-role": "mentee", "list-people": "ann@example.org\nbob@\nann@example.org\n"},
    )
    assert response.status_code == 200
    assert response.context["list_form"].errors["people"] == [
        "Line 2: “bob@” is not a valid email address.",
        "Line 3: ann@example.org is already on line 1 as Mentee.",
    ]
    assert "Line 2: “bob@” is not a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_good_csv_file_invites_everyone_and_queues_one_email_each(as_user, world, django_capture_on_commit_callbacks):
    content = "Email,Name,Role\nann@example.org,Ann,mentee\nbo@example.org,Bo,Mentor\ncy@example.org,,coordinator\n"
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(world.coordinator).post(url("invite_csv", world), {"csv-file": csv_file(content)})
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("email", "role")) == {
        ("ann@example.org", Role.MENTEE),
        ("bo@example.org", Role.MENTOR),
        ("cy@example.org", Role.COORDINATOR),
    }
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "ann@example.org",
        "bo@example.org",
        "cy@example.org",
    ]
    assert len(callbacks) == 3


BAD_FILES = [
    pytest.param(b"", "The file is empty.", id="empty"),
    pytest.param(b"name,email,role\n", "The file has a header line but no people in it.", id="header-only"),
    pytest.param("name,email,role\nJosé,jose@example.org,mentee\n".encode("latin-1"), "not in UTF-8", id="latin-1"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "not in UTF-8", id="binary"),
    pytest.param(b"name,email\nAnn,ann@example.org\n", "Line 1: a column is missing: “role”.", id="missing-column"),
    pytest.param(
        b"name,email,role,phone\nAnn,ann@example.org,mentee,1\n", "Line 1: these columns are not known", id="unknown"
    ),
    pytest.param(b"name,email,role\nok,ok@example.org,mentee\nBob,bob@,mentee\n", "Line 3: “bob@” is not", id="bad"),
    pytest.param(b"name,email,role\nok,ok@example.org,mentee\nAnn,,mentee\n", "Line 3: the email", id="no-address"),
    pytest.param(b"name,email,role\nok,ok@example.org,mentee\nAnn,a@example.org,boss\n", "Line 3: “boss”", id="role"),
    pytest.param(
        b"name,email,role\nAnn,a@example.org,mentee\nAnn,A@example.org,Mentee\n",
        "Line 3: a@example.org is already on line 2 as Mentee.",
        id="duplicate",
    ),
    pytest.param(
        b"name,email,role\nok,ok@example.org,mentee\nMax,mentee@example.org,mentee\n",
        "Line 3: mentee@example.org is already taking part in this programme as Mentee.",
        id="member",
    ),
    pytest.param(
        ("email,role\n" + "".join(f"p{n}@example.org,mentee\n" for n in range(1001))).encode(),
        "There are more than 1000 people.",
        id="too-many-rows",
    ),
    pytest.param(b"email,role\n" + b"x" * MAX_BYTES, "The file is larger than 1 MB.", id="too-big"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_a_bad_csv_file_is_refused_as_a_whole_with_line_numbers(as_user, world, content, message):
    response = as_user(world.coordinator).post(url("invite_csv", world), {"csv-file": csv_file(content)})
    assert response.status_code == 200
    errors = response.context["csv_form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert "Nobody was invited." in response.content.decode()
    assert not Invitation.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_csv_form_without_a_file_asks_for_one(as_user, world):
    response = as_user(world.coordinator).post(url("invite_csv", world), {})
    assert response.context["csv_form"].errors["file"] == ["Please choose a CSV file."]


def test_a_file_with_hundreds_of_problems_shows_the_first_fifty(as_user, world):
    content = "email,role\n" + "".join(f"bad{n}@,mentee\n" for n in range(120))
    response = as_user(world.coordinator).post(url("invite_csv", world), {"csv-file": csv_file(content)})
    errors = response.context["csv_form"].errors["file"]
    assert len(errors) == 51
    assert errors[-1] == "…and 70 more problems. Fix these and try again to see them."


# Resend and revoke ----------------------------------------------------------------------------------------


def test_resending_renews_the_link_and_counts(as_user, world):
    invitation = invite(world, "ann@example.org", expires_at=timezone.now() - datetime.timedelta(days=1))
    old_hash = invitation.token_hash
    response = as_user(world.coordinator).post(
        invitation_url("invitation_resend", world, invitation), {"back": "state=expired&role=mentee&evil=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("invitations", world) + "?state=expired&role=mentee"
    invitation.refresh_from_db()
    assert invitation.token_hash != old_hash
    assert invitation.sent_count == 1
    assert invitation.last_sent_at is not None
    assert invitation.state == InvitationStatus.PENDING  # a fresh expiry
    assert OutgoingEmail.objects.get().to == "ann@example.org"
    assert "A new invitation is on its way to ann@example.org. The link in any earlier email no longer works." in (
        messages_in(_follow(response))
    )


def test_revoking_an_invitation(as_user, world):
    invitation = invite(world, "ann@example.org")
    response = as_user(world.coordinator).post(invitation_url("invitation_revoke", world, invitation))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    assert invitation.revoked_at is not None
    assert "The invitation to ann@example.org is revoked. Its link no longer works." in messages_in(_follow(response))


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_an_accepted_invitation_cannot_be_resent_or_revoked(as_user, world, action):
    invitation = invite(world, "ann@example.org")
    services.accept(token=invitation.raw_token, user=world.outsider)
    response = as_user(world.coordinator).post(invitation_url(action, world, invitation))
    assert response.status_code == 302
    assert "ann@example.org has already accepted this invitation." in messages_in(_follow(response))
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_a_revoked_invitation_cannot_be_resent_or_revoked_again(as_user, world, action):
    invitation = invite(world, "ann@example.org")
    services.revoke(invitation=invitation)
    response = as_user(world.coordinator).post(invitation_url(action, world, invitation))
    assert "The invitation to ann@example.org was revoked earlier. Invite them again if you need to." in (
        messages_in(_follow(response))
    )


# A closed programme -----------------------------------------------------------------------------------------


CLOSED_MESSAGE = "This programme is closed. Invitations can no longer be sent, resent or revoked."


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "invite", {}),
        ("post", "invite", {"one-email": "ann@example.org", "one-role": "mentee"}),
        ("post", "invite_list", {"list-role": "mentee", "list-people": "ann@example.org"}),
        ("post", "invite_csv", {"csv-file": csv_file("email,role\nann@example.org,mentee\n")}),
    ],
)
def test_a_closed_programme_refuses_new_invitations(as_user, world, method, name, data):
    close(world.programme)
    response = getattr(as_user(world.coordinator), method)(url(name, world), data)
    assert response.status_code == 302
    assert response["Location"] == url("invitations", world)
    assert CLOSED_MESSAGE in messages_in(_follow(response))
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_a_closed_programme_refuses_resending_and_revoking(as_user, world, action):
    invitation = invite(world, "ann@example.org")
    close(world.programme)
    response = as_user(world.coordinator).post(invitation_url(action, world, invitation))
    assert CLOSED_MESSAGE in messages_in(_follow(response))
    invitation.refresh_from_db()
    assert (invitation.status, invitation.sent_count) == (InvitationStatus.PENDING, 0)


def test_a_closed_programme_still_shows_its_invitations_without_buttons(as_user, world):
    invitation = invite(world, "ann@example.org")
    close(world.programme)
    response = as_user(world.coordinator).get(url("invitations", world))
    assert response.status_code == 200
    assert b"ann@example.org" in response.content
    assert invitation_url("invitation_resend", world, invitation).encode() not in response.content
    assert url("invite", world).encode() not in response.content


# Who may --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_an_invitation_of_another_programme_is_not_found(as_user, world, action):
    elsewhere = InvitationFactory(programme=world.other_programme, invited_by=world.other_coordinator)
    response = as_user(world.coordinator).post(invitation_url(action, world, elsewhere))
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert (elsewhere.status, elsewhere.sent_count) == (InvitationStatus.PENDING, 0)


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
@pytest.mark.parametrize("action", ["invitation_resend", "invitation_revoke"])
def test_outsiders_and_other_coordinators_do_not_find_the_invitation(as_user, world, persona, action):
    invitation = invite(world, "ann@example.org")
    assert as_user(getattr(world, persona)).post(invitation_url(action, world, invitation)).status_code == 404
    # Not even through their own programme's address.
    other = reverse(f"programmes:{action}", kwargs={"pk": world.other_programme.pk, "invitation_pk": invitation.pk})
    assert as_user(getattr(world, persona)).post(other).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_members_who_do_not_coordinate_are_refused(as_user, world, persona):
    client = as_user(getattr(world, persona))
    assert client.get(url("invitations", world)).status_code == 403
    assert (
        client.post(url("invite_list", world), {"list-role": "mentee", "list-people": "a@example.org"}).status_code
        == 403
    )
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["mentee", "outsider", "other_coordinator", "coordinator"])
def test_post_only_addresses_refuse_get(as_user, world, persona):
    client = as_user(getattr(world, persona))
    invitation = invite(world, f"{persona}.ann@example.org")
    for address in (
        url("invite_list", world),
        url("invite_csv", world),
        invitation_url("invitation_resend", world, invitation),
        invitation_url("invitation_revoke", world, invitation),
    ):
        assert client.get(address).status_code == 405, address
    assert client.put(url("invite", world)).status_code == 405
    assert client.post(url("invitations", world)).status_code == 405
