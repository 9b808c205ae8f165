"""The groups' evaluations and the coordinators' interviews of a programme (``pk`` is the programme's id)."""

from django.urls import path

from feedback.views import evaluations, interviews

urlpatterns = [
    path("evaluations/", evaluations.programme_evaluations, name="evaluations"),
    path("evaluations/<int:group_pk>/<slug:stage>/", evaluations.programme_evaluation, name="evaluation"),
    path("interviews/", interviews.interviews, name="interviews"),
    path("interviews/new/", interviews.interview_create, name="interview_create"),
    path("interviews/<int:interview_pk>/", interviews.interview_edit, name="interview_edit"),
]
