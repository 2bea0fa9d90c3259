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
    path("incidents/live/", views.incident_queue_live, name="incident_queue_live"),
    path("incidents/bulk/", views.incident_bulk, name="incident_bulk"),
    path("incidents/<str:number>/", views.incident_detail, name="incident_detail"),
    path("incidents/<str:number>/status/", views.incident_transition, name="incident_transition"),
    path("incidents/<str:number>/assign/", views.incident_assign, name="incident_assign"),
    path("incidents/<str:number>/assign-me/", views.incident_assign_me, name="incident_assign_me"),
    path("incidents/<str:number>/priority/", views.incident_priority, name="incident_priority"),
    path("incidents/<str:number>/problem/", views.incident_problem_link, name="incident_problem_link"),
    path("incidents/<str:number>/problem/unlink/", views.incident_problem_unlink, name="incident_problem_unlink"),
    path("incidents/<str:number>/comments/", views.incident_comment, name="incident_comment"),
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/search/", views.problem_search, name="problem_search"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/create/", views.problem_create, name="problem_create"),
    path("problems/<str:number>/", views.problem_detail, name="problem_detail"),
    path("problems/<str:number>/edit/", views.problem_update, name="problem_update"),
    path("problems/<str:number>/status/", views.problem_transition, name="problem_transition"),
    path("problems/<str:number>/incidents/", views.problem_link, name="problem_link"),
    path("problems/<str:number>/notes/", views.problem_note, name="problem_note"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/merge/", views.contact_merge, name="contact_merge"),
    # Customer portal
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/new/", views.portal_raise, name="portal_raise"),
    path("portal/incidents/<str:number>/", views.portal_incident, name="portal_incident"),
    path("portal/incidents/<str:number>/reply/", views.portal_reply, name="portal_reply"),
    path("portal/incidents/<str:number>/reopen/", views.portal_reopen, name="portal_reopen"),
]
