from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from servicedesk.api.views import api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    # The REST API. Each app mounts its endpoints under api/v1/ (before the catch-all).
    path("api/v1/", include("tickets.api.urls")),
    path("api/v1/social/", include("social.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    re_path(r"^api/", api_not_found),
    path("social/", include("social.urls")),
    path("", include("accounts.urls")),
    path("", include("tickets.urls")),
]
