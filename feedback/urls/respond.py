"""Answering surveys: the person's list of surveys, and one survey's page, signed in or through the link in the
survey emails (the emails use these names)."""

from django.urls import path

from feedback.views import respond as views

urlpatterns = [
    path("", views.my_surveys, name="mine"),
    path("rounds/<int:round_pk>/", views.answer, name="answer"),
    path("answer/<str:token>/", views.answer_by_link, name="answer_by_link"),
]
