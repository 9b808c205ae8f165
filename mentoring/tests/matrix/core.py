from mentoring.tests.matrix import (
    COORDINATOR_ONLY,
    EVERYONE,
    SIGNED_IN,
    SIGNED_OUT_ONLY,
    Case,
    group,
    programme,
)

CASES = [
    Case("home", ("200", "200", "200", "200", "200", "302", "302")),
    Case("health", EVERYONE),  # for load balancers: no sign-in, nothing but "ok" or "unavailable"
    Case("programmes:list", SIGNED_IN),
    Case("programmes:create", ("login", "403", "403", "403", "403", "200", "200")),
    Case("programmes:detail", COORDINATOR_ONLY, programme),
    Case("programmes:edit", COORDINATOR_ONLY, programme),
    Case(
        "programmes:move",
        ("login", "404", "403", "403", "403", "404", "302"),
        programme,
        method="post",
        data={"status": "closing"},
    ),
    Case("groups:list", SIGNED_IN),
    Case("groups:detail", ("login", "404", "404", "200", "200", "404", "200"), group),
    Case("accounts:profile", SIGNED_IN),
    Case(
        "accounts:switch_language",
        ("302",) * 7,
        method="post",
        data={"language": "en", "next": "/"},
    ),
    # django-allauth's pages.
    Case("account_login", SIGNED_OUT_ONLY),
    Case("account_signup", SIGNED_OUT_ONLY),
    Case("account_logout", ("302", "200", "200", "200", "200", "200", "200")),  # GET only asks; POST signs out
    Case("account_inactive", EVERYONE),
    Case("account_reauthenticate", SIGNED_IN),
    Case("account_email", SIGNED_IN),
    Case("account_email_verification_sent", EVERYONE),
    Case("account_change_password", SIGNED_IN),
    Case("account_set_password", ("login", "302", "302", "302", "302", "302", "302")),  # they have a password
    Case("account_reset_password", EVERYONE),
    Case("account_reset_password_done", EVERYONE),
    Case("account_reset_password_from_key_done", EVERYONE),
    Case("account_confirm_login_code", ("302",) * 7),  # sign-in by code is off: sent back to sign in
    Case("account_confirm_email", EVERYONE, lambda world: {"key": "not-a-real-key"}),  # shows "link invalid"
    Case(
        "account_reset_password_from_key",
        EVERYONE,
        lambda world: {"uidb36": "1", "key": "not-a-real-key"},  # shows "link invalid"
    ),
]
