"""Who is told of customer service events (kesu.notifications rules; each reader in their own language)."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.notifications.choices import Event
from kesu.notifications.services import notify

from . import signals


@receiver(signals.plan_transitioned, dispatch_uid="notify_service_plan_transitioned")
def on_plan_transitioned(sender, plan, actor=None, note="", **kwargs):
    notify(event=Event.SERVICE_TRANSITIONED, company=plan.company,
           context={"owner": plan.prepared_by, "record": plan}, actor=actor,
           link=reverse("service:plan_detail", args=[plan.pk]),
           message=lambda: (_("Customer service plan %(year)s is now “%(status)s”") % {
               "year": plan.year, "status": plan.get_status_display()}, note))
