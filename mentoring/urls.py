from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views import calendar_feed
from mentoring import health, views

# The admin signs people in through allauth's sign-in, which limits failed attempts; its own form does not.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
    path("programmes/", include("programmes.urls")),
    path("programmes/<int:pk>/", include("groups.urls_programme")),
    path("programmes/<int:pk>/feedback/", include("feedback.urls_programme")),
    path("", include("reports.urls")),  # /reports/ and /programmes/<id>/dashboard/, one namespace
    path("programmes/<int:pk>/audit/", include("audit.urls")),
    path("groups/", include("groups.urls")),
    path("feedback/", include("feedback.urls")),
    path("join/", include("programmes.urls_join")),
    path("bank/", include("programmes.urls_bank")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "mentoring.views.server_error"
