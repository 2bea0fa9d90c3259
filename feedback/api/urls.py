from django.urls import path

from . import views

urlpatterns = [
    path("metrics/service/", views.ServiceMetricsView.as_view(), name="api-metrics-service"),
    path("metrics/sentiment/", views.SentimentMetricsView.as_view(), name="api-metrics-sentiment"),
]
