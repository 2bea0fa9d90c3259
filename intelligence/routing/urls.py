from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("", views.triage_page, name="settings"),
    path("services/<int:pk>/keywords/", views.keywords_save, name="keywords_save"),
    path("train/", views.model_train, name="model_train"),
]
