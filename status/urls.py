from django.urls import path

from . import self_service_views, views

app_name = "status"

urlpatterns = [
    path("", views.status_page, name="page"),
    path("wall/", views.wall, name="wall"),
    path("wall/items/", views.wall_fragment, name="wall_items"),
    path("feed/", views.feed, name="feed"),
    path("feed/<int:service_id>/", views.service_feed, name="service_feed"),
    path("maintenance.ics", views.maintenance_ics, name="maintenance_ics"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("known-errors/<str:number>/", views.known_error_public, name="known_error_public"),
    # The self-service panel of the forms that raise an incident (signed in: portal and console).
    path("self-service/suggestions/", self_service_views.self_service_suggest, name="self_service_suggest"),
    path("self-service/solved/", self_service_views.self_service_solved, name="self_service_solved"),
]
