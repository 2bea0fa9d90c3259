"""The intelligence app's REST endpoints, mounted under /api/v1/."""

from django.urls import path

from .candidates.api import ProblemCandidateAcceptView, ProblemCandidateDismissView, ProblemCandidateListView
from .routing.api import TriageSuggestView
from .similarity.api import IncidentSimilarView

urlpatterns = [
    path("incidents/<str:number>/similar/", IncidentSimilarView.as_view(), name="api-incident-similar"),
    path("triage/suggest/", TriageSuggestView.as_view(), name="api-triage-suggest"),
    path("problem-candidates/", ProblemCandidateListView.as_view(), name="api-candidate-list"),
    path("problem-candidates/<int:pk>/accept/", ProblemCandidateAcceptView.as_view(), name="api-candidate-accept"),
    path("problem-candidates/<int:pk>/dismiss/", ProblemCandidateDismissView.as_view(), name="api-candidate-dismiss"),
]
