"""mentoring.settings as a real process sees it: production refuses to start half-configured, a laptop needs nothing.

Each test runs ``manage.py check`` in a fresh interpreter, because the settings are read once at import.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Everything mentoring.settings reads, plus what the test run itself sets (mentoring.test_settings fills in
# DEBUG, SECRET_KEY, ALLOWED_HOSTS and SECURE_SSL_REDIRECT; CI sets DATABASE_URL and CELERY_BROKER_URL).
SETTINGS_VARIABLES = {
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_PREPARED_STATEMENTS",
    "DATABASE_URL",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEFAULT_FROM_EMAIL",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_TIMEOUT",
    "EMAIL_URL",
    "LOG_LEVEL",
    "SECRET_KEY",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SERVER_EMAIL",
    "SESSION_COOKIE_SECURE",
    "SITE_URL",
    "STATIC_ROOT",
    "TIME_ZONE",
    "TRUST_X_FORWARDED_PROTO",
    "VAR_DIR",
}


def manage(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Runs ``manage.py`` with only ``variables`` set on top of a clean environment."""
    environment = {key: value for key, value in os.environ.items() if key not in SETTINGS_VARIABLES}
    environment["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The last line of a failed start-up: the ImproperlyConfigured message (the traceback above it names
    every variable anyway, so only this line says which one was wrong)."""
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    return last_line


def production_variables(tmp_path: Path) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "mentoring.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "EMAIL_URL": "smtp://mail.example.org:587?tls=1",
    }


def test_a_fully_configured_production_passes_the_deployment_checks(tmp_path):
    variables = production_variables(tmp_path)
    assert len(variables["SECRET_KEY"]) >= 60
    assert variables["DATABASE_URL"].startswith("sqlite:////")

    result = manage("check", "--deploy", "--fail-level", "WARNING", **variables)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    variables = production_variables(tmp_path)
    del variables["SECRET_KEY"]

    result = manage("check", **variables)

    assert "SECRET_KEY" in refusal(result)


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    variables = production_variables(tmp_path)
    del variables["ALLOWED_HOSTS"]

    result = manage("check", **variables)

    assert "ALLOWED_HOSTS" in refusal(result)


def test_a_misspelt_debug_refuses_to_start(tmp_path):
    result = manage("check", DEBUG="maybe", VAR_DIR=str(tmp_path))

    assert "DEBUG" in refusal(result)


def test_a_newcomer_with_debug_on_needs_nothing_else(tmp_path):
    result = manage("check", DEBUG="1", VAR_DIR=str(tmp_path))

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert (tmp_path / "celery" / "queue").is_dir(), "local files belong under VAR_DIR"


def test_a_time_zone_nobody_could_choose_refuses_to_start(tmp_path):
    result = manage("check", DEBUG="1", VAR_DIR=str(tmp_path / "var"), TIME_ZONE="US/Eastern")
    assert "TIME_ZONE" in refusal(result)


def test_manage_py_in_a_shell_without_secret_key_uses_local_settings(tmp_path):
    result = manage("check", VAR_DIR=str(tmp_path / "var"))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_manage_py_in_a_production_shell_stays_in_production_and_refuses_demo_data(tmp_path):
    variables = production_variables(tmp_path)
    del variables["DEBUG"]  # production shells set SECRET_KEY; DEBUG stays off unless said otherwise
    result = manage("seed_demo", **variables)
    assert result.returncode != 0
    assert "seed_demo only runs with DEBUG=1" in result.stderr


def test_links_in_emails_point_to_the_first_allowed_host_unless_site_url_says_otherwise(tmp_path):
    variables = production_variables(tmp_path)
    script = "from django.conf import settings; print(settings.SITE_URL)"
    assert manage("shell", "-v", "0", "-c", script, **variables).stdout.strip() == "https://mentoring.example.org"
    chosen = manage("shell", "-v", "0", "-c", script, **variables, SITE_URL="https://mentor.example.org/")
    assert chosen.stdout.strip() == "https://mentor.example.org"


def test_postgresql_queries_are_prepared_unless_a_pooler_needs_them_not_to_be(tmp_path):
    variables = production_variables(tmp_path) | {"DATABASE_URL": "postgres://mentoring@db.example.org:5432/mentoring"}
    script = "from django.conf import settings; print(settings.DATABASES['default']['PREPARED_STATEMENTS'])"
    assert manage("shell", "-v", "0", "-c", script, **variables).stdout.strip() == "True"
    behind_a_pooler = manage("shell", "-v", "0", "-c", script, **variables, DATABASE_PREPARED_STATEMENTS="0")
    assert behind_a_pooler.stdout.strip() == "False"
    assert "DATABASE_PREPARED_STATEMENTS" in refusal(
        manage("check", **variables, DATABASE_PREPARED_STATEMENTS="sometimes")
    )


def test_a_site_url_without_a_scheme_refuses_to_start(tmp_path):
    result = manage("check", **production_variables(tmp_path), SITE_URL="mentoring.example.org")
    assert "SITE_URL" in refusal(result)


# What a browser receives from production: fetched in the production process, after collectstatic (the pages
# name their stylesheets through the manifest).
FETCH_SIGN_IN_PAGE = """
import json
from django.test import Client
response = Client(HTTP_HOST="mentoring.example.org").get("/accounts/login/", secure=True)
cookies = {
    name: {"secure": bool(morsel["secure"]), "samesite": morsel["samesite"]}
    for name, morsel in response.cookies.items()
}
print(json.dumps({"status": response.status_code, "headers": dict(response.headers), "cookies": cookies}))
"""


def test_production_pages_carry_a_strict_content_security_policy_and_the_other_security_headers(tmp_path):
    variables = production_variables(tmp_path) | {"STATIC_ROOT": str(tmp_path / "static")}
    collected = manage("collectstatic", "--noinput", "-v", "0", **variables)
    assert collected.returncode == 0, collected.stderr

    result = manage("shell", "-v", "0", "-c", FETCH_SIGN_IN_PAGE, **variables)

    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["status"] == 200
    headers = page["headers"]
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["object-src"] == "'none'"
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert page["cookies"]["csrftoken"] == {"secure": True, "samesite": "Lax"}


def test_production_cookies_are_secure_and_plain_http_is_redirected(tmp_path):
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    result = manage("shell", "-v", "0", "-c", script, **production_variables(tmp_path))
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "31536000"], result.stderr
