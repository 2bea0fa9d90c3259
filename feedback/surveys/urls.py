from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("rate/<str:token>/", views.rate, name="rate"),
    path("portal/<str:number>/", views.portal_answer, name="portal_answer"),
]
