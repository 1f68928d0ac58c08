from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "kesu.claims"
    label = "claims"
    verbose_name = _("Claims and quality cost")

    def ready(self) -> None:
        from kesu.core import panels

        from . import workflow  # noqa: F401 - registers the claim and supplier-claim workflow tables
        from .panels import complaint_panel

        panels.register("complaints.complaint", "claims/_complaint_panel.html", complaint_panel)
