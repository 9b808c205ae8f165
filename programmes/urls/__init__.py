"""The coordinator's pages of a programme, one module per topic, all in the ``programmes`` namespace."""

from programmes.urls import applications, core, emails, events, invitations, people

app_name = "programmes"

urlpatterns = [
    *core.urlpatterns,
    *invitations.urlpatterns,
    *applications.urlpatterns,
    *events.urlpatterns,
    *people.urlpatterns,
    *emails.urlpatterns,
]
