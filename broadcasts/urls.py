from django.urls import path

from . import views

app_name = "broadcasts"

urlpatterns = [
    path("", views.broadcast_list, name="list"),
    path("new/", views.broadcast_create, name="create"),
    path("policy/", views.policy_list, name="policy"),
    path("policy/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("<int:pk>/", views.broadcast_detail, name="detail"),
    path("<int:pk>/edit/", views.broadcast_edit, name="edit"),
    path("<int:pk>/submit/", views.broadcast_submit, name="submit"),
    path("<int:pk>/approve/", views.broadcast_approve, name="approve"),
    path("<int:pk>/reject/", views.broadcast_reject, name="reject"),
    path("<int:pk>/withdraw/", views.broadcast_withdraw, name="withdraw"),
]
