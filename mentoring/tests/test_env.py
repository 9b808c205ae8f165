"""The typed readers in mentoring.env: each returns one type or stops start-up naming the variable at fault."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mentoring.env import env_bool, env_int, env_list, env_str, parse_database_url, parse_email_url


@contextmanager
def raises_naming(*words: str):
    """Expects ImproperlyConfigured whose message contains every one of ``words`` (the variable, the problem)."""
    with pytest.raises(ImproperlyConfigured) as info:
        yield info
    for word in words:
        assert word in str(info.value), f"{word!r} not in {str(info.value)!r}"


# env_str


def test_env_str_returns_the_value_without_surrounding_spaces():
    assert env_str("SITE_URL", environ={"SITE_URL": "  https://mentoring.example.org \n"}) == (
        "https://mentoring.example.org"
    )


def test_env_str_uses_the_default_when_the_variable_is_missing_or_empty():
    assert env_str("TIME_ZONE", "UTC", environ={}) == "UTC"
    assert env_str("TIME_ZONE", "UTC", environ={"TIME_ZONE": "   "}) == "UTC"


def test_env_str_without_a_default_requires_the_variable_and_names_it():
    with raises_naming("SECRET_KEY", "must be set"):
        env_str("SECRET_KEY", environ={})
    with raises_naming("SECRET_KEY"):
        env_str("SECRET_KEY", environ={"SECRET_KEY": ""})


def test_env_str_reads_os_environ_when_no_mapping_is_given(monkeypatch):
    monkeypatch.setenv("MENTORING_TEST_ONLY_VARIABLE", "from the process")
    assert env_str("MENTORING_TEST_ONLY_VARIABLE") == "from the process"


# env_bool


@pytest.mark.parametrize("spelling", ["1", "true", "True", "TRUE", "yes", "Yes", "on", "ON", " on "])
def test_env_bool_accepts_every_spelling_of_true(spelling):
    assert env_bool("DEBUG", False, environ={"DEBUG": spelling}) is True


@pytest.mark.parametrize("spelling", ["0", "false", "False", "no", "NO", "off", "Off", "", "  "])
def test_env_bool_accepts_every_spelling_of_false(spelling):
    assert env_bool("DEBUG", True, environ={"DEBUG": spelling}) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_uses_the_default_when_the_variable_is_missing(default):
    assert env_bool("DEBUG", default, environ={}) is default


@pytest.mark.parametrize("value", ["maybe", "2", "y", "enabled"])
def test_env_bool_refuses_anything_else_and_names_the_variable(value):
    with raises_naming("DEBUG", repr(value)):
        env_bool("DEBUG", False, environ={"DEBUG": value})


# env_int


def test_env_int_reads_a_whole_number():
    assert env_int("EMAIL_TIMEOUT", 20, environ={"EMAIL_TIMEOUT": " 45 "}) == 45
    assert env_int("OFFSET", 0, environ={"OFFSET": "-3"}) == -3


def test_env_int_uses_the_default_when_missing_or_empty():
    assert env_int("EMAIL_TIMEOUT", 20, environ={}) == 20
    assert env_int("EMAIL_TIMEOUT", 20, environ={"EMAIL_TIMEOUT": ""}) == 20


@pytest.mark.parametrize("value", ["twenty", "1.5", "10s"])
def test_env_int_refuses_something_that_is_not_a_whole_number(value):
    with raises_naming("EMAIL_TIMEOUT", "whole number", repr(value)):
        env_int("EMAIL_TIMEOUT", 20, environ={"EMAIL_TIMEOUT": value})


def test_env_int_enforces_the_minimum():
    assert env_int("EMAIL_TIMEOUT", 20, minimum=1, environ={"EMAIL_TIMEOUT": "1"}) == 1
    with raises_naming("EMAIL_TIMEOUT", "at least 1", "0"):
        env_int("EMAIL_TIMEOUT", 20, minimum=1, environ={"EMAIL_TIMEOUT": "0"})


def test_env_int_enforces_the_maximum():
    assert env_int("WORKERS", 2, maximum=8, environ={"WORKERS": "8"}) == 8
    with raises_naming("WORKERS", "at most 8", "9"):
        env_int("WORKERS", 2, maximum=8, environ={"WORKERS": "9"})


# env_list


def test_env_list_splits_on_commas_and_drops_blank_items():
    environ = {"ALLOWED_HOSTS": " mentoring.example.org, ,www.example.org,,  "}
    assert env_list("ALLOWED_HOSTS", [], environ=environ) == ["mentoring.example.org", "www.example.org"]


def test_env_list_uses_a_copy_of_the_default_when_missing():
    default = ["localhost"]
    hosts = env_list("ALLOWED_HOSTS", default, environ={})
    assert hosts == ["localhost"]
    hosts.append("changed")
    assert default == ["localhost"]


def test_env_list_set_but_empty_is_an_empty_list_not_the_default():
    assert env_list("ALLOWED_HOSTS", ["localhost"], environ={"ALLOWED_HOSTS": " , "}) == []


# parse_database_url


def test_postgres_url_gives_every_connection_detail():
    config = parse_database_url("postgres://mentoring:s3cret@db.example.org:6543/mentoring_prod")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "mentoring_prod"
    assert config["USER"] == "mentoring"
    assert config["PASSWORD"] == "s3cret"
    assert config["HOST"] == "db.example.org"
    assert config["PORT"] == "6543"
    assert "OPTIONS" not in config


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "pgsql"])
def test_every_postgres_scheme_spelling_is_accepted(scheme):
    assert parse_database_url(f"{scheme}://u@h/db")["ENGINE"] == "django.db.backends.postgresql"


def test_postgres_password_may_be_url_escaped():
    config = parse_database_url("postgres://mentoring:p%40ss%3Aw%2Ford%23@localhost/mentoring")
    assert config["PASSWORD"] == "p@ss:w/ord#"
    assert config["HOST"] == "localhost"
    assert config["PORT"] == ""


def test_postgres_query_options_go_into_options():
    config = parse_database_url("postgres://u:p@h:5432/db?sslmode=require&connect_timeout=5")
    assert config["OPTIONS"] == {"sslmode": "require", "connect_timeout": "5"}


def test_postgres_url_must_name_a_database():
    with raises_naming("DATABASE_URL", "database"):
        parse_database_url("postgres://u:p@h:5432/")
    with raises_naming("REPLICA_URL"):
        parse_database_url("postgres://u:p@h:5432", name="REPLICA_URL")


def test_postgres_url_with_a_bad_port_is_refused():
    with raises_naming("DATABASE_URL", "port"):
        parse_database_url("postgres://u:p@h:notaport/db")


def test_sqlite_path_with_three_slashes_is_relative_to_the_project(tmp_path):
    config = parse_database_url("sqlite:///var/db.sqlite3", base_dir=tmp_path)
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "var" / "db.sqlite3")}


def test_sqlite_path_with_four_slashes_is_absolute(tmp_path):
    config = parse_database_url("sqlite:////tmp/x.sqlite3", base_dir=tmp_path)
    assert config == {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path("/tmp/x.sqlite3"))}


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
def test_sqlite_url_must_give_a_file(url):
    with raises_naming("DATABASE_URL", "file path"):
        parse_database_url(url)


@pytest.mark.parametrize("url", ["mysql://u:p@h/db", "db.sqlite3", "redis://localhost:6379/0"])
def test_unknown_database_scheme_is_refused(url):
    with raises_naming("DATABASE_URL", "postgres://", "sqlite://"):
        parse_database_url(url)


# parse_email_url


def test_smtp_url_gives_host_port_and_credentials_without_encryption():
    config = parse_email_url("smtp://mailer:p%40ss@mail.example.org:2525")
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 2525,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": False,
    }


def test_smtp_without_a_port_uses_port_25():
    assert parse_email_url("smtp://mail.example.org")["EMAIL_PORT"] == 25


def test_smtp_with_tls_uses_starttls():
    config = parse_email_url("smtp://mail.example.org:587?tls=1")
    assert config["EMAIL_USE_TLS"] is True
    assert config["EMAIL_USE_SSL"] is False
    assert config["EMAIL_PORT"] == 587


def test_smtps_uses_implicit_tls_on_port_465_by_default():
    config = parse_email_url("smtps://mailer:secret@mail.example.org")
    assert config["EMAIL_USE_SSL"] is True
    assert config["EMAIL_USE_TLS"] is False
    assert config["EMAIL_PORT"] == 465


def test_smtps_together_with_tls_is_refused():
    with raises_naming("EMAIL_URL", "not both"):
        parse_email_url("smtps://mail.example.org?tls=1")


@pytest.mark.parametrize("url", ["smtp://", "smtp:///path", "smtps://:465"])
def test_smtp_url_must_name_a_host(url):
    with raises_naming("EMAIL_URL", "host"):
        parse_email_url(url)


def test_smtp_url_with_a_bad_port_is_refused():
    with raises_naming("EMAIL_URL", "port"):
        parse_email_url("smtp://mail.example.org:port")


def test_console_url_prints_mail():
    assert parse_email_url("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_file_url_with_an_absolute_folder_writes_files_there():
    assert parse_email_url("file:///srv/mentoring/mail") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/srv/mentoring/mail",
    }


@pytest.mark.parametrize("url", ["file://relative/mail", "file:mail", "file:///"])
def test_file_url_must_be_an_absolute_folder(url):
    with raises_naming("EMAIL_URL", "absolute folder"):
        parse_email_url(url)


@pytest.mark.parametrize("url", ["sendmail://localhost", "mail.example.org", "http://mail.example.org"])
def test_unknown_email_scheme_is_refused(url):
    with raises_naming("OUTGOING_MAIL", "smtp://"):
        parse_email_url(url, name="OUTGOING_MAIL")


def test_postgres_host_may_be_an_escaped_socket_folder():
    config = parse_database_url("postgres://postgres@%2Fvar%2Frun%2Fpostgresql/mentoring")
    assert config["HOST"] == "/var/run/postgresql"


def test_sqlite_path_may_contain_an_escaped_question_mark(tmp_path):
    config = parse_database_url("sqlite:///var/db%3Fx.sqlite3", base_dir=tmp_path)
    assert config["NAME"] == str(tmp_path / "var" / "db?x.sqlite3")
