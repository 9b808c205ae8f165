import pytest

from mentoring.tests.factories import ProgrammeFactory, UserFactory
from programmes.models import TRANSITIONS, InvalidTransition, ProgrammeStatus, ProgrammeStatusChange

pytestmark = pytest.mark.django_db

ALLOWED = [(source, target) for source, targets in TRANSITIONS.items() for target in targets]
FORBIDDEN = [
    (source, target)
    for source in ProgrammeStatus.values
    for target in ProgrammeStatus.values
    if target not in TRANSITIONS[source]
]


def test_every_status_has_its_transitions_defined():
    assert set(TRANSITIONS) == set(ProgrammeStatus.values)


def test_a_programme_runs_through_its_whole_life_in_order():
    programme = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    coordinator = UserFactory()
    for status in ["recruiting", "matching", "running", "closing", "closed"]:
        programme.move_to(status, by=coordinator)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.CLOSED
    assert programme.is_archived
    assert programme.next_statuses() == []
    history = list(programme.status_changes.order_by("changed_at", "pk").values_list("from_status", "to_status"))
    assert history == [
        ("draft", "recruiting"),
        ("recruiting", "matching"),
        ("matching", "running"),
        ("running", "closing"),
        ("closing", "closed"),
    ]
    assert all(change.changed_by == coordinator for change in programme.status_changes.all())


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_allowed_transition_is_made_and_recorded(source, target):
    programme = ProgrammeFactory(status=source)
    programme.move_to(target, by=UserFactory())
    programme.refresh_from_db()
    assert programme.status == target
    assert ProgrammeStatusChange.objects.filter(programme=programme, from_status=source, to_status=target).exists()


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_forbidden_transition_is_refused_and_changes_nothing(source, target):
    programme = ProgrammeFactory(status=source)
    with pytest.raises(InvalidTransition):
        programme.move_to(target, by=UserFactory())
    programme.refresh_from_db()
    assert programme.status == source
    assert not programme.status_changes.exists()


def test_unknown_status_is_refused():
    programme = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    with pytest.raises(InvalidTransition):
        programme.move_to("finished", by=UserFactory())


def test_transition_is_checked_against_the_stored_status_not_a_stale_copy():
    programme = ProgrammeFactory(status=ProgrammeStatus.DRAFT)
    stale = type(programme).objects.get(pk=programme.pk)
    programme.move_to(ProgrammeStatus.RECRUITING, by=UserFactory())
    # The stale copy still believes the programme is a draft; moving "back" to recruiting again must fail.
    with pytest.raises(InvalidTransition):
        stale.move_to(ProgrammeStatus.RECRUITING, by=UserFactory())
