from django.urls import path

from . import views

app_name = "service"

urlpatterns = [
    path("", views.index, name="index"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/raise-complaint/", views.visit_raise, {"what": "complaint"}, name="visit_raise_complaint"),
    path("visits/<int:pk>/raise-action/", views.visit_raise, {"what": "action"}, name="visit_raise_action"),
]
