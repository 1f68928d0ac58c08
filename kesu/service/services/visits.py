"""Visits and return visits (issue 21 §2; seed 002 §5.2, 满意度控制程序 §4.2.1, seed 000 §4.3.3.2).

A finding becomes a complaint or a corrective action in one step, through the complaint and CAPA services; the
visit keeps the link and the new record points back (the complaint's and the action's pages show the visit).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import actor_or_none, require_role

from .. import permissions
from ..choices import VisitKind, VisitPurpose
from ..models import Visit
from .common import assign, full_clean

VISIT_FIELDS = (
    "kind", "customer", "contacts_text", "visited_by", "companions", "visited_on", "purpose", "complaint",
    "view_quality", "view_delivery", "view_service", "view_price", "view_needs", "findings", "negative", "confirmation",
    "confirmation_note",
)
RELATIONS = ("customer", "visited_by", "complaint")


def _check(visit: Visit, contacts) -> None:
    from kesu.complaints.choices import Status

    company_id = visit.company_id
    if visit.customer.company_id != company_id:
        raise ValidationError({"customer": _("Choose a customer of the visit's company.")})
    if visit.visited_by.company_id != company_id and not visit.visited_by.is_superuser:
        raise ValidationError({"visited_by": _("Choose people of the visit's company.")})
    if visit.complaint_id:
        complaint = visit.complaint
        if complaint.company_id != company_id or complaint.customer_id != visit.customer_id:
            raise ValidationError({"complaint": _("Choose a complaint of this customer.")})
        if visit.purpose == VisitPurpose.AFTER_CLOSURE and complaint.status != Status.CLOSED:
            raise ValidationError({"complaint": _("The complaint is not closed yet.")})
    if any(c.customer_id != visit.customer_id for c in contacts):
        raise ValidationError({"contacts": _("Choose contacts of this customer.")})


def visit_create(*, actor, company, data: dict[str, Any], contacts=(), source: str = "web") -> Visit:
    """Record a visit or a phone return visit; who went defaults to whoever records it."""
    require_role(actor, permissions.VISITORS, company.pk)
    visit = Visit(company=company)
    assign(visit, data, VISIT_FIELDS, RELATIONS)
    if visit.visited_by_id is None and actor_or_none(actor) is not None:
        visit.visited_by = actor
    visit.recorded_by = actor_or_none(actor)
    full_clean(visit)
    contacts = list(contacts)
    _check(visit, contacts)
    with acting_as(actor, source), transaction.atomic():
        visit.save()
        visit.contacts.set(contacts)
    return visit


def visit_update(*, actor, visit: Visit, data: dict[str, Any], contacts=None, source: str = "web") -> Visit:
    """Correct or complete a visit record (e.g. the customer's confirmation given later)."""
    require_role(actor, permissions.VISITORS, visit.company_id)
    assign(visit, data, tuple(f for f in VISIT_FIELDS if f != "customer"), tuple(r for r in RELATIONS
                                                                                  if r != "customer"))
    full_clean(visit)
    contacts = list(visit.contacts.all()) if contacts is None else list(contacts)
    _check(visit, contacts)
    with acting_as(actor, source), transaction.atomic():
        visit.save()
        visit.contacts.set(contacts)
    return visit


def _finding(visit: Visit) -> str:
    if not visit.findings.strip():
        raise ValidationError({"findings": _("Write the finding first.")})
    return visit.findings.strip()


def visit_raise_complaint(*, actor, visit: Visit, source: str = "web"):
    """Turn the visit's finding into a complaint (complaint service), linked both ways."""
    from kesu.complaints.choices import Channel
    from kesu.complaints.services import complaint_create

    finding = _finding(visit)
    if visit.finding_complaint_id:
        raise ValidationError({"findings": _("This finding has already become complaint %(number)s.") % {
            "number": visit.finding_complaint.number}})
    require_role(actor, permissions.VISITORS, visit.company_id)
    data = {"channel": Channel.PHONE if visit.kind == VisitKind.PHONE else Channel.VISIT,
            "customer": visit.customer, "description": finding}
    contact = visit.contacts.first()
    if contact is not None:
        data["contact"] = contact
    with acting_as(actor, source), transaction.atomic():
        complaint = complaint_create(actor=actor, company=visit.company, data=data, source=source)
        visit.finding_complaint = complaint
        visit.save(update_fields=["finding_complaint", "updated_at"])
    return complaint


def _action_owner(company):
    """Who takes a corrective action raised from a visit: the QA department's head, else the first QA engineer."""
    from kesu.accounts.models import User

    qa = User.objects.filter(company=company, is_active=True, position__role="qa").select_related(
        "department__head").order_by("id").first()
    if qa is None or qa.department_id is None:
        raise ValidationError({"findings": _("The company has no QA engineer to take the corrective action.")})
    head = qa.department.head
    return qa.department, head if head is not None and head.is_active else qa


def visit_raise_action(*, actor, visit: Visit, source: str = "web"):
    """Turn the visit's finding into a corrective action (CAPA service), linked both ways."""
    from kesu.capa.choices import SourceKind
    from kesu.capa.services import action_raise

    finding = _finding(visit)
    if visit.finding_action_id:
        raise ValidationError({"findings": _("This finding has already become corrective action %(number)s.") % {
            "number": visit.finding_action.number}})
    department, owner = _action_owner(visit.company)
    with translation.override(owner.language or django_settings.LANGUAGE_CODE):
        title = _("Visit finding: %(customer)s %(date)s") % {"customer": visit.customer.name,
                                                              "date": visit.visited_on.isoformat()}
    data = {"title": title[:200], "problem": finding, "responsible_department": department, "owner": owner,
            "customer": visit.customer}
    with acting_as(actor, source), transaction.atomic():
        action = action_raise(actor=actor, company=visit.company, data=data, sources=[(SourceKind.MANUAL, visit)],
                              source=source)
        visit.finding_action = action
        visit.save(update_fields=["finding_action", "updated_at"])
    return action


def visit_raise_signal(*, actor, visit: Visit, warning_class: str = "c", source: str = "web"):
    """Turn the visit's finding into an early-warning signal (prevention service, source "customer visit"),
    linked both ways: the visit keeps the signal; the signal names the visit in what was seen or heard."""
    from kesu.prevention.choices import SignalClass, SignalSource
    from kesu.prevention.services import signal_create

    finding = _finding(visit)
    if visit.finding_signal_id:
        raise ValidationError({"findings": _("This finding has already become early-warning signal %(number)s.") % {
            "number": visit.finding_signal.number}})
    if warning_class not in SignalClass.values:
        raise ValidationError({"warning_class": _("Choose the class A, B or C.")})
    require_role(actor, permissions.VISITORS, visit.company_id)
    with translation.override(django_settings.LANGUAGE_CODE):
        origin = _("From the visit of %(date)s (%(kind)s).") % {"date": visit.visited_on.isoformat(),
                                                                 "kind": visit.get_kind_display()}
    data = {"source": SignalSource.VISIT, "customer": visit.customer, "warning_class": warning_class,
            "observed": (finding + "\n" + origin)[:5000]}
    with acting_as(actor, source), transaction.atomic():
        signal = signal_create(actor=actor, company=visit.company, data=data, source=source)
        visit.finding_signal = signal
        visit.save(update_fields=["finding_signal", "updated_at"])
    return signal


def visit_raise_enquiry(*, actor, visit: Visit, source: str = "web"):
    """Turn the customer's new need heard on the visit into an enquiry: a contract review record of type
    "informal order" (contracts service), linked both ways (the visit keeps it; its reference names the visit)."""
    from kesu.contracts.choices import ReviewType
    from kesu.contracts.services import review_create

    need = (visit.view_needs or "").strip() or _finding(visit)
    if visit.finding_review_id:
        raise ValidationError({"view_needs": _("This need has already become review record %(number)s.") % {
            "number": visit.finding_review.number}})
    require_role(actor, permissions.VISITORS, visit.company_id)
    with translation.override(django_settings.LANGUAGE_CODE):
        title = _("Customer need from the visit of %(date)s") % {"date": visit.visited_on.isoformat()}
    first_line = need.splitlines()[0][:200]
    data = {"review_type": ReviewType.INFORMAL, "customer": visit.customer, "title": title[:200],
            "customer_reference": f"V-{visit.pk}"[:60], "received_on": visit.visited_on,
            "product_name": first_line, "special_requirements": need[:5000]}
    with acting_as(actor, source), transaction.atomic():
        review = review_create(actor=actor, company=visit.company, data=data, source=source)
        visit.finding_review = review
        visit.save(update_fields=["finding_review", "updated_at"])
    return review
