from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapaConfig(AppConfig):
    name = "kesu.capa"
    label = "capa"
    verbose_name = _("Corrective actions")

    def ready(self) -> None:
        from kesu.complaints.workflow import register_close_check

        from .checks import complaint_action_approved

        register_close_check(complaint_action_approved)
