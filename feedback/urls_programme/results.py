from django.urls import path

from feedback.views import results as views

urlpatterns = [
    path("rounds/<int:round_pk>/results/", views.results, name="results"),
    path("rounds/<int:round_pk>/results/questions/<int:question_pk>/", views.results_text, name="results_text"),
    path("rounds/<int:round_pk>/results.csv", views.results_csv, name="results_csv"),
    path("compare/", views.compare, name="compare"),
]
