"""Settings for the test suite: the real settings, with the few things a test run must not share or wait for.

DATABASE_URL and CELERY_BROKER_URL still come from the environment, so `.ci/run` tests against PostgreSQL
and Redis while a newcomer's `make test` uses SQLite.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from mentoring.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests hash many passwords
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    # Tasks queued by tests stay in this process instead of waiting in var/ for the next development worker.
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
WHITENOISE_AUTOREFRESH = True  # serve from the finders, as in development: tests do not run collectstatic
WHITENOISE_USE_FINDERS = True
