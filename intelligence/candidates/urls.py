from django.urls import path

from . import views

app_name = "candidates"

urlpatterns = [
    path("", views.candidate_list, name="candidate_list"),
    path("<int:pk>/accept/", views.candidate_accept, name="candidate_accept"),
    path("<int:pk>/dismiss/", views.candidate_dismiss, name="candidate_dismiss"),
]
