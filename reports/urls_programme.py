"""The coordinator's dashboard of a programme, under ``/programmes/<id>/dashboard/`` in the ``reports`` namespace."""

from django.urls import path

from reports import views, views_report

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("groups.csv", views.dashboard_csv, name="dashboard_csv"),
    path("report/", views_report.report, name="report"),
]
