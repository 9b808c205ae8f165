"""A page of a list and the number of everything on the list, read in one query.

Django's ``Paginator`` counts the list in one query and reads the page in another. When the database has to read
every row of the list anyway to put the page together (the rows are filtered on something no index answers, or
sorted by a figure worked out for each row), the count reads them all a second time. Here each row of the page
carries the count (``COUNT(*) OVER ()``): one query. When the database could stop at the page, as for a list sorted
by an indexed name, that would make it read everything: keep ``Paginator`` there.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "list_total"


def counted_page(queryset: QuerySet, number, per_page: int) -> Page:
    """Page ``number`` of ``queryset`` as ``Paginator(queryset, per_page).get_page(number)`` gives it: the first
    page for a number that is not one, the last for a number past the end."""
    paginator = Paginator(queryset, per_page)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    if number >= 1:
        start = (number - 1) * per_page
        rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[start : start + per_page])
        if rows:
            paginator.count = getattr(rows[0], TOTAL)  # Paginator's count is a cached property: now known
            return Page(rows, number, paginator)
    return paginator.get_page(number)  # past the end, or nothing at all: counted, then the last page
