from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "kesu.prevention"
    label = "prevention"
    verbose_name = _("Complaint prevention")

    def ready(self) -> None:
        from kesu.core import panels

        from . import receivers, workflow  # noqa: F401 - connect receivers, register the tables
        from .panels import complaint_panel

        panels.register("complaints.complaint", "prevention/_complaint_panel.html", complaint_panel)
