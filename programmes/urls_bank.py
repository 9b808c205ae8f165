"""The mentor data bank: coordinators search every mentor's profile and history, across programmes."""

from django.urls import path

from programmes.views import bank as views

app_name = "bank"

urlpatterns = [
    path("", views.search, name="search"),
    path("my-profile/", views.my_profile, name="my_profile"),
    path("<int:user_pk>/", views.mentor, name="mentor"),
    path("<int:user_pk>/invite/", views.invite, name="invite"),
    path("<int:user_pk>/feedback/", views.feedback, name="feedback"),
]
