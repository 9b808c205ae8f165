"""A group's leader schedules its sessions, one at a time or as a series following the contract's rhythm, in the
programme's time zone; changes or cancels one still to come; and everyone taking part is told by email, once per
change, with only the latest news."""

import datetime
import html
import zoneinfo
from unittest import mock

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import (
    Contract,
    ContractVersion,
    GroupKind,
    GroupRole,
    Meeting,
    MeetingKind,
    MeetingStatus,
    VersionStatus,
)
from groups.services.scheduling import (
    CANCELLED_EMAIL,
    CHANGED_EMAIL,
    INVITATION_EMAIL,
    InThePast,
    NotAMember,
    NotChangeable,
    ProgrammeClosed,
    cancel_session,
    reschedule,
    schedule_sessions,
)
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")

SESSION = {
    "kind": "group",
    "date": "2035-03-06",
    "start_time": "18:00",
    "minutes": "90",
    "place": "Library, room 4",
    "video_link": "",
    "agenda": "Introductions\r\nOur contract",
    "repeat": "none",
}


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


def create_url(group):
    return reverse("groups:session_create", kwargs={"pk": group.pk})


def edit_url(meeting):
    return reverse("groups:session_edit", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def cancel_url(meeting):
    return reverse("groups:session_cancel", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def session_url(meeting):
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def berlin(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BERLIN)


def in_force(group, *, per_month=2, minutes=120, ends_on=datetime.date(2035, 12, 31)) -> ContractVersion:
    contract = Contract.objects.create(group=group)
    return ContractVersion.objects.create(
        contract=contract,
        number=1,
        status=VersionStatus.IN_FORCE,
        starts_on=datetime.date(2035, 1, 1),
        ends_on=ends_on,
        sessions_per_month=per_month,
        session_minutes=minutes,
        created_by=group.memberships.first().user,
    )


def future_session(world, starts_at=None, **fields) -> Meeting:
    starts = [starts_at or berlin(2035, 3, 6, 18)]
    [meeting] = schedule_sessions(
        group=world.group, by=world.mentor, starts=starts, minutes=90, place="Library", **fields
    )
    return meeting


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def errors_of(response) -> dict:
    return response.context["form"].errors


def mail_to(person):
    return [message for message in mail.outbox if message.to == [person.email]]


# The form ------------------------------------------------------------------------------------------------------


def test_the_mentor_enters_the_time_in_the_programmes_zone_and_the_length_from_the_contract(as_user, world):
    in_force(world.group, minutes=120)
    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    response = as_user(world.mentor).get(create_url(world.group))
    text = page_text(response)
    assert response.status_code == 200
    assert "Enter the time in the programme's time zone: Europe/Berlin." in text
    assert "Your own time zone is America/New_York." in text
    form = response.context["form"]
    assert form.initial["minutes"] == 120
    assert "Your contract says 120 minutes." in text
    assert "Your contract says 2 sessions a month." in text
    assert "A number of sessions, every 2 weeks" in text
    assert "Until Dec. 31, 2035, every 2 weeks" in text
    assert list(form.fields["with_member"].queryset) == [world.mentee]  # not the mentor themself


def test_without_a_contract_the_programme_gives_the_length_and_rhythm(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(session_minutes=60, sessions_per_month=1)
    response = as_user(world.mentor).get(create_url(world.group))
    assert response.context["form"].initial["minutes"] == 60
    text = page_text(response)
    assert "The programme plans 1 session a month." in text
    assert "A number of sessions, every 4 weeks" in text
    assert "Until May 31, 2027, every 4 weeks" in text  # the programme's end date


@pytest.mark.parametrize(
    ("per_month", "words"), [(1, "every 4 weeks"), (2, "every 2 weeks"), (3, "every 10 days"), (4, "every week")]
)
def test_the_rhythm_of_a_series_follows_the_sessions_a_month(as_user, world, per_month, words):
    in_force(world.group, per_month=per_month)
    assert f"A number of sessions, {words}" in as_user(world.mentor).get(create_url(world.group)).content.decode()


# Scheduling ----------------------------------------------------------------------------------------------------


def test_the_mentor_schedules_a_session_and_everyone_gets_one_invitation(
    as_user, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.mentor).post(create_url(world.group), SESSION)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == session_url(meeting)
    assert meeting.starts_at == datetime.datetime(2035, 3, 6, 17, 0, tzinfo=UTC)  # 18:00 in Berlin, in winter
    assert (meeting.minutes, meeting.place, meeting.agenda) == (90, "Library, room 4", "Introductions\nOur contract")
    assert (meeting.kind, meeting.with_member, meeting.series, meeting.sequence) == ("group", None, None, 0)
    assert (meeting.status, meeting.created_by) == (MeetingStatus.SCHEDULED, world.mentor)
    keys = set(OutgoingEmail.objects.values_list("key", flat=True))
    assert keys == {
        f"{INVITATION_EMAIL}:{meeting.pk}:{world.mentor.pk}:0",
        f"{INVITATION_EMAIL}:{meeting.pk}:{world.mentee.pk}:0",
    }


def test_the_success_message_says_who_is_told(as_user, world, django_capture_on_commit_callbacks, worker):
    client = as_user(world.mentor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(create_url(world.group), SESSION)
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["The session is scheduled. Everyone taking part gets an invitation."]
    assert len(mail_to(world.mentee)) == 1


def test_a_video_link_alone_is_enough(as_user, world):
    data = {**SESSION, "place": "", "video_link": "meet.example.org/group-a"}
    as_user(world.mentor).post(create_url(world.group), data)
    assert Meeting.objects.get().video_link == "https://meet.example.org/group-a"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"place": "", "video_link": ""}, "place", "Give a place, a video link, or both."),
        ({"video_link": "not a link at all"}, "video_link", "Enter a valid URL."),
        ({"date": "2020-01-07"}, "date", "This time has passed. Please choose a time in the future."),
        ({"date": ""}, "date", "This field is required."),
        ({"minutes": "5"}, "minutes", "Ensure this value is greater than or equal to 15."),
        ({"kind": "check_in"}, "with_member", "Choose the member for the check-in."),
        ({"repeat": "count"}, "count", "Say how many sessions, from 2 to 24."),
        ({"repeat": "count", "count": "25"}, "count", "Ensure this value is less than or equal to 24."),
        ({"repeat": "count", "count": "1"}, "count", "Ensure this value is greater than or equal to 2."),
    ],
)
def test_bad_input_comes_back_with_a_message_at_its_field(as_user, world, changes, field, message):
    response = as_user(world.mentor).post(create_url(world.group), {**SESSION, **changes})
    assert response.status_code == 200
    assert message in errors_of(response)[field]
    assert message in page_text(response)
    assert not Meeting.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_number_of_sessions_is_ignored_when_only_one_session_is_asked_for(as_user, world):
    as_user(world.mentor).post(create_url(world.group), {**SESSION, "count": "99"})
    assert Meeting.objects.count() == 1


def test_a_time_the_clocks_skip_is_refused(as_user, world):
    # Summer time starts in Berlin on Sunday 25 March 2035: clocks go from 02:00 to 03:00.
    data = {**SESSION, "date": "2035-03-25", "start_time": "02:30"}
    response = as_user(world.mentor).post(create_url(world.group), data)
    assert errors_of(response)["start_time"] == [
        "This time does not exist on that day: the clocks change. Please choose another time."
    ]
    assert not Meeting.objects.exists()


def test_a_time_the_clocks_pass_twice_is_refused(as_user, world):
    # Summer time ends in Berlin on Sunday 28 October 2035: clocks go from 03:00 back to 02:00.
    data = {**SESSION, "date": "2035-10-28", "start_time": "02:30"}
    response = as_user(world.mentor).post(create_url(world.group), data)
    assert errors_of(response)["start_time"] == [
        "This time happens twice on that day: the clocks change. Please choose another time."
    ]


def test_a_series_that_would_meet_in_a_skipped_hour_is_refused_with_the_date(as_user, world):
    in_force(world.group, per_month=4)
    data = {**SESSION, "date": "2035-03-11", "start_time": "02:30", "repeat": "count", "count": "4"}
    response = as_user(world.mentor).post(create_url(world.group), data)
    assert errors_of(response)["repeat"] == [
        "On March 25, 2035, one of the later dates: "
        "This time does not exist on that day: the clocks change. Please choose another time."
    ]
    assert not Meeting.objects.exists()


def test_a_check_in_is_with_one_member_and_only_the_two_are_invited(as_user, world, django_capture_on_commit_callbacks):
    other_mentee = UserFactory(display_name="Mia Mentee")
    add_to_group(world.group, other_mentee, GroupRole.MENTEE)
    data = {**SESSION, "kind": "check_in", "with_member": world.mentee.pk}
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.mentor).post(create_url(world.group), data)
    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.with_member) == (MeetingKind.CHECK_IN, world.mentee)
    assert set(OutgoingEmail.objects.values_list("recipient", flat=True)) == {world.mentor.pk, world.mentee.pk}


def test_a_check_in_cannot_be_with_someone_outside_the_group(as_user, world):
    data = {**SESSION, "kind": "check_in", "with_member": world.other_group_member.pk}
    response = as_user(world.mentor).post(create_url(world.group), data)
    assert errors_of(response)["with_member"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    with pytest.raises(NotAMember):
        future_session(world, with_member=world.other_group_member)
    with pytest.raises(NotAMember):
        future_session(world, with_member=world.mentor)  # not with themself


def test_a_group_session_ignores_a_member_chosen_for_a_check_in(as_user, world):
    as_user(world.mentor).post(create_url(world.group), {**SESSION, "with_member": world.mentee.pk})
    assert Meeting.objects.get().with_member is None


# Series --------------------------------------------------------------------------------------------------------


def test_a_series_follows_the_contracts_rhythm_at_the_same_local_time_across_summer_time(
    as_user, world, django_capture_on_commit_callbacks
):
    in_force(world.group, per_month=2)
    data = {**SESSION, "date": "2035-03-13", "repeat": "count", "count": "3"}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.mentor).post(create_url(world.group), data)
    assert response["Location"] == reverse("groups:sessions", kwargs={"pk": world.group.pk})
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert [m.starts_at.astimezone(BERLIN) for m in meetings] == [
        berlin(2035, 3, 13, 18),
        berlin(2035, 3, 27, 18),  # summer time: 16:00 UTC instead of 17:00
        berlin(2035, 4, 10, 18),
    ]
    assert [m.starts_at.hour for m in meetings] == [17, 16, 16]
    assert len({m.series for m in meetings}) == 1 and meetings[0].series is not None
    assert len({m.uid for m in meetings}) == 3
    # One invitation per person for the whole series.
    assert sorted(OutgoingEmail.objects.values_list("key", flat=True)) == sorted(
        f"{INVITATION_EMAIL}:{meetings[0].pk}:{person.pk}:0" for person in (world.mentor, world.mentee)
    )


def test_the_success_message_counts_the_sessions_of_a_series(as_user, world):
    response = as_user(world.mentor).post(
        create_url(world.group), {**SESSION, "repeat": "count", "count": "4"}, follow=True
    )
    assert (
        "4 sessions are scheduled. Everyone taking part gets one invitation with all the dates."
        in response.content.decode()
    )


def test_a_series_until_the_end_date_stops_at_the_contracts_last_day(as_user, world):
    in_force(world.group, per_month=1, ends_on=datetime.date(2035, 5, 29))
    as_user(world.mentor).post(create_url(world.group), {**SESSION, "date": "2035-03-06", "repeat": "until_end"})
    assert [m.starts_at.astimezone(BERLIN).date() for m in Meeting.objects.order_by("starts_at")] == [
        datetime.date(2035, 3, 6),
        datetime.date(2035, 4, 3),
        datetime.date(2035, 5, 1),
        datetime.date(2035, 5, 29),  # the last day itself
    ]


def test_a_series_until_an_end_date_already_past_is_refused(as_user, world):
    in_force(world.group, ends_on=datetime.date(2035, 2, 1))
    response = as_user(world.mentor).post(create_url(world.group), {**SESSION, "repeat": "until_end"})
    assert errors_of(response)["repeat"] == [
        "The end date, Feb. 1, 2035, is before this session. Choose “Only this session”."
    ]


def test_a_weekly_series_until_a_far_end_date_is_capped(as_user, world):
    in_force(world.group, per_month=4, ends_on=datetime.date(2037, 12, 31))
    response = as_user(world.mentor).post(create_url(world.group), {**SESSION, "repeat": "until_end"})
    assert errors_of(response)["repeat"] == [
        "That would be more than 60 sessions. Choose a number of sessions instead."
    ]


def test_a_series_is_scheduled_whole_or_not_at_all(world):
    broken = mock.patch("groups.services.scheduling.queue_email", side_effect=RuntimeError("mail queue broken"))
    with broken, pytest.raises(RuntimeError):
        schedule_sessions(
            group=world.group,
            by=world.mentor,
            starts=[berlin(2035, 3, 6, 18), berlin(2035, 3, 20, 18)],
            minutes=90,
            place="Library",
        )
    assert not Meeting.objects.exists()


def test_a_start_in_the_past_is_refused_by_the_service(world):
    with pytest.raises(InThePast):
        future_session(world, starts_at=timezone.now() - datetime.timedelta(minutes=1))


# Who schedules -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("persona", "status"), [("mentee", 403), ("coordinator", 403), ("outsider", 404)])
def test_only_the_groups_leaders_schedule(as_user, world, persona, status):
    client = as_user(getattr(world, persona))
    assert client.get(create_url(world.group)).status_code == status
    assert client.post(create_url(world.group), SESSION).status_code == status
    assert not Meeting.objects.exists()


def test_in_a_peer_group_any_member_schedules(as_user, world):
    peers = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    add_to_group(peers, world.mentee, GroupRole.MENTEE)
    add_to_group(peers, UserFactory(), GroupRole.MENTEE)
    response = as_user(world.mentee).post(create_url(peers), SESSION)
    assert response.status_code == 302
    assert peers.meetings.count() == 1


def test_in_a_mentor_circle_the_supervisor_schedules_and_the_mentors_do_not(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE)
    supervisor = UserFactory()
    add_to_group(circle, supervisor, GroupRole.SUPERVISOR)
    add_to_group(circle, world.mentor, GroupRole.MENTOR)
    assert as_user(world.mentor).get(create_url(circle)).status_code == 403
    assert as_user(supervisor).post(create_url(circle), SESSION).status_code == 302
    assert circle.meetings.count() == 1


def test_nothing_is_scheduled_in_a_closed_programme(as_user, world):
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentor)
    for response in (client.get(create_url(world.group)), client.post(create_url(world.group), SESSION)):
        assert response.status_code == 302
        assert response["Location"] == reverse("groups:sessions", kwargs={"pk": world.group.pk})
    assert not Meeting.objects.exists()
    world.programme.refresh_from_db()
    with pytest.raises(ProgrammeClosed):
        future_session(world)


def test_the_form_refuses_other_methods(as_user, world):
    assert as_user(world.mentor).put(create_url(world.group)).status_code == 405


# Changing a session --------------------------------------------------------------------------------------------


def test_the_form_to_change_a_session_shows_its_time_in_the_programmes_zone(as_user, world):
    meeting = future_session(world, agenda="Goals")
    world.mentor.time_zone = "Asia/Tokyo"
    world.mentor.save()
    response = as_user(world.mentor).get(edit_url(meeting))
    form = response.context["form"]
    assert (form.initial["date"], form.initial["start_time"]) == (datetime.date(2035, 3, 6), datetime.time(18, 0))
    assert (form.initial["minutes"], form.initial["place"], form.initial["agenda"]) == (90, "Library", "Goals")
    assert "kind" not in form.fields and "repeat" not in form.fields


def test_rescheduling_keeps_the_session_and_raises_its_sequence(as_user, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = future_session(world)
    uid, before = meeting.uid, meeting.updated_at
    data = {**SESSION, "date": "2035-03-07", "start_time": "19:30", "minutes": "60", "place": "Café Central"}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.mentor).post(edit_url(meeting), data)
    assert response["Location"] == session_url(meeting)
    meeting.refresh_from_db()
    assert meeting.starts_at == datetime.datetime(2035, 3, 7, 18, 30, tzinfo=UTC)
    assert (meeting.minutes, meeting.place, meeting.uid, meeting.sequence) == (60, "Café Central", uid, 1)
    assert meeting.updated_at > before
    assert set(OutgoingEmail.objects.filter(kind=CHANGED_EMAIL).values_list("key", flat=True)) == {
        f"{CHANGED_EMAIL}:{meeting.pk}:{world.mentor.pk}:1",
        f"{CHANGED_EMAIL}:{meeting.pk}:{world.mentee.pk}:1",
    }


def test_each_change_is_told_once_with_its_own_sequence(world, django_capture_on_commit_callbacks):
    meeting = future_session(world)
    reschedule(meeting=meeting, by=world.mentor, place="Room 1")
    reschedule(meeting=meeting, by=world.mentor, place="Room 2")
    keys = OutgoingEmail.objects.filter(kind=CHANGED_EMAIL, recipient=world.mentee).values_list("key", flat=True)
    assert sorted(k.rsplit(":", 1)[1] for k in keys) == ["1", "2"]


def test_saving_the_same_details_changes_nothing_and_tells_nobody(as_user, world):
    meeting = future_session(world, agenda="Introductions\nOur contract")
    data = {**SESSION, "place": "Library"}
    response = as_user(world.mentor).post(edit_url(meeting), data, follow=True)
    assert "Nothing was changed." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    assert not OutgoingEmail.objects.filter(kind=CHANGED_EMAIL).exists()


def test_bad_input_when_changing_comes_back_with_its_message(as_user, world):
    meeting = future_session(world)
    response = as_user(world.mentor).post(edit_url(meeting), {**SESSION, "date": "2035-03-25", "start_time": "02:15"})
    assert "This time does not exist on that day" in errors_of(response)["start_time"][0]
    meeting.refresh_from_db()
    assert meeting.sequence == 0


@pytest.mark.parametrize("state", ["cancelled", "logged", "started"])
def test_a_cancelled_logged_or_started_session_cannot_be_changed(as_user, world, state):
    meeting = future_session(world)
    now = timezone.now()
    if state == "cancelled":
        cancel_session(meeting=meeting, by=world.mentor)
        message = "This session is cancelled. It can no longer be changed."
    elif state == "logged":
        Meeting.objects.filter(pk=meeting.pk).update(held=True, logged_at=now, logged_by=world.mentor)
        message = "This session has been logged. It can no longer be changed."
    else:
        Meeting.objects.filter(pk=meeting.pk).update(starts_at=now - datetime.timedelta(minutes=5))
        message = "This session has started or is over. It can no longer be changed."
    meeting.refresh_from_db()
    sequence = meeting.sequence
    client = as_user(world.mentor)
    for response in (client.get(edit_url(meeting)), client.post(edit_url(meeting), SESSION)):
        assert response.status_code == 302
        assert response["Location"] == session_url(meeting)
        assert [str(m) for m in response.wsgi_request._messages][-1] == message
    response = client.post(cancel_url(meeting))
    assert [str(m) for m in response.wsgi_request._messages][-1] == message
    meeting.refresh_from_db()
    assert meeting.sequence == sequence
    with pytest.raises(NotChangeable):
        reschedule(meeting=meeting, by=world.mentor, place="Elsewhere")


def test_the_mentee_cannot_change_or_cancel_a_session(as_user, world):
    meeting = future_session(world)
    client = as_user(world.mentee)
    assert client.get(edit_url(meeting)).status_code == 403
    assert client.post(cancel_url(meeting)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_another_groups_session_is_not_found(as_user, world):
    other = schedule_sessions(
        group=world.other_group, by=world.other_group_member, starts=[berlin(2035, 3, 6, 18)], minutes=90, place="X"
    )[0]
    url = reverse("groups:session_edit", kwargs={"pk": world.group.pk, "session_pk": other.pk})
    assert as_user(world.mentor).get(url).status_code == 404


# Cancelling ----------------------------------------------------------------------------------------------------


def test_cancelling_keeps_the_session_marked_cancelled_and_tells_everyone(
    as_user, world, django_capture_on_commit_callbacks
):
    meeting = future_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.mentor).post(cancel_url(meeting))
    assert response["Location"] == session_url(meeting)
    assert [str(m) for m in response.wsgi_request._messages] == [
        "The session is cancelled. Everyone taking part gets an email."
    ]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.CANCELLED, 1)
    assert meeting.cancelled_at is not None
    assert set(OutgoingEmail.objects.filter(kind=CANCELLED_EMAIL).values_list("key", flat=True)) == {
        f"{CANCELLED_EMAIL}:{meeting.pk}:{world.mentor.pk}:1",
        f"{CANCELLED_EMAIL}:{meeting.pk}:{world.mentee.pk}:1",
    }


def test_cancelling_takes_a_post(as_user, world):
    meeting = future_session(world)
    assert as_user(world.mentor).get(cancel_url(meeting)).status_code == 405


def test_a_session_cannot_be_cancelled_twice(world):
    meeting = future_session(world)
    cancel_session(meeting=meeting, by=world.mentor)
    with pytest.raises(NotChangeable):
        cancel_session(meeting=meeting, by=world.mentor)


# Only the latest news ------------------------------------------------------------------------------------------


def test_people_get_one_invitation_each_when_sent(world, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        future_session(world)
    assert len(mail_to(world.mentee)) == 1
    assert len(mail_to(world.mentor)) == 1
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_a_change_before_the_invitation_went_out_sends_only_the_new_details_as_the_invitation(world, worker):
    meeting = future_session(world)  # queued, not sent: the transaction has not committed
    reschedule(meeting=meeting, by=world.mentor, place="Café Central")
    for email in OutgoingEmail.objects.order_by("pk"):
        deliver(email.pk)
    invitation = OutgoingEmail.objects.get(kind=INVITATION_EMAIL, recipient=world.mentee)
    assert invitation.status == EmailStatus.CANCELLED  # out of date
    [message] = mail_to(world.mentee)
    assert message.subject == 'Invitation: session of "Group A" on March 6, 2035'
    assert "Place: Café Central" in message.body


def test_a_change_after_the_invitation_is_worded_as_a_change(world, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = future_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        reschedule(meeting=meeting, by=world.mentor, place="Café Central")
    first, second = mail_to(world.mentee)
    assert first.subject == 'Invitation: session of "Group A" on March 6, 2035'
    assert second.subject == 'Changed: session of "Group A" on March 6, 2035'
    assert "A session of your group has changed. Here are the new details." in second.body


def test_a_session_cancelled_before_anyone_was_told_sends_nothing(world, worker):
    meeting = future_session(world)
    cancel_session(meeting=meeting, by=world.mentor)
    for email in OutgoingEmail.objects.order_by("pk"):
        deliver(email.pk)
    assert mail.outbox == []
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.CANCELLED}


def test_a_cancellation_reaches_those_who_had_the_invitation(world, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = future_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        cancel_session(meeting=meeting, by=world.mentor)
    _invitation, cancellation = mail_to(world.mentee)
    assert cancellation.subject == 'Cancelled: session of "Group A" on March 6, 2035'
    assert "This session of your group is cancelled. It will not take place." in cancellation.body


def test_a_series_invitation_leaves_out_a_date_changed_before_it_went_out(world, worker):
    _first, second, _third = schedule_sessions(
        group=world.group,
        by=world.mentor,
        starts=[berlin(2035, 3, 6, 18), berlin(2035, 3, 20, 18), berlin(2035, 4, 3, 18)],
        minutes=90,
        place="Library",
    )
    reschedule(meeting=second, by=world.mentor, place="Café Central")
    for email in OutgoingEmail.objects.order_by("pk"):
        deliver(email.pk)
    series_email, change = mail_to(world.mentee)
    assert series_email.subject == 'Invitation: 2 sessions of "Group A" from March 6, 2035'
    assert "March 20, 2035" not in series_email.body
    assert "April 3, 2035" in series_email.body
    assert change.subject == 'Invitation: session of "Group A" on March 20, 2035'  # they had not heard of it


def test_someone_who_left_the_group_is_not_sent_the_invitation(world, worker):
    meeting = future_session(world)
    world.group.memberships.filter(user=world.mentee).update(left_at=timezone.now())
    deliver(OutgoingEmail.objects.get(recipient=world.mentee, object_id=meeting.pk).pk)
    assert mail_to(world.mentee) == []


def test_a_member_who_joins_later_hears_about_changes(world, worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = future_session(world)
    newcomer = UserFactory(display_name="Nina Newcomer")
    add_to_group(world.group, newcomer, GroupRole.MENTEE)
    with django_capture_on_commit_callbacks(execute=True):
        reschedule(meeting=meeting, by=world.mentor, place="Café Central")
    [message] = mail_to(newcomer)
    assert message.subject.startswith("Invitation:")


def test_a_date_of_a_series_changed_after_its_invitation_is_worded_as_a_change(
    world, worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _first, second = schedule_sessions(
            group=world.group,
            by=world.mentor,
            starts=[berlin(2035, 3, 6, 18), berlin(2035, 3, 20, 18)],
            minutes=90,
            place="Library",
        )
    with django_capture_on_commit_callbacks(execute=True):
        reschedule(meeting=second, by=world.mentor, place="Café Central")
    series_email, change = mail_to(world.mentee)
    assert series_email.subject == 'Invitation: 2 sessions of "Group A" from March 6, 2035'
    assert change.subject == 'Changed: session of "Group A" on March 20, 2035'


# The controls on the sessions pages ----------------------------------------------------------------------------


def controls(world, meeting, role, **context) -> str:
    access = GroupAccess(group=world.group, group_role=role, is_coordinator=role is None)
    return render_to_string(
        "groups/sessions/_schedule_actions.html",
        {"access": access, "group": world.group, "meeting": meeting, **context},
    )


def test_the_leader_sees_reschedule_and_cancel_for_a_session_still_to_come(world):
    meeting = future_session(world)
    text = controls(world, meeting, GroupRole.MENTOR)
    assert f'href="{edit_url(meeting)}"' in text
    assert f'action="{cancel_url(meeting)}"' in text
    assert "Yes, cancel the session" in text
    assert reverse("groups:session_ics", kwargs={"pk": world.group.pk, "session_pk": meeting.pk}) in text


@pytest.mark.parametrize("role", [GroupRole.MENTEE, None])
def test_members_and_coordinators_see_only_the_calendar_file(world, role):
    meeting = future_session(world)
    text = controls(world, meeting, role)
    assert "Add to my calendar" in text
    assert edit_url(meeting) not in text and cancel_url(meeting) not in text


def test_a_started_or_cancelled_session_has_no_controls_to_change_it(world):
    meeting = future_session(world)
    assert edit_url(meeting) not in controls(world, meeting, GroupRole.MENTOR, started=True)
    cancel_session(meeting=meeting, by=world.mentor)
    meeting.refresh_from_db()
    assert edit_url(meeting) not in controls(world, meeting, GroupRole.MENTOR)


def test_the_schedule_link_is_for_the_groups_leaders(world):
    def link(role):
        access = GroupAccess(group=world.group, group_role=role, is_coordinator=role is None)
        return render_to_string("groups/sessions/_schedule_link.html", {"access": access, "group": world.group})

    assert create_url(world.group) in link(GroupRole.MENTOR)
    assert create_url(world.group) not in link(GroupRole.MENTEE)
    assert reverse("accounts:calendar") in link(GroupRole.MENTEE)
    assert link(None).strip() == ""  # a coordinator who is not a member: nothing to schedule, no calendar of theirs
