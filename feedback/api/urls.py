from django.urls import path

from . import ratings, views

urlpatterns = [
    path("satisfaction/", ratings.RatingListView.as_view(), name="api-satisfaction"),
    path("metrics/service/", views.ServiceMetricsView.as_view(), name="api-metrics-service"),
    path("metrics/sentiment/", views.SentimentMetricsView.as_view(), name="api-metrics-sentiment"),
    path("metrics/self-service/", views.SelfServiceMetricsView.as_view(), name="api-metrics-self-service"),
]
