"""Survey pages: templates, settings, campaigns, staff answer entry, imports, improvements, and the customer's
answer page behind the personal link (no login)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kesu.core.importexport import rows_xlsx
from kesu.core.pages import XLSX
from kesu.core.pages import error_messages as _messages
from kesu.core.pages import form_error_messages as _form_errors
from kesu.core.pages import xlsx_response as _xlsx
from kesu.core.panels import PanelAction, next_step
from kesu.core.selectors import audit_entries_for
from kesu.core.services import TransitionRefused

from . import exports, permissions, printouts, selectors, services
from .choices import CampaignStatus, InclusionReason
from .forms import (
    AnswerForm,
    CampaignForm,
    CompetitorForm,
    GradeTableForm,
    ImportForm,
    ImprovementForm,
    ImprovementStepForm,
    MeetingForm,
    RecipientForm,
    SettingsForm,
    StaffAnswerForm,
    TemplateForm,
    bands_to_text,
    template_to_text,
)
from .models import Answer, Improvement, ImprovementMeeting, Recipient
from .workflow import CAMPAIGN_TABLE, IMPROVEMENT_TABLE

PAGE_SIZE = 50


def _require(user, perm: str) -> None:
    if not user.has_perm(f"surveys.{perm}"):
        raise PermissionDenied


def _may(user, roles) -> bool:
    return user.has_role(*roles)


# -- templates and settings -----------------------------------------------------------------------------


@login_required
def template_list(request):
    _require(request.user, "view_surveytemplate")
    if request.user.company_id:
        services.templates_ensure_seeded(request.user.company)
    templates = selectors.templates_visible_to(request.user).order_by("code", "-version")
    return render(request, "surveys/template_list.html", {
        "templates": templates, "can_add": _may(request.user, permissions.MANAGE)})


@login_required
def template_detail(request, pk: int):
    _require(request.user, "view_surveytemplate")
    template = selectors.template_get_for_user(request.user, pk)
    may_manage = _may(request.user, permissions.MANAGE)
    return render(request, "surveys/template_detail.html", {
        "template": template, "can_revise": template.is_current and may_manage,
        "bands_form": GradeTableForm(initial={"bands": bands_to_text(template)}) if may_manage else None,
        "audit_entries": audit_entries_for(template)})


@login_required
def template_edit(request, pk: int | None = None):
    if not _may(request.user, permissions.MANAGE):
        raise PermissionDenied
    template = selectors.template_get_for_user(request.user, pk) if pk else None
    initial = {"code": template.code, "name": template.name, "introduction": template.introduction,
               "body": template_to_text(template)} if template else {}
    form = TemplateForm(request.POST or None, initial=initial)
    if template is not None:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            if template is None:
                saved = services.template_create(actor=request.user, company=request.user.company,
                                                 data=form.data_for_service())
            else:
                saved = services.template_revise(actor=request.user, template=template, data=form.data_for_service())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else "body", errors)
        else:
            messages.success(request, _("Saved: %(template)s.") % {"template": saved})
            return redirect("surveys:template_detail", saved.pk)
    return render(request, "surveys/template_form.html", {"form": form, "template": template})


@login_required
def survey_settings(request):
    _require(request.user, "view_surveysettings")
    if request.user.company is None:
        raise Http404
    cfg = selectors.survey_settings_for(request.user.company)
    may_change = _may(request.user, permissions.MANAGE)
    form = SettingsForm(request.POST or None, instance=cfg, user=request.user)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.survey_settings_update(actor=request.user, company=request.user.company,
                                                data=form.cleaned_data)
            except ValidationError as error:
                _messages(request, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("surveys:settings")
    return render(request, "surveys/settings.html", {"form": form, "may_change": may_change})


# -- campaigns -----------------------------------------------------------------------------------------


@login_required
def campaign_list(request):
    _require(request.user, "view_campaign")
    qs = selectors.campaigns_visible_to(request.user).order_by("-send_month", "-id")
    if request.GET.get("format") == "xlsx":
        return _xlsx(rows_xlsx(qs.iterator(), exports.CAMPAIGN_COLUMNS, _("Survey campaigns"), "campaigns"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "surveys/campaign_list.html", {
        "page": page, "can_add": _may(request.user, permissions.CAMPAIGNS)})


@login_required
def campaign_create(request):
    if not _may(request.user, permissions.CAMPAIGNS):
        raise PermissionDenied
    if request.user.company_id:
        services.templates_ensure_seeded(request.user.company)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        try:
            campaign = services.campaign_create(actor=request.user, company=data["template"].company, data=data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Campaign created with its recipients by rule: check them, then open it."))
            return redirect("surveys:campaign_detail", campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, pk: int):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    user = request.user
    recipients = selectors.recipients_of(campaign)
    answers = {a.recipient_id: a for a in selectors.answers_of(campaign)}
    from django.contrib.contenttypes.models import ContentType

    from kesu.capa.models import ActionLink

    actions = list(ActionLink.objects.filter(
        kind="survey", object_id__in=[campaign.pk, *[a.pk for a in answers.values()]],
        content_type__in=ContentType.objects.get_for_models(Answer, type(campaign)).values())
        .select_related("action"))
    can_manage = _may(user, permissions.CAMPAIGNS) and campaign.status != CampaignStatus.CLOSED
    offered, refused = CAMPAIGN_TABLE.offer(campaign, user)
    improvements = selectors.improvements_of(campaign)
    return render(request, "surveys/campaign_detail.html", {
        "next_step": next_step(campaign, user, _campaign_steps(campaign, offered, can_manage), refused=refused,
                               fulfils={"confirm_recipients": ("open", "recompute")}),
        "campaign": campaign, "recipients": [(r, answers.get(r.pk)) for r in recipients],
        "included": sum(1 for r in recipients if r.included), "answered": len(answers),
        "top": [r for r in recipients if InclusionReason.TOP_SALES in r.reasons],
        "actions": actions,
        "improvements": [(row, _improvement_steps(campaign, row, user)) for row in improvements],
        "meetings": list(campaign.meetings.select_related("answer__recipient__customer", "action", "recorded_by")),
        "can_meet": _may(user, permissions.MEETING), "meeting_form": MeetingForm(),
        "competitors": list(campaign.competitor_ratings.select_related("customer")),
        "items": selectors.item_results(campaign) if answers else [],
        "can_manage": can_manage,
        "can_enter": _may(user, permissions.ENTER) and campaign.status == CampaignStatus.OPEN,
        "can_improve": _may(user, permissions.IMPROVE),
        "recipient_form": RecipientForm(user=user), "import_form": ImportForm(),
        "competitor_form": CompetitorForm(user=user), "improvement_form": ImprovementForm(user=user),
        "audit_entries": audit_entries_for(campaign),
    })


def _campaign_steps(campaign, offered, can_manage: bool) -> list[PanelAction]:
    """The campaign's steps for the next-step panel: the rows of ``workflow.CAMPAIGN_TABLE`` its dry run offers
    this user now (the same check the service applies), and applying the rule again while a draft."""
    def action(step: str, label, **kw) -> PanelAction:
        return PanelAction(step, label, reverse("surveys:campaign_step", args=[campaign.pk, step]),
                           form_id=f"campaign-{step}", **kw)

    steps = [action(row.name, row.label) for row in offered]
    if can_manage and campaign.status == CampaignStatus.DRAFT:
        steps.append(action("recompute", _("Apply the rule again")))
    return steps


def _improvement_steps(campaign, row, user) -> list[tuple]:
    """Each step of an improvement line this user may take now (``workflow.IMPROVEMENT_TABLE``'s dry run), with
    its form; a step the rules refuse (the proposer approving) is not offered."""
    offered, _refused = IMPROVEMENT_TABLE.offer(row, user)
    return [(step, ImprovementStepForm(step=step.name, prefix=f"i{row.pk}-{step.name}"),
             reverse("surveys:improvement_step", args=[campaign.pk, row.pk, step.name])) for step in offered]


@login_required
@require_POST
def campaign_step(request, pk: int, step: str):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    steps = {"open": services.campaign_open, "close": services.campaign_close,
             "recompute": services.campaign_recompute}
    if step not in steps:
        raise Http404
    try:
        steps[step](actor=request.user, campaign=campaign)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("surveys:campaign_detail", pk)


@login_required
@require_POST
def recipient_change(request, pk: int):
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    form = RecipientForm(request.POST, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("surveys:campaign_detail", pk)
    try:
        services.recipient_set(actor=request.user, campaign=campaign, **form.cleaned_data)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Recipients changed."))
    return redirect("surveys:campaign_detail", pk)


@login_required
def staff_answer(request, pk: int, recipient_pk: int):
    """Enter an answer from a written form or a phone call (the channel is recorded)."""
    _require(request.user, "add_answer")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    recipient = get_object_or_404(Recipient.objects.select_related("customer", "contact"), pk=recipient_pk,
                                  campaign=campaign)
    template = selectors.template_with_items(campaign.template_id)
    form = AnswerForm(request.POST or None, template=template)
    meta = StaffAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and meta.is_valid():
        try:
            answer = services.answer_submit(actor=request.user, recipient=recipient, choices=form.choices(),
                                            comments=form.comments(), remarks=form.cleaned_data["remarks"],
                                            **meta.cleaned_data)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Answer stored: %(score)s (%(grade)s).") % {
                "score": answer.score, "grade": answer.get_grade_display()})
            return redirect("surveys:campaign_detail", pk)
    return render(request, "surveys/staff_answer.html", {
        "campaign": campaign, "recipient": recipient, "template": template, "form": form, "meta": meta})


@login_required
def answer_detail(request, pk: int):
    _require(request.user, "view_answer")
    answer = get_object_or_404(Answer.objects.visible_to(request.user).select_related(
        "campaign", "recipient__customer", "template", "entered_by"), pk=pk)
    return render(request, "surveys/answer_detail.html", {
        "answer": answer, "items": answer.items.select_related("item__section")})


@login_required
def answers_export(request, pk: int):
    _require(request.user, "view_answer")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    qs = campaign.answers.select_related("recipient__customer").order_by("recipient__customer__code")
    return _xlsx(rows_xlsx(qs.iterator(), exports.ANSWER_COLUMNS, campaign.name[:31], "answers"))


@login_required
def import_template(request, pk: int):
    _require(request.user, "add_answer")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    return FileResponse(services.answers_template(campaign), as_attachment=True,
                        filename=f"answers-{campaign.pk}.xlsx", content_type=XLSX)


@login_required
@require_POST
def import_answers(request, pk: int):
    _require(request.user, "add_answer")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("surveys:campaign_detail", pk)
    try:
        report = services.answers_import(actor=request.user, campaign=campaign, upload=form.cleaned_data["file"])
    except ValidationError as error:
        _messages(request, error)
        return redirect("surveys:campaign_detail", pk)
    if report.errors:
        messages.error(request, _("Nothing was imported: %(n)s rows were refused.") % {"n": len(report.errors)})
        for number, message in report.errors:
            messages.error(request, _("Row %(row)s: %(message)s") % {"row": number, "message": message})
    else:
        messages.success(request, _("%(n)s answers imported.") % {"n": report.imported})
    return redirect("surveys:campaign_detail", pk)


@login_required
@require_POST
def improvement_step(request, pk: int, improvement_pk: int, step: str):
    """Approve, complete, send back, verify an improvement line or report its result to the customer."""
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    row = get_object_or_404(Improvement, pk=improvement_pk, campaign=campaign)
    if step not in IMPROVEMENT_TABLE.names:
        raise Http404
    form = ImprovementStepForm(request.POST, step=step, prefix=f"i{row.pk}-{step}")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(reverse("surveys:campaign_detail", args=[pk]) + "#improvements")
    try:
        services.improvement_transition(actor=request.user, improvement=row, name=step, **form.inputs())
    except TransitionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect(reverse("surveys:campaign_detail", args=[pk]) + "#improvements")


@login_required
@require_POST
def meeting_record(request, pk: int, meeting_pk: int):
    """QA records the improvement meeting; its decisions raise the corrective action (seed 002 §5.2.3.3.3)."""
    _require(request.user, "view_campaign")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    meeting = get_object_or_404(ImprovementMeeting, pk=meeting_pk, campaign=campaign)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.meeting_record(actor=request.user, meeting=meeting, data=form.cleaned_data)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Meeting recorded; its decisions raised a corrective action."))
    return redirect(reverse("surveys:campaign_detail", args=[pk]) + "#meetings")


@login_required
@require_POST
def template_bands(request, pk: int):
    """Change a template's grade table (design §11: thresholds belong to the template)."""
    if not _may(request.user, permissions.MANAGE):
        raise PermissionDenied
    template = selectors.template_get_for_user(request.user, pk)
    form = GradeTableForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.template_bands_set(actor=request.user, template=template, bands=form.cleaned_data["bands"])
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Saved."))
    return redirect("surveys:template_detail", pk)


@login_required
@require_POST
def competitor_add(request, pk: int):
    _require(request.user, "add_competitorrating")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    form = CompetitorForm(request.POST, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.competitor_rating_set(actor=request.user, campaign=campaign, **form.service_data())
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Saved."))
    return redirect("surveys:campaign_detail", pk)


@login_required
@require_POST
def improvement_save(request, pk: int, improvement_pk: int | None = None):
    _require(request.user, "add_improvement")
    campaign = selectors.campaign_get_for_user(request.user, pk)
    row = get_object_or_404(Improvement, pk=improvement_pk, campaign=campaign) if improvement_pk else None
    form = ImprovementForm(request.POST, instance=row, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.improvement_save(actor=request.user, campaign=campaign, improvement=row, data=form.cleaned_data)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Saved."))
    return redirect("surveys:campaign_detail", pk)


# -- the customer's page behind the personal link (no login) ---------------------------------------------


def answer_by_link(request, token: str):
    try:
        invitation = services.invitation_from_token(token)
    except services.LinkRefused as refused:
        return render(request, "surveys/link_refused.html", {"reason": refused.reason}, status=410
                      if refused.reason in ("used", "expired", "closed") else 404)
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = invitation.language
    campaign = invitation.recipient.campaign
    template = selectors.template_with_items(campaign.template_id)
    form = AnswerForm(request.POST or None, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            answer = services.answer_submit(actor=None, recipient=invitation.recipient, invitation=invitation,
                                            choices=form.choices(), comments=form.comments(),
                                            remarks=form.cleaned_data["remarks"],
                                            respondent=invitation.contact.name if invitation.contact else "")
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            return render(request, "surveys/link_thanks.html", {"answer": answer, "campaign": campaign})
    return render(request, "surveys/link_answer.html", {
        "invitation": invitation, "campaign": campaign, "template": template, "form": form,
        "expires": timezone.localtime(invitation.expires_at, campaign.company.tz)})


@login_required
def template_printout(request, pk: int):
    _require(request.user, "view_surveytemplate")
    template = selectors.template_get_for_user(request.user, pk)
    return printouts.pdf_response(printouts.questionnaire_pdf(template), f"{template.code}-v{template.version}")


@login_required
def answer_printout(request, pk: int):
    _require(request.user, "view_answer")
    answer = get_object_or_404(Answer.objects.visible_to(request.user).select_related(
        "campaign", "recipient__customer"), pk=pk)
    template = selectors.template_with_items(answer.template_id)
    return printouts.pdf_response(printouts.questionnaire_pdf(template, answer), f"answer-{answer.pk}")
