from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapaConfig(AppConfig):
    name = "kesu.capa"
    label = "capa"
    verbose_name = _("Corrective actions")

    def ready(self) -> None:
        from kesu.complaints.workflow import register_close_check
        from kesu.core import panels

        from . import workflow  # noqa: F401 - registers the action's workflow table
        from .checks import complaint_action_approved, complaint_panel

        register_close_check(complaint_action_approved)
        panels.register("complaints.complaint", "capa/_complaint_panel.html", complaint_panel)
