from django.urls import path

from feedback.views import rounds as views

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:round_pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:round_pk>/open/", views.round_open, name="round_open"),
    path("rounds/<int:round_pk>/extend/", views.round_extend, name="round_extend"),
]
