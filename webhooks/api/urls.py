from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.WebhookListView.as_view(), name="api-webhook-list"),
    path("webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="api-webhook-detail"),
    path("webhooks/<int:pk>/deliveries/", views.WebhookDeliveriesView.as_view(), name="api-webhook-deliveries"),
]
