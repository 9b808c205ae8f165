"""The cross-programme overview: anyone who coordinates a programme sees their own; everyone else is refused."""

from mentoring.tests.matrix import ANY_COORDINATOR, Case

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")

CASES = [
    Case("reports:overview", ANY_COORDINATOR),
    Case("reports:overview", WRONG_METHOD, method="post"),
]
