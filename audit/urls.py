from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.programme_log, name="programme_log"),
]
