from mentoring.tests.matrix import COORDINATOR_ONLY, Case, programme

CASES = [
    Case("audit:programme_log", COORDINATOR_ONLY, programme),
    Case("audit:programme_log", COORDINATOR_ONLY, programme, data={"action": "role_added", "page": "2"}),
]
