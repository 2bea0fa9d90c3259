from django.urls import path

from .views import attachments, collaboration, console, contacts, macros, portal, problems

urlpatterns = [
    # Agent console
    path("incidents/", console.incident_list, name="incident_list"),
    path("incidents/live/", console.incident_queue_live, name="incident_queue_live"),
    path("incidents/bulk/", console.incident_bulk, name="incident_bulk"),
    path("incidents/views/", console.saved_view_create, name="saved_view_create"),
    path("incidents/views/counts/", console.saved_view_counts, name="saved_view_counts"),
    path("incidents/views/<int:pk>/delete/", console.saved_view_delete, name="saved_view_delete"),
    path("incidents/<str:number>/", console.incident_detail, name="incident_detail"),
    path("incidents/<str:number>/status/", console.incident_transition, name="incident_transition"),
    path("incidents/<str:number>/not-an-incident/", console.incident_not_incident, name="incident_not_incident"),
    path("incidents/<str:number>/assign/", console.incident_assign, name="incident_assign"),
    path("incidents/<str:number>/assign-me/", console.incident_assign_me, name="incident_assign_me"),
    path("incidents/<str:number>/live/", collaboration.incident_live, name="incident_live"),
    path("incidents/<str:number>/leave/", collaboration.incident_leave, name="incident_leave"),
    path("incidents/<str:number>/priority/", console.incident_priority, name="incident_priority"),
    path("incidents/<str:number>/problem/", console.incident_problem_link, name="incident_problem_link"),
    path("incidents/<str:number>/problem/unlink/", console.incident_problem_unlink, name="incident_problem_unlink"),
    path("incidents/<str:number>/comments/", console.incident_comment, name="incident_comment"),
    path("incidents/<str:number>/macros/", macros.incident_macros, name="incident_macros"),
    path("macros/", macros.macro_list, name="macro_list"),
    path("macros/new/", macros.macro_create, name="macro_create"),
    path("macros/<int:pk>/edit/", macros.macro_update, name="macro_update"),
    path("macros/<int:pk>/delete/", macros.macro_delete, name="macro_delete"),
    path("problems/", problems.problem_list, name="problem_list"),
    path("problems/search/", problems.problem_search, name="problem_search"),
    path("problems/new/", problems.problem_new, name="problem_new"),
    path("problems/create/", problems.problem_create, name="problem_create"),
    path("problems/<str:number>/", problems.problem_detail, name="problem_detail"),
    path("problems/<str:number>/edit/", problems.problem_update, name="problem_update"),
    path("problems/<str:number>/status/", problems.problem_transition, name="problem_transition"),
    path("problems/<str:number>/incidents/", problems.problem_link, name="problem_link"),
    path("problems/<str:number>/notes/", problems.problem_note, name="problem_note"),
    path("contacts/", contacts.contact_list, name="contact_list"),
    path("contacts/merge/", contacts.contact_merge, name="contact_merge"),
    # An attachment's file, for agents and the portal alike
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    path("contacts/<int:pk>/", contacts.contact_detail, name="contact_detail"),
    # Customer portal
    path("portal/", portal.portal_home, name="portal_home"),
    path("portal/new/", portal.portal_raise, name="portal_raise"),
    path("portal/incidents/<str:number>/", portal.portal_incident, name="portal_incident"),
    path("portal/incidents/<str:number>/reply/", portal.portal_reply, name="portal_reply"),
    path("portal/incidents/<str:number>/reopen/", portal.portal_reopen, name="portal_reopen"),
]
