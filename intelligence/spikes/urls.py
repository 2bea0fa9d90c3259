from django.urls import path

from . import views

app_name = "spikes"

urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("<int:pk>/", views.alert_detail, name="alert_detail"),
    path("<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("<int:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("<int:pk>/major-incident/", views.alert_major_incident, name="alert_major_incident"),
    path("<int:pk>/problem/", views.alert_problem, name="alert_problem"),
]
