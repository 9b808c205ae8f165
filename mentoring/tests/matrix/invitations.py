"""Invitations: the coordinator's pages, and the page behind the link in the email (open to anyone with the link)."""

from __future__ import annotations

from mentoring.tests.factories import InvitationFactory
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, EVERYONE, Case, programme
from programmes.services import invitations as services


class CsvUpload:
    """A CSV file for the test client that can be read again for every visitor (a real file is used up once)."""

    name = "people.csv"
    content_type = "text/csv"

    def read(self, *args) -> bytes:
        return b"name,email,role\nNew Person,new.person@example.org,mentee\n"


def invitation(world):
    found = InvitationFactory(programme=world.programme, invited_by=world.coordinator, email="invitee@example.org")
    return {"pk": world.programme.pk, "invitation_pk": found.pk}


def token(world):
    return {"token": InvitationFactory(programme=world.programme, invited_by=world.coordinator).raw_token}


def used_token(world):
    found = InvitationFactory(programme=world.programme, invited_by=world.coordinator)
    services.revoke(invitation=found)
    return {"token": found.raw_token}


#                 anonymous outsider other_grp mentee  mentor  other_co coordinator
SIGNED_IN_JOINS = ("200", "302", "302", "302", "302", "302", "302")  # signed out: the sign-up form again

CASES = [
    Case("programmes:invitations", COORDINATOR_ONLY, programme),
    Case("programmes:invite", COORDINATOR_ONLY, programme),
    Case(
        "programmes:invite",
        COORDINATOR_POST,
        programme,
        method="post",
        data={"one-email": "new.person@example.org", "one-role": "mentee"},
    ),
    Case(
        "programmes:invite_list",
        COORDINATOR_POST,
        programme,
        method="post",
        data={"list-role": "mentee", "list-people": "New Person <new.person@example.org>"},
    ),
    Case("programmes:invite_csv", COORDINATOR_POST, programme, method="post", data={"csv-file": CsvUpload()}),
    Case("programmes:invitation_resend", COORDINATOR_POST, invitation, method="post"),
    Case("programmes:invitation_revoke", COORDINATOR_POST, invitation, method="post"),
    # Anyone with the link sees the invitation: signed out, a sign-up form; signed in, a "Join" button.
    Case("join:invitation", EVERYONE, token),
    Case("join:invitation", SIGNED_IN_JOINS, token, method="post"),
    Case("join:invitation", ("404",) * 7, lambda world: {"token": "not-a-real-token"}),
    Case("join:invitation", ("410",) * 7, used_token),
]
