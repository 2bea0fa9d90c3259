from django.urls import path

from . import views

urlpatterns = [path("account/notifications/", views.preferences, name="notification_preferences")]
