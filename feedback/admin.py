from django.contrib import admin

from feedback.models import (
    Answer,
    GroupEvaluation,
    Interview,
    Question,
    Questionnaire,
    Respondent,
    Response,
    SurveyRound,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "kind", "text", "required", "key"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "purpose", "audience", "frozen_at", "archived_at"]
    list_filter = ["purpose", "audience"]
    search_fields = ["name", "programme__name"]
    raw_id_fields = ["programme", "copy_of", "created_by"]
    inlines = [QuestionInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "position", "kind", "required", "key"]
    list_filter = ["kind"]
    search_fields = ["text", "key", "questionnaire__name", "questionnaire__programme__name"]
    raw_id_fields = ["questionnaire"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "kind", "status", "opens_on", "closes_on", "anonymous"]
    list_filter = ["kind", "status", "anonymous"]
    search_fields = ["name", "programme__name"]
    raw_id_fields = ["programme", "mentee_questionnaire", "mentor_questionnaire"]


@admin.register(Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["user", "round", "role", "invited_at", "reminded_at", "submitted_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__display_name", "round__name", "round__programme__name"]
    raw_id_fields = ["round", "user", "group"]
    exclude = ["token_nonce"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    raw_id_fields = ["question"]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["pk", "round", "meeting", "role", "submitted_on"]
    list_filter = ["role"]
    search_fields = ["round__name", "round__programme__name", "questionnaire__name"]
    raw_id_fields = ["round", "meeting", "user", "respondent", "questionnaire", "group"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["pk", "question", "number", "response"]
    search_fields = ["question__text", "question__questionnaire__programme__name"]
    raw_id_fields = ["response", "question"]


@admin.register(GroupEvaluation)
class GroupEvaluationAdmin(admin.ModelAdmin):
    list_display = ["group", "stage", "author", "updated", "submitted_at"]
    list_filter = ["stage"]
    search_fields = ["group__name", "group__programme__name"]
    raw_id_fields = ["group", "author"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["person", "programme", "stage", "held_on", "interviewer"]
    list_filter = ["stage"]
    search_fields = ["person__display_name", "programme__name"]
    raw_id_fields = ["programme", "person", "interviewer"]
