from django.urls import path

from . import views

app_name = "similarity"

urlpatterns = [
    path("incidents/<str:number>/similar/", views.similar_panel, name="similar_panel"),
    path("incidents/<str:number>/merge/", views.incident_merge, name="incident_merge"),
    path(
        "incidents/<str:number>/workaround/<str:problem_number>/",
        views.incident_send_workaround,
        name="incident_send_workaround",
    ),
    path("problems/<str:number>/tell-affected/", views.problem_tell_everyone, name="problem_tell_affected"),
]
