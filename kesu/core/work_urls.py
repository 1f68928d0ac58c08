"""Pages of the work queue (issue 16 §2): /work/."""

from django.urls import path

from . import work_views

app_name = "work"
urlpatterns = [
    path("", work_views.queue_page, name="queue"),
    path("counts/", work_views.nav_counts, name="counts"),
    path("assign/", work_views.assign, name="assign"),
]
