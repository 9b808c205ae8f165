"""A group's own pages, for its members (and the programme's coordinators), and a mentor's answer to a request."""

from django.urls import path

from groups.views import concerns, contracts, goals, kinds, matching, members, scheduling, session_log, wishes

app_name = "groups"

urlpatterns = [
    path("", members.group_list, name="list"),
    path("<int:pk>/", members.group_detail, name="detail"),
    path("<int:pk>/wishes/", wishes.group_wishes, name="wishes"),
    path("<int:pk>/wishes/agree/", wishes.agree_to_wishes, name="wishes_agree"),
    path("<int:pk>/settings/", kinds.group_settings, name="settings"),
    path("<int:pk>/facilitation/", kinds.facilitation, name="facilitation"),
    path("requests/<int:pk>/", matching.mentor_request, name="request"),
    path("<int:pk>/contract/", contracts.contract, name="contract"),
    path("<int:pk>/contract/edit/", contracts.contract_edit, name="contract_edit"),
    path("<int:pk>/contract/propose/", contracts.contract_propose, name="contract_propose"),
    path("<int:pk>/contract/withdraw/", contracts.contract_withdraw, name="contract_withdraw"),
    path("<int:pk>/contract/agree/", contracts.contract_agree, name="contract_agree"),
    path("<int:pk>/contract/versions/<int:number>/", contracts.contract_version, name="contract_version"),
    path("<int:pk>/contract/print/", contracts.contract_print, name="contract_print"),
    path("<int:pk>/goals/", goals.goal_list, name="goals"),
    path("<int:pk>/goals/new/", goals.goal_create, name="goal_create"),
    path("<int:pk>/goals/<int:goal_pk>/", goals.goal_detail, name="goal"),
    path("<int:pk>/goals/<int:goal_pk>/edit/", goals.goal_edit, name="goal_edit"),
    path("<int:pk>/goals/<int:goal_pk>/updates/", goals.goal_update, name="goal_update"),
    path("<int:pk>/sessions/", session_log.session_list, name="sessions"),
    path("<int:pk>/sessions/new/", scheduling.session_create, name="session_create"),
    path("<int:pk>/sessions/<int:session_pk>/", session_log.session_detail, name="session"),
    path("<int:pk>/sessions/<int:session_pk>/edit/", scheduling.session_edit, name="session_edit"),
    path("<int:pk>/sessions/<int:session_pk>/cancel/", scheduling.session_cancel, name="session_cancel"),
    path("<int:pk>/sessions/<int:session_pk>/calendar.ics", scheduling.session_ics, name="session_ics"),
    path("<int:pk>/sessions/<int:session_pk>/log/", session_log.session_log, name="session_log"),
    path("<int:pk>/sessions/<int:session_pk>/reflection/", session_log.reflection, name="reflection"),
    path("<int:pk>/action-items/<int:item_pk>/done/", session_log.action_item_done, name="action_item_done"),
    path("<int:pk>/concerns/new/", concerns.concern_create, name="concern_create"),
]
