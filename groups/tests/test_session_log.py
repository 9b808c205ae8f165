"""Logging a session: the group's leader records whether it was held, everyone's attendance, a summary, topics,
action items and a briefing; the members who missed it get the briefing by email, once. Saving is all or
nothing, and a log can be changed later."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import ActionItem, Attendance, GroupKind, GroupMembership, GroupRole, Meeting, MeetingStatus
from groups.services.session_log import (
    BRIEFING_EMAIL,
    ItemChange,
    NotAllowed,
    NotStarted,
    SessionCancelled,
    briefing_key,
    log_session,
)
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group, mark_attendance
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import deliver
from programmes.models import Programme, ProgrammeStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    """Stands in for the Celery worker: a delivery queued on commit is delivered at once, through the outbox."""
    with mock.patch("outbox.tasks.deliver_email.delay", side_effect=deliver) as delay:
        yield delay


@pytest.fixture
def nora(world):
    """A second mentee in the world's group."""
    person = UserFactory(display_name="Nora Neighbour", email="nora@example.org")
    add_to_group(world.group, person, GroupRole.MENTEE)
    return person


def past_session(world, *, days_ago=2, **fields) -> Meeting:
    return Meeting.objects.create(
        group=world.group,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        created_by=world.mentor,
        **fields,
    )


def log_url(meeting) -> str:
    return reverse("groups:session_log", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def session_url(meeting) -> str:
    return reverse("groups:session", kwargs={"pk": meeting.group_id, "session_pk": meeting.pk})


def log_form(*, held="yes", marks=None, items=(), existing=0, **fields) -> dict:
    """The log form as a browser posts it: ``marks`` maps people to attendance, ``items`` are the rows of
    action items (the first ``existing`` of them are the ones already saved)."""
    data = {
        "held": held,
        "summary": "",
        "topics": "",
        "briefing": "",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(existing),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
        **fields,
    }
    for person, mark in (marks or {}).items():
        data[f"attendance_{person.pk}"] = mark
    for index, row in enumerate(items):
        for name, value in row.items():
            data[f"items-{index}-{name}"] = value
    return data


def marks_of(meeting) -> dict[str, str]:
    return {mark.user.display_name: mark.status for mark in meeting.attendance.select_related("user")}


def mentor_access(world) -> GroupAccess:
    return GroupAccess(group=world.group, group_role=GroupRole.MENTOR, is_coordinator=False)


# Writing the log


def test_the_form_lists_every_member_as_present_by_default(as_user, world, nora):
    meeting = past_session(world)
    page = as_user(world.mentor).get(log_url(meeting))
    assert page.status_code == 200
    form = page.context["form"]
    assert [person.display_name for person, _ in form.rows()] == ["Mina Mentor", "Max Mentee", "Nora Neighbour"]
    assert all(field.value() == "present" for _, field in form.rows())
    assert "Did the session take place?" in page.text
    assert "Present" in page.text and "Absent with notice" in page.text


def test_the_mentor_logs_a_held_session_with_attendance_for_every_member(
    as_user, world, nora, django_capture_on_commit_callbacks
):
    meeting = past_session(world)
    data = log_form(
        marks={world.mentor: "present", world.mentee: "present", nora: "excused"},
        summary="We talked about job interviews.\r\nEveryone practised one question.",
        topics="  interviews,   CV ",
        items=[{"text": "Send my CV to two employers", "owner": world.mentee.pk, "due_on": "2099-01-10"}],
    )
    with django_capture_on_commit_callbacks(execute=False):
        response = as_user(world.mentor).post(log_url(meeting), data, follow=True)
    assert response.redirect_chain == [(session_url(meeting), 302)]
    assert "The session is logged." in response.text
    meeting.refresh_from_db()
    assert meeting.held is True
    assert meeting.summary == "We talked about job interviews.\nEveryone practised one question."
    assert meeting.topics == "interviews, CV"
    assert meeting.logged_by == world.mentor
    assert meeting.logged_at is not None
    assert marks_of(meeting) == {"Mina Mentor": "present", "Max Mentee": "present", "Nora Neighbour": "excused"}
    [item] = meeting.action_items.all()
    assert (item.text, item.owner, item.due_on) == (
        "Send my CV to two employers",
        world.mentee,
        datetime.date(2099, 1, 10),
    )


def test_changing_the_log_replaces_the_marks_and_updates_the_action_items(as_user, world, nora):
    meeting = past_session(world)
    client = as_user(world.mentor)
    client.post(
        log_url(meeting),
        log_form(
            marks={world.mentor: "present", world.mentee: "absent", nora: "present"},
            summary="First version",
            items=[{"text": "Read chapter 1", "owner": nora.pk}, {"text": "Book a room"}],
        ),
    )
    read, book = meeting.action_items.order_by("pk")
    page = client.get(log_url(meeting))
    assert page.context["form"]["summary"].value() == "First version"
    assert page.context["form"][f"attendance_{world.mentee.pk}"].value() == "absent"
    assert [form.existing for form in page.context["formset"]][:2] == [read, book]
    assert len(page.context["formset"].forms) == 2 + 3  # three empty rows for new items

    response = client.post(
        log_url(meeting),
        log_form(
            marks={world.mentor: "present", world.mentee: "excused", nora: "present"},
            summary="Second version",
            existing=2,
            items=[
                {"item": read.pk, "text": "Read chapters 1 and 2", "owner": nora.pk, "due_on": "2099-02-01"},
                {"item": book.pk, "text": "Book a room", "delete": "on"},
                {"text": "Bring a friend", "owner": world.mentee.pk},
            ],
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.summary == "Second version"
    assert marks_of(meeting)["Max Mentee"] == "excused"
    assert Attendance.objects.filter(meeting=meeting).count() == 3  # replaced, not added
    assert (meeting.marks_count, meeting.present_count) == (3, 2)  # the counts dashboards sum, kept with the marks
    read.refresh_from_db()
    assert (read.text, read.due_on) == ("Read chapters 1 and 2", datetime.date(2099, 2, 1))
    assert not ActionItem.objects.filter(pk=book.pk).exists()
    assert sorted(meeting.action_items.values_list("text", flat=True)) == ["Bring a friend", "Read chapters 1 and 2"]


def test_a_done_action_item_cannot_be_removed(as_user, world):
    meeting = past_session(world, held=True, logged_at=timezone.now(), logged_by=world.mentor)
    done = ActionItem.objects.create(meeting=meeting, text="Done already", done_at=timezone.now())
    data = log_form(
        marks={world.mentor: "present", world.mentee: "present"},
        existing=1,
        items=[{"item": done.pk, "text": "Done already", "delete": "on"}],
    )
    page = as_user(world.mentor).post(log_url(meeting), data)
    assert page.status_code == 200
    assert "This item is done, so it stays in the log." in page.text
    assert ActionItem.objects.filter(pk=done.pk).exists()


def test_a_member_who_left_keeps_their_mark_when_the_log_is_changed(as_user, world, nora):
    meeting = past_session(world)
    client = as_user(world.mentor)
    client.post(log_url(meeting), log_form(marks={world.mentor: "present", world.mentee: "present", nora: "absent"}))
    GroupMembership.objects.filter(group=world.group, user=nora).update(left_at=timezone.now())
    client.post(log_url(meeting), log_form(marks={world.mentor: "present", world.mentee: "excused"}))
    assert marks_of(meeting) == {"Mina Mentor": "present", "Max Mentee": "excused", "Nora Neighbour": "absent"}


def test_a_session_that_did_not_take_place_keeps_only_why(as_user, world):
    meeting = past_session(world)
    client = as_user(world.mentor)
    client.post(log_url(meeting), log_form(marks={world.mentor: "present", world.mentee: "absent"}, topics="CV"))
    response = client.post(
        log_url(meeting), log_form(held="no", summary="The mentor was ill.", topics="CV", briefing="x"), follow=True
    )
    assert "The session is logged as not held." in response.text
    meeting.refresh_from_db()
    assert (meeting.held, meeting.summary, meeting.topics, meeting.briefing) == (False, "The mentor was ill.", "", "")
    assert not meeting.attendance.exists()
    assert (meeting.marks_count, meeting.present_count) == (0, 0)
    assert "Why it did not take place" in response.text


def test_marks_changed_in_the_admin_are_counted_on_their_session(client, world):
    """The session keeps the counts the dashboards sum, however its marks are changed."""
    meeting = past_session(world, held=True, logged_at=timezone.now(), logged_by=world.mentor)
    mark_attendance(meeting, [(world.mentor, "present"), (world.mentee, "absent")])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    mark = meeting.attendance.get(user=world.mentee)
    change = reverse("admin:groups_attendance_change", args=[mark.pk])
    data = {"meeting": meeting.pk, "user": world.mentee.pk, "status": "present"}
    assert client.post(change, data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.marks_count, meeting.present_count) == (2, 2)
    client.post(reverse("admin:groups_attendance_delete", args=[mark.pk]), {"post": "yes"})
    meeting.refresh_from_db()
    assert (meeting.marks_count, meeting.present_count) == (1, 1)


def test_saving_is_all_or_nothing(world, nora):
    """A failure after the attendance and the action items were written leaves neither behind."""
    meeting = past_session(world)
    with (
        mock.patch("groups.services.session_log._queue_briefings", side_effect=RuntimeError("mail is down")),
        pytest.raises(RuntimeError),
    ):
        log_session(
            access=mentor_access(world),
            meeting=meeting,
            user=world.mentor,
            held=True,
            summary="Lost",
            briefing="For Nora",
            attendance={world.mentor.pk: "present", world.mentee.pk: "present", nora.pk: "absent"},
            items=[ItemChange(pk=None, text="Never saved", owner_id=world.mentee.pk)],
        )
    meeting.refresh_from_db()
    assert (meeting.held, meeting.summary, meeting.logged_at) == (None, "", None)
    assert not Attendance.objects.exists()
    assert not ActionItem.objects.exists()


def test_a_wrong_action_item_owner_undoes_the_attendance_already_written(world):
    meeting = past_session(world)
    with pytest.raises(ValueError):
        log_session(
            access=mentor_access(world),
            meeting=meeting,
            user=world.mentor,
            held=True,
            attendance={world.mentor.pk: "present", world.mentee.pk: "present"},
            items=[ItemChange(pk=None, text="Someone else's job", owner_id=world.other_group_member.pk)],
        )
    assert not Attendance.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).logged_at is None


def test_the_service_refuses_a_mentee(world):
    mentee = GroupAccess(group=world.group, group_role=GroupRole.MENTEE, is_coordinator=False)
    with pytest.raises(NotAllowed):
        log_session(access=mentee, meeting=past_session(world), user=world.mentee, held=False)


# When a session cannot be logged


def test_a_session_that_has_not_started_cannot_be_logged(as_user, world):
    meeting = past_session(world, days_ago=-1)
    response = as_user(world.mentor).get(log_url(meeting), follow=True)
    assert response.redirect_chain == [(session_url(meeting), 302)]
    assert "This session has not started yet." in response.text
    with pytest.raises(NotStarted):
        log_session(access=mentor_access(world), meeting=meeting, user=world.mentor, held=False)


def test_a_cancelled_session_cannot_be_logged(as_user, world):
    meeting = past_session(world, status=MeetingStatus.CANCELLED, cancelled_at=timezone.now())
    response = as_user(world.mentor).post(log_url(meeting), log_form(held="no"), follow=True)
    assert "This session was cancelled" in response.text
    assert Meeting.objects.get(pk=meeting.pk).logged_at is None
    with pytest.raises(SessionCancelled):
        log_session(access=mentor_access(world), meeting=meeting, user=world.mentor, held=False)


def test_a_closed_programme_is_read_only(as_user, world):
    meeting = past_session(world)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.mentor)
    response = client.post(log_url(meeting), log_form(held="no", summary="Too late"), follow=True)
    assert "This programme is closed. Its sessions can no longer be changed." in response.text
    assert Meeting.objects.get(pk=meeting.pk).logged_at is None
    assert client.get(log_url(meeting)).status_code == 302
    assert "Log this session" not in client.get(session_url(meeting)).text


# Who may log


@pytest.mark.parametrize(
    ("who", "status"),
    [("mentee", 403), ("coordinator", 403), ("other_group_member", 404), ("outsider", 404), ("other_coordinator", 404)],
)
def test_only_the_groups_leaders_log(as_user, world, who, status):
    meeting = past_session(world)
    client = as_user(getattr(world, who))
    assert client.get(log_url(meeting)).status_code == status
    assert client.post(log_url(meeting), log_form(held="no")).status_code == status
    assert Meeting.objects.get(pk=meeting.pk).logged_at is None


def test_signing_in_comes_first(client, world):
    response = client.get(log_url(past_session(world)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_in_a_peer_group_every_member_logs(as_user, world):
    peer = MentoringGroupFactory(programme=world.programme, kind=GroupKind.PEER)
    ann, ben = UserFactory(), UserFactory()
    add_to_group(peer, ann, GroupRole.MENTEE)
    add_to_group(peer, ben, GroupRole.MENTEE)
    meeting = Meeting.objects.create(group=peer, starts_at=timezone.now() - datetime.timedelta(hours=3), created_by=ann)
    response = as_user(ben).post(log_url(meeting), log_form(marks={ann: "present", ben: "present"}))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).logged_by == ben


def test_in_a_mentor_circle_the_supervisor_logs_and_the_mentors_do_not(as_user, world):
    circle = MentoringGroupFactory(programme=world.programme, kind=GroupKind.MENTOR_CIRCLE)
    supervisor, mentor = UserFactory(), UserFactory()
    add_to_group(circle, supervisor, GroupRole.SUPERVISOR)
    add_to_group(circle, mentor, GroupRole.MENTOR)
    meeting = Meeting.objects.create(
        group=circle, starts_at=timezone.now() - datetime.timedelta(days=1), created_by=supervisor
    )
    assert as_user(mentor).get(log_url(meeting)).status_code == 403
    assert as_user(supervisor).get(log_url(meeting)).status_code == 200


def test_a_check_in_records_the_attendance_of_the_member_it_is_with_only(as_user, world, nora):
    meeting = past_session(world, kind="check_in", with_member=nora)
    form = as_user(world.mentor).get(log_url(meeting)).context["form"]
    assert [person for person, _ in form.rows()] == [nora]
    assert as_user(world.mentee).get(log_url(meeting)).status_code == 404  # not even its existence


# Bad input


def test_the_leader_must_say_whether_the_session_took_place(as_user, world):
    page = as_user(world.mentor).post(log_url(past_session(world)), log_form(held=""))
    assert page.status_code == 200
    assert "Please say whether the session took place." in page.text
    assert "Please check the fields marked below." in page.text


def test_every_member_needs_a_mark_when_the_session_took_place(as_user, world):
    page = as_user(world.mentor).post(log_url(past_session(world)), log_form(marks={world.mentor: "present"}))
    assert page.status_code == 200
    assert "Please choose whether this person was there." in page.text
    assert not Attendance.objects.exists()


def test_an_unknown_mark_is_refused(as_user, world):
    data = log_form(marks={world.mentor: "present", world.mentee: "asleep"})
    page = as_user(world.mentor).post(log_url(past_session(world)), data)
    assert page.status_code == 200
    assert "Select a valid choice." in page.text


def test_an_action_item_needs_its_words_and_a_date_after_the_session(as_user, world):
    meeting = past_session(world, days_ago=3)
    data = log_form(
        marks={world.mentor: "present", world.mentee: "present"},
        items=[
            {"text": "", "owner": world.mentee.pk},
            {"text": "Too early", "due_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat()},
            {"text": "Someone else", "owner": world.other_group_member.pk},
        ],
    )
    page = as_user(world.mentor).post(log_url(meeting), data)
    assert page.status_code == 200
    assert "Please write what is to be done, or leave the whole row empty." in page.text
    assert "The date cannot be before the session." in page.text
    assert "Select a valid choice." in page.text  # the owner must be in the group
    assert Meeting.objects.get(pk=meeting.pk).logged_at is None


def test_an_action_item_of_another_session_cannot_be_changed_through_this_log(as_user, world):
    other = past_session(world, days_ago=10)
    theirs = ActionItem.objects.create(meeting=other, text="Theirs")
    data = log_form(
        marks={world.mentor: "present", world.mentee: "present"},
        existing=0,
        items=[{"item": theirs.pk, "text": "Hijacked"}],
    )
    page = as_user(world.mentor).post(log_url(past_session(world)), data)
    assert page.status_code == 200
    theirs.refresh_from_db()
    assert theirs.text == "Theirs"


def test_empty_rows_of_action_items_are_left_out(as_user, world):
    meeting = past_session(world)
    data = log_form(marks={world.mentor: "present", world.mentee: "present"}, items=[{"text": ""}, {"text": " "}])
    assert as_user(world.mentor).post(log_url(meeting), data).status_code == 302
    assert not meeting.action_items.exists()


def test_the_log_page_refuses_other_methods(as_user, world):
    response = as_user(world.mentor).put(log_url(past_session(world)))
    assert response.status_code == 405


# The briefing for those who missed it


def test_the_briefing_goes_only_to_those_who_missed_the_session(
    as_user, world, nora, worker, django_capture_on_commit_callbacks
):
    absent = UserFactory(display_name="Abel Absent", email="abel@example.org", time_zone="America/New_York")
    add_to_group(world.group, absent, GroupRole.MENTEE)
    meeting = past_session(world)
    data = log_form(
        marks={world.mentor: "present", world.mentee: "present", nora: "excused", absent: "absent"},
        summary="The whole story, for the group.",
        briefing="We agreed to meet in the library next time.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.mentor).post(log_url(meeting), data, follow=True)
    assert "2 members who missed it will get your briefing by email." in response.text
    assert sorted(OutgoingEmail.objects.values_list("key", flat=True)) == sorted(
        [briefing_key(meeting, nora), briefing_key(meeting, absent)]
    )
    assert sorted(message.to[0] for message in mail.outbox) == ["abel@example.org", "nora@example.org"]
    [message] = [message for message in mail.outbox if message.to == ["abel@example.org"]]
    assert message.subject.startswith('What you missed in "Group A" on ')
    assert "Hello Abel," in message.body
    assert "We agreed to meet in the library next time." in message.body
    assert "When, in your time zone (America/New_York):" in message.body
    assert "When, in the programme's time zone (Europe/Berlin):" in message.body
    assert "Mina Mentor wrote:" in message.body
    assert session_url(meeting) in message.body
    assert "The whole story" not in message.body  # the briefing, not the summary
    html = message.alternatives[0][0]
    assert "We agreed to meet in the library next time." in html


def test_saving_the_log_again_sends_nobody_a_second_briefing(
    as_user, world, nora, worker, django_capture_on_commit_callbacks
):
    meeting = past_session(world)
    client = as_user(world.mentor)
    data = log_form(marks={world.mentor: "present", world.mentee: "present", nora: "absent"}, briefing="Read p. 4")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(log_url(meeting), {**data, "briefing": "Read p. 4 and 5"})
    assert [message.to for message in mail.outbox] == [["nora@example.org"]]
    assert OutgoingEmail.objects.count() == 1
    # Someone marked absent only on a later save gets theirs then.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(log_url(meeting), {**data, f"attendance_{world.mentee.pk}": "excused"}, follow=True)
    assert "1 member who missed it will get your briefing by email." in response.text
    assert [message.to for message in mail.outbox] == [["nora@example.org"], ["mentee@example.org"]]


def test_no_briefing_is_sent_without_one(as_user, world, nora, worker, django_capture_on_commit_callbacks):
    meeting = past_session(world)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(world.mentor).post(
            log_url(meeting), log_form(marks={world.mentor: "present", world.mentee: "present", nora: "absent"})
        )
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_the_briefing_is_not_sent_to_someone_marked_present_before_it_went_out(as_user, world, nora):
    meeting = past_session(world)
    client = as_user(world.mentor)
    marks = {world.mentor: "present", world.mentee: "present", nora: "absent"}
    client.post(log_url(meeting), log_form(marks=marks, briefing="Read p. 4"))
    client.post(log_url(meeting), log_form(marks={**marks, nora: "present"}, briefing="Read p. 4"))
    [email] = OutgoingEmail.objects.filter(kind=BRIEFING_EMAIL)
    assert deliver(email.pk) == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_the_briefing_is_not_sent_once_the_session_is_logged_as_not_held(as_user, world, nora):
    meeting = past_session(world)
    client = as_user(world.mentor)
    client.post(
        log_url(meeting),
        log_form(marks={world.mentor: "present", world.mentee: "present", nora: "absent"}, briefing="Read p. 4"),
    )
    client.post(log_url(meeting), log_form(held="no", summary="Wrong date, sorry"))
    assert deliver(OutgoingEmail.objects.get().pk) == EmailStatus.CANCELLED


def test_the_briefing_is_not_sent_to_someone_who_left_the_group(as_user, world, nora):
    meeting = past_session(world)
    as_user(world.mentor).post(
        log_url(meeting),
        log_form(marks={world.mentor: "present", world.mentee: "present", nora: "absent"}, briefing="Read p. 4"),
    )
    GroupMembership.objects.filter(group=world.group, user=nora).update(left_at=timezone.now())
    assert deliver(OutgoingEmail.objects.get().pk) == EmailStatus.CANCELLED
