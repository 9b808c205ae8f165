"""The coordinator's pages for forming groups and matching mentors, inside a programme (``programmes/<pk>/``)."""

from django.urls import path

from groups.views import concerns, contracts, forming, goals, kinds, matching

app_name = "grouping"

urlpatterns = [
    path("groups/", forming.programme_groups, name="groups"),
    path("groups/proposal/", forming.proposal, name="proposal"),
    path("groups/proposal/confirm/", forming.confirm, name="proposal_confirm"),
    path("circles/new/", kinds.circle_create, name="circle_create"),
    path("matching/", matching.matching, name="matching"),
    path("matching/<int:group_pk>/", matching.suggestions, name="suggestions"),
    path("matching/<int:group_pk>/assign/", matching.assign, name="assign"),
    path("matching/requests/<int:assignment_pk>/withdraw/", matching.withdraw, name="withdraw"),
    path("matching/all/", matching.propose_all, name="propose_all"),
    path("matching/all/confirm/", matching.confirm_all, name="propose_all_confirm"),
    path("contracts/", contracts.programme_contracts, name="contracts"),
    path("contracts/template/", contracts.contract_template, name="contract_template"),
    path("contracts/<int:group_pk>/remind/", contracts.contract_remind, name="contract_remind"),
    path("goals/", goals.programme_goals, name="goals"),
    path("sessions/", concerns.programme_sessions, name="sessions"),
    path("concerns/", concerns.programme_concerns, name="concerns"),
    path("concerns/<int:concern_pk>/resolve/", concerns.concern_resolve, name="concern_resolve"),
]
