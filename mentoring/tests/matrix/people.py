from mentoring.tests.matrix import COORDINATOR_ONLY, COORDINATOR_POST, SIGNED_IN, Case, programme


def mentee_membership(world):
    return {"pk": world.programme.pk, "membership_pk": world.programme.memberships.get(user=world.mentee).pk}


def mentee(world):
    return {"pk": world.programme.pk, "user_pk": world.mentee.pk}


CASES = [
    Case("programmes:people", COORDINATOR_ONLY, programme),
    Case("programmes:people_csv", COORDINATOR_ONLY, programme),
    Case("programmes:member_withdraw", COORDINATOR_POST, mentee_membership, method="post"),
    Case("programmes:person_erase", COORDINATOR_ONLY, mentee),
    Case("programmes:person_erase", COORDINATOR_POST, mentee, method="post"),
    Case("accounts:delete_account", SIGNED_IN),
]
