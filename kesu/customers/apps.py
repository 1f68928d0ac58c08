from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kesu.customers"
    label = "customers"
    verbose_name = _("Customer master data")

    def ready(self) -> None:
        from . import lookups  # noqa: F401  (registers the type-ahead lookups)
