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


def _report_message(report):
    def message():
        f = report.figures
        body = _("Complaints: %(complaints)s; returned units: %(returned)s; units delivered: %(delivered)s.") % {
            "complaints": f.get("complaints", 0), "returned": f.get("returned_units", 0),
            "delivered": f.get("units_delivered", 0)}
        return (_("%(report)s: %(status)s") % {"report": str(report), "status": report.get_status_display()}, body)

    return message


@receiver(signals.quality_report_sent, dispatch_uid="notify_service_quality_report_sent")
def on_quality_report_sent(sender, report, **kwargs):
    # The GM is the next actor (work registry): inbox and e-mail by the rule's default.
    notify(event=Event.SERVICE_TRANSITIONED, company=report.company, context={"owner": report.gm, "record": report},
           actor=None, link=reverse("service:quality_detail", args=[report.pk]), message=_report_message(report))


@receiver(signals.quality_report_transitioned, dispatch_uid="notify_service_quality_report_transitioned")
def on_quality_report_transitioned(sender, report, actor=None, **kwargs):
    notify(event=Event.SERVICE_TRANSITIONED, company=report.company, context={"owner": report.gm, "record": report},
           actor=actor, link=reverse("service:quality_detail", args=[report.pk]), message=_report_message(report))


def _due_message(mark):
    def message():
        title = _("Planned visit due this month: %(customer)s") % {"customer": mark.customer.name}
        body = _("The service plan %(year)s plans a visit to %(customer)s in month %(month)s; no visit is recorded "
                 "yet (due by %(due)s).") % {"year": mark.plan.year, "customer": mark.customer.name,
                                              "month": mark.month, "due": mark.due_on.isoformat()}
        return title, body

    return message


@receiver(signals.service_due, dispatch_uid="notify_service_due")
def on_service_due(sender, mark, **kwargs):
    notify(event=Event.SERVICE_DUE, company=mark.company, context={"owner": mark.salesperson, "record": mark},
           actor=None, link=reverse("service:plan_detail", args=[mark.plan_id]), message=_due_message(mark))
