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

        _register_events()

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="complaints_search_index")


def _register_events() -> None:
    from kesu.core import events

    from . import signals
    from .models import Complaint

    # What the receivers read of a new complaint (notifications and the work it waits for, the acknowledgement,
    # webhooks), read with it when a worker hands the event on.
    events.register("complaints.created", signal=signals.complaint_created, argument="complaint", model=Complaint,
                    related=("company", "customer", "contact", "owner", "created_by", "department",
                             "responsible_department"))
    # A step: the people it gives work or news to, the message to the customer, the survey on closing, webhooks
    # and the repeat check.
    events.register("complaints.transitioned", signal=signals.complaint_transitioned, argument="complaint",
                    model=Complaint, related=("company", "customer", "contact", "owner", "created_by", "department",
                                              "responsible_department"))
