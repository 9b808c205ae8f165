"""Sessions in a real browser, at desktop and phone widths: a mentor schedules a series from the group's page and
everyone gets one calendar invitation, then one session is moved and another cancelled (each an update of the same
calendar event); the mentor logs a session that is over, the member who missed it gets the briefing, a mentee
marks her action item done and writes a private reflection, and the coordinator sees only facts and numbers; a
mentee raises a concern that the coordinator resolves; a member's private calendar address, and a new one.

No Celery worker runs in tests: after a step that sends email, the test delivers the queued emails itself
(``deliver_queued_emails``); they land in ``mail.outbox``. The calendar files they carry are read back with the
``icalendar`` library.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from e2e.test_first_journeys import open_menu_on_a_phone, sign_in
from e2e.test_group_journeys import open_tab, sign_in_on_this_page
from e2e.test_recruitment_journeys import PageWidth, as_someone_else, deliver_queued_emails, email_to, link_in
from groups.calendars import session_uid
from groups.models import (
    ActionItem,
    AttendanceMark,
    Concern,
    ConcernStatus,
    GroupRole,
    Meeting,
    MeetingStatus,
    MentoringGroup,
    Reflection,
)
from groups.services.scheduling import schedule_sessions
from mentoring.tests.factories import MentoringGroupFactory, ProgrammeFactory, UserFactory, add_to_group
from programmes.models import Programme, ProgrammeMembership, Role

pytestmark = pytest.mark.django_db(transaction=True)


# Helpers ---------------------------------------------------------------------------------------------------

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
LIBRARY = "City library, room 3"


@dataclass
class Founders:
    """A running programme in Berlin's time zone (two sessions a month, 90 minutes each), coordinated by Cora, and
    its mentor-led group: Mara mentors Amira and Bruno."""

    programme: Programme
    group: MentoringGroup
    coordinator: User
    mentor: User
    amira: User
    bruno: User

    @property
    def members(self) -> tuple[User, User, User]:
        return (self.mentor, self.amira, self.bruno)


def founders() -> Founders:
    today = timezone.localdate()
    programme = ProgrammeFactory(
        name="Bridges",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=200),
        time_zone="Europe/Berlin",
        sessions_per_month=2,
        session_minutes=90,
    )
    coordinator = UserFactory(email="cora@example.org", display_name="Cora Coordinator")
    ProgrammeMembership.objects.create(programme=programme, user=coordinator, role=Role.COORDINATOR)
    group = MentoringGroupFactory(programme=programme, name="Founders")
    mentor = UserFactory(email="mara@example.org", display_name="Mara Mentor")
    amira = UserFactory(email="amira@example.org", display_name="Amira Azizi")
    bruno = UserFactory(email="bruno@example.org", display_name="Bruno Brandt")
    add_to_group(group, mentor, GroupRole.MENTOR)
    add_to_group(group, amira, GroupRole.MENTEE)
    add_to_group(group, bruno, GroupRole.MENTEE)
    return Founders(programme, group, coordinator, mentor, amira, bruno)


def open_the_group(page: Page, name: str = "Founders") -> None:
    """From the home page, the way a member gets there."""
    page.locator("main").get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", name=name, level=1, exact=True)).to_be_visible()


def open_the_sessions(page: Page, name: str = "Founders") -> None:
    """From the group's page: its Sessions part links to every session."""
    page.get_by_role("region", name="Sessions").get_by_role("link", name="See all sessions").click()
    expect(page.get_by_role("heading", name=f"Sessions of {name}", level=1)).to_be_visible()


def field(scope, label: str):
    """A form field by its label, which may end with the mark of a required field (crispy's asterisk)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\*?\s*$"))


def calendar_in(message: mail.EmailMessage) -> icalendar.Calendar:
    """The one calendar file attached to the email, parsed. Mail programs read the method (an invitation, a
    cancellation) from the attachment's content type, so it must say the same as the file."""
    files = [attachment for attachment in message.attachments if attachment[2].startswith("text/calendar")]
    assert len(files) == 1, f"expected one calendar file, found {[a[0] for a in message.attachments]}"
    _name, content, content_type = files[0]
    calendar = icalendar.Calendar.from_ical(content)
    assert f"method={calendar['METHOD']}" in content_type
    return calendar


def events_of(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def on_the_live_server(url: str, live_server) -> str:
    """An address the site wrote with its own name (SITE_URL), moved onto the live server."""
    return f"{live_server.url}{urlsplit(url).path}"


def berlin(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BERLIN)


# 1. Scheduling a series, moving one session and cancelling another ------------------------------------------


def test_the_mentor_schedules_a_series_then_moves_one_session_and_cancels_another(screen, live_server):
    page = screen
    width = PageWidth(page)
    people = founders()
    first_day = datetime.datetime.now(BERLIN).date() + datetime.timedelta(days=14)
    expected_starts = [berlin(first_day + datetime.timedelta(days=14 * n), 18, 30) for n in range(3)]
    agenda = "How we each found our first customers."

    # The mentor plans three sessions from the group's page, every two weeks as the programme says.
    sign_in(page, live_server, people.mentor.email)
    open_the_group(page)
    expect(page.get_by_role("region", name="Sessions")).to_contain_text("No session is planned yet.")
    open_the_sessions(page)
    expect(page.get_by_text("No sessions planned.")).to_be_visible()
    width.check("sessions, none yet")
    page.get_by_role("link", name="Schedule a session").click()
    expect(page.get_by_role("heading", name="Schedule a session", level=1)).to_be_visible()
    expect(page.get_by_label("Group session")).to_be_checked()
    expect(field(page, "Length in minutes")).to_have_value("90")
    field(page, "Date").fill(first_day.isoformat())
    field(page, "Starts at").fill("18:30")
    page.get_by_label("A number of sessions, every 2 weeks").check()
    field(page, "Number of sessions").fill("3")
    field(page, "Place").fill(LIBRARY)
    field(page, "Agenda").fill(agenda)
    width.check("schedule form")
    page.shot("session-schedule-form")
    page.get_by_role("button", name="Schedule and send the invitations").click()

    expect(
        page.get_by_text("3 sessions are scheduled. Everyone taking part gets one invitation with all the dates.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Sessions of Founders", level=1)).to_be_visible()
    coming_up = page.get_by_role("region", name="Coming up").locator("tbody").get_by_role("row")
    expect(coming_up).to_have_count(3)
    for row, start in zip(coming_up.all(), expected_starts, strict=True):
        expect(row.locator("time").first).to_have_attribute("datetime", start.isoformat())
        expect(row).to_contain_text("6:30 p.m.–8 p.m.")
        expect(row).to_contain_text(LIBRARY)
    width.check("sessions, a series planned")
    page.shot("sessions-series")
    meetings = list(Meeting.objects.filter(group=people.group).order_by("starts_at"))
    assert [meeting.starts_at for meeting in meetings] == expected_starts
    assert len({meeting.series for meeting in meetings}) == 1 and meetings[0].series is not None

    # Everyone in the group, the mentor too, gets one email with one calendar file holding the three dates.
    emails = deliver_queued_emails()
    assert len(emails) == 3
    for person in people.members:
        invitation = calendar_in(email_to(person.email, emails))
        assert invitation["METHOD"] == "REQUEST"
        events = events_of(invitation)
        assert len(events) == 3
        assert [event.decoded("DTSTART") for event in events] == expected_starts
        assert [str(event["UID"]) for event in events] == [session_uid(meeting) for meeting in meetings]
        assert {int(event["SEQUENCE"]) for event in events} == {0}
        assert {str(event["LOCATION"]) for event in events} == {LIBRARY}
        assert all(agenda in str(event["DESCRIPTION"]) for event in events)

    # The mentor moves the second session half an hour later: an update of the same calendar event.
    second, third = meetings[1], meetings[2]
    coming_up.nth(1).get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=re.compile("^Session on "), level=1)).to_be_visible()
    width.check("session to come, mentor")
    page.get_by_role("link", name=re.compile("^Reschedule or change")).click()
    expect(page.get_by_role("heading", name="Change the session", level=1)).to_be_visible()
    expect(field(page, "Date")).to_have_value(expected_starts[1].date().isoformat())
    expect(field(page, "Starts at")).to_have_value("18:30")
    field(page, "Starts at").fill("19:00")
    width.check("change form")
    page.get_by_role("button", name="Save and tell everyone").click()
    expect(page.get_by_text("The session has been changed. Everyone taking part gets the new details.")).to_be_visible()
    expect(page.locator("main dl time").first).to_have_attribute(
        "datetime", berlin(expected_starts[1].date(), 19, 0).isoformat()
    )
    page.shot("session-moved")

    emails = deliver_queued_emails()
    assert len(emails) == 3
    for person in people.members:
        message = email_to(person.email, emails)
        assert message.subject.startswith("Changed:")
        update = calendar_in(message)
        assert update["METHOD"] == "REQUEST"
        (event,) = events_of(update)
        assert str(event["UID"]) == session_uid(second)
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == berlin(expected_starts[1].date(), 19, 0)

    # The mentor cancels the third: calendars mark the same event cancelled.
    page.get_by_role("link", name="Back to the sessions").click()
    coming_up.nth(2).get_by_role("link").first.click()
    page.locator("summary").filter(has_text="Cancel this session").click()
    page.get_by_role("button", name="Yes, cancel the session").click()
    expect(page.get_by_text("The session is cancelled. Everyone taking part gets an email.")).to_be_visible()
    expect(page.get_by_text("This session was cancelled.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Reschedule or change"))).to_have_count(0)
    width.check("cancelled session")
    page.shot("session-cancelled")

    emails = deliver_queued_emails()
    assert len(emails) == 3
    for person in people.members:
        message = email_to(person.email, emails)
        assert message.subject.startswith("Cancelled:")
        cancellation = calendar_in(message)
        assert cancellation["METHOD"] == "CANCEL"
        (event,) = events_of(cancellation)
        assert str(event["UID"]) == session_uid(third)
        assert int(event["SEQUENCE"]) == 1
        assert str(event["STATUS"]) == "CANCELLED"

    # The list still shows all three, the cancelled one marked.
    page.get_by_role("link", name="Back to the sessions").click()
    expect(coming_up).to_have_count(3)
    expect(coming_up.nth(1)).to_contain_text("7 p.m.–8:30 p.m.")
    expect(coming_up.nth(2)).to_contain_text("Cancelled")
    expect(coming_up.nth(0)).not_to_contain_text("Cancelled")
    width.check("sessions after the changes")
    page.shot("sessions-after-changes")
    third.refresh_from_db()
    assert third.status == MeetingStatus.CANCELLED
    width.assert_all_fitted()


# 2. Logging a session, and who reads what ---------------------------------------------------------------------


def test_the_mentor_logs_a_session_and_the_coordinator_sees_only_the_facts(screen, live_server):
    page = screen
    width = PageWidth(page)
    people = founders()
    meeting = Meeting.objects.create(
        group=people.group,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        minutes=90,
        place=LIBRARY,
        created_by=people.mentor,
    )
    summary = "We compared prices for market stalls and practised a sales talk."
    topics = "market stalls, sales talk"
    briefing = "Bruno, please bring two price offers for a stall next time."
    item = "Ask two banks about a small loan"
    reflection = "I talk too fast when I am nervous. I will practise with my sister."
    due = datetime.datetime.now(BERLIN).date() + datetime.timedelta(days=10)
    session_path = reverse("groups:session", args=[people.group.pk, meeting.pk])

    # The mentor logs it from the list: held, Bruno away with notice, a summary, a briefing, one action item.
    sign_in(page, live_server, people.mentor.email)
    open_the_group(page)
    open_the_sessions(page)
    past = page.get_by_role("region", name="Past sessions")
    expect(past.locator("tbody").get_by_role("row")).to_have_count(1)
    expect(past).to_contain_text("Not recorded yet")
    width.check("sessions, one to log")
    past.get_by_role("link", name=re.compile("^Log this session")).click()
    expect(page.get_by_role("heading", name=re.compile("^Log the session of "), level=1)).to_be_visible()
    page.get_by_label("Yes, it took place").check()
    for person in people.members:
        expect(page.get_by_role("group", name=person.display_name).get_by_label("Present", exact=True)).to_be_checked()
    page.get_by_role("group", name="Bruno Brandt").get_by_label("Absent with notice").check()
    field(page, "Summary").fill(summary)
    field(page, "Topics").fill(topics)
    field(page, "Briefing for those who missed it").fill(briefing)
    new_item = page.get_by_role("group", name="New action item").first
    field(new_item, "What is to be done").fill(item)
    field(new_item, "Who").select_option(label="Amira Azizi")
    field(new_item, "By when").fill(due.isoformat())
    width.check("log form")
    page.shot("session-log-form")
    page.get_by_role("button", name="Save the log").click()

    expect(
        page.get_by_text("The session is logged. 1 member who missed it will get your briefing by email.")
    ).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}{session_path}")
    happened = page.get_by_role("region", name="What happened")
    expect(happened).to_contain_text(summary)
    expect(happened).to_contain_text(briefing)
    expect(page.get_by_role("region", name="Who came")).to_contain_text("2 present, 1 absent with notice, 0 absent")
    expect(page.get_by_role("region", name="Action items")).to_contain_text(item)
    width.check("logged session, mentor")
    page.shot("session-logged")

    # Only Bruno, who missed it, gets the briefing, with a link to the session.
    emails = deliver_queued_emails()
    assert [message.to for message in emails] == [[people.bruno.email]]
    briefing_email = email_to(people.bruno.email, emails)
    assert briefing in briefing_email.body
    assert summary not in briefing_email.body
    briefing_link = link_in(briefing_email, session_path, live_server)

    # Amira, who was there, finds the session, marks her action item done and writes a reflection for herself.
    as_someone_else(page)
    sign_in(page, live_server, people.amira.email)
    open_the_group(page)
    open_the_sessions(page)
    page.get_by_role("region", name="Past sessions").locator("tbody").get_by_role("link").first.click()
    expect(page.get_by_role("region", name="What happened")).to_contain_text(summary)
    items = page.get_by_role("region", name="Action items")
    mine = items.get_by_role("listitem").filter(has_text=item)
    expect(mine).to_contain_text("You")
    width.check("logged session, mentee")
    mine.get_by_role("button", name=re.compile("^Mark as done")).click()
    expect(page.get_by_text(f"“{item}” is marked as done. Well done!")).to_be_visible()
    expect(mine).to_contain_text("Done")
    expect(mine.get_by_role("button", name=re.compile("^Mark as not done"))).to_be_visible()
    page.get_by_role("link", name="Write your reflection").click()
    expect(page.get_by_role("heading", name="Write your reflection", level=1)).to_be_visible()
    expect(page.get_by_label("Share with my group")).not_to_be_checked()
    field(page, "Your reflection").fill(reflection)
    width.check("reflection form")
    page.shot("reflection-form")
    page.get_by_role("button", name="Save my reflection").click()
    expect(page.get_by_text("Your reflection is saved. Only you and your mentor can read it.")).to_be_visible()
    reflections = page.get_by_role("region", name="Reflections")
    expect(reflections).to_contain_text(reflection)
    expect(reflections).to_contain_text("Not shared")
    width.check("session with a reflection, mentee")
    page.shot("session-mentee")
    assert ActionItem.objects.get(text=item).done_at is not None
    assert Reflection.objects.get(author=people.amira).shared_with_group is False

    # Bruno opens the session from his briefing: he reads the log, not Amira's reflection.
    as_someone_else(page)
    page.goto(briefing_link)
    sign_in_on_this_page(page, people.bruno.email)
    expect(page).to_have_url(f"{live_server.url}{session_path}")
    expect(page.get_by_role("region", name="What happened")).to_contain_text(briefing)
    expect(page.get_by_role("row", name=re.compile("^Bruno Brandt"))).to_contain_text("Absent with notice")
    expect(page.locator("main")).not_to_contain_text(reflection)
    assert reflection not in page.content()
    width.check("logged session, the mentee who missed it")

    # The coordinator sees that it was held and who came, in numbers; none of the group's words.
    as_someone_else(page)
    sign_in(page, live_server, people.coordinator.email)
    open_tab(page, live_server, people.programme, "Sessions")
    expect(page.get_by_role("heading", name="Sessions", level=1)).to_be_visible()
    by_group = page.get_by_role("region", name="By group")
    row = by_group.get_by_role("row", name=re.compile("^Founders"))
    # Columns: held, not held, planned, not logged yet, cancelled, last held, attendance, open concerns.
    expect(row.locator("td").nth(0)).to_have_text("1")
    expect(row.locator("td").nth(3)).to_have_text("0")
    expect(row).to_contain_text("67% (2 of 3 present)")
    recent = page.get_by_role("region", name=re.compile("^The last \\d+ days"))
    expect(recent.get_by_role("row", name=re.compile("Founders")).locator("td")).to_have_text(
        ["Founders", "Group session", "Held", "2 present, 1 absent with notice, 0 absent"]
    )
    width.check("sessions tab")
    page.shot("sessions-tab")
    secrets = (summary, topics, briefing, item, reflection)
    assert not any(words in page.content() for words in secrets)

    row.get_by_role("link", name="Founders").click()
    expect(page.get_by_role("heading", name="Founders", level=1)).to_be_visible()
    open_the_sessions(page)
    page.get_by_role("region", name="Past sessions").locator("tbody").get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}{session_path}")
    expect(page.get_by_role("region", name="Who came")).to_contain_text("2 present, 1 absent with notice, 0 absent")
    expect(page.get_by_text("What the group writes about its sessions stays in the group.")).to_be_visible()
    expect(page.get_by_role("region", name="What happened")).to_have_count(0)
    expect(page.get_by_role("region", name="Action items")).to_have_count(0)
    expect(page.get_by_role("region", name="Reflections")).to_have_count(0)
    content = page.content()
    assert not any(words in content for words in secrets), [words for words in secrets if words in content]
    width.check("logged session, coordinator")
    page.shot("session-coordinator")
    marks = dict(meeting.attendance.values_list("user__email", "status"))
    assert marks == {
        people.mentor.email: AttendanceMark.PRESENT,
        people.amira.email: AttendanceMark.PRESENT,
        people.bruno.email: AttendanceMark.EXCUSED,
    }
    width.assert_all_fitted()


# 3. A concern -------------------------------------------------------------------------------------------------


def test_a_mentee_raises_a_concern_and_the_coordinator_resolves_it(screen, live_server):
    page = screen
    width = PageWidth(page)
    people = founders()
    concern = "Our sessions often start 30 minutes late, and I have to leave at eight for my child."
    note = "I talked with Mara: the sessions now start on time."
    concerns_path = reverse("grouping:concerns", args=[people.programme.pk])

    # Amira raises it from the group's page.
    sign_in(page, live_server, people.amira.email)
    open_the_group(page)
    page.get_by_role("link", name="Raise a concern with the coordinator").click()
    expect(page.get_by_role("heading", name="Raise a concern with the coordinator", level=1)).to_be_visible()
    expect(page.get_by_text("Only the programme's coordinators read what you write.")).to_be_visible()
    expect(page.get_by_text("You have no open concerns in this group.")).to_be_visible()
    field(page, "What worries you?").fill(concern)
    width.check("concern form")
    page.shot("concern-form")
    page.get_by_role("button", name="Send to the coordinators").click()
    expect(
        page.get_by_text(
            "Thank you. Your concern was sent to the coordinators. The other members of the group cannot see it."
        )
    ).to_be_visible()
    expect(page.get_by_role("region", name="Your open concerns in this group")).to_contain_text(concern)
    width.check("concern sent")

    # The coordinator gets an email, without the concern's words, linking to the concerns page.
    emails = deliver_queued_emails()
    assert [message.to for message in emails] == [[people.coordinator.email]]
    raised = email_to(people.coordinator.email, emails)
    assert "Founders" in raised.subject
    assert concern not in raised.body
    link = link_in(raised, concerns_path, live_server)

    # The coordinator reads it and resolves it with a note.
    as_someone_else(page)
    page.goto(link)
    sign_in_on_this_page(page, people.coordinator.email)
    expect(page).to_have_url(f"{live_server.url}{concerns_path}")
    expect(page.get_by_role("heading", name="Concerns", level=1)).to_be_visible()
    open_ones = page.get_by_role("region", name="Open (1)")
    card = open_ones.get_by_role("article", name="Founders")
    expect(card).to_contain_text(concern)
    expect(card).to_contain_text("Amira Azizi")
    field(card, "What was done (optional)").fill(note)
    width.check("concerns, one open")
    page.shot("concerns-open")
    card.get_by_role("button", name="Mark as resolved").click()
    expect(
        page.get_by_text("The concern is marked as resolved. The person who raised it gets an email.")
    ).to_be_visible()
    expect(page.get_by_role("region", name="Open (0)")).to_contain_text("No open concerns.")
    resolved = page.get_by_role("region", name="Resolved (1)").get_by_role("article", name="Founders")
    expect(resolved).to_contain_text(concern)
    expect(resolved).to_contain_text(note)
    expect(resolved).to_contain_text("Resolved by Cora Coordinator")
    width.check("concerns, resolved")
    page.shot("concerns-resolved")
    assert Concern.objects.get(group=people.group).status == ConcernStatus.RESOLVED

    # Amira gets the coordinator's note by email.
    emails = deliver_queued_emails()
    assert [message.to for message in emails] == [[people.amira.email]]
    resolution = email_to(people.amira.email, emails)
    assert "resolved" in resolution.subject
    assert note in resolution.body
    width.assert_all_fitted()


# 4. The private calendar address --------------------------------------------------------------------------------


def test_a_member_subscribes_to_her_calendar_and_makes_a_new_address(screen, live_server):
    page = screen
    width = PageWidth(page)
    people = founders()
    soon = datetime.datetime.now(BERLIN).date() + datetime.timedelta(days=5)
    ours = schedule_sessions(
        group=people.group,
        by=people.mentor,
        starts=[berlin(soon, 18, 30), berlin(soon + datetime.timedelta(days=14), 18, 30)],
        minutes=90,
        place=LIBRARY,
    )
    others = MentoringGroupFactory(programme=people.programme, name="Navigators")
    their_mentor = UserFactory(display_name="Nils Navigator")
    add_to_group(others, their_mentor, GroupRole.MENTOR)
    (theirs,) = schedule_sessions(group=others, by=their_mentor, starts=[berlin(soon, 10, 0)], minutes=60, place="Cafe")

    # Amira opens Calendar from her account's menu and copies the address.
    sign_in(page, live_server, people.amira.email)
    open_menu_on_a_phone(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Amira Azizi").click()
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", name="Your calendar", level=1)).to_be_visible()
    address = page.get_by_label("Your calendar address")
    expect(address).to_have_attribute("readonly", "")
    old_url = on_the_live_server(address.input_value(), live_server)
    assert people.amira.calendar_token in old_url
    width.check("calendar page")
    page.shot("calendar-page")

    # Her calendar app fetches it: her group's two sessions, not the other group's.
    response = page.request.get(old_url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    feed = icalendar.Calendar.from_ical(response.body())
    uids = [str(event["UID"]) for event in events_of(feed)]
    assert uids == [session_uid(meeting) for meeting in ours]
    assert session_uid(theirs) not in uids
    assert {str(event["SUMMARY"]) for event in events_of(feed)} == {"Founders: session"}

    # She makes a new address: the old one stops working, the new one works without signing in.
    page.get_by_role("button", name="Make a new address").click()
    expect(
        page.get_by_text(
            "Your calendar has a new address. The old one no longer works: add the new one to your calendar app."
        )
    ).to_be_visible()
    new_url = on_the_live_server(page.get_by_label("Your calendar address").input_value(), live_server)
    assert new_url != old_url
    width.check("calendar page, new address")
    as_someone_else(page)
    assert page.request.get(old_url).status == 404
    response = page.request.get(new_url)
    assert response.status == 200
    assert [str(event["UID"]) for event in events_of(icalendar.Calendar.from_ical(response.body()))] == uids
    width.assert_all_fitted()
