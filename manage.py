#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    # A shell with no SECRET_KEY is a developer's laptop: run commands with local settings there. Production
    # always sets SECRET_KEY, so there DEBUG stays off unless said otherwise (and seed_demo refuses to run).
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
