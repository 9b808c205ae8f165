"""CSV downloads: cells a spreadsheet will not read as formulas, and the response that offers the file.

Used by every export (the programme's people, a survey's responses, the dashboard's groups), so the guard against
CSV injection lives in one place."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

# Characters that make a spreadsheet read a cell as a formula (CSV injection): such cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_download(text: str, name: str) -> HttpResponse:
    """``text`` as a UTF-8 CSV file named after ``name`` (slugified), e.g. "pathways-people-2026-11-26.csv"."""
    filename = (slugify(name) or "export") + ".csv"
    return HttpResponse(
        text.encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
