from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kesu.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from kesu.core import panels

        from .panels import contact_panel, customer_panel

        panels.register("customers.customer", "portal/_staff_panel.html", customer_panel)
        panels.register("customers.contact", "portal/_staff_panel.html", contact_panel)
