from django.contrib import admin
from django.urls import include, path

from mentoring import views

urlpatterns = [
    path("", views.home, name="home"),
    path("programmes/", include("programmes.urls")),
    path("programmes/<int:pk>/", include("groups.urls_programme")),
    path("groups/", include("groups.urls")),
    path("join/", include("programmes.urls_join")),
    path("bank/", include("programmes.urls_bank")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
