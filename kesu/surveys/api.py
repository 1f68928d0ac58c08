"""REST endpoints for satisfaction surveys (/api/v1/survey-templates, /api/v1/survey-campaigns, …).

Same services and permissions as the pages. Scores travel as decimal strings. The customer's own answer
goes through the personal-link page, not the API (it needs no account).
"""


import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import ConfigDict

from kesu.accounts.models import User
from kesu.api.types import Id, Percent, SmallCount, Year
from kesu.core.selectors import visible_record
from kesu.customers.models import Customer

from . import selectors, services
from .models import (
    DIMENSIONS,
    Answer,
    Improvement,
    ImprovementMeeting,
    Recipient,
    ReportReceipt,
    SatisfactionReport,
    SurveyTemplate,
)

router = Router(tags=["satisfaction surveys"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _require(user, perm: str) -> None:
    if not user.has_perm(f"surveys.{perm}"):
        raise PermissionDenied


def _template(template: SurveyTemplate) -> dict[str, Any]:
    return {"id": template.pk, "code": template.code, "version": template.version, "name": template.name,
            "introduction": template.introduction, "is_current": template.is_current,
            "max_points": template.max_points,
            "grades": [{"lower": b.lower, "grade": b.grade, "trigger": b.trigger} for b in template.bands.all()],
            "sections": [{"position": s.position, "title": s.title, "is_critical": s.is_critical,
                          "items": [{"id": i.pk, "position": i.position, "text": i.text, "options": i.options,
                                     "allow_comment": i.allow_comment} for i in s.items.all()]}
                         for s in template.sections.all()]}


@router.get("/survey-templates", response=list[dict], operation_id="list_survey_templates",
            summary="Survey templates (every version; the two seed forms ship ready)")
def list_survey_templates(request):
    _require(request.user, "view_surveytemplate")
    if request.user.company_id:
        services.templates_ensure_seeded(request.user.company)
    return [{"id": t.pk, "code": t.code, "version": t.version, "name": t.name, "is_current": t.is_current,
             "max_points": t.max_points} for t in selectors.templates_visible_to(request.user).order_by("code", "-version")]


@router.get("/survey-templates/{pk}", response=dict, operation_id="get_survey_template",
            summary="One template version with its sections, items and point scales")
def get_survey_template(request, pk: Id):
    _require(request.user, "view_surveytemplate")
    return _template(selectors.template_get_for_user(request.user, pk))


class OptionIn(_Strict):
    label: str
    points: SmallCount


class SurveyItemIn(_Strict):
    text: str
    options: list[OptionIn]
    allow_comment: bool = True


class SectionIn(_Strict):
    title: str
    is_critical: bool = False
    items: list[SurveyItemIn]


class TemplateIn(_Strict):
    code: str
    name: str
    introduction: str = ""
    sections: list[SectionIn]


@router.post("/survey-templates", response={201: dict}, operation_id="create_survey_template",
             summary="A new template (its items' maximum points must total 100 when the company requires it)")
def create_survey_template(request, payload: TemplateIn):
    template = services.template_create(actor=request.user, company=request.user.company, data=payload.dict(),
                                        source="api")
    return 201, _template(selectors.template_with_items(template.pk))


@router.put("/survey-templates/{pk}", response=dict, operation_id="revise_survey_template",
            summary="Revise the current version (a new version once a campaign uses it)")
def revise_survey_template(request, pk: Id, payload: TemplateIn):
    template = selectors.template_get_for_user(request.user, pk)
    saved = services.template_revise(actor=request.user, template=template, data=payload.dict(), source="api")
    return _template(selectors.template_with_items(saved.pk))


def _campaign(campaign, user) -> dict[str, Any]:
    answers = {a.recipient_id: a for a in selectors.answers_of(campaign)}
    return {
        "id": campaign.pk, "name": campaign.name, "kind": campaign.kind, "status": campaign.status,
        "template_id": campaign.template_id, "period_start": campaign.period_start,
        "period_end": campaign.period_end, "send_month": campaign.send_month, "target_score": campaign.target_score,
        "score": campaign.score, "owner_id": campaign.owner_id, "opened_at": campaign.opened_at,
        "answer_due_at": campaign.answer_due_at, "closed_at": campaign.closed_at, "version": campaign.version,
        # Seed 001 §4.2.2 3: how the top customers by sales were ranked (they cannot be removed).
        "ranking": {"basis": campaign.ranking_basis, "label": campaign.get_ranking_basis_display(),
                    "currency": campaign.ranking_currency, "unpriced_lines": campaign.unpriced_lines,
                    "top_customers": campaign.top_customers},
        "recipients": [{"id": r.pk, "customer_id": r.customer_id, "included": r.included, "reasons": r.reasons,
                        "note": r.note, "shipment_lines": r.shipment_lines, "sales_rank": r.sales_rank,
                        "sales_amount": r.sales_amount,
                        "answer": None if r.pk not in answers else {
                            "id": answers[r.pk].pk, "score": answers[r.pk].score, "grade": answers[r.pk].grade,
                            "channel": answers[r.pk].channel}}
                       for r in selectors.recipients_of(campaign)],
    }


@router.get("/survey-campaigns", response=list[dict], operation_id="list_survey_campaigns",
            summary="Survey campaigns, newest first")
def list_survey_campaigns(request):
    _require(request.user, "view_campaign")
    return [{"id": c.pk, "name": c.name, "kind": c.kind, "status": c.status, "send_month": c.send_month,
             "target_score": c.target_score, "score": c.score}
            for c in selectors.campaigns_visible_to(request.user).order_by("-send_month", "-id")[:500]]


class CampaignIn(_Strict):
    name: str
    kind: str = "yearly"
    template_id: Id
    period_start: datetime.date
    period_end: datetime.date
    send_month: datetime.date
    target_score: Percent | None = None
    top_customers: SmallCount | None = None
    owner_id: Id | None = None


@router.post("/survey-campaigns", response={201: dict}, operation_id="create_survey_campaign",
             summary="A campaign in draft with its recipients chosen by rule (and why each is in or out)")
def create_survey_campaign(request, payload: CampaignIn):
    body = payload.dict()
    template = visible_record(SurveyTemplate, request.user, body.pop("template_id"), "template_id")
    owner = visible_record(User, request.user, body.pop("owner_id"), "owner_id")
    data = {k: v for k, v in body.items() if v is not None}
    data["template"] = template
    if owner is not None:
        data["owner"] = owner
    campaign = services.campaign_create(actor=request.user, company=template.company, data=data, source="api")
    return 201, _campaign(campaign, request.user)


@router.get("/survey-campaigns/{pk}", response=dict, operation_id="get_survey_campaign",
            summary="One campaign with its recipients, their reasons and their answers' scores")
def get_survey_campaign(request, pk: Id):
    _require(request.user, "view_campaign")
    return _campaign(selectors.campaign_get_for_user(request.user, pk), request.user)


class SurveyStepIn(_Strict):
    step: str


@router.post("/survey-campaigns/{pk}/steps", response=dict, operation_id="survey_campaign_step",
             summary="open (send the links), close (score, and an action if below target), recompute (draft)")
def survey_campaign_step(request, pk: Id, payload: SurveyStepIn):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    steps = {"open": services.campaign_open, "close": services.campaign_close,
             "recompute": services.campaign_recompute}
    if payload.step not in steps:
        raise ValidationError({"step": f"{', '.join(steps)}"})
    steps[payload.step](actor=request.user, campaign=campaign, source="api")
    return _campaign(selectors.campaign_get_for_user(request.user, pk), request.user)


class RecipientIn(_Strict):
    customer_id: Id
    included: bool
    note: str


@router.post("/survey-campaigns/{pk}/recipients", response=dict, operation_id="set_survey_recipient",
             summary="Add a customer to the campaign or remove one, with the reason")
def set_survey_recipient(request, pk: Id, payload: RecipientIn):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    customer = visible_record(Customer, request.user, payload.customer_id, "customer_id")
    services.recipient_set(actor=request.user, campaign=campaign, customer=customer, included=payload.included,
                           note=payload.note, source="api")
    return _campaign(selectors.campaign_get_for_user(request.user, pk), request.user)


class AnswerIn(_Strict):
    recipient_id: Id
    channel: str
    respondent: str = ""
    choices: dict[Id, SmallCount]
    comments: dict[Id, str] = {}
    remarks: str = ""


def _answer(answer: Answer) -> dict[str, Any]:
    return {"id": answer.pk, "recipient_id": answer.recipient_id, "customer_id": answer.recipient.customer_id,
            "channel": answer.channel, "answered_at": answer.answered_at, "points": answer.points,
            "max_points": answer.max_points, "score": answer.score, "grade": answer.grade,
            "critical_zero": answer.critical_zero, "remarks": answer.remarks,
            "items": [{"item_id": i.item_id, "option": i.option, "points": i.points, "comment": i.comment}
                      for i in answer.items.all()]}


@router.post("/survey-campaigns/{pk}/answers", response={201: dict}, operation_id="enter_survey_answer",
             summary="Enter an answer from a written form, a call or an e-mail (option index per item id)")
def enter_survey_answer(request, pk: Id, payload: AnswerIn):
    _require(request.user, "add_answer")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    recipient = get_object_or_404(Recipient, pk=payload.recipient_id, campaign=campaign)
    answer = services.answer_submit(actor=request.user, recipient=recipient, choices=payload.choices,
                                    comments=payload.comments, remarks=payload.remarks, channel=payload.channel,
                                    respondent=payload.respondent, source="api")
    return 201, _answer(answer)


@router.get("/survey-campaigns/{pk}/answers", response=list[dict], operation_id="list_survey_answers",
            summary="The campaign's answers with their item scores")
def list_survey_answers(request, pk: Id):
    _require(request.user, "view_answer")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    return [_answer(a) for a in campaign.answers.select_related("recipient").prefetch_related("items")]


@router.post("/survey-campaigns/{pk}/answers/import", response=dict, operation_id="import_survey_answers",
             summary="Import answers from the filled-in Excel form: all rows or none, every refused row listed")
def import_survey_answers(request, pk: Id, file: UploadedFile = File(...)):  # noqa: B008
    _require(request.user, "add_answer")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    report = services.answers_import(actor=request.user, campaign=campaign, upload=file)
    return {"imported": report.imported, "errors": [{"row": n, "message": m} for n, m in report.errors]}


def _improvement(row) -> dict[str, Any]:
    return {"id": row.pk, "campaign_id": row.campaign_id, "answer_id": row.answer_id, "area": row.area,
            "analysis": row.analysis, "measures": row.measures, "department_id": row.department_id,
            "due_on": row.due_on, "result": row.result, "status": row.status, "version": row.version,
            "recorded_by_id": row.recorded_by_id, "approved_by_id": row.approved_by_id, "approved_at": row.approved_at,
            "action_id": row.action_id,
            "customer_reports": [{"channel": r.channel, "told": r.told, "summary": r.summary,
                                  "reported_at": r.reported_at, "reported_by_id": r.reported_by_id}
                                 for r in row.customer_reports.all()]}


@router.get("/survey-campaigns/{pk}/improvements", response=list[dict], operation_id="list_survey_improvements",
            summary="The analysis-and-improvement form's lines, with their approval and reports to the customer")
def list_survey_improvements(request, pk: Id):
    _require(request.user, "view_improvement")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    return [_improvement(row) for row in selectors.improvements_of(campaign)]


class ImprovementIn(_Strict):
    answer_id: Id | None = None
    area: str
    analysis: str = ""
    measures: str
    department_id: Id | None = None
    due_on: datetime.date | None = None


@router.post("/survey-campaigns/{pk}/improvements", response={201: dict}, operation_id="propose_survey_improvement",
             summary="Propose an improvement line (approved by someone else before it is carried out)")
def propose_survey_improvement(request, pk: Id, payload: ImprovementIn):
    _require(request.user, "add_improvement")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    data = {k: v for k, v in payload.dict().items() if v is not None}
    row = services.improvement_save(actor=request.user, campaign=campaign, data=data, source="api")
    return 201, _improvement(row)


class ImprovementStepIn(_Strict):
    step: str
    expected_version: int | None = None
    note: str | None = None
    reason: str | None = None
    result: str | None = None
    channel: str | None = None
    told: str | None = None
    summary: str | None = None


@router.post("/survey-campaigns/{pk}/improvements/{improvement_pk}/steps", response=dict,
             operation_id="survey_improvement_step",
             summary="approve (not by its proposer), complete (result), reject_result (reason), verify, "
                     "report_to_customer (channel, summary, told)")
def survey_improvement_step(request, pk: Id, improvement_pk: Id, payload: ImprovementStepIn):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    row = get_object_or_404(Improvement, pk=improvement_pk, campaign=campaign)
    inputs = {k: v for k, v in payload.dict().items() if v not in (None, "") and k not in ("step", "expected_version")}
    row = services.improvement_transition(actor=request.user, improvement=row, name=payload.step,
                                          expected_version=payload.expected_version, source="api", **inputs)
    return _improvement(row)


class ImprovementMeetingIn(_Strict):
    held_on: datetime.date
    attendees: str
    analysis: str
    decisions: str


@router.get("/survey-campaigns/{pk}/meetings", response=list[dict], operation_id="list_survey_meetings",
            summary="Improvement meetings called by answers below the template's meeting band")
def list_survey_meetings(request, pk: Id):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    return [_meeting(m) for m in campaign.meetings.all()]


def _meeting(m) -> dict[str, Any]:
    return {"id": m.pk, "answer_id": m.answer_id, "called_at": m.called_at, "held_on": m.held_on,
            "attendees": m.attendees, "analysis": m.analysis, "decisions": m.decisions, "action_id": m.action_id}


@router.post("/survey-campaigns/{pk}/meetings/{meeting_pk}", response=dict, operation_id="record_survey_meeting",
             summary="Record the improvement meeting (QA); its decisions raise the corrective action")
def record_survey_meeting(request, pk: Id, meeting_pk: Id, payload: ImprovementMeetingIn):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    meeting = get_object_or_404(ImprovementMeeting, pk=meeting_pk, campaign=campaign)
    return _meeting(services.meeting_record(actor=request.user, meeting=meeting, data=payload.dict(), source="api"))


class CompetitorIn(_Strict):
    customer_id: Id
    competitor: str
    cost: Percent | None = None
    quality: Percent | None = None
    delivery: Percent | None = None
    technology: Percent | None = None
    note: str = ""


@router.post("/survey-campaigns/{pk}/competitors", response=dict, operation_id="rate_survey_competitor",
             summary="How the customer rates a competitor in cost, quality, delivery and technology (0–100 each)")
def rate_survey_competitor(request, pk: Id, payload: CompetitorIn):
    _require(request.user, "add_competitorrating")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    customer = visible_record(Customer, request.user, payload.customer_id, "customer_id")
    body = payload.dict()
    row = services.competitor_rating_set(actor=request.user, campaign=campaign, customer=customer,
                                         competitor=body["competitor"], note=body["note"],
                                         ratings={d: body[d] for d in DIMENSIONS}, source="api")
    return {"id": row.pk, "competitor": row.competitor, "customer_id": row.customer_id,
            **{d: getattr(row, d) for d in DIMENSIONS}, "note": row.note}


class BandIn(_Strict):
    lower: Percent
    grade: str
    trigger: str = "none"


@router.put("/survey-templates/{pk}/grades", response=dict, operation_id="set_survey_template_grades",
            summary="A template's grade table: from which score an answer gets which grade and what it raises")
def set_survey_template_grades(request, pk: Id, payload: list[BandIn]):
    template = selectors.template_get_for_user(request.user, pk)
    services.template_bands_set(actor=request.user, template=template, bands=[b.dict() for b in payload],
                                source="api")
    return _template(selectors.template_with_items(template.pk))


def _report_record(r) -> dict[str, Any]:
    return {"id": r.pk, "year": r.year, "status": r.status, "version": r.version, "conclusions": r.conclusions,
            "written_by_id": r.written_by_id, "approved_by_id": r.approved_by_id, "approved_at": r.approved_at,
            "engineering_signed_by_id": r.engineering_signed_by_id, "engineering_signed_at": r.engineering_signed_at,
            "qa_signed_by_id": r.qa_signed_by_id, "qa_signed_at": r.qa_signed_at, "distributed_at": r.distributed_at,
            "receipts": [{"id": x.pk, "department_id": x.department_id, "confirmed_by_id": x.confirmed_by_id,
                          "confirmed_at": x.confirmed_at} for x in r.receipts.all()]}


class ReportRecordIn(_Strict):
    year: Year
    conclusions: str | None = None


@router.post("/survey-report-records", response=dict, operation_id="write_survey_report_record",
             summary="The year's satisfaction report record (created as a draft; conclusions written while draft)")
def write_survey_report_record(request, payload: ReportRecordIn):
    _require(request.user, "view_campaign")
    if request.user.company is None:
        raise PermissionDenied
    record = services.report_draft(actor=request.user, company=request.user.company, year=payload.year,
                                   source="api")
    if payload.conclusions is not None:
        record = services.report_update(actor=request.user, report=record, conclusions=payload.conclusions,
                                        source="api")
    return _report_record(record)


class ReportStepIn(_Strict):
    step: str
    expected_version: int | None = None
    note: str | None = None
    reason: str | None = None


@router.post("/survey-report-records/{pk}/steps", response=dict, operation_id="survey_report_record_step",
             summary="submit, approve (sales head), countersign_engineering, countersign_qa (the heads), "
                     "distribute, return (reason)")
def survey_report_record_step(request, pk: Id, payload: ReportStepIn):
    _require(request.user, "view_campaign")
    record = get_object_or_404(SatisfactionReport.objects.visible_to(request.user), pk=pk)
    inputs = {k: v for k, v in (("note", payload.note), ("reason", payload.reason)) if v}
    record = services.report_transition(actor=request.user, report=record, name=payload.step,
                                        expected_version=payload.expected_version, source="api", **inputs)
    return _report_record(record)


@router.post("/survey-report-records/{pk}/receipts/{receipt_pk}", response=dict,
             operation_id="confirm_survey_report_receipt",
             summary="A department confirms it received the distributed report")
def confirm_survey_report_receipt(request, pk: Id, receipt_pk: Id):
    _require(request.user, "view_campaign")
    record = get_object_or_404(SatisfactionReport.objects.visible_to(request.user), pk=pk)
    receipt = get_object_or_404(ReportReceipt, pk=receipt_pk, report=record)
    services.report_receipt_confirm(actor=request.user, receipt=receipt, source="api")
    return _report_record(record)


@router.get("/survey-report", response=dict, operation_id="survey_report",
            summary="The yearly satisfaction analysis report as data")
def survey_report(request, year: Year):
    _require(request.user, "view_campaign")
    from .report import yearly_report

    return _jsonable(yearly_report(request.user, year))


def _jsonable(value):
    """The report's numbers and labels as JSON (Decimals as strings, model objects by their text)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Decimal, datetime.date)):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


