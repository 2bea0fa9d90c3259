from django.urls import path

from . import messages, views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("service/", views.service, name="service"),
    path("messages/", messages.messages, name="messages"),
]
