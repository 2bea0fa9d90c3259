from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from servicedesk import views
from servicedesk.api.views import api_not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # The REST API. Each app mounts its endpoints under api/v1/ (before the catch-all).
    path("api/v1/", include("tickets.api.urls")),
    path("api/v1/", include("webhooks.api.urls")),
    path("api/v1/social/", include("social.api.urls")),
    path("api/v1/broadcasts/", include("broadcasts.api.urls")),
    path("api/v1/", include("intelligence.api_urls")),
    path("api/v1/", include("feedback.api.urls")),
    path("api/v1/", include("listening.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's settings come from ?script, not an inline script (Content-Security-Policy).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    # ReDoc draws with styles it writes at run time and searches in a worker it makes from a
    # blob: its page allows both (scripts still come only from the app).
    path(
        "api/redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
        ),
        name="api-redoc",
    ),
    re_path(r"^api/", api_not_found),
    path("social/", include("social.urls")),
    path("status/", include("status.urls")),
    path("broadcasts/", include("broadcasts.urls")),
    path("spikes/", include("intelligence.spikes.urls")),
    path("listening/", include("listening.urls")),
    path("dashboards/", include("feedback.dashboards.urls")),
    path("surveys/", include("feedback.surveys.urls")),
    path("intelligence/", include("intelligence.similarity.urls")),
    path("problems/candidates/", include("intelligence.candidates.urls")),
    path("triage/", include("intelligence.routing.urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("tickets.urls")),
]
