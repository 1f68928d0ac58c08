from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyConfig(AppConfig):
    name = "kesu.property"
    label = "property"
    verbose_name = _("Customer property")

    def ready(self) -> None:
        from kesu.core import panels

        from . import receivers, workflow  # noqa: F401 - connects the receivers, registers the workflow tables
        from .panels import customer_panel, part_panel

        panels.register("customers.part", "property/_part_panel.html", part_panel)
        panels.register("customers.customer", "property/_customer_panel.html", customer_panel)
