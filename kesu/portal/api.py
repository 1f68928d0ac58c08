"""The portal API under /api/v1/portal/ (issue 23 §6): a customer's own system files and follows complaints.

Portal identities authenticate with a portal token (``Authorization: Bearer kesup_…``, made on the portal's
account page) or the portal session; staff tokens and sessions are not portal identities and get 401 here,
except for inviting a contact, which is sales staff's. Every read goes through ``selectors`` (own customer
only, nothing internal); every write through ``services``, with the pages' forms checking the input.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import Field

from kesu.accounts import throttle
from kesu.api.auth import KesuSessionAuth, TokenAuth
from kesu.api.errors import ApiError
from kesu.api.paging import Limit, Offset
from kesu.api.types import Count, Id
from kesu.complaints.services import AttachmentDamaged, attachment_open
from kesu.core.context import set_actor
from kesu.customers.models import Contact
from kesu.surveys import selectors as survey_selectors
from kesu.surveys.forms import AnswerForm

from . import access, selectors, services
from . import printouts as portal_printouts
from .forms import PortalComplaintForm, ReplyForm
from .models import PortalToken


class PortalTokenAuth(HttpBearer):
    """A portal token; wrong tokens are counted per address like staff tokens (429 after a while)."""

    def authenticate(self, request, token: str):
        keys = throttle.token_keys(throttle.client_address(request))
        throttle.check(keys)
        row = None
        if token.startswith(PortalToken.PREFIX):
            row = PortalToken.objects.filter(token_hash=PortalToken.hash(token), revoked_at__isnull=True).first()
        account = access.active_accounts().filter(pk=row.account_id).first() if row is not None else None
        if account is None:
            throttle.fail(keys)
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at > datetime.timedelta(minutes=1):
            PortalToken.objects.filter(pk=row.pk).update(last_used_at=now)  # a usage stamp, not audited
        request.portal_account = account
        set_actor(None, services.SOURCE)
        return account


class PortalSessionAuth(APIKeyCookie):
    """The portal's browser session (CSRF checked on writes)."""

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__()

    def authenticate(self, request, key):
        account = getattr(request, "portal_account", None) or access.session_account(request)
        if account is not None:
            request.portal_account = account
            set_actor(None, services.SOURCE)
        return account


router = Router(tags=["portal"], auth=[PortalTokenAuth(), PortalSessionAuth()])


class PortalFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class PortalMessageOut(Schema):
    at: datetime.datetime
    from_customer: bool
    channel: str
    text: str
    files: list[PortalFileOut]


class PortalMilestoneOut(Schema):
    at: datetime.datetime
    status: str
    text: str


class PortalDeadlineOut(Schema):
    kind: str
    text: str
    due_at: datetime.datetime
    met_at: datetime.datetime | None


class PortalRemedyOut(Schema):
    round: int
    text: str
    decision: str
    reason: str
    decided_at: datetime.datetime | None


class PortalComplaintOut(Schema):
    id: int
    number: str
    received_at: datetime.datetime
    status: str
    status_text: str
    part_no: str | None
    quantity_defective: int | None
    lot_number: str
    description: str


class PortalComplaintDetailOut(PortalComplaintOut):
    owner: str | None
    waiting_for_decision: bool
    milestones: list[PortalMilestoneOut]
    deadlines: list[PortalDeadlineOut]
    messages: list[PortalMessageOut]
    remedies: list[PortalRemedyOut]


class PortalComplaintPage(Schema):
    count: int
    items: list[PortalComplaintOut]


class PortalDecisionIn(Schema):
    accepted: bool
    reason: str = Field("", max_length=5000)


class PortalExplanationIn(Schema):
    acknowledged: bool
    reason: str = Field("", max_length=5000)


class PortalInvitationIn(Schema):
    contact_id: Id


class PortalInvitationOut(Schema):
    id: int
    contact_id: int
    email: str
    invited_at: datetime.datetime | None


def _row(c) -> dict:
    return {"id": c.pk, "number": c.number, "received_at": c.received_at, "status": c.status,
            "status_text": selectors.plain_status(c.status), "part_no": c.part.part_no if c.part_id else None,
            "quantity_defective": c.quantity_defective, "lot_number": c.lot_number, "description": c.description}


def _detail(c) -> dict:
    entries = selectors.communications(c)
    pending = selectors.pending_remedy(c)
    return {
        **_row(c),
        "owner": str(c.owner) if c.owner_id else None,
        "waiting_for_decision": pending is not None,
        "milestones": [{"at": m.at, "status": m.status, "text": m.label} for m in selectors.milestones(c)],
        "deadlines": [{"kind": d["kind"], "text": d["label"], "due_at": d["due_at"], "met_at": d["met_at"]}
                      for d in selectors.deadlines(c)],
        "messages": [{"at": e.at, "from_customer": e.direction == "in", "channel": e.channel, "text": e.summary,
                      "files": [{"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}
                                for a in e.attachments.all()]} for e in entries],
        "remedies": [{k: r[k] for k in ("round", "text", "decision", "reason", "decided_at")}
                     for r in selectors.remedies(c)],
    }


def _form_errors(form) -> ValidationError:
    return ValidationError({field: [str(e) for e in errors] for field, errors in form.errors.items()})


@router.get("/complaints", response=PortalComplaintPage, operation_id="portal_list_complaints",
            summary="Your customer's complaints, newest first")
def list_complaints(request, limit: Limit = 50, offset: Offset = 0):
    qs = selectors.portal_complaints(request.portal_account)
    return {"count": qs.count(), "items": [_row(c) for c in qs[offset:offset + limit]]}


@router.post("/complaints", response={201: PortalComplaintDetailOut}, operation_id="portal_file_complaint",
             summary="File a complaint (multipart; photos and files in the repeatable field 'files')")
def file_complaint(request, description: str = Form(..., max_length=20000),  # noqa: B008
                   part_id: Id | None = Form(None), quantity_defective: Count | None = Form(None),  # noqa: B008
                   lot_number: str = Form("", max_length=100),  # noqa: B008
                   delivery_date: datetime.date | None = Form(None),  # noqa: B008
                   defect_nature: str = Form("", max_length=200),  # noqa: B008
                   customer_request: str = Form("", max_length=5000),  # noqa: B008
                   files: list[UploadedFile] = File(None)):  # noqa: B008
    account = request.portal_account
    data = {"description": description, "part": part_id or "", "quantity_defective": quantity_defective or "",
            "lot_number": lot_number, "delivery_date": delivery_date.isoformat() if delivery_date else "",
            "defect_nature": defect_nature, "customer_request": customer_request}
    form = PortalComplaintForm(data, MultiValueDict({"files": list(files or [])}), account=account)
    if not form.is_valid():
        raise _form_errors(form)
    complaint = services.portal_complaint_file(account=account, data=form.service_data(),
                                               files=form.cleaned_data["files"])
    return Status(201, _detail(selectors.portal_complaint_get(account, complaint.pk)))


@router.get("/complaints/{pk}", response=PortalComplaintDetailOut, operation_id="portal_get_complaint",
            summary="One complaint: status, milestones, deadlines, messages and remedies")
def get_complaint(request, pk: Id):
    return _detail(selectors.portal_complaint_get(request.portal_account, pk))


@router.post("/complaints/{pk}/replies", response={201: PortalComplaintDetailOut},
             operation_id="portal_reply_complaint", summary="Send a message and files on a complaint (multipart)")
def reply_complaint(request, pk: Id, text: str = Form("", max_length=20000),  # noqa: B008
                    files: list[UploadedFile] = File(None)):  # noqa: B008
    account = request.portal_account
    complaint = selectors.portal_complaint_get(account, pk)
    form = ReplyForm({"text": text}, MultiValueDict({"files": list(files or [])}))
    if not form.is_valid():
        raise _form_errors(form)
    services.portal_reply(account=account, complaint=complaint, text=form.cleaned_data["text"],
                          files=form.cleaned_data["files"])
    return Status(201, _detail(selectors.portal_complaint_get(account, pk)))


@router.post("/complaints/{pk}/decision", response={200: PortalComplaintDetailOut, 409: ApiError, 422: ApiError},
             operation_id="portal_decide_remedy", summary="Accept or reject the proposed remedy (reason to reject)")
def decide_remedy(request, pk: Id, payload: PortalDecisionIn):
    account = request.portal_account
    complaint = selectors.portal_complaint_get(account, pk)
    services.portal_remedy_decide(account=account, complaint=complaint, accepted=payload.accepted,
                                  reason=payload.reason)
    return _detail(selectors.portal_complaint_get(account, pk))


@router.post("/complaints/{pk}/explanation-answer",
             response={200: PortalComplaintDetailOut, 409: ApiError, 422: ApiError},
             operation_id="portal_answer_explanation",
             summary="Acknowledge the written explanation (closes the complaint) or dispute it with a reason")
def answer_explanation(request, pk: Id, payload: PortalExplanationIn):
    account = request.portal_account
    complaint = selectors.portal_complaint_get(account, pk)
    services.portal_explanation_answer(account=account, complaint=complaint, acknowledged=payload.acknowledged,
                                       reason=payload.reason)
    return _detail(selectors.portal_complaint_get(account, pk))


@router.get("/complaints/{pk}/files/{file_id}", response={200: None, 409: ApiError},
            operation_id="portal_download_file", summary="Download a file shared on the complaint")
def download_file(request, pk: Id, file_id: Id):
    row = selectors.portal_attachment_get(request.portal_account, pk, file_id)
    try:
        handle = attachment_open(row)
    except AttachmentDamaged:
        return Status(409, {"detail": [{"loc": ["path", "file_id"], "msg": "damaged"}], "code": "damaged"})
    response = FileResponse(handle, as_attachment=True, filename=row.name, content_type=row.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/complaints/{pk}/feedback.pdf", response={200: None}, operation_id="portal_feedback_pdf",
            summary="The customer's copy of the Quality Information Feedback form (PDF, in the contact's language)")
def feedback_pdf(request, pk: Id):
    account = request.portal_account
    return portal_printouts.feedback_response(account, selectors.portal_complaint_get(account, pk))


@router.get("/complaints/{pk}/8d.pdf", response={200: None}, operation_id="portal_eight_d_pdf",
            summary="The customer's copy of the 8D report raised from the complaint, when the company shares it")
def eight_d_pdf(request, pk: Id):
    account = request.portal_account
    return portal_printouts.eight_d_response(account, selectors.portal_complaint_get(account, pk))


@router.get("/complaints/{pk}/explanation.pdf", response={200: None}, operation_id="portal_explanation_pdf",
            summary="The written explanation sent to the customer (PDF, in the contact's language)")
def explanation_pdf(request, pk: Id):
    account = request.portal_account
    return portal_printouts.explanation_response(account, selectors.portal_complaint_get(account, pk))


# -- surveys -----------------------------------------------------------------------------------------------


class PortalSurveyRowOut(Schema):
    id: int
    name: str
    opened_at: datetime.datetime | None
    answered_at: datetime.datetime | None


class PortalSurveysOut(Schema):
    open: list[PortalSurveyRowOut]
    answered: list[PortalSurveyRowOut]


class PortalSurveyOptionOut(Schema):
    index: int
    label: str


class PortalSurveyItemOut(Schema):
    id: int
    section: str
    text: str
    allow_comment: bool
    options: list[PortalSurveyOptionOut]


class PortalSurveyOut(Schema):
    id: int
    name: str
    introduction: str
    expires_at: datetime.datetime
    items: list[PortalSurveyItemOut]


class PortalSurveyAnswerIn(Schema):
    choices: dict[int, int] = Field(..., description="item id → index of the chosen option")
    comments: dict[int, str] = Field(default_factory=dict)
    remarks: str = Field("", max_length=5000)


class PortalSurveyAnswerOut(Schema):
    id: int
    answered_at: datetime.datetime


@router.get("/surveys", response=PortalSurveysOut, operation_id="portal_list_surveys",
            summary="Your survey invitations: open (waiting for your answer) and answered")
def list_surveys(request):
    return selectors.portal_surveys(request.portal_account)


@router.get("/surveys/{pk}", response=PortalSurveyOut, operation_id="portal_get_survey",
            summary="An open survey's questions and their answer options")
def get_survey(request, pk: Id):
    recipient, invitation = selectors.portal_survey_get(request.portal_account, pk)
    template = survey_selectors.template_with_items(recipient.campaign.template_id)
    items = [{"id": item.pk, "section": section.title, "text": item.text, "allow_comment": item.allow_comment,
              "options": [{"index": i, "label": str(o["label"])} for i, o in enumerate(item.options)]}
             for section in template.sections.all() for item in section.items.all()]
    return {"id": recipient.pk, "name": recipient.campaign.title, "introduction": template.introduction,
            "expires_at": invitation.expires_at, "items": items}


@router.post("/surveys/{pk}/answer", response={201: PortalSurveyAnswerOut}, operation_id="portal_answer_survey",
             summary="Answer an open survey (one answer; every question needs a choice)")
def answer_survey(request, pk: Id, payload: PortalSurveyAnswerIn):
    account = request.portal_account
    recipient, invitation = selectors.portal_survey_get(account, pk)
    template = survey_selectors.template_with_items(recipient.campaign.template_id)
    data = {"remarks": payload.remarks, **{f"item_{k}": str(v) for k, v in payload.choices.items()},
            **{f"comment_{k}": v for k, v in payload.comments.items()}}
    form = AnswerForm(data, template=template)  # the page's form checks the input (one rule for both)
    if not form.is_valid():
        raise _form_errors(form)
    answer = services.portal_survey_answer(account=account, recipient=recipient, invitation=invitation,
                                           choices=form.choices(), comments=form.comments(),
                                           remarks=form.cleaned_data["remarks"])
    return Status(201, {"id": answer.pk, "answered_at": answer.answered_at})


# -- staff: inviting a contact (sales; staff token or session) -------------------------------------------


@router.post("/invitations", response={201: PortalInvitationOut},
             auth=[TokenAuth(), KesuSessionAuth(), PortalTokenAuth(), PortalSessionAuth()],
             operation_id="portal_invite_contact",
             summary="Invite a customer contact to the portal (sales staff): e-mails a link to set a password")
def invite_contact(request, payload: PortalInvitationIn):
    if getattr(request, "portal_account", None) is not None or not request.user.is_authenticated:
        raise Http404  # a staff operation: a portal identity gets 404 here as everywhere outside its scope
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=payload.contact_id)
    try:
        account = services.portal_invite(actor=request.user, contact=contact, source="api")
    except PermissionDenied as error:
        raise Http404 from error
    return Status(201, {"id": account.pk, "contact_id": contact.pk, "email": account.email,
                        "invited_at": account.invited_at})
