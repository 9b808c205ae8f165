"""Applications: the coordinator's pages of a programme, the public application page, and a person's own
applications (only the applicant sees theirs; for everyone else they do not exist)."""

from mentoring.tests.factories import ApplicationFactory, ProgrammeFactory
from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, EVERYONE, SIGNED_IN, Case, programme
from programmes.models import ProgrammeStatus

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
OWN_ONLY = ("login", "404", "404", "200", "404", "404", "404")
OWN_POST = ("login", "404", "404", "302", "404", "404", "404")


def application(world):
    return {"pk": world.programme.pk, "application_pk": ApplicationFactory(programme=world.programme).pk}


def recruiting_key(world):
    return {"key": ProgrammeFactory(status=ProgrammeStatus.RECRUITING).application_key}


def mentees_application(world):
    """An open application of the world's mentee, to a programme that recruits."""
    return {"application_pk": ApplicationFactory(applicant=world.mentee).pk}


CASES = [
    Case("programmes:recruitment", COORDINATOR_ONLY, programme),
    Case("programmes:applications", COORDINATOR_ONLY, programme),
    Case("programmes:application", COORDINATOR_ONLY, application),
    Case(
        "programmes:application_decide",
        COORDINATOR_POST,
        application,
        method="post",
        data={"status": "waitlisted"},
    ),
    # The application page is public: anyone may read it; signed out, it explains how to get an account.
    Case("join:apply", EVERYONE, recruiting_key),
    Case("join:apply_as", SIGNED_IN, lambda world: {**recruiting_key(world), "role": "mentee"}),
    Case("join:my_applications", SIGNED_IN),
    Case("join:my_application", OWN_ONLY, mentees_application),
    Case("join:withdraw_application", OWN_POST, mentees_application, method="post"),
]
