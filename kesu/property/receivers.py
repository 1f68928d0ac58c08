"""Who is told of customer property (notifications, after commit): the next actor from the work registry, the
record's owner and creator (issue 19 §8; design §12)."""

from __future__ import annotations

from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from kesu.notifications.choices import Event
from kesu.notifications.services import notify

from . import signals


@receiver(signals.loan_transitioned, dispatch_uid="property_loan_transitioned")
def on_loan(sender, loan, new_status, actor=None, note="", **kwargs):
    notify(event=Event.PROPERTY_TRANSITIONED, company=loan.company,
           context={"owner": loan.requested_by, "creator": loan.requested_by, "record": loan, "members": []},
           actor=actor, link=reverse("property:loan_detail", args=[loan.pk]),
           message=lambda: (_("Loan %(number)s of %(item)s is now “%(status)s”") % {
               "number": loan.number, "item": loan.item.number, "status": loan.get_status_display()}, note))


@receiver(signals.damage_transitioned, dispatch_uid="property_damage_transitioned")
def on_damage(sender, report, new_status, actor=None, note="", **kwargs):
    notify(event=Event.PROPERTY_TRANSITIONED, company=report.company,
           context={"owner": report.sales_owner, "creator": report.reported_by, "record": report, "members": []},
           actor=actor, link=reverse("property:damage_detail", args=[report.pk]),
           message=lambda: (_("Damage report %(number)s of %(item)s is now “%(status)s”") % {
               "number": report.number, "item": report.item.number, "status": report.get_status_display()}, note))


@receiver(signals.copy_transitioned, dispatch_uid="property_copy_transitioned")
def on_copy(sender, copy, new_status, actor=None, note="", **kwargs):
    notify(event=Event.PROPERTY_TRANSITIONED, company=copy.company,
           context={"owner": None, "creator": copy.issued_by, "record": copy, "members": []},
           actor=actor, link=reverse("property:document_detail", args=[copy.revision.document_id]),
           message=lambda: (_("Controlled copy %(number)s is now “%(status)s”") % {
               "number": copy.number, "status": copy.get_status_display()}, note))


@receiver(signals.item_transitioned, dispatch_uid="property_item_transitioned")
def on_item(sender, item, name, new_status, old_status="", actor=None, note="", **kwargs):
    if new_status == old_status:
        return
    notify(event=Event.PROPERTY_TRANSITIONED, company=item.company,
           context={"owner": item.sales_owner, "creator": item.registered_by, "record": item, "members": []},
           actor=actor, link=reverse("property:item_detail", args=[item.pk]),
           message=lambda: (_("Customer property %(number)s is now “%(status)s”") % {
               "number": item.number, "status": item.get_status_display()}, note))


@receiver(signals.property_due, dispatch_uid="property_due")
def on_due(sender, record, kind, **kwargs):
    if kind == "calibration":
        notify(event=Event.PROPERTY_DUE, company=record.company,
               context={"owner": record.keeper, "record": record, "department": None},
               link=reverse("property:item_detail", args=[record.pk]),
               message=lambda: (_("Calibration of %(number)s is due on %(date)s") % {
                   "number": record.number, "date": record.calibration_due_on}, str(record)))
        return
    loan = record
    escalated = kind == "escalated"
    notify(event=Event.PROPERTY_DUE, company=loan.company,
           context={"owner": loan.requested_by, "record": loan, "department": loan.department if escalated else None},
           link=reverse("property:loan_detail", args=[loan.pk]),
           message=lambda: ((_("Loan %(number)s is overdue: %(item)s was due back on %(date)s (escalated)")
                             if escalated else _("Loan %(number)s is overdue: %(item)s was due back on %(date)s"))
                            % {"number": loan.number, "item": loan.item.number, "date": loan.expected_return_on},
                            loan.purpose))


@receiver(signals.inventory_started, dispatch_uid="property_inventory_started")
def on_inventory(sender, check, actor=None, **kwargs):
    """The keeping departments' people are told that their items wait for confirmation (issue 19 §5)."""
    from kesu.accounts.models import User

    departments = check.lines.values("department_id")
    members = list(User.objects.filter(company_id=check.company_id, department_id__in=departments, is_active=True))
    notify(event=Event.PROPERTY_TRANSITIONED, company=check.company,
           context={"owner": None, "creator": check.started_by, "members": members},
           actor=actor, link=reverse("property:inventory_detail", args=[check.pk]),
           message=lambda: (_("Inventory check %(year)s of customer property: confirm the items your department "
                              "keeps") % {"year": check.year}, ""))


@receiver(signals.inventory_transitioned, dispatch_uid="property_inventory_transitioned")
def on_inventory_moved(sender, check, new_status, actor=None, note="", **kwargs):
    """Whoever started the check hears that it moved (closed: the differences are now damage or loss reports)."""
    notify(event=Event.PROPERTY_TRANSITIONED, company=check.company,
           context={"owner": check.started_by, "creator": check.started_by, "record": check, "members": []},
           actor=actor, link=reverse("property:inventory_detail", args=[check.pk]),
           message=lambda: (_("Inventory check %(year)s of customer property is now “%(status)s”") % {
               "year": check.year, "status": check.get_status_display()}, note))
