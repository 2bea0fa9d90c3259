from django.urls import path

from . import views

urlpatterns = [
    path("listening/", views.HeardMessageListView.as_view(), name="api-listening"),
]
