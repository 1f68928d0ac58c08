"""Top-level URL map: pages per app, the REST API under /api/v1/, the admin."""

from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control

from kesu.api.main import api
from kesu.core import lookups, work_views
from kesu.surveys.views import answer_by_link

# The administration speaks of Kesu, not of Django (issue 17 §4).
admin.site.site_header = _("Kesu administration")
admin.site.site_title = _("Kesu administration")
admin.site.index_title = _("Records and settings")



@cache_control(max_age=86400, public=True)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon rather than a 404."""
    return HttpResponsePermanentRedirect(static("kesu/favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("", work_views.home, name="home"),
    path("work/", include("kesu.core.work_urls")),
    path("lookups/<str:name>/", lookups.lookup_view, name="lookup"),
    path("accounts/", include("kesu.accounts.urls")),
    path("calendar/", include("kesu.core.calendar_urls")),
    path("customers/", include("kesu.customers.urls")),
    path("complaints/", include("kesu.complaints.urls")),
    path("capa/", include("kesu.capa.urls")),
    path("claims/", include("kesu.claims.urls")),
    path("surveys/", include("kesu.surveys.urls")),
    path("reports/", include("kesu.reports.urls")),
    path("property/", include("kesu.property.urls")),
    path("contracts/", include("kesu.contracts.urls")),
    path("service/", include("kesu.service.urls")),
    path("prevention/", include("kesu.prevention.urls")),
    path("webhooks/", include("kesu.webhooks.urls")),
    path("mail/", include("kesu.mailin.urls")),
    path("portal/", include("kesu.portal.urls")),
    path("s/<str:token>/", answer_by_link, name="survey_link"),
    path("inbox/", include("kesu.notifications.urls")),
    path("audit/", include("kesu.core.urls")),
    path("records/", include("kesu.core.records_urls")),
    path("lists/", include("kesu.core.saved_filters")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
