"""The programme dashboard and its CSV: coordinators of the programme only."""

from mentoring.tests.matrix import COORDINATOR_ONLY, Case, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")

CASES = [
    Case("reports:dashboard", COORDINATOR_ONLY, programme),
    Case("reports:dashboard", WRONG_METHOD, programme, method="post"),
    Case("reports:dashboard_csv", COORDINATOR_ONLY, programme),
    Case("reports:dashboard_csv", WRONG_METHOD, programme, method="post"),
    Case("reports:report", COORDINATOR_ONLY, programme),
    Case("reports:report", WRONG_METHOD, programme, method="post"),
]
