"""Typed readers for settings that come from the environment.

Each reader returns a value of one type or raises ``ImproperlyConfigured`` naming the variable and what was
wrong with it, so a typo in production stops the process at start-up instead of misbehaving later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}.")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_database_url(url: str, *, name: str = "DATABASE_URL", base_dir: Path | None = None) -> dict[str, Any]:
    """``postgres://user:password@host:port/dbname`` or ``sqlite:///relative/or/absolute/path.sqlite3``."""
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://user@host:5432/mentoring.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port.") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        config: dict[str, Any] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": unquote(parts.hostname or ""),  # %2Fvar%2Frun%2Fpostgresql names a socket folder
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
        if options:
            config["OPTIONS"] = options
        return config
    if parts.scheme == "sqlite":
        # sqlite:///var/db.sqlite3 is relative to the project; sqlite:////abs/path is absolute.
        raw_path = unquote(url[len("sqlite://") :].split("?")[0])
        if not raw_path.startswith("/") or raw_path == "/":
            raise ImproperlyConfigured(f"{name} must give a file path, e.g. sqlite:///var/db.sqlite3.")
        path = Path(raw_path[1:])
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    raise ImproperlyConfigured(f"{name} must start with postgres:// or sqlite://; got scheme {parts.scheme!r}.")


def parse_email_url(url: str, *, name: str = "EMAIL_URL") -> dict[str, Any]:
    """Mail transport settings from one URL.

    ``smtp://user:password@host:587`` (STARTTLS with ``?tls=1``), ``smtps://...`` (implicit TLS),
    ``console://`` (printed by the process) and ``file:///srv/mail`` (one file per message in that folder).
    """
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name} must name a host, e.g. smtp://user:password@mail.example.org:587.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name} has an invalid port.") from None
        use_ssl = parts.scheme == "smtps"
        use_tls = options.get("tls", "").lower() in _TRUE
        if use_ssl and use_tls:
            raise ImproperlyConfigured(f"{name}: use smtps:// for implicit TLS or ?tls=1 for STARTTLS, not both.")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": port or (465 if use_ssl else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": use_ssl,
            "EMAIL_USE_TLS": use_tls,
        }
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "file":
        path = Path(unquote(parts.path))
        if parts.netloc or not path.is_absolute() or path == Path("/"):
            raise ImproperlyConfigured(f"{name} must give an absolute folder, e.g. file:///srv/mentoring/mail.")
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(path)}
    raise ImproperlyConfigured(
        f"{name} must start with smtp://, smtps://, console:// or file://; got {parts.scheme!r}."
    )
