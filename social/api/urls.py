"""The social REST endpoints, mounted at /api/v1/social/."""

urlpatterns = []
