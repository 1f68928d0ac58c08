"""Telling people about contract reviews and change notices (kesu.notifications; events CONTRACT_*)."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.notifications.choices import Event
from kesu.notifications.services import notify

from . import signals


@receiver(signals.review_transitioned, dispatch_uid="notify_contract_review_transitioned")
def on_review_transitioned(sender, review, new_status, actor=None, note="", **kwargs):
    # Amounts stay out of the message: not everyone told may see prices.
    notify(event=Event.CONTRACT_TRANSITIONED, company=review.company,
           context={"owner": review.owner, "creator": review.created_by, "record": review, "members": []},
           actor=actor, link=reverse("contracts:detail", args=[review.pk]),
           message=lambda: (_("Contract review %(number)s is now “%(status)s”") % {
               "number": review.number, "status": review.get_status_display()}, note))


@receiver(signals.notice_transitioned, dispatch_uid="notify_contract_notice_transitioned")
def on_notice_transitioned(sender, notice, new_status, actor=None, note="", **kwargs):
    notify(event=Event.CONTRACT_TRANSITIONED, company=notice.company,
           context={"owner": notice.owner, "creator": notice.created_by, "record": notice, "members": []},
           actor=actor, link=reverse("contracts:notice", args=[notice.pk]),
           message=lambda: (_("Change notice %(number)s is now “%(status)s”") % {
               "number": notice.number, "status": notice.get_status_display()}, note))


@receiver(signals.plan_transitioned, dispatch_uid="notify_contract_plan_transitioned")
def on_plan_transitioned(sender, plan, new_status, actor=None, note="", **kwargs):
    notify(event=Event.CONTRACT_TRANSITIONED, company=plan.company,
           context={"owner": plan.owner, "creator": plan.owner, "record": plan, "members": []},
           actor=actor, link=reverse("contracts:plan", args=[plan.pk]),
           message=lambda: (_("Delivery plan %(number)s is now “%(status)s”") % {
               "number": plan.number, "status": plan.get_status_display()}, note))
