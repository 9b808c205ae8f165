"""The coordinator's side of applications: the application page's settings, the list, and the decisions."""

from django.urls import path

from programmes.views import applications as views

urlpatterns = [
    path("<int:pk>/recruitment/", views.recruitment, name="recruitment"),
    path("<int:pk>/applications/", views.application_list, name="applications"),
    path("<int:pk>/applications/<int:application_pk>/", views.application_detail, name="application"),
    path("<int:pk>/applications/<int:application_pk>/decide/", views.application_decide, name="application_decide"),
]
