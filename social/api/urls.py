"""The social REST endpoints, mounted at /api/v1/social/."""

from django.urls import path

from . import views

urlpatterns = [
    path("messages/", views.SocialMessageListView.as_view(), name="api-social-message-list"),
    path("messages/<int:pk>/", views.SocialMessageDetailView.as_view(), name="api-social-message-detail"),
]
