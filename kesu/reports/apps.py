from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kesu.reports"
    label = "reports"
    verbose_name = _("Analysis and management review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import receivers, workflow  # noqa: F401 - workflow tables; rollup change receivers
