from django.urls import path

from programmes.views import invitations as views

urlpatterns = [
    path("invitation/<str:token>/", views.invitation_page, name="invitation"),
]
