"""What satisfaction survey campaigns and their improvements wait for (issue 16 §1; design §5).

A draft campaign waits for its owner to confirm the recipients and open it; an open campaign with recipients
who have not answered waits for answers to be entered (written forms, calls) by the answer date; each line of the
analysis-and-improvement form waits for its department, then for the campaign owner to verify it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import CampaignStatus, ImprovementStatus
from .models import Campaign, Improvement, Recipient
from .permissions import CAMPAIGNS, ENTER, IMPROVE, MANAGE

UNANSWERED = Q(Exists(Recipient.objects.filter(campaign=OuterRef("pk"), included=True, answer__isnull=True)))


def _campaign_url(row) -> str:
    return reverse("surveys:campaign_detail", args=[row.pk])


def _campaign_name(row) -> str:
    return row.name


work.register(work.Source(
    module="surveys", label=_("Satisfaction"), model=Campaign,
    open=Q(status__in=(CampaignStatus.DRAFT, CampaignStatus.OPEN)), url=_campaign_url, number=_campaign_name,
    customer=None,
    steps=(
        work.Step("confirm_recipients", _("Confirm the recipients and open the campaign"), CAMPAIGNS,
                  Q(status=CampaignStatus.DRAFT), assignee="owner"),
        work.Step("enter_answers", _("Collect and enter the missing answers"), ENTER,
                  Q(status=CampaignStatus.OPEN) & UNANSWERED, assignee="owner", due="answer_due_at"),
    ),
))


def _improvement_url(row) -> str:
    return reverse("surveys:campaign_detail", args=[row.campaign_id]) + "#improvements"


def _improvement_about(row) -> str:
    return row.area


work.register(work.Source(
    module="surveys", label=_("Satisfaction"), model=Improvement,
    open=Q(status__in=(ImprovementStatus.OPEN, ImprovementStatus.DONE), campaign__status__in=(
        CampaignStatus.OPEN, CampaignStatus.CLOSED)),
    url=_improvement_url, number="campaign__name", company="campaign__company", customer=None,
    related=("campaign",), describe=_improvement_about,
    steps=(
        work.Step("improve", _("Carry out the improvement"), IMPROVE, Q(status=ImprovementStatus.OPEN),
                  department="department", due=work.end_of_day("due_on")),
        work.Step("verify_improvement", _("Verify the improvement"), MANAGE, Q(status=ImprovementStatus.DONE),
                  assignee="campaign__owner"),
    ),
))
