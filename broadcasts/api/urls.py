"""The broadcast endpoints, mounted at /api/v1/broadcasts/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.BroadcastListView.as_view(), name="api-broadcast-list"),
    path("<int:pk>/", views.BroadcastDetailView.as_view(), name="api-broadcast-detail"),
    path("<int:pk>/submit/", views.BroadcastSubmitView.as_view(), name="api-broadcast-submit"),
    path("<int:pk>/approve/", views.BroadcastApproveView.as_view(), name="api-broadcast-approve"),
    path("<int:pk>/reject/", views.BroadcastRejectView.as_view(), name="api-broadcast-reject"),
]
