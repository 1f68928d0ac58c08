"""Records management API (issue 18 §14–§15): the retention review, a contact's anonymisation, the audit sample.

The endpoints call the same services and selectors as the pages, so their rules (who may, what is due) are one.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from . import retention

router = Router(tags=["records"])


def _company(request, company_id: int | None):
    from kesu.accounts.models import Company

    visible = Company.objects.all() if request.user.is_superuser else Company.objects.filter(
        pk__in=request.user.visible_company_ids())
    return get_object_or_404(visible, pk=company_id or request.user.company_id)


class DueOut(Schema):
    record_type: str
    id: int
    label: str
    closed: datetime.date | datetime.datetime | None


@router.get("/retention/due", response=list[DueOut], operation_id="retention_due",
            summary="Records past their retention period, not yet anonymised")
def retention_due(request, company_id: int | None = None):
    if not retention.may_confirm(request.user):
        raise PermissionDenied
    return [{"record_type": d.record_type, "id": d.pk, "label": d.label, "closed": d.closed}
            for d in retention.retention_due(_company(request, company_id))]


class ConfirmIn(Schema):
    company_id: int | None = None


@router.post("/retention/confirm", response=dict, operation_id="retention_confirm",
             summary="Anonymise every record now past its retention period (an administrator's confirmation)")
def retention_confirm(request, payload: ConfirmIn):
    if not retention.may_confirm(request.user):
        raise PermissionDenied
    count = retention.retention_confirm(actor=request.user, company=_company(request, payload.company_id))
    return {"anonymised": count}


class AnonymiseIn(Schema):
    reason: str


@router.post("/contacts/{pk}/anonymise", response=dict, operation_id="contact_anonymise",
             summary="Anonymise one contact on request, everywhere, with the reason")
def contact_anonymise(request, pk: int, payload: AnonymiseIn):
    from kesu.customers.models import Contact

    if not retention.may_confirm(request.user):
        raise PermissionDenied
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    retention.contact_anonymise(actor=request.user, contact=contact, reason=payload.reason)
    return {"id": pk, "anonymised": True}


def _draw(request, start: datetime.date, end: datetime.date, size: int, seed: int | None):
    from kesu.reports import audit_sample

    return audit_sample.draw(request.user, start=start, end=end, size=size, seed=seed)


@router.get("/audit-sample", response=dict, operation_id="audit_sample",
            summary="N random closed complaints of a period, with the seed that reproduces the draw")
def audit_sample_json(request, start: datetime.date, end: datetime.date, size: int = 10, seed: int | None = None):
    from kesu.reports.audit_sample import deadline_outcome

    sample = _draw(request, start, end, size, seed)
    items: list[dict[str, Any]] = []
    for item in sample.items:
        c = item.complaint
        items.append({
            "id": c.pk, "number": c.number, "customer_id": c.customer_id, "received_at": c.received_at,
            "closed_at": c.closed_at,
            "status_changes": [{"at": s.at, "step": s.name, "from": s.old_status, "to": s.new_status,
                                "actor_id": s.actor_id, "note": s.note} for s in item.status_changes],
            "timeline": [{"at": t.at, "kind": t.kind, "actor_id": t.actor_id, "summary": t.summary}
                         for t in item.timeline],
            "approvals": [{"round": r.round, "proposed_by_id": r.proposed_by_id, "approved_by_id": r.approved_by_id,
                           "approved_at": r.approved_at, "customer_decision": r.customer_decision}
                          for r in item.remedies],
            "deadlines": [{"kind": d.kind, "due_at": d.due_at, "met_at": d.met_at, "outcome": deadline_outcome(d)}
                          for d in item.deadlines],
            "actions": [{"id": a.pk, "number": a.number, "status": a.status} for a in item.actions],
        })
    return {"start": sample.start, "end": sample.end, "size": sample.size, "seed": sample.seed,
            "population": sample.population, "items": items}


@router.get("/audit-sample.pdf", response={200: None}, operation_id="audit_sample_pdf",
            summary="The audit sample as one PDF")
def audit_sample_pdf(request, start: datetime.date, end: datetime.date, size: int = 10, seed: int | None = None):
    from kesu.reports.audit_sample import sample_pdf

    sample = _draw(request, start, end, size, seed)
    response = HttpResponse(sample_pdf(sample, request.user.company or _company(request, None)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="audit-sample-seed{sample.seed}.pdf"'
    return response


@router.get("/audit-sample.xlsx", response={200: None}, operation_id="audit_sample_xlsx",
            summary="The audit sample as one Excel workbook")
def audit_sample_xlsx(request, start: datetime.date, end: datetime.date, size: int = 10, seed: int | None = None):
    from kesu.reports.audit_sample import sample_xlsx

    sample = _draw(request, start, end, size, seed)
    response = HttpResponse(sample_xlsx(sample),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="audit-sample-seed{sample.seed}.xlsx"'
    return response
