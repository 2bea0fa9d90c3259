from django.urls import path

from . import views

app_name = "similarity"

urlpatterns = [
    path("incidents/<str:number>/similar/", views.similar_panel, name="similar_panel"),
    path("incidents/<str:number>/merge/", views.incident_merge, name="incident_merge"),
]
