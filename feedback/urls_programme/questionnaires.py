"""The questionnaire builder, under ``/programmes/<id>/feedback/questionnaires/``."""

from django.urls import path

from feedback.views import questionnaires as views

ONE = "questionnaires/<int:questionnaire_pk>/"
QUESTION = ONE + "questions/<int:question_pk>/"

urlpatterns = [
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/new/", views.questionnaire_create, name="questionnaire_create"),
    path(ONE, views.questionnaire, name="questionnaire"),
    path(ONE + "edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path(ONE + "preview/", views.questionnaire_preview, name="questionnaire_preview"),
    path(ONE + "copy/", views.questionnaire_copy, name="questionnaire_copy"),
    path(ONE + "archive/", views.questionnaire_archive, name="questionnaire_archive"),
    path(ONE + "restore/", views.questionnaire_restore, name="questionnaire_restore"),
    path(ONE + "questions/new/", views.question_add, name="question_add"),
    path(QUESTION + "edit/", views.question_edit, name="question_edit"),
    path(QUESTION + "delete/", views.question_delete, name="question_delete"),
    path(QUESTION + "move/", views.question_move, name="question_move"),
]
