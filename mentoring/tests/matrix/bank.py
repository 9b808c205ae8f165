"""The mentor data bank: open to anyone who coordinates a programme; a mentor's own profile to mentors."""

from mentoring.tests.factories import MentorProfileFactory
from mentoring.tests.matrix import ANY_COORDINATOR, Case


def banked_mentor(world):
    MentorProfileFactory(user=world.mentor)
    return {"user_pk": world.mentor.pk}


#                anonymous outsider other_grp mentee  mentor  other_co coordinator
MENTORS_ONLY = ("login", "403", "403", "403", "200", "403", "403")

CASES = [
    Case("bank:search", ANY_COORDINATOR),
    Case("bank:mentor", ANY_COORDINATOR, banked_mentor),
    # Posted empty, the forms come back with their errors (200): the point here is who gets in at all.
    Case("bank:invite", ANY_COORDINATOR, banked_mentor, method="post"),
    Case("bank:feedback", ANY_COORDINATOR, banked_mentor, method="post"),
    Case("bank:my_profile", MENTORS_ONLY),
    Case("bank:my_profile", MENTORS_ONLY, method="post"),
]
