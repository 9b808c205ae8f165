"""The coordinators' feedback pages of a programme, under ``/programmes/<id>/feedback/``, in the ``surveys``
namespace: the survey rounds, the questionnaires, the results, the evaluations and interviews."""

from feedback.urls_programme import evaluations, questionnaires, results, rounds

app_name = "surveys"

urlpatterns = [
    *rounds.urlpatterns,
    *questionnaires.urlpatterns,
    *results.urlpatterns,
    *evaluations.urlpatterns,
]
