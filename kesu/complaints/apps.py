from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "kesu.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from . import (
            customer_messages,  # noqa: F401 - its receivers send the messages to the customer
            workflow,  # noqa: F401 - registers the complaint's workflow table
        )
        from .search import ensure_search_index

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="complaints_search_index")
