"""The time zones people and programmes choose from (no Django imports: settings use it too)."""

import zoneinfo
from functools import cache


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones a person can choose, sorted, without the legacy aliases."""
    excluded = ("Etc/", "SystemV/", "US/", "posix/", "right/")
    names = sorted(name for name in zoneinfo.available_timezones() if "/" in name and not name.startswith(excluded))
    return (*names, "UTC")


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]
