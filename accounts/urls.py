from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.switch_language, name="switch_language"),
    path("delete/", views.delete_account, name="delete_account"),
    path("calendar/", views.calendar, name="calendar"),
    path("reminders/off/<str:token>/", views.reminder_off, name="reminder_off"),
]
