"""The reminder emails (see ``groups.services.reminders``), registered with the outbox: before a session, a nudge
to log a session, an action item coming due.

Each renderer runs at send time in the recipient's language and time zone, and shows times in their zone and the
programme's. It returns None, and nothing is sent, when the reminder no longer applies: the session was cancelled,
moved or has started; the session was logged; the item is done; the person left the group or turned the reminder
off. Every reminder carries a link to stop that kind of reminder, also as a List-Unsubscribe header that mail
programs show as a button (RFC 8058 one-click).
"""

from __future__ import annotations

import dataclasses

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.services.reminders import (
    ACTION_ITEM_DUE,
    LOG_NUDGE,
    SESSION_REMINDER,
    item_to_remind,
    parse_session_key,
    preload_sessions,
    session_to_log,
    session_to_remind,
    unsubscribe_token,
)
from groups.services.scheduling import other_person
from outbox.models import OutgoingEmail
from outbox.services import Rendered, absolute_url, render_templates, renderer


def _render(name: str, kind: str, email: OutgoingEmail, context: dict) -> Rendered:
    off_url = absolute_url(reverse("accounts:reminder_off", kwargs={"token": unsubscribe_token(email.recipient, kind)}))
    rendered = render_templates(
        name,
        {
            **context,
            "recipient": email.recipient,
            "off_url": off_url,
            "profile_url": absolute_url(reverse("accounts:profile")),
        },
    )
    return dataclasses.replace(
        rendered,
        headers={"List-Unsubscribe": f"<{off_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def _session_url(meeting) -> str:
    return absolute_url(reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk}))


@renderer(SESSION_REMINDER, label=_("Session reminder"), preload=preload_sessions)
def session_reminder(email: OutgoingEmail) -> Rendered | None:
    """To everyone taking part: the session is coming soon, when and where."""
    meeting = session_to_remind(email)
    if meeting is None:
        return None
    hours, _starts = parse_session_key(email.key)
    group = meeting.group
    return _render(
        "session_reminder",
        SESSION_REMINDER,
        email,
        {
            "meeting": meeting,
            "group": group,
            "programme": group.programme,
            "hours": hours,
            "partner": other_person(meeting, email.recipient),
            "url": _session_url(meeting),
        },
    )


@renderer(LOG_NUDGE, label=_("Reminder to log a session"))
def log_nudge(email: OutgoingEmail) -> Rendered | None:
    """To a group's leader: a session a day or more ago is not logged yet."""
    meeting = session_to_log(email)
    if meeting is None:
        return None
    group = meeting.group
    return _render(
        "log_nudge",
        LOG_NUDGE,
        email,
        {
            "meeting": meeting,
            "group": group,
            "programme": group.programme,
            "url": absolute_url(reverse("groups:session_log", kwargs={"pk": group.pk, "session_pk": meeting.pk})),
        },
    )


@renderer(ACTION_ITEM_DUE, label=_("Action item coming due"))
def action_item_due(email: OutgoingEmail) -> Rendered | None:
    """To an action item's owner: it is due soon, with a link to the session where it was agreed."""
    item = item_to_remind(email)
    if item is None:
        return None
    meeting = item.meeting
    group = meeting.group
    return _render(
        "action_item_due",
        ACTION_ITEM_DUE,
        email,
        {"item": item, "meeting": meeting, "group": group, "programme": group.programme, "url": _session_url(meeting)},
    )
