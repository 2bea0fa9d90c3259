from django.urls import include, path

app_name = "social"

urlpatterns = [
    path("webhooks/twitter/", include("social.twitter.urls")),
    path("webhooks/facebook/", include("social.facebook.urls")),
]
