from django.urls import path

from . import views

app_name = "listening"

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:pk>/incident/", views.message_convert, name="message_convert"),
    path("queries/", views.query_list, name="query_list"),
    path("queries/new/", views.query_create, name="query_create"),
    path("queries/<int:pk>/", views.query_edit, name="query_edit"),
    path("queries/<int:pk>/delete/", views.query_delete, name="query_delete"),
]
