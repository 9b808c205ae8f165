"""A group's evaluation by its leaders, and the pulse after a session, under ``/feedback/groups/<group id>/``."""

from django.urls import path

from feedback.views import evaluations, pulse

urlpatterns = [
    path("groups/<int:pk>/evaluation/<slug:stage>/", evaluations.evaluation, name="evaluation"),
    path("groups/<int:pk>/sessions/<int:session_pk>/pulse/", pulse.pulse, name="pulse"),
]
