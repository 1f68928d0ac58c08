from django.urls import path

from . import views

app_name = "capa"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("new/", views.action_create, name="create"),
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/sections/<slug:section>/", views.action_section, name="section"),
    path("<int:pk>/steps/<slug:step>/", views.action_step, name="step"),
    path("<int:pk>/actions/<slug:name>/", views.action_transition, name="transition"),
    path("<int:pk>/links/", views.action_link, name="link"),
    path("<int:pk>/report.pdf", views.action_printout, name="printout"),
    path("ncr/", views.ncr_list, name="ncr_list"),
    path("ncr/new/", views.ncr_create, name="ncr_create"),
    path("ncr/<int:pk>/", views.ncr_detail, name="ncr_detail"),
    path("ncr/<int:pk>/<slug:step>/", views.ncr_step, name="ncr_step"),
    path("ncr/<int:pk>/form.pdf", views.ncr_printout, name="ncr_printout"),
]
