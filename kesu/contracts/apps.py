from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "kesu.contracts"
    label = "contracts"
    verbose_name = _("Contract review")

    def ready(self) -> None:
        from . import panels, receivers, workflow  # noqa: F401 - tables, receivers and panels register themselves
