"""Applying to a programme, and a person's own applications.

The fixed ``applications/`` paths come before the application page's ``<key>/`` paths so that a key can never
hide them (keys are 16 random characters, so none is "applications" anyway).
"""

from django.urls import path

from programmes.views import applications as views

urlpatterns = [
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:application_pk>/", views.my_application, name="my_application"),
    path("applications/<int:application_pk>/withdraw/", views.withdraw_application, name="withdraw_application"),
    path("<str:key>/", views.apply, name="apply"),
    path("<str:key>/<str:role>/", views.apply_as, name="apply_as"),
]
