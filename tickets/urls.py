from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Agent console
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/<str:number>/", views.incident_detail, name="incident_detail"),
    path("incidents/<str:number>/status/", views.incident_transition, name="incident_transition"),
    path("incidents/<str:number>/assign/", views.incident_assign, name="incident_assign"),
    path("incidents/<str:number>/comments/", views.incident_comment, name="incident_comment"),
    # Customer portal
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/new/", views.portal_raise, name="portal_raise"),
    path("portal/incidents/<str:number>/", views.portal_incident, name="portal_incident"),
    path("portal/incidents/<str:number>/reply/", views.portal_reply, name="portal_reply"),
    path("portal/incidents/<str:number>/reopen/", views.portal_reopen, name="portal_reopen"),
]
