from django.urls import path

from programmes.views import people as views

urlpatterns = [
    path("<int:pk>/people/", views.people, name="people"),
    path("<int:pk>/people.csv", views.people_csv, name="people_csv"),
    path("<int:pk>/people/<int:membership_pk>/withdraw/", views.member_withdraw, name="member_withdraw"),
    path("<int:pk>/people/<int:user_pk>/erase/", views.person_erase, name="person_erase"),
]
