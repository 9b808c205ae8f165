"""The benchmarks' URLconf: the project's, plus a trivial view to measure the pages against.

Only bench_pages.py uses it, with ``override_settings(ROOT_URLCONF="bench.urls")`` in its own process; the
project's settings never name it. The trivial view goes through the same middleware as every page (sessions,
authentication, security headers) and does nothing else, so a page's time divided by its time is what the page
itself costs. Not part of the test run.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("mentoring.urls")),
]
