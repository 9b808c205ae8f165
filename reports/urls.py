"""The ``reports`` namespace: the cross-programme overview at ``/reports/``, and each programme's dashboard under
``/programmes/<id>/dashboard/`` (``reports/urls_programme.py``). One module for both, mounted at the root: two
includes with the same ``app_name`` would hide one another's names from ``reverse``."""

from django.urls import include, path

from reports import urls_programme, views_overview

app_name = "reports"

urlpatterns = [
    path("reports/", views_overview.overview, name="overview"),
    path("programmes/<int:pk>/dashboard/", include(urls_programme.urlpatterns)),
]
