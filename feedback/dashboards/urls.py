from django.urls import path

from . import messages, ratings, self_service, settings_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("satisfaction/", views.satisfaction, name="satisfaction"),
    path("service/", views.service, name="service"),
    path("messages/", messages.messages, name="messages"),
    path("ratings/", ratings.ratings, name="ratings"),
    path("deflections/", self_service.deflections, name="deflections"),
    path("settings/", settings_views.settings_page, name="settings"),
    path("settings/sla/", settings_views.sla_targets_save, name="settings_sla"),
    path("settings/surveys/<str:medium>/", settings_views.survey_settings_save, name="settings_survey"),
    path(
        "settings/acknowledgements/<str:channel>/", settings_views.acknowledgement_save, name="settings_acknowledgement"
    ),
]
