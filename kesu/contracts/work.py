"""What contract reviews and change notices wait for (issue 20 §8; seed 002 §3).

Each department asked has its own item while its sign-off is pending (the department's people by role; sales's
own by the review's salesperson), due on the review's working-day deadline; sales concludes once all have answered;
the GM decides what sales could not resolve and approves contracts (a tender below the threshold: the branch
factory head named in the company's rules, else production's people); each department concerned confirms the
receipt of a change notice.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import (
    CHANGE_OPEN,
    DEPT_ROLES,
    OPEN_STATUSES,
    PLAN_CHECKS,
    PLAN_OPEN,
    PLAN_RECEIVERS,
    ChangeStatus,
    Dept,
    PlanStatus,
    ReviewMode,
    ReviewStatus,
)
from .models import ChangeNotice, ContractReview, DeliveryPlan
from .workflow import GM, SALES

S = ReviewStatus
C = ChangeStatus
SIGN_LABELS = {
    Dept.ENGINEERING: _("Sign off the review: technical content"),
    Dept.PURCHASING: _("Sign off the review: material supply"),
    Dept.PRODUCTION: _("Sign off the review: delivery date"),
    Dept.QA: _("Sign off the review: quality requirements and acceptance"),
    Dept.FINANCE: _("Sign off the review: price and payment"),
    Dept.SALES: _("Sign off the review: correctness and completeness"),
}


def _waits(dept: str) -> Q:
    return Q(waiting_on__contains=f",{dept},")


def _review_url(row) -> str:
    return reverse("contracts:detail", args=[row.pk])


def _about(row) -> str:
    return f"{row.customer} · {row.get_review_type_display()} · {row.title}"


work.register(work.Source(
    module="contracts", label=_("Contract review"), model=ContractReview, open=Q(status__in=OPEN_STATUSES),
    url=_review_url, describe=_about,
    steps=(
        work.Step("submit", _("Complete the review record and send it for review"), SALES, Q(status=S.DRAFT),
                  assignee="owner"),
        *(work.Step(f"sign_off_{dept}", SIGN_LABELS[dept], DEPT_ROLES[dept], Q(status=S.REVIEWING) & _waits(dept),
                    assignee="owner" if dept == Dept.SALES else None, due=F("signoff_due_at"))
          for dept in Dept.values),
        work.Step("conclude", _("Conclude the review"), SALES, Q(status=S.REVIEWING, waiting_on=""),
                  assignee="owner"),
        work.Step("decide", _("Decide what sales could not resolve with the customer"), GM,
                  Q(status=S.GM_DECISION)),
        work.Step("approve_branch", _("Conclude the tender as branch factory head"), DEPT_ROLES[Dept.PRODUCTION],
                  Q(status=S.APPROVAL, mode=ReviewMode.BRANCH), assignee="approver"),
        work.Step("approve", _("Approve the contract"), GM, Q(status=S.APPROVAL) & ~Q(mode=ReviewMode.BRANCH)),
    ),
))


def _notice_url(row) -> str:
    return reverse("contracts:notice", args=[row.pk])


work.register(work.Source(
    module="contract_changes", label=_("Contract changes"), model=ChangeNotice, open=Q(status__in=CHANGE_OPEN),
    url=_notice_url, customer="review__customer", related=("review",),
    describe=lambda row: f"{row.review.number} · {row.description[:80]}",
    steps=(
        work.Step("submit_change", _("Send the change to the affected departments"), SALES, Q(status=C.DRAFT),
                  assignee="owner"),
        *(work.Step(f"review_change_{dept}", _("Re-review the contract change"), DEPT_ROLES[dept],
                    Q(status=C.REVIEWING) & _waits(dept), assignee="owner" if dept == Dept.SALES else None,
                    due=F("due_at"))
          for dept in Dept.values),
        work.Step("issue", _("Send the change notice to the departments"), SALES,
                  Q(status=C.REVIEWING, waiting_on=""), assignee="owner"),
        *(work.Step(f"confirm_{dept}", _("Confirm receipt of the change notice"), DEPT_ROLES[dept],
                    Q(status=C.NOTIFIED) & _waits(dept), assignee="owner" if dept == Dept.SALES else None,
                    due=F("due_at"))
          for dept in Dept.values),
    ),
))


def _plan_url(row) -> str:
    return reverse("contracts:plan", args=[row.pk])


P = PlanStatus
PLAN_CHECK_LABELS = {Dept.ENGINEERING: _("Check the engineering capability for the order"),
                     Dept.PURCHASING: _("Check the materials for the order"),
                     Dept.PRODUCTION: _("Check the production capacity for the order")}

work.register(work.Source(
    module="delivery_plans", label=_("Delivery plans"), model=DeliveryPlan, open=Q(status__in=PLAN_OPEN),
    url=_plan_url, describe=lambda row: f"{row.customer} · {row.order_reference}",
    steps=(
        work.Step("issue_notice", _("Enter the order on the production notice"), SALES, Q(status=P.DRAFT),
                  assignee="owner"),
        *(work.Step(f"check_{dept}", PLAN_CHECK_LABELS[dept], DEPT_ROLES[dept], Q(status=P.CHECKING) & _waits(dept),
                    due=F("due_at")) for dept in PLAN_CHECKS),
        work.Step("propose", _("Draw up the delivery plan"), SALES, Q(status=P.CHECKING, waiting_on=""),
                  assignee="owner"),
        work.Step("approve_plan", _("Approve the delivery plan"), frozenset({"vice_gm"}), Q(status=P.APPROVAL)),
        work.Step("customer_confirms", _("Get the customer's confirmation of the delivery plan"), SALES,
                  Q(status=P.CUSTOMER), assignee="owner"),
        *(work.Step(f"sign_for_{dept}", _("Sign for the delivery plan"), DEPT_ROLES[dept],
                    Q(status=P.DISTRIBUTED) & _waits(dept), due=F("due_at")) for dept in PLAN_RECEIVERS),
    ),
))
