from django.urls import path

from programmes.views import emails as views

urlpatterns = [
    path("<int:pk>/emails/undelivered/", views.undelivered_emails, name="undelivered"),
    path("<int:pk>/emails/undelivered/send-again/", views.send_emails_again, name="send_again"),
]
