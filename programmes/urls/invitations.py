from django.urls import path

from programmes.views import invitations as views

urlpatterns = [
    path("<int:pk>/invitations/", views.invitation_list, name="invitations"),
    path("<int:pk>/invitations/new/", views.invite, name="invite"),
    path("<int:pk>/invitations/new/list/", views.invite_list, name="invite_list"),
    path("<int:pk>/invitations/new/csv/", views.invite_csv, name="invite_csv"),
    path("<int:pk>/invitations/<int:invitation_pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("<int:pk>/invitations/<int:invitation_pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
]
