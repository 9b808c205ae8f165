"""A group's own pages, for its members (and the programme's coordinators), and a mentor's answer to a request."""

from django.urls import path

from groups.views import kinds, matching, members, wishes

app_name = "groups"

urlpatterns = [
    path("", members.group_list, name="list"),
    path("<int:pk>/", members.group_detail, name="detail"),
    path("<int:pk>/wishes/", wishes.group_wishes, name="wishes"),
    path("<int:pk>/wishes/agree/", wishes.agree_to_wishes, name="wishes_agree"),
    path("<int:pk>/settings/", kinds.group_settings, name="settings"),
    path("<int:pk>/facilitation/", kinds.facilitation, name="facilitation"),
    path("requests/<int:pk>/", matching.mentor_request, name="request"),
]
