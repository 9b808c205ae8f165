"""Emails go out in the recipient's language, whatever language the person who caused them was using.

The outbox stores a language on each queued email (the recipient's, or for someone without an account the
language the coordinator was using) and renders the email in it at send time. The expected German texts below
are the msgstr of the German catalogue (locale/de/LC_MESSAGES/django.po).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from mentoring.tests.factories import ApplicationFactory, UserFactory
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import ApplicationStatus, EventKind, Role
from programmes.services.applications import decide
from programmes.services.events import create_event
from programmes.services.invitations import Invitee, invite

pytestmark = pytest.mark.django_db


def send_the_queued_emails() -> list[mail.EmailMessage]:
    """Delivers every queued email the way the worker does, and returns what reached the mailbox."""
    for email in OutgoingEmail.objects.order_by("pk"):
        assert deliver(email.pk) == EmailStatus.SENT, OutgoingEmail.objects.get(pk=email.pk).last_error
    return mail.outbox


def html_of(message: mail.EmailMultiAlternatives) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


# Application decisions -------------------------------------------------------------------------------------


def test_an_application_decision_goes_to_a_german_speaker_in_german(world):
    applicant = UserFactory(display_name="Dana Deutsch", language="de")
    application = ApplicationFactory(programme=world.programme, applicant=applicant, role=Role.MENTEE)

    with translation.override("en"):  # the coordinator works in English
        decide(application=application, status=ApplicationStatus.ACCEPTED, by=world.coordinator, notify=True)
        [message] = send_the_queued_emails()

    assert OutgoingEmail.objects.get().language == "de"
    assert message.to == [applicant.email]
    assert message.subject == "Willkommen bei Pathways"
    assert message.body.startswith("Hallo Dana Deutsch,\n")
    assert "Eine gute Nachricht: Sie haben einen Platz als Mentee in „Pathways“." in message.body
    # Dates are written the German way too.
    assert "Das Programm läuft vom 1. September 2026 bis zum 31. Mai 2027." in message.body
    assert "Hier können Sie Ihre Bewerbung ansehen:" in message.body
    assert "Good news" not in message.body
    assert "Eine gute Nachricht" in html_of(message)
    assert "Ihre Bewerbung ansehen" in html_of(message)
    assert translation.get_language() != "de"  # sending did not leave German switched on


def test_the_same_decision_reaches_each_applicant_in_their_own_language(world):
    german = UserFactory(display_name="Dana Deutsch", language="de")
    english = UserFactory(display_name="Eve English", language="en")
    for applicant in (german, english):
        application = ApplicationFactory(programme=world.programme, applicant=applicant, role=Role.MENTEE)
        decide(
            application=application,
            status=ApplicationStatus.WAITLISTED,
            by=world.coordinator,
            notify=True,
            message="Thank you!",
        )

    messages = {message.to[0]: message for message in send_the_queued_emails()}

    assert messages[german.email].subject == "Ihre Bewerbung für Pathways"
    assert "Ihre Bewerbung steht auf der Warteliste." in messages[german.email].body
    assert "Eine Nachricht von den Koordinatoren:" in messages[german.email].body
    assert messages[english.email].subject == "Your application to Pathways"
    assert "Your application is on the waiting list." in messages[english.email].body


# Invitations to join a programme ---------------------------------------------------------------------------


def test_an_invitation_to_a_german_speaking_account_is_in_german(world):
    german = UserFactory(email="dana@example.org", display_name="Dana Deutsch", language="de")

    with translation.override("en"):
        invite(
            programme=world.programme, invitees=[Invitee(email=german.email, role=Role.MENTEE)], by=world.coordinator
        )
        [message] = send_the_queued_emails()

    email = OutgoingEmail.objects.get()
    assert (email.recipient, email.language) == (german, "de")
    assert message.subject == "Einladung zu Pathways"
    assert message.body.startswith("Hallo,\n")
    assert "Cora Coordinator lädt Sie zum Gruppenmentoring-Programm „Pathways“ ein. Ihre Rolle: Mentee." in message.body
    assert "Öffnen Sie diesen Link, um die Einladung anzunehmen." in message.body
    assert "Einladung annehmen" in html_of(message)


@pytest.mark.parametrize(
    ("page_language", "subject", "greeting"),
    [("de", "Einladung zu Pathways", "Hallo Nora,"), ("en", "You are invited to Pathways", "Hello Nora,")],
)
def test_an_invitation_to_someone_without_an_account_is_in_the_language_the_coordinator_used(
    world, page_language, subject, greeting
):
    """A new person has no language of their own yet: they get the one the coordinator was using."""
    with translation.override(page_language):
        invite(
            programme=world.programme,
            invitees=[Invitee(email="nora.new@example.org", role=Role.MENTOR, name="Nora")],
            by=world.coordinator,
        )
    with translation.override("en" if page_language == "de" else "de"):  # whatever the worker's language is
        [message] = send_the_queued_emails()

    email = OutgoingEmail.objects.get()
    assert (email.recipient, email.language) == (None, page_language)
    assert message.subject == subject
    assert message.body.startswith(greeting + "\n")


# Programme events ------------------------------------------------------------------------------------------


def test_an_event_invitation_is_in_each_invitees_language_and_time_zone(world):
    world.mentee.language = "de"
    world.mentee.save(update_fields=["language"])
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=10)

    with translation.override("en"):
        create_event(
            programme=world.programme,
            by=world.coordinator,
            notify=True,
            kind=EventKind.MENTEE_TRAINING,
            title="Kick-off",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place="Room 2",
            for_mentees=True,
        )
        messages = {message.to[0]: message for message in send_the_queued_emails()}

    assert set(messages) == {world.mentee.email, world.other_group_member.email}  # every mentee of the programme
    assert messages[world.other_group_member.email].subject.startswith("Invitation: Kick-off on ")
    message = messages[world.mentee.email]
    with translation.override("de"), timezone.override(world.mentee.time_zone):
        day = date_format(timezone.localtime(starts), "DATE_FORMAT")  # such as "6. Dezember 2026"
    assert message.subject == f"Einladung: Kick-off am {day}"
    assert "Sie sind zu einer Veranstaltung des Programms „Pathways“ eingeladen." in message.body
    assert "Kick-off (Schulung für Mentees)" in message.body
    assert "Wann, in Ihrer Zeitzone (Europe/Berlin):" in message.body
    assert "Ort: Room 2" in message.body
    assert "Wenn Sie nicht kommen können, sagen Sie bitte Ihrem Koordinator Bescheid." in message.body


# Every email's words are translatable: what is left of an email template once the translated blocks, the variables,
# the tags and the markup are taken out has no words in it.

EMAIL_TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "templates" / "emails").iterdir())
_NOT_WORDS = [
    r"\{%\s*blocktranslate.*?%\}.*?\{%\s*endblocktranslate\s*%\}",
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}",
    r"\{#.*?#\}",
    r"\{%.*?%\}",
    r"\{\{.*?\}\}",
    r"<style.*?</style>",
    r"<[^>]+>",
    r"&[a-z]+;|&#\d+;",
]


@pytest.mark.parametrize("path", EMAIL_TEMPLATES, ids=lambda path: path.name)
def test_every_word_of_every_email_template_is_translatable(path):
    text = path.read_text()
    for pattern in _NOT_WORDS:
        text = re.sub(pattern, " ", text, flags=re.S)
    assert re.findall(r"[A-Za-z]{2,}", text) == []
