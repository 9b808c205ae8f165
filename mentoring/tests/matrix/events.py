from mentoring.tests.factories import ProgrammeEventFactory
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, programme


def event(world):
    made = ProgrammeEventFactory(programme=world.programme, created_by=world.coordinator)
    return {"pk": world.programme.pk, "event_pk": made.pk}


CASES = [
    Case("programmes:events", COORDINATOR_ONLY, programme),
    Case("programmes:event_create", COORDINATOR_ONLY, programme),
    Case("programmes:event_edit", COORDINATOR_ONLY, event),
    Case("programmes:event_cancel", COORDINATOR_POST, event, method="post"),
    Case("programmes:event_attendance", COORDINATOR_ONLY, event),
    Case("programmes:event_attendance", COORDINATOR_POST, event, method="post", data={}),
]
