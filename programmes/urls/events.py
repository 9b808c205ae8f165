from django.urls import path

from programmes.views import events as views

urlpatterns = [
    path("<int:pk>/events/", views.event_list, name="events"),
    path("<int:pk>/events/new/", views.event_create, name="event_create"),
    path("<int:pk>/events/<int:event_pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/events/<int:event_pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("<int:pk>/events/<int:event_pk>/attendance/", views.event_attendance, name="event_attendance"),
]
