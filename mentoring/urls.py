from django.contrib import admin
from django.urls import include, path

from accounts.views import calendar_feed
from mentoring import views

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", include("programmes.urls")),
    path("programmes/<int:pk>/", include("groups.urls_programme")),
    path("programmes/<int:pk>/feedback/", include("feedback.urls_programme")),
    path("", include("reports.urls")),  # /reports/ and /programmes/<id>/dashboard/, one namespace
    path("groups/", include("groups.urls")),
    path("feedback/", include("feedback.urls")),
    path("join/", include("programmes.urls_join")),
    path("bank/", include("programmes.urls_bank")),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
