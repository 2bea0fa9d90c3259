"""The intelligence app's REST endpoints, mounted under /api/v1/."""

from django.urls import path

from .similarity.api import IncidentSimilarView

urlpatterns = [
    path("incidents/<str:number>/similar/", IncidentSimilarView.as_view(), name="api-incident-similar"),
]
