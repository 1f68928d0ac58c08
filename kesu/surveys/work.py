"""What satisfaction surveys wait for (issue 16 §1; design §5).

A draft campaign waits for its owner to confirm the recipients and open it; an open campaign with recipients
who have not answered waits for sales to collect and enter the answers (seed 001 §4.2.2 2: sales sends out and
collects the questionnaires) by the answer date, then for its owner to close it. An answer below a template's
meeting band waits for QA to hold the improvement meeting (seed 002 §5.2.3.3.3). Each line of the
analysis-and-improvement form waits for approval (seed 003 §5.3.2.2), then for its department, then for the
campaign owner to verify it, then for the customer's salesperson to report the result to the customer. The yearly
report waits for the sales head's approval, the countersignatures of the heads of engineering and QA, its
distribution, and each department's confirmation of receipt (seed 000 §4.3.3.3).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core import work

from .choices import CampaignStatus, ImprovementStatus, ReportStatus
from .models import Campaign, Improvement, ImprovementMeeting, Recipient, ReportReceipt, SatisfactionReport
from .permissions import (
    APPROVE_IMPROVEMENT,
    CAMPAIGNS,
    COLLECT,
    IMPROVE,
    MEETING,
    REPORT_TO_CUSTOMER,
    REPORT_WRITERS,
    VERIFY_IMPROVEMENT,
)

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
        work.Step("enter_answers", _("Collect and enter the missing answers"), COLLECT,
                  Q(status=CampaignStatus.OPEN) & UNANSWERED, due="answer_due_at"),
        work.Step("close", _("Close the campaign"), CAMPAIGNS, Q(status=CampaignStatus.OPEN) & ~UNANSWERED,
                  assignee="owner"),
    ),
))


def _improvement_url(row) -> str:
    return reverse("surveys:campaign_detail", args=[row.campaign_id]) + "#improvements"


def _improvement_about(row) -> str:
    return row.area


work.register(work.Source(
    module="surveys", label=_("Satisfaction"), model=Improvement,
    open=Q(status__in=(ImprovementStatus.PROPOSED, ImprovementStatus.OPEN, ImprovementStatus.DONE,
                       ImprovementStatus.VERIFIED), campaign__status__in=(CampaignStatus.OPEN,
                                                                          CampaignStatus.CLOSED)),
    url=_improvement_url, number="campaign__name", customer=None,
    related=("campaign",), describe=_improvement_about,
    steps=(
        work.Step("approve", _("Approve the improvement"), APPROVE_IMPROVEMENT, Q(status=ImprovementStatus.PROPOSED)),
        work.Step("improve", _("Carry out the improvement"), IMPROVE, Q(status=ImprovementStatus.OPEN),
                  department="department", due=work.end_of_day("due_on")),
        work.Step("verify_improvement", _("Verify the improvement"), VERIFY_IMPROVEMENT,
                  Q(status=ImprovementStatus.DONE), assignee="campaign__owner"),
        work.Step("report_to_customer", _("Report the result to the customer"), REPORT_TO_CUSTOMER,
                  Q(status=ImprovementStatus.VERIFIED), assignee="answer__recipient__customer__owner"),
    ),
))


def _meeting_url(row) -> str:
    return reverse("surveys:campaign_detail", args=[row.campaign_id]) + "#meetings"


def _meeting_about(row) -> str:
    return str(row.answer.recipient.customer) if row.answer_id else row.campaign.name


work.register(work.Source(
    module="surveys", label=_("Satisfaction"), model=ImprovementMeeting, open=Q(held_on__isnull=True),
    url=_meeting_url, number="campaign__name", customer=None, related=("campaign", "answer__recipient__customer"),
    describe=_meeting_about,
    steps=(
        work.Step("hold_meeting", _("Hold the improvement meeting and record its decisions"), MEETING,
                  Q(held_on__isnull=True)),
    ),
))


def _report_url(row) -> str:
    return reverse("surveys:yearly_report", args=[row.pk])


def _report_name(row) -> str:
    return str(row)


UNSIGNED_ENGINEERING = Q(status=ReportStatus.APPROVED, engineering_signed_at__isnull=True)
UNSIGNED_QA = Q(status=ReportStatus.APPROVED, qa_signed_at__isnull=True)
work.register(work.Source(
    module="surveys", label=_("Satisfaction"), model=SatisfactionReport,
    open=Q(status__in=(ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.APPROVED)), url=_report_url,
    number=_report_name, customer=None,
    steps=(
        work.Step("submit", _("Write and submit the satisfaction analysis report"), REPORT_WRITERS,
                  Q(status=ReportStatus.DRAFT), assignee="written_by"),
        work.Step("approve", _("Approve the satisfaction analysis report"), frozenset({Role.SALES_DIRECTOR}),
                  Q(status=ReportStatus.SUBMITTED)),
        work.Step("countersign_engineering", _("Countersign the satisfaction analysis report for engineering"),
                  frozenset({Role.ENGINEERING}), UNSIGNED_ENGINEERING, assignee="engineering_department__head",
                  department="engineering_department"),
        work.Step("countersign_qa", _("Countersign the satisfaction analysis report for QA"), frozenset({Role.QA}),
                  UNSIGNED_QA, assignee="qa_department__head", department="qa_department"),
        work.Step("distribute", _("Distribute the satisfaction analysis report to every department"),
                  REPORT_WRITERS, Q(status=ReportStatus.APPROVED, engineering_signed_at__isnull=False,
                                    qa_signed_at__isnull=False), assignee="written_by"),
    ),
))


def _receipt_url(row) -> str:
    return reverse("surveys:yearly_report", args=[row.report_id])


def _receipt_name(row) -> str:
    return str(row.report)


work.register(work.Source(
    module="surveys", label=_("Satisfaction"), model=ReportReceipt, open=Q(confirmed_at__isnull=True),
    url=_receipt_url, number=_receipt_name, customer=None, related=("report",),
    steps=(
        work.Step("confirm_receipt", _("Confirm the department received the satisfaction analysis report"),
                  frozenset(Role.values) - {Role.ADMIN}, Q(confirmed_at__isnull=True), assignee="department__head",
                  department="department"),
    ),
))
