"""What complaints and their disposition lines wait for (issue 16 §1; the steps of kesu/complaints/workflow.py).

Read from the complaint's status and its open deadline rows (004 §6): sales steps go to the complaint's owner (or
the sales roles of its department when it has none), QA steps to QA of the company, the department answer to the
responsible department QA instructed, the initial analysis report to the general manager (000 §4.1.3).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.accounts.roles import Role
from kesu.core import work

from .choices import OPEN_STATUSES, DeadlineKind, DispositionKind, InspectionResult
from .choices import Status as S
from .models import Complaint, Deadline, DispositionLine
from .permissions import INSPECTION, MIS_ORDER_APPROVE
from .workflow import (
    DEPARTMENTS,
    EXPLAINABLE,
    QA,
    REMEDY_DOERS,
    SALES,
    SALES_APPROVERS,
    SALES_OR_QA,
)

OPEN_DEADLINE = Q(met_at__isnull=True, cancelled_at__isnull=True)
SUBJECT_CHARS = 600  # enough of a report to decide on it from the home page; the record holds the rest


def _deadline(kind: str):
    return work.deadline_subquery(Deadline, "kind", kind, open_filter=OPEN_DEADLINE)


def _earliest_deadline():
    from django.db.models import Subquery

    return Subquery(Deadline.objects.filter(OPEN_DEADLINE, complaint=OuterRef("pk"))
                    .order_by("due_at").values("due_at")[:1])


def _pending(kind: str) -> Q:
    return Q(Exists(Deadline.objects.filter(OPEN_DEADLINE, complaint=OuterRef("pk"), kind=kind)))


ESCALATED = Q(escalated_to_qa=True)
# QA waits on the GM's approval of the initial analysis report (submitted, not yet approved) and on the
# department's written answer (004 §6.3): while either is pending, the record waits for them, not for QA.
APPROVAL_PENDING = Q(initial_report_submitted_at__isnull=False, initial_report_approved_at__isnull=True)
ANSWER_PENDING = _pending(DeadlineKind.DEPARTMENT_ANSWER)
# 003 §5.4.2: a prepared written explanation waits for its approval, an approved one for sales to send it; meanwhile
# the complaint waits for them, not for the handling steps.
EXPLAINING = Q(status__in=EXPLAINABLE, explanation_prepared_at__isnull=False)
EXPLANATION_TO_APPROVE = EXPLAINING & Q(explanation_approved_at__isnull=True)
EXPLANATION_TO_SEND = EXPLAINING & Q(explanation_approved_at__isnull=False)


def _verifying() -> Q:
    """004 §5.2(3): a severe or major complaint in verification with fewer OK later deliveries (checked since the
    remedy was carried out) than its company needs waits for QA and its owner to check the next delivery."""
    from django.db.models import Count, IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce
    from django.db.models.lookups import LessThan

    from .choices import VerificationResult
    from .models import ComplaintSettings, DeliveryVerification
    from .workflow import SERIOUS

    have = (DeliveryVerification.objects.filter(complaint=OuterRef("pk"), result=VerificationResult.OK,
                                                recorded_at__gte=OuterRef("remedy_done_at"))
            .order_by().values("complaint").annotate(n=Count("shipment__delivery_no", distinct=True)).values("n"))
    needed = ComplaintSettings.objects.filter(company_id=OuterRef("company_id")).values("verification_shipments")[:1]
    return Q(status=S.VERIFICATION, severity__in=SERIOUS) & Q(LessThan(
        Coalesce(Subquery(have, output_field=IntegerField()), Value(0)),
        Coalesce(Subquery(needed, output_field=IntegerField()), Value(2))))


VERIFYING = _verifying()


def _assign(*, actor, record, user):
    from .services import complaint_assign

    return complaint_assign(actor=actor, complaint=record, owner=user)


def _initial_report(row, user) -> str:
    """The initial analysis report the GM approves (000 §4.1.3), on the GM's home page and queue."""
    text = (row.initial_report or "").strip()
    return text if len(text) <= SUBJECT_CHARS else text[:SUBJECT_CHARS - 1] + "…"


def _url(row) -> str:
    return reverse("complaints:detail", args=[row.pk])


work.register(work.Source(
    module="complaints", label=_("Complaints"), model=Complaint, open=Q(status__in=OPEN_STATUSES), url=_url,
    assign=_assign, assigns="owner", priority="priority", assign_roles=frozenset({Role.REGIONAL_MANAGER, Role.SALES_DIRECTOR, Role.QA, Role.GM,
                                            Role.VICE_GM}),
    steps=(
        work.Step("acknowledge", _("Acknowledge to the customer"), SALES, Q(status=S.RECEIVED),
                  assignee="owner", department="department", due=_deadline(DeadlineKind.REPLY)),
        work.Step("assess", _("Initial assessment"), SALES, Q(status=S.ACKNOWLEDGED),
                  assignee="owner", department="department", due=_deadline(DeadlineKind.PASS_ON)),
        work.Step("approve_explanation", _("Approve the written explanation"), QA,
                  EXPLANATION_TO_APPROVE, due=_earliest_deadline()),
        work.Step("send_explanation", _("Send the written explanation to the customer"), SALES, EXPLANATION_TO_SEND,
                  assignee="owner", department="department", due=_earliest_deadline()),
        work.Step("route", _("Handle in sales or escalate to QA"), SALES, Q(status=S.ASSESSED) & ~EXPLAINING,
                  assignee="owner", department="department", due=_earliest_deadline()),
        work.Step("approve_initial_report", _("Approve the initial analysis report"), frozenset({Role.GM}),
                  Q(status=S.QA_INVESTIGATION) & APPROVAL_PENDING,
                  due=_deadline(DeadlineKind.INITIAL_REPORT_APPROVAL), subject=_initial_report),
        work.Step("record_department_answer", _("Answer QA's instruction in writing"), DEPARTMENTS,
                  Q(status=S.QA_INVESTIGATION) & ANSWER_PENDING, department="responsible_department",
                  due=_deadline(DeadlineKind.DEPARTMENT_ANSWER)),
        work.Step("investigate", _("Investigate and give QA's opinion"), QA,
                  Q(status=S.QA_INVESTIGATION) & ~APPROVAL_PENDING & ~ANSWER_PENDING & ~EXPLAINING,
                  due=_earliest_deadline()),
        work.Step("propose_remedy", _("Propose a remedy"), SALES,
                  Q(status__in=(S.SALES_HANDLING, S.CUSTOMER_REJECTED)) & ~ESCALATED & ~EXPLAINING,
                  assignee="owner", department="department", due=_earliest_deadline()),
        work.Step("propose_remedy_qa", _("Propose a remedy"), QA,
                  Q(status=S.CUSTOMER_REJECTED) & ESCALATED & ~EXPLAINING,
                  due=_earliest_deadline()),
        work.Step("approve_remedy", _("Approve the remedy"), SALES_APPROVERS, Q(status=S.REMEDY_PROPOSED) & ~ESCALATED,
                  department="department", due=_earliest_deadline()),
        work.Step("approve_remedy_qa", _("Approve the remedy"), QA, Q(status=S.REMEDY_PROPOSED) & ESCALATED,
                  due=_earliest_deadline()),
        work.Step("customer_decision", _("Record the customer's decision on the remedy"), SALES_OR_QA,
                  Q(status=S.REMEDY_APPROVED), assignee="owner", department="department",
                  due=_earliest_deadline()),
        work.Step("complete_remedy", _("Carry out the remedy"), REMEDY_DOERS, Q(status=S.REMEDY_ACCEPTED),
                  assignee="owner", department="department", due=_earliest_deadline()),
        work.Step("verify_delivery", _("Verify the next delivery of the part"), SALES, VERIFYING,
                  assignee="owner", department="department"),
        work.Step("verify_delivery_qa", _("Verify the next delivery of the part"), QA, VERIFYING),
        work.Step("close", _("Verify and close"), SALES,
                  Q(status__in=(S.REMEDY_DONE, S.VERIFICATION)) & ~ESCALATED & ~VERIFYING,
                  assignee="owner", department="department", due=_earliest_deadline()),
        work.Step("close_qa", _("Verify and close"), QA,
                  Q(status__in=(S.REMEDY_DONE, S.VERIFICATION)) & ESCALATED & ~VERIFYING,
                  due=_earliest_deadline()),
        work.Step("explanation_answer", _("Record the customer's answer to the explanation"), SALES_OR_QA,
                  Q(status=S.EXPLANATION_SENT), assignee="owner", department="department",
                  due=_earliest_deadline()),
    ),
))


def _line_url(row) -> str:
    return reverse("complaints:detail", args=[row.complaint_id]) + "#dispositions"


def _line_about(row) -> str:
    return f"{row.get_kind_display()} × {row.quantity} · {row.complaint.customer}"


# Returned goods (004 §6.6): a mis-order return needs a regional manager's approval, every return an incoming
# inspection before it goes back to stock. The approver is in the complaint's (sales) department.
RETURN_OPEN = Q(kind=DispositionKind.RETURN, restocked_at__isnull=True, complaint__status__in=OPEN_STATUSES)

work.register(work.Source(
    module="dispositions", label=_("Returned goods"), model=DispositionLine, open=RETURN_OPEN, url=_line_url,
    number="complaint__number", customer="complaint__customer", related=("complaint",), describe=_line_about,
    steps=(
        work.Step("approve_mis_order", _("Approve the mis-order return"), MIS_ORDER_APPROVE,
                  Q(mis_order=True, regional_manager_approved_at__isnull=True),
                  department="complaint__department"),
        work.Step("inspect", _("Inspect the returned goods"), INSPECTION,
                  Q(incoming_inspection_result=InspectionResult.PENDING)
                  & (Q(mis_order=False) | Q(regional_manager_approved_at__isnull=False))),
    ),
))
