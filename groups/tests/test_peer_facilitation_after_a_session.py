"""In a peer group, logging a held session hands the facilitation to the next member of the rota, once."""

import datetime

import pytest
from django.utils import timezone

from groups.access import GroupAccess
from groups.models import GroupKind, GroupRole, Meeting
from groups.services.session_log import log_session
from mentoring.tests.factories import MentoringGroupFactory, UserFactory, add_to_group

pytestmark = pytest.mark.django_db


def test_logging_a_held_session_passes_the_turn_on_and_saving_again_does_not(world):
    peers = MentoringGroupFactory(programme=world.programme, name="Peers", kind=GroupKind.PEER)
    first, second, third = (UserFactory(display_name=name) for name in ("Ada", "Ben", "Cem"))
    for offset, person in enumerate((first, second, third)):
        membership = add_to_group(peers, person, GroupRole.MENTEE)
        membership.joined_at = timezone.now() - datetime.timedelta(days=10 - offset)
        membership.save(update_fields=["joined_at"])
    peers.next_facilitator = first
    peers.save(update_fields=["next_facilitator"])
    meeting = Meeting.objects.create(
        group=peers, starts_at=timezone.now() - datetime.timedelta(hours=3), created_by=first
    )
    access = GroupAccess(group=peers, group_role=GroupRole.MENTEE, is_coordinator=False)

    log_session(access=access, meeting=meeting, user=first, held=True, summary="We met.")
    peers.refresh_from_db()
    assert peers.next_facilitator == second

    log_session(access=access, meeting=meeting, user=first, held=True, summary="We met, and agreed a plan.")
    peers.refresh_from_db()
    assert peers.next_facilitator == second
