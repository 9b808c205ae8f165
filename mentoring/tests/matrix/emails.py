"""The programme's undelivered emails: a coordinators' page, and sending them again."""

from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, Case, programme

#              anonymous outsider other_grp mentee  mentor  other_co coordinator
WRONG_METHOD = ("login", "405", "405", "405", "405", "405", "405")

CASES = [
    Case("programmes:undelivered", COORDINATOR_ONLY, programme),
    Case("programmes:undelivered", WRONG_METHOD, programme, method="post"),
    Case("programmes:send_again", COORDINATOR_POST, programme, method="post"),
    Case("programmes:send_again", COORDINATOR_POST, programme, method="post", data={"email": "not a number"}),
    Case("programmes:send_again", WRONG_METHOD, programme),
]
