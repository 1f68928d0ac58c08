"""Answers by personal link, by staff from a written form or a call, or imported from Excel; scoring,
the triggers that raise corrective actions (once), remarks to the owner, and the improvement form."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.core.context import acting_as
from kesu.core.services import actor_or_none, require_role
from kesu.core.workflow import run_transition

from .. import permissions, signals
from ..choices import (
    AnswerChannel,
    BandTrigger,
    CampaignStatus,
    ImprovementStatus,
    ReportChannel,
    TriggerKind,
)
from ..models import (
    Answer,
    AnswerItem,
    Campaign,
    CustomerReport,
    Improvement,
    ImprovementChange,
    ImprovementMeeting,
    Invitation,
    Recipient,
)
from ..scoring import band_for, grade_for, score_of
from ..selectors import survey_settings_for, template_with_items
from .campaigns import SIGN_SALT
from .common import full_clean


class LinkRefused(Exception):
    """A personal link that cannot be used; ``reason`` is "invalid", "expired", "used" or "closed"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link stands for, or LinkRefused saying why not (altered, expired, used, closed)."""
    try:
        pk, nonce = signing.loads(token, salt=SIGN_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused("invalid") from None
    invitation = (Invitation.objects.select_related("recipient__campaign__template", "recipient__customer",
                                                    "recipient__campaign__company", "contact")
                  .filter(pk=pk, nonce=nonce).first())
    if invitation is None:
        raise LinkRefused("invalid")
    if invitation.used_at is not None or hasattr(invitation.recipient, "answer"):
        raise LinkRefused("used")
    if invitation.recipient.campaign.status != CampaignStatus.OPEN:
        raise LinkRefused("closed")
    if invitation.expires_at <= timezone.now():
        raise LinkRefused("expired")
    return invitation


def _score(template, choices: dict[int, Any], comments: dict[int, str]) -> tuple[list[AnswerItem], int, bool]:
    """Each item's chosen option (by its position in the item's options) → points; every item must be answered."""
    rows, points, critical_zero = [], 0, False
    for section in template.sections.all():
        for item in section.items.all():
            choice = choices.get(item.pk)
            if choice in (None, ""):
                raise ValidationError({f"item_{item.pk}": _("Answer “%(item)s”.") % {"item": item.text}})
            try:
                option = item.options[int(choice)]
            except (IndexError, ValueError, TypeError):
                raise ValidationError({f"item_{item.pk}": _("Choose one of the offered answers.")}) from None
            comment = (comments.get(item.pk) or "").strip()[:1000] if item.allow_comment else ""
            rows.append(AnswerItem(item=item, option=str(option["label"])[:100], points=int(option["points"]),
                                   comment=comment))
            points += int(option["points"])
            critical_zero = critical_zero or (section.is_critical and int(option["points"]) == 0)
    return rows, points, critical_zero


# How a customer answers alone (no staff member enters it): their personal link, or the portal.
CUSTOMER_CHANNELS = frozenset({AnswerChannel.LINK, AnswerChannel.PORTAL})


def answer_submit(*, actor, recipient: Recipient, choices: dict[int, Any], comments: dict[int, str] | None = None,
                  remarks: str = "", channel: str = AnswerChannel.LINK, respondent: str = "",
                  invitation: Invitation | None = None, source: str = "web") -> Answer:
    """Store one answer (one per recipient and campaign: a second is refused), scored and graded.

    ``actor`` is None when the customer answers through the link; staff entering a written form or a call
    need an entering role.
    """
    campaign = Campaign.objects.select_related("company").get(pk=recipient.campaign_id)  # its status now
    if actor is not None:
        require_role(actor, permissions.ENTER, campaign.company_id)
        if channel in CUSTOMER_CHANNELS:
            raise ValidationError({"channel": _("Say how the answer came in (written form, phone, e-mail).")})
    elif invitation is None:
        raise PermissionDenied
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"campaign": _("The campaign is not open for answers.")})
    if not recipient.included:
        raise ValidationError({"recipient": _("This customer is not in the campaign.")})
    template = template_with_items(campaign.template_id)
    rows, points, critical_zero = _score(template, {int(k): v for k, v in choices.items()},
                                         {int(k): v for k, v in (comments or {}).items()})
    score = score_of(points, template.max_points)
    band = band_for(score, template.bands.all())
    now = timezone.now()
    answer = Answer(company=campaign.company, campaign=campaign, recipient=recipient, template=template,
                    invitation=invitation, channel=channel, respondent=respondent.strip()[:100],
                    entered_by=actor_or_none(actor), answered_at=now, remarks=(remarks or "").strip(),
                    points=points, max_points=template.max_points, score=score,
                    grade=band.grade if band else grade_for(score, survey_settings_for(campaign.company)),
                    critical_zero=critical_zero)
    full_clean(answer, exclude=["invitation", "recipient"])
    try:
        with acting_as(actor, source), transaction.atomic():
            Recipient.objects.select_for_update().get(pk=recipient.pk)
            if Answer.objects.filter(recipient=recipient).exists():
                raise ValidationError({"recipient": _("This customer has already answered this campaign.")})
            if invitation is not None:
                claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(used_at=now)
                if not claimed:
                    raise ValidationError({"invitation": _("This link has already been used.")})
            answer.save()
            for row in rows:
                row.answer = answer
            AnswerItem.objects.bulk_create(rows)
            # Design §11: the template's grade table says what a score raises (seed 001's form: below 80 → an
            # action; seed 002's form: below 85 → an improvement meeting); a zero in a critical section (seed 001
            # §4.5.1 2: sections I–III) raises an action whatever the score.
            trigger = band.trigger if band else BandTrigger.NONE
            if trigger == BandTrigger.MEETING:
                meeting = meeting_call(campaign, answer, now)
                transaction.on_commit(lambda: signals.meeting_called.send(ImprovementMeeting, meeting=meeting,
                                                                          actor=actor))
            elif trigger == BandTrigger.ACTION:
                raise_once(actor, campaign, answer, TriggerKind.BELOW_THRESHOLD, threshold=_threshold(template))
            if critical_zero and trigger != BandTrigger.ACTION:
                raise_once(actor, campaign, answer, TriggerKind.CRITICAL_ZERO, threshold=_threshold(template))
            transaction.on_commit(lambda: signals.answer_received.send(Answer, answer=answer))
    except IntegrityError as error:  # the other of two simultaneous answers
        raise ValidationError({"recipient": _("This customer has already answered this campaign.")}) from error
    return answer


def _action_owner(company):
    """Who takes survey actions: the configured department's head, else QA."""
    from kesu.accounts.models import User

    cfg = survey_settings_for(company)
    department = cfg.action_department
    if department is not None and department.head_id:
        return department, department.head
    qa = User.objects.filter(company=company, is_active=True, position__role="qa").select_related(
        "department").order_by("id").first()
    if qa is None or qa.department_id is None:
        return None, None
    return department or qa.department, qa


def _threshold(template):
    """The lowest score that raises nothing on ``template`` (the "80" of seed 001, the "85" of seed 002)."""
    calm = [b.lower for b in template.bands.all() if b.trigger == BandTrigger.NONE]
    return min(calm) if calm else None


def meeting_call(campaign: Campaign, answer: Answer, now) -> ImprovementMeeting:
    """Call the improvement meeting of an answer below the template's meeting band (once per answer)."""
    meeting, _created = ImprovementMeeting.objects.get_or_create(
        answer=answer, defaults={"company": campaign.company, "campaign": campaign, "called_at": now})
    return meeting


def meeting_record(*, actor, meeting: ImprovementMeeting, data: dict[str, Any], source: str = "web"
                   ) -> ImprovementMeeting:
    """Record the improvement meeting (seed 002 §5.2.3.3.3: quality, engineering and production meet; QA then
    acts per the complaint procedure): who attended, the analysis, the decisions; the decisions raise the
    corrective action through the CAPA service."""
    require_role(actor, permissions.MEETING, meeting.company_id)
    unknown = sorted(set(data) - {"held_on", "attendees", "analysis", "decisions"})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    for name in ("held_on", "attendees", "analysis", "decisions"):
        if not data.get(name) or (isinstance(data[name], str) and not data[name].strip()):
            raise ValidationError({name: _("Record the meeting's date, attendees, analysis and decisions.")})
    with acting_as(actor, source), transaction.atomic():
        locked = ImprovementMeeting.objects.select_for_update(of=("self",)).select_related("campaign", "answer").get(
            pk=meeting.pk)
        if locked.held_on is not None:
            raise ValidationError({"held_on": _("This meeting has already been recorded.")})
        for key, value in data.items():
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        locked.recorded_by = actor_or_none(actor)
        full_clean(locked)
        locked.action = raise_once(actor, locked.campaign, locked.answer, TriggerKind.MEETING, meeting=locked)
        locked.save()
    return locked


def raise_once(actor, campaign: Campaign, answer: Answer | None, kind: str = TriggerKind.TARGET_MISSED,
               threshold=None, meeting: ImprovementMeeting | None = None):
    """Raise a corrective action through the CAPA service unless this answer (or campaign) already has one."""
    from django.contrib.contenttypes.models import ContentType

    from kesu.capa.choices import SourceKind
    from kesu.capa.models import ActionLink
    from kesu.capa.services import action_raise

    source = answer or campaign
    if ActionLink.objects.filter(content_type=ContentType.objects.get_for_model(type(source)),
                                 object_id=source.pk).exists():
        return None
    department, owner = _action_owner(campaign.company)
    if owner is None:
        return None  # no QA in the company yet: the campaign page shows the trigger without an action
    # Stored text, so in the owner's language (else the site's), not in that of whoever answered: a customer
    # answering through an English browser must not leave English in a Chinese QA's action (issue 17 §4).
    with translation.override(owner.language or django_settings.LANGUAGE_CODE):
        label = str(TriggerKind(kind).label)
        if answer is not None:
            customer = answer.recipient.customer
            title = f"{campaign.name} · {customer.name} · {answer.score}"
            problem = _("%(trigger)s: %(customer)s scored %(score)s (threshold %(threshold)s).\n%(remarks)s") % {
                "trigger": label, "customer": customer.name, "score": answer.score,
                "threshold": threshold if threshold is not None else "—", "remarks": answer.remarks}
            if meeting is not None:
                problem += "\n" + _("Improvement meeting of %(date)s. Attendees: %(attendees)s\nAnalysis: %(analysis)s\n"
                                     "Decisions: %(decisions)s") % {
                    "date": meeting.held_on, "attendees": meeting.attendees, "analysis": meeting.analysis,
                    "decisions": meeting.decisions}
        else:
            customer = None
            title = f"{campaign.name} · {campaign.score}"
            problem = _("%(trigger)s: the campaign scored %(score)s against a target of %(target)s.") % {
                "trigger": label, "score": campaign.score, "target": campaign.target_score}
    data = {"title": title[:200], "problem": problem, "responsible_department": department, "owner": owner}
    if customer is not None:
        data["customer"] = customer
    # Raised by the rule itself (seed 001 §4.5.1), whoever's answer or closing triggered it.
    return action_raise(actor=None, company=campaign.company, data=data, sources=[(SourceKind.SURVEY, source)])


def improvement_save(*, actor, campaign: Campaign, data: dict[str, Any], improvement: Improvement | None = None,
                     source: str = "web") -> Improvement:
    """A line of the analysis-and-improvement form (《客户满意度调查分析改善表》), proposed for approval (seed 003
    §5.3.2.2 呈核准); it is edited while proposed; its status moves only by :func:`improvement_transition`."""
    require_role(actor, permissions.IMPROVE, campaign.company_id)
    allowed = {"answer", "area", "analysis", "measures", "department", "due_on", "action"}
    unknown = sorted(set(data) - allowed - {f"{n}_id" for n in allowed})
    if unknown:
        raise ValidationError({unknown[0]: _("This field cannot be set here.")})
    if improvement is not None and improvement.status != ImprovementStatus.PROPOSED:
        raise ValidationError({"status": _("Only a proposed improvement can be changed; it has been approved.")})
    row = improvement or Improvement(company=campaign.company, campaign=campaign, recorded_by=actor_or_none(actor))
    for key, value in data.items():
        setattr(row, key, value)
    full_clean(row)
    for name in ("answer", "department", "action"):
        related = getattr(row, name) if getattr(row, f"{name}_id") else None
        if related is not None and getattr(related, "company_id", campaign.company_id) != campaign.company_id:
            raise ValidationError({name: _("Choose a record of the campaign's company.")})
    with acting_as(actor, source), transaction.atomic():
        created = row.pk is None
        row.save()
        if created:
            ImprovementChange.write(row, name="propose", old="", new=row.status, actor=actor_or_none(actor),
                                    at=timezone.now())
            transaction.on_commit(lambda: signals.improvement_transitioned.send(
                Improvement, improvement=row, name="propose", old_status="", new_status=row.status, actor=actor,
                note=""))
    return row


def improvement_transition(*, actor, improvement: Improvement, name: str, expected_version: int | None = None,
                           source: str = "web", **inputs: Any) -> Improvement:
    """Approve, complete, send back, verify an improvement line or report its result to the customer
    (``workflow.IMPROVEMENT_TABLE``); the only way its status changes."""
    from ..workflow import IMPROVEMENT_TABLE, label_of

    def effects(locked, row, inputs, now):
        if row.name == "approve":
            locked.approved_by, locked.approved_at = actor_or_none(actor), now
        elif row.name == "complete":
            locked.result = str(inputs["result"]).strip()
        elif row.name == "report_to_customer":
            # Seed 003 §5.3.2.1: 将改善结果报告顾客 — a logged communication with the customer.
            if inputs["channel"] not in ReportChannel.values:
                raise ValidationError({"channel": _("Choose how the customer was told.")})
            customer = locked.answer.recipient.customer if locked.answer_id else None
            CustomerReport.objects.create(
                company=locked.company, improvement=locked, customer=customer, channel=inputs["channel"],
                told=str(inputs.get("told") or "").strip()[:100], summary=str(inputs["summary"]).strip(),
                reported_by=actor_or_none(actor), reported_at=now)

    def announce(locked, row, old, note, now):
        transaction.on_commit(lambda: signals.improvement_transitioned.send(
            Improvement, improvement=locked, name=row.name, old_status=old, new_status=locked.status, actor=actor,
            note=note))

    return run_transition(table=IMPROVEMENT_TABLE, obj=improvement, name=name, actor=actor, inputs=inputs,
                          noun=Improvement._meta.verbose_name, label_of=label_of, effects=effects,
                          changes=ImprovementChange, announce=announce, related=("company", "campaign"),
                          expected_version=expected_version, source=source)
