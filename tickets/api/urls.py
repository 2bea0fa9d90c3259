from django.urls import path

from . import views

urlpatterns = [
    path("incidents/", views.IncidentListView.as_view(), name="api-incident-list"),
    path("incidents/<str:number>/", views.IncidentDetailView.as_view(), name="api-incident-detail"),
    path(
        "incidents/<str:number>/not-an-incident/",
        views.IncidentNotIncidentView.as_view(),
        name="api-incident-not-incident",
    ),
    path("incidents/<str:number>/comments/", views.IncidentCommentsView.as_view(), name="api-incident-comments"),
    path(
        "incidents/<str:number>/attachments/",
        views.IncidentAttachmentsView.as_view(),
        name="api-incident-attachments",
    ),
    path("attachments/<int:pk>/content/", views.AttachmentContentView.as_view(), name="api-attachment-content"),
    path("incidents/<str:number>/events/", views.IncidentEventsView.as_view(), name="api-incident-events"),
    path("problems/", views.ProblemListView.as_view(), name="api-problem-list"),
    path("problems/<str:number>/", views.ProblemDetailView.as_view(), name="api-problem-detail"),
    path("problems/<str:number>/link/", views.ProblemLinkView.as_view(), name="api-problem-link"),
    path("problems/<str:number>/unlink/", views.ProblemUnlinkView.as_view(), name="api-problem-unlink"),
    path("services/", views.ServiceListView.as_view(), name="api-service-list"),
    path("services/<int:pk>/", views.ServiceDetailView.as_view(), name="api-service-detail"),
    path("contacts/", views.ContactListView.as_view(), name="api-contact-list"),
    path("contacts/<int:pk>/", views.ContactDetailView.as_view(), name="api-contact-detail"),
    path("me/", views.MeView.as_view(), name="api-me"),
]
