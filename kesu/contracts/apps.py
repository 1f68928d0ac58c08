from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "kesu.contracts"
    label = "contracts"
    verbose_name = _("Contract review")

    def ready(self) -> None:
        from kesu.core.retention import register_record_type

        from . import panels, receivers, workflow  # noqa: F401 - tables, receivers and panels register themselves
        from .retention import CONTRACT_REVIEWS

        register_record_type(CONTRACT_REVIEWS)  # seed 002: review records are kept three years (保存期3年)
