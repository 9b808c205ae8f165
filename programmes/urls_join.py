"""Pages for people joining a programme: following an invitation link, applying, and their own applications."""

from programmes.urls import join_applications, join_invitations

app_name = "join"

urlpatterns = [*join_invitations.urlpatterns, *join_applications.urlpatterns]
