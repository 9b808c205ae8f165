"""After an event, the coordinator records who came: present, absent with notice, or absent."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.tests.factories import ProgrammeEventFactory, UserFactory, add_to_group
from mentoring.tests.querycount import count_queries
from programmes.models import AttendanceStatus, EventAttendance, Programme, ProgrammeStatus
from programmes.services.events import EventCancelled, record_attendance

pytestmark = pytest.mark.django_db

PRESENT, EXCUSED, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT


@pytest.fixture
def training(world):
    """A training for the mentees of both groups."""
    return ProgrammeEventFactory(
        programme=world.programme, created_by=world.coordinator, for_mentors=False, for_mentees=True
    )


def attendance_url(world, event):
    return reverse("programmes:event_attendance", kwargs={"pk": world.programme.pk, "event_pk": event.pk})


def field(person):
    return f"person_{person.pk}"


def recorded(event):
    return dict(event.attendance.values_list("user__display_name", "status"))


def test_the_page_lists_each_invitee_in_a_fieldset_with_a_legend(as_user, world, training):
    text = as_user(world.coordinator).get(attendance_url(world, training)).content.decode()
    assert '<legend class="h6 float-none w-auto mb-2">Max Mentee</legend>' in text
    assert '<legend class="h6 float-none w-auto mb-2">Olga Othergroup</legend>' in text
    assert "Mina Mentor" not in text  # the mentor is not invited to the mentees' training
    assert text.count('type="radio"') == 6
    assert "Absent with notice" in text


def test_coordinator_records_attendance(as_user, world, training):
    client = as_user(world.coordinator)
    data = {field(world.mentee): PRESENT, field(world.other_group_member): EXCUSED}
    response = client.post(attendance_url(world, training), data, follow=True)
    assert "Attendance has been saved." in response.content.decode()
    assert recorded(training) == {"Max Mentee": PRESENT, "Olga Othergroup": EXCUSED}
    assert set(training.attendance.values_list("recorded_by", flat=True)) == {world.coordinator.pk}


def test_the_form_is_prefilled_and_a_record_can_be_changed(as_user, world, training):
    client = as_user(world.coordinator)
    client.post(attendance_url(world, training), {field(world.mentee): PRESENT})
    form = client.get(attendance_url(world, training)).context["form"]
    assert form[field(world.mentee)].value() == PRESENT
    assert form[field(world.other_group_member)].value() is None
    client.post(attendance_url(world, training), {field(world.mentee): ABSENT})
    assert recorded(training) == {"Max Mentee": ABSENT}
    assert EventAttendance.objects.count() == 1


def test_people_not_invited_are_ignored(world, training):
    stranger = UserFactory()
    record_attendance(
        event=training,
        statuses={world.mentor.pk: PRESENT, stranger.pk: PRESENT, world.mentee.pk: PRESENT},
        by=world.coordinator,
    )
    assert recorded(training) == {"Max Mentee": PRESENT}


def test_an_unknown_status_is_an_error_at_the_persons_field(as_user, world, training):
    response = as_user(world.coordinator).post(attendance_url(world, training), {field(world.mentee): "asleep"})
    assert response.status_code == 200
    assert field(world.mentee) in response.context["form"].errors
    assert "Please check the choices marked below." in response.content.decode()
    assert not EventAttendance.objects.exists()


def test_attendance_of_a_cancelled_event_cannot_be_recorded(as_user, world, training):
    training.cancelled_at = timezone.now()
    training.save()
    client = as_user(world.coordinator)
    response = client.post(attendance_url(world, training), {field(world.mentee): PRESENT}, follow=True)
    assert "This event is cancelled." in response.content.decode()
    assert not EventAttendance.objects.exists()
    with pytest.raises(EventCancelled):
        record_attendance(event=training, statuses={world.mentee.pk: PRESENT}, by=world.coordinator)


def test_a_closed_programmes_attendance_is_read_only(as_user, world, training):
    record_attendance(event=training, statuses={world.mentee.pk: PRESENT}, by=world.coordinator)
    Programme.objects.filter(pk=world.programme.pk).update(status=ProgrammeStatus.CLOSED)
    client = as_user(world.coordinator)
    page = client.get(attendance_url(world, training))
    assert page.status_code == 200
    assert "Save attendance" not in page.content.decode()
    client.post(attendance_url(world, training), {field(world.mentee): ABSENT})
    assert recorded(training) == {"Max Mentee": PRESENT}


def test_an_event_nobody_is_invited_to_says_so(as_user, world):
    empty = ProgrammeEventFactory(programme=world.programme, created_by=world.coordinator, for_mentors=False)
    empty.groups.add(world.group)
    world.group.memberships.update(left_at=timezone.now())
    text = as_user(world.coordinator).get(attendance_url(world, empty)).content.decode()
    assert "Nobody is invited to this event." in text


def test_recording_takes_the_same_queries_for_many_people(world, training, django_assert_max_num_queries):
    people = [UserFactory() for _ in range(10)]
    for person in people:
        add_to_group(world.group, person, "mentee")
    record_attendance(event=training, statuses={people[0].pk: PRESENT}, by=world.coordinator)
    with django_assert_max_num_queries(8):  # lock, invitees, existing, insert, update, savepoints
        record_attendance(event=training, statuses={person.pk: ABSENT for person in people}, by=world.coordinator)
    assert EventAttendance.objects.filter(status=ABSENT).count() == 10


def test_the_page_query_count_stays_flat(as_user, world, training):
    client = as_user(world.coordinator)
    small = count_queries(client, attendance_url(world, training))
    for _ in range(8):
        person = UserFactory()
        add_to_group(world.group, person, "mentee")
        record_attendance(event=training, statuses={person.pk: PRESENT}, by=world.coordinator)
    assert count_queries(client, attendance_url(world, training)) == small == 6


def test_a_mentor_cannot_record_attendance(as_user, world, training):
    response = as_user(world.mentor).post(attendance_url(world, training), {field(world.mentee): PRESENT})
    assert response.status_code == 403
    assert not EventAttendance.objects.exists()


def test_attendance_page_refuses_other_methods(as_user, world, training):
    assert as_user(world.coordinator).delete(attendance_url(world, training)).status_code == 405
