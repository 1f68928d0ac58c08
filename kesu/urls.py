"""Top-level URL map: pages per app, the REST API under /api/v1/, the admin."""

from django.contrib import admin
from django.urls import include, path

from kesu.api.main import api
from kesu.core import work_views
from kesu.surveys.views import answer_by_link

urlpatterns = [
    path("", work_views.home, name="home"),
    path("work/", include("kesu.core.work_urls")),
    path("accounts/", include("kesu.accounts.urls")),
    path("calendar/", include("kesu.core.calendar_urls")),
    path("customers/", include("kesu.customers.urls")),
    path("complaints/", include("kesu.complaints.urls")),
    path("capa/", include("kesu.capa.urls")),
    path("claims/", include("kesu.claims.urls")),
    path("surveys/", include("kesu.surveys.urls")),
    path("reports/", include("kesu.reports.urls")),
    path("s/<str:token>/", answer_by_link, name="survey_link"),
    path("inbox/", include("kesu.notifications.urls")),
    path("audit/", include("kesu.core.urls")),
    path("records/", include("kesu.core.records_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
