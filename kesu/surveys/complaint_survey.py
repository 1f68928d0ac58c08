"""The post-closure survey (issue 23 §4; ISO 10002 §8.5, seed 000 §4.3.3.2): after a complaint is closed its
contact is asked, by a personal link, how the complaint was handled.

Each survey is a campaign of kind "complaint" with one recipient, on the company's configured template
(:attr:`SurveySettings.complaint_template`; none configured, none sent), opened at once so the existing
answer-by-link page (/s/<token>/) takes the answer. One per complaint (the campaign's complaint is unique), so a
signal delivered twice or a complaint reopened and closed again asks once. An answer below the company's
threshold (:attr:`SurveySettings.complaint_threshold`) raises one corrective action through the survey's own
``raise_once`` (the CAPA service, linked to the answer, so never twice). The answers feed the "complaint
handling satisfaction" indicator (:func:`complaint_handling_satisfaction`, shown on the KPI dashboard).
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kesu.complaints import signals as complaint_signals
from kesu.complaints.choices import Status, TimelineKind
from kesu.complaints.models import Complaint, TimelineEntry
from kesu.core.context import acting_as

from . import signals
from .choices import CampaignKind, CampaignStatus, InclusionReason, TriggerKind
from .models import Answer, Campaign, Recipient
from .selectors import survey_settings_for

logger = logging.getLogger("kesu.surveys.complaint_survey")


def _owner(complaint: Complaint):
    """Who receives the remarks: the complaint's owner, else who registered it, else a QA engineer."""
    from kesu.accounts.models import User

    for user in (complaint.owner, complaint.created_by):
        if user is not None and user.is_active:
            return user
    return (User.objects.filter(company=complaint.company, is_active=True, position__role="qa")
            .order_by("id").first())


def complaint_survey_send(*, complaint: Complaint) -> Campaign | None:
    """Open the post-closure survey of ``complaint`` and send its contact the link; once per complaint.

    Returns None when nothing is sent: no template configured, already asked, no contact, or no one to own it.
    The survey and its timeline note are written in one transaction; the mail goes through the outbox.
    """
    from .services.campaigns import _invite, _transition

    complaint = Complaint.objects.select_related("company", "customer", "contact", "owner", "created_by").get(
        pk=complaint.pk)
    company = complaint.company
    cfg = survey_settings_for(company)
    template = cfg.complaint_template
    if template is None or not template.is_current or complaint.contact is None:
        return None
    if Campaign.objects.filter(complaint=complaint).exists():
        return None
    owner = _owner(complaint)
    if owner is None:
        return None
    now = timezone.now()
    closed = timezone.localtime(complaint.closed_at or now, company.tz).date()
    campaign = Campaign(company=company, kind=CampaignKind.COMPLAINT, template=template,
                        period_start=min(timezone.localtime(complaint.received_at, company.tz).date(), closed),
                        period_end=closed, send_month=closed.replace(day=1), target_score=cfg.complaint_threshold,
                        top_customers=0, owner=owner, complaint=complaint)
    with translation.override(settings.LANGUAGE_CODE):
        campaign.name = campaign.title[:200]
    try:
        with acting_as(None, "system"), transaction.atomic():
            campaign.save()
            Recipient.objects.create(company=company, campaign=campaign, customer=complaint.customer,
                                     contact=complaint.contact, included=True,
                                     reasons=[InclusionReason.COMPLAINT_CLOSED.value])

            def effects(locked, row, inputs, at):
                locked.opened_at = at
                for recipient in locked.recipients.select_related("contact", "customer"):
                    invitation = _invite(locked, recipient, at)
                    with translation.override(settings.LANGUAGE_CODE):
                        summary = (_("Satisfaction survey sent to %(to)s.") % {"to": invitation.email}
                                   if invitation.email else
                                   _("Satisfaction survey opened; the contact has no e-mail address, so staff "
                                     "enter the answer."))
                    TimelineEntry.objects.create(company=company, complaint=complaint, kind=TimelineKind.NOTE,
                                                 internal=True, summary=summary, actor=None, at=at)

            campaign = _transition(None, campaign, "open", effects, "system")
    except IntegrityError:
        return None  # the other of two simultaneous closings
    return campaign


def complaint_survey_answered(answer: Answer):
    """A post-closure answer below the company's threshold raises one corrective action (seed 001 §4.5.1)."""
    from .services.answers import raise_once

    campaign = answer.campaign
    if campaign.kind != CampaignKind.COMPLAINT:
        return None
    threshold = survey_settings_for(campaign.company).complaint_threshold
    if campaign.complaint_id:
        with translation.override(settings.LANGUAGE_CODE), acting_as(None, "system"):
            TimelineEntry.objects.create(
                company=campaign.company, complaint_id=campaign.complaint_id, kind=TimelineKind.NOTE, internal=True,
                summary=_("Satisfaction survey answered: %(score)s points (%(grade)s).") % {
                    "score": answer.score, "grade": answer.get_grade_display()},
                actor=None, at=answer.answered_at)
    action = None
    if answer.score < threshold:
        with transaction.atomic():
            action = raise_once(None, campaign, answer, TriggerKind.BELOW_THRESHOLD, threshold=threshold)
    # The one recipient has answered: nothing more can come, so the survey closes now (issue 23 §4).
    if not campaign.recipients.filter(included=True, answer__isnull=True).exists():
        complaint_survey_close(campaign)
    return action


def complaint_survey_close(campaign: Campaign, note: str = "") -> Campaign | None:
    """Close an open post-closure survey by the rule (no staff step); None when it is closed already, so
    running twice does no harm."""
    from .services.campaigns import close_campaign

    if campaign.kind != CampaignKind.COMPLAINT:
        return None
    try:
        with acting_as(None, "system"):
            return close_campaign(None, campaign, "system", target_action=False, note=note)
    except ValidationError:
        return None  # closed meanwhile (the answer, a second worker, staff)


def complaint_surveys_close_unanswered(now: datetime.datetime | None = None) -> int:
    """Close the post-closure surveys left unanswered longer than their company's days
    (:attr:`SurveySettings.complaint_close_days`, 30 by default); idempotent. Returns how many it closed."""
    now = now or timezone.now()
    closed = 0
    days: dict[int, int] = {}
    stale = (Campaign.objects.filter(kind=CampaignKind.COMPLAINT, status=CampaignStatus.OPEN,
                                     opened_at__isnull=False)
             .select_related("company").order_by("opened_at", "id"))
    for campaign in stale.iterator(chunk_size=500):
        limit = days.setdefault(campaign.company_id, survey_settings_for(campaign.company).complaint_close_days)
        if campaign.opened_at > now - datetime.timedelta(days=limit):
            continue
        with translation.override(settings.LANGUAGE_CODE):
            note = _("Closed unanswered after %(days)s days.") % {"days": limit}
        if complaint_survey_close(campaign, note=note) is not None:
            closed += 1
    return closed


def complaint_handling_satisfaction(company_ids, start: datetime.datetime, end: datetime.datetime
                                    ) -> Decimal | None:
    """The complaint handling satisfaction indicator: the mean score (0–100) of the post-closure survey answers
    received in [start, end); None when there is none."""
    return Answer.objects.filter(company_id__in=company_ids, campaign__kind=CampaignKind.COMPLAINT,
                                 answered_at__gte=start, answered_at__lt=end).aggregate(m=Avg("score"))["m"]


def _safely(work, **kwargs) -> None:
    # After commit, inside the request of whoever acted: a failing survey must not turn their step into an error.
    try:
        work(**kwargs)
    except Exception:  # noqa: BLE001
        logger.exception("post-closure survey failed")


@receiver(complaint_signals.complaint_transitioned, dispatch_uid="complaint_survey_on_close")
def on_complaint_transitioned(sender, complaint, old_status="", new_status="", **kwargs):
    if new_status == Status.CLOSED and old_status != Status.CLOSED:
        _safely(complaint_survey_send, complaint=complaint)


@receiver(signals.answer_received, dispatch_uid="complaint_survey_on_answer")
def on_answer_received(sender, answer, **kwargs):
    _safely(lambda answer: complaint_survey_answered(answer), answer=answer)
