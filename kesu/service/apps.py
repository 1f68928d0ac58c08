from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "kesu.service"
    label = "service"
    verbose_name = _("Customer service")

    def ready(self) -> None:
        from kesu.core import panels

        from . import receivers, workflow  # noqa: F401 - the plan table and who is told
        from .panels import (
            complaint_panel,
            customer_panel,
            customer_quality_panel,
            review_panel,
            signal_panel,
        )

        panels.register("customers.customer", "service/_customer_panel.html", customer_panel)
        panels.register("customers.customer", "service/_customer_quality_panel.html", customer_quality_panel)
        panels.register("complaints.complaint", "service/_complaint_panel.html", complaint_panel)
        panels.register("prevention.warningsignal", "service/_source_visits_panel.html", signal_panel)
        panels.register("contracts.contractreview", "service/_source_visits_panel.html", review_panel)
