"""REST endpoints of the mail intake's triage, mounted under /api/v1/mailin/ (the same services as the pages;
another company's mail answers 404, a role that may not triage 403)."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from kesu.api.paging import Limit, Offset
from kesu.api.types import Id
from kesu.complaints.models import Complaint
from kesu.core.selectors import visible_record
from kesu.customers.models import Contact, Customer

from . import permissions, selectors, services
from .choices import Outcome, Reason
from .models import InboundMail

router = Router(tags=["mailin"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class MailinMailOut(Schema):
    id: int
    mailbox_id: int
    sender: str
    sender_name: str
    subject: str
    sent_at: datetime.datetime | None
    fetched_at: datetime.datetime
    size: int
    outcome: Outcome
    reason: Reason | None
    reason_detail: str
    attachment_names: list[str]
    customer_id: int | None
    contact_id: int | None
    complaint_id: int | None
    complaint_number: str | None
    handled_by_id: int | None
    handled_at: datetime.datetime | None
    discard_reason: str


class MailinMailDetailOut(MailinMailOut):
    body: str


def _mail(m: InboundMail, *, body: bool = False) -> dict:
    data = {
        "id": m.pk, "mailbox_id": m.mailbox_id, "sender": m.sender, "sender_name": m.sender_name,
        "subject": m.subject, "sent_at": m.sent_at, "fetched_at": m.fetched_at, "size": m.size,
        "outcome": m.outcome, "reason": m.reason or None, "reason_detail": m.reason_detail,
        "attachment_names": [str(n) for n in (m.attachment_names or [])], "customer_id": m.customer_id,
        "contact_id": m.contact_id, "complaint_id": m.complaint_id,
        "complaint_number": m.complaint.number if m.complaint_id else None, "handled_by_id": m.handled_by_id,
        "handled_at": m.handled_at, "discard_reason": m.discard_reason,
    }
    if body:
        data["body"] = m.body
    return data


def _readable(request) -> None:
    if not permissions.may_read_triage(request.user):
        raise PermissionDenied


@router.get("/mails", response=list[MailinMailOut], operation_id="list_mailin_mails",
            summary="Received mails, newest first: those waiting in triage unless an outcome (or 'all') is asked")
def list_mails(request, outcome: Outcome | None = None, all_outcomes: bool = False,
               q: Annotated[str, Field(max_length=100)] = "", limit: Limit = 50, offset: Offset = 0):
    _readable(request)
    qs = selectors.mails_filtered(request.user, outcome="all" if all_outcomes else (outcome or ""), query=q)
    return [_mail(m) for m in qs[offset:offset + limit]]


@router.get("/mails/{pk}", response=MailinMailDetailOut, operation_id="get_mailin_mail",
            summary="One received mail with its text")
def get_mail(request, pk: Id):
    _readable(request)
    return _mail(selectors.mail_get_for_user(request.user, pk), body=True)


class MailinMakeComplaintIn(_Strict):
    customer_id: Id
    contact_id: Id | None = None


@router.post("/mails/{pk}/complaint", response={201: MailinMailOut}, operation_id="make_complaint_from_mail",
             summary="Register a mail waiting in triage as a complaint of the customer")
def make_complaint(request, pk: Id, payload: MailinMakeComplaintIn):
    _readable(request)
    mail = selectors.mail_get_for_user(request.user, pk)
    customer = visible_record(Customer, request.user, payload.customer_id, "customer_id")
    contact = visible_record(Contact, request.user, payload.contact_id, "contact_id")
    done = services.triage_make_complaint(actor=request.user, mail=mail, customer=customer, contact=contact,
                                          source="api")
    return Status(201, _mail(selectors.mail_get_for_user(request.user, done.pk)))


class MailinAttachIn(_Strict):
    complaint_id: Id


@router.post("/mails/{pk}/attach", response=MailinMailOut, operation_id="attach_mail_to_complaint",
             summary="Add a mail waiting in triage to a complaint's timeline as the customer's e-mail")
def attach(request, pk: Id, payload: MailinAttachIn):
    _readable(request)
    mail = selectors.mail_get_for_user(request.user, pk)
    complaint = visible_record(Complaint, request.user, payload.complaint_id, "complaint_id")
    done = services.triage_attach(actor=request.user, mail=mail, complaint=complaint, source="api")
    return _mail(selectors.mail_get_for_user(request.user, done.pk))


class MailinDiscardIn(_Strict):
    reason: str = Field(..., min_length=1, max_length=2000)


@router.post("/mails/{pk}/discard", response=MailinMailOut, operation_id="discard_mail",
             summary="Discard a mail waiting in triage, with the reason (the mail and its record stay)")
def discard(request, pk: Id, payload: MailinDiscardIn):
    _readable(request)
    mail = selectors.mail_get_for_user(request.user, pk)
    done = services.triage_discard(actor=request.user, mail=mail, reason=payload.reason, source="api")
    return _mail(selectors.mail_get_for_user(request.user, done.pk))
