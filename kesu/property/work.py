"""What customer property waits for (issue 19 §8; seed 000 §4.4): loans to approve, issue and bring back, damage
reports to remedy, tell the customer and book, drawing copies whose holders must confirm a recall, calibrations
due, inventory lines to confirm."""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kesu.core import work

from .choices import (
    ON_SITE_STATUSES,
    OPEN_DAMAGE_STATUSES,
    OPEN_LOAN_STATUSES,
    CopyStatus,
    DamageStatus,
    ItemType,
)
from .choices import LoanStatus as L
from .models import ControlledCopy, DamageReport, InventoryCheck, InventoryLine, Loan, PropertyItem
from .workflow import FINANCE, INVENTORY_CLOSERS, KEEPERS, SALES, STAFF

work.register(work.Source(
    module="property_loans", label=_("Customer property loans"), model=Loan,
    open=Q(status__in=OPEN_LOAN_STATUSES), url=lambda row: reverse("property:loan_detail", args=[row.pk]),
    customer="item__customer", related=("item",), describe=lambda row: str(row.item),
    steps=(
        # Seed 000 §4.4.2: sales approves the loan slip (or records the customer's consent).
        work.Step("approve", _("Approve the loan or record the customer's consent"), SALES,
                  Q(status=L.REQUESTED), assignee="sales_owner"),
        work.Step("issue", _("Issue the item to the borrower"), KEEPERS, Q(status=L.APPROVED),
                  department="keeper_department"),
        work.Step("return", _("Bring the borrowed item back"), STAFF, Q(status=L.ISSUED), assignee="requested_by",
                  due=F("due_at")),
    ),
))

work.register(work.Source(
    module="property_damage", label=_("Customer property damage"), model=DamageReport,
    open=Q(status__in=OPEN_DAMAGE_STATUSES), url=lambda row: reverse("property:damage_detail", args=[row.pk]),
    customer="item__customer", related=("item",), describe=lambda row: str(row.item),
    steps=(
        work.Step("record_remedy", _("Take and record the remedial action"), KEEPERS,
                  Q(status=DamageStatus.REPORTED), department="keeper_department"),
        work.Step("notify_customer", _("Notify the customer in writing"), SALES, Q(status=DamageStatus.REMEDIED),
                  assignee="sales_owner"),
        work.Step("record_answer", _("Record the customer's answer"), SALES, Q(status=DamageStatus.NOTIFIED),
                  assignee="sales_owner"),
        work.Step("book_cost", _("Book the cost with its bearer"), FINANCE, Q(status=DamageStatus.ANSWERED)),
    ),
))

work.register(work.Source(
    module="property_copies", label=_("Drawing copies"), model=ControlledCopy,
    open=Q(status=CopyStatus.RECALLING), url=lambda row: reverse("property:document_detail",
                                                               args=[row.revision.document_id]),
    number=lambda row: row.number, customer="revision__document__customer", related=("revision__document",),
    describe=lambda row: str(row.revision.document),
    steps=(
        # Issue 19 §2: each holder confirms the return or destruction of a superseded copy.
        work.Step("confirm_recall", _("Return or destroy the superseded copy"), STAFF,
                  Q(status=CopyStatus.RECALLING), department="department"),
    ),
))

work.register(work.Source(
    module="property_items", label=_("Customer property"), model=PropertyItem,
    open=Q(item_type=ItemType.GAUGE, status__in=ON_SITE_STATUSES, calibration_reminded_for__isnull=False),
    url=lambda row: reverse("property:item_detail", args=[row.pk]),
    steps=(
        work.Step("calibrate", _("Have the measuring equipment calibrated"), KEEPERS,
                  Q(calibration_reminded_for__isnull=False), department="keeper_department"),
    ),
))

work.register(work.Source(
    module="property_inventory", label=_("Customer property inventory"), model=InventoryLine,
    open=Q(result="", check_run__status="open"),
    url=lambda row: reverse("property:inventory_detail", args=[row.check_run_id]),
    number=lambda row: row.item.number, customer="item__customer", related=("item",),
    describe=lambda row: str(row.item),
    steps=(
        work.Step("confirm_inventory", _("Confirm the item in the inventory check"), STAFF, Q(result=""),
                  department="department"),
    ),
))

work.register(work.Source(
    module="property_inventory", label=_("Customer property inventory"), model=InventoryCheck,
    open=Q(status="open"), url=lambda row: reverse("property:inventory_detail", args=[row.pk]),
    number=lambda row: str(row.year), customer=None, describe=lambda row: str(_("Inventory check")),
    steps=(
        # Issue 19 §5: once every department confirmed its lines, whoever started the check closes it.
        work.Step("close_inventory", _("Close the inventory check"), INVENTORY_CLOSERS,
                  Q(status="open") & ~Q(lines__result=""), assignee="started_by"),
    ),
))
