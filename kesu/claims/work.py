"""What customer claims and supplier claims wait for (issue 16 §1; claims/workflow.py, seed 000 §4.2).

Sales (the claim's salesperson) collects and negotiates; the vice GM and GM analyse, the GM approves (§4.2.2; a
vice GM holding the company's delegation may take the approval from the claim's page) and holds the responsibility
meeting (§4.2.4); finance settles; QA decides on a settled claim whose corrective action finance waived (§4.2.6). Purchasing sends a supplier claim and recovers it, the vice GM agrees
it. Claims carry no working-day deadlines, so their items have no due time.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import OPEN_STATUSES, ClaimStatus, SupplierClaimStatus
from .models import Claim, SupplierClaim
from .workflow import ANALYSTS, APPROVERS, FINANCE, GM, PURCHASING, QA, SALES

S = ClaimStatus
C = SupplierClaimStatus


def _proposal(row, user) -> str:
    """What the approver decides (000 §4.2.2): the proposed outcome and settlement (money only to those who see
    claim money) and the start of the analysis."""
    from .permissions import sees_claim_money

    head = str(row.get_proposed_outcome_display() or "")
    if row.proposed_amount is not None and sees_claim_money(user):
        head = f"{head} · {row.proposed_amount:,.2f} {row.currency}" if head else f"{row.proposed_amount:,.2f} {row.currency}"
    analysis = (row.analysis or "").strip()
    if len(analysis) > 300:
        analysis = analysis[:299] + "…"
    return "\n".join(part for part in (head, analysis) if part)


def _claim_url(row) -> str:
    return reverse("claims:detail", args=[row.pk])


work.register(work.Source(
    module="claims", label=_("Claims"), model=Claim,
    open=Q(status__in=OPEN_STATUSES) | Q(status=S.SETTLED, closed_at__isnull=True), url=_claim_url,
    steps=(
        work.Step("submit", _("Collect the documents and submit for analysis"), SALES, Q(status=S.COLLECTING),
                  assignee="owner"),
        work.Step("propose", _("Analyse and propose a settlement"), ANALYSTS, Q(status=S.ANALYSING)),
        work.Step("approve", _("Approve the proposal"), GM, Q(status=S.AWAITING_APPROVAL),
                  subject=_proposal),
        work.Step("negotiate", _("Offer to the customer and record the answer"), SALES, Q(status=S.NEGOTIATING),
                  assignee="owner"),
        work.Step("fix_responsibility", _("Hold the responsibility meeting"), GM, Q(status=S.RESPONSIBILITY)),
        work.Step("settle", _("Settle: record payment or credit"), FINANCE, Q(status=S.SETTLING)),
        work.Step("accept_no_capa", _("Accept that no corrective action is needed, or raise it"), QA,
                  Q(status=S.SETTLED, closed_at__isnull=True) & ~Q(no_capa_reason="")),
    ),
))


def _supplier_url(row) -> str:
    return reverse("claims:supplier_detail", args=[row.pk])


def _supplier_about(row) -> str:
    return str(row.supplier)


work.register(work.Source(
    module="supplier_claims", label=_("Supplier claims"), model=SupplierClaim,
    open=Q(status__in=(C.DRAFT, C.SENT, C.AGREED)), url=_supplier_url, customer="claim__customer",
    related=("supplier",), describe=_supplier_about,
    steps=(
        work.Step("send", _("Send the claim letter to the supplier"), PURCHASING, Q(status=C.DRAFT),
                  assignee="handler"),
        work.Step("agree", _("Agree the charge-back with the supplier"), APPROVERS, Q(status=C.SENT),
                  assignee="negotiator"),
        work.Step("recover", _("Record the recovered amount"), PURCHASING | FINANCE, Q(status=C.AGREED),
                  assignee="handler"),
    ),
))
