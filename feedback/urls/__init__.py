"""The pages of feedback for mentees and mentors, in the ``feedback`` namespace: answering surveys, a group's
evaluation, the pulse after a session."""

from feedback.urls import group, respond

app_name = "feedback"

urlpatterns = [
    *respond.urlpatterns,
    *group.urlpatterns,
]
