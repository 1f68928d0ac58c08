from django.urls import path

from . import calendar_views as views

app_name = "calendar"
urlpatterns = [
    path("", views.year_view, name="year"),
    path("import/", views.import_view, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("days/new/", views.day_create, name="day_create"),
    path("days/<int:pk>/delete/", views.day_delete, name="day_delete"),
]
