"""Stable values of claims, supplier claims and the quality cost ledger (labels are translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    COLLECTING = "collecting", _("Collecting documents")
    ANALYSING = "analysing", _("Initial analysis")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    NEGOTIATING = "negotiating", _("Negotiating with the customer")
    RESPONSIBILITY = "responsibility", _("Fixing responsibility")
    SETTLING = "settling", _("Settlement by finance")
    SETTLED = "settled", _("Paid or credited")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_STATUSES = (ClaimStatus.SETTLED, ClaimStatus.WITHDRAWN, ClaimStatus.CANCELLED)
OPEN_STATUSES = tuple(s for s in ClaimStatus if s not in CLOSED_STATUSES)


class ItemKind(models.TextChoices):
    """What the customer claims for (issue 5 §1)."""

    REPLACEMENT_PARTS = "replacement_parts", _("Replacement parts")
    LABOUR = "labour", _("Labour")
    FREIGHT = "freight", _("Freight")
    LINE_STOPPAGE = "line_stoppage", _("Line-stoppage penalty")
    SORTING = "sorting", _("Sorting")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    """What sales collects before the claim can go to analysis (seed 000 §4.2.1)."""

    CLAIM_LETTER = "claim_letter", _("Customer's claim letter")
    INVOICE = "invoice", _("Invoices and receipts")
    PHOTOS = "photos", _("Photos of the defect")
    INSPECTION_REPORT = "inspection_report", _("Inspection or sorting report")
    SHIPPING = "shipping", _("Freight documents")
    STOPPAGE_RECORD = "stoppage_record", _("Line-stoppage record")
    AGREEMENT = "agreement", _("Customer's written agreement")
    OTHER = "other", _("Other")


DEFAULT_REQUIRED_DOCUMENTS = [DocumentKind.CLAIM_LETTER.value, DocumentKind.INVOICE.value, DocumentKind.PHOTOS.value]
# An item of this kind also needs this document (a freight claim without freight papers is not complete).
DOCUMENTS_FOR_ITEMS = {
    ItemKind.FREIGHT: DocumentKind.SHIPPING,
    ItemKind.LINE_STOPPAGE: DocumentKind.STOPPAGE_RECORD,
    ItemKind.SORTING: DocumentKind.INSPECTION_REPORT,
}


class Outcome(models.TextChoices):
    OURS = "ours", _("Our responsibility: compensate")
    NOT_OURS = "not_ours", _("Not our responsibility: no compensation")


class Answer(models.TextChoices):
    PENDING = "pending", _("Waiting for the customer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ResponsibleParty(models.TextChoices):
    DEPARTMENT = "department", _("A department of ours")
    SALESPERSON = "salesperson", _("The salesperson")
    SUPPLIER = "supplier", _("A supplier")
    CUSTOMER = "customer", _("The customer")


class SettlementMethod(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    CREDIT = "credit", _("Credit note against invoices")


class SupplierClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to the supplier")
    AGREED = "agreed", _("Agreed with the supplier")
    RECOVERED = "recovered", _("Recovered")
    WRITTEN_OFF = "written_off", _("Written off")


SUPPLIER_CLOSED = (SupplierClaimStatus.RECOVERED, SupplierClaimStatus.WRITTEN_OFF)


class CostCategory(models.TextChoices):
    """External failure cost (质量成本 · 外部损失) by what the money went on."""

    COMPENSATION = "compensation", _("Compensation")
    RETURN = "return", _("Return")
    REPAIR = "repair", _("Repair")
    ON_SITE = "on_site", _("On-site service")
    REPLACEMENT = "replacement", _("Replacement")
    EXTRA_FREIGHT = "extra_freight", _("Extra freight")
    SCRAPPED_RETURN = "scrapped_return", _("Scrapped return")
    SORTING = "sorting", _("Sorting")
    LABOUR = "labour", _("Labour")
    LINE_STOPPAGE = "line_stoppage", _("Line-stoppage penalty")
    OTHER = "other", _("Other")


CATEGORY_OF_ITEM = {
    ItemKind.REPLACEMENT_PARTS: CostCategory.REPLACEMENT,
    ItemKind.LABOUR: CostCategory.LABOUR,
    ItemKind.FREIGHT: CostCategory.EXTRA_FREIGHT,
    ItemKind.LINE_STOPPAGE: CostCategory.LINE_STOPPAGE,
    ItemKind.SORTING: CostCategory.SORTING,
    ItemKind.OTHER: CostCategory.COMPENSATION,
}


class EntryKind(models.TextChoices):
    COST = "cost", _("Cost")
    RECOVERY = "recovery", _("Recovery from a supplier")


class Bearer(models.TextChoices):
    """Who bears a cost (design §4; 004 §6 assesses salespeople on it)."""

    COMPANY = "company", _("The company (not assigned)")
    DEPARTMENT = "department", _("Department")
    SALESPERSON = "salesperson", _("Salesperson")
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")


BEARER_OF_PARTY = {
    ResponsibleParty.DEPARTMENT: Bearer.DEPARTMENT,
    ResponsibleParty.SALESPERSON: Bearer.SALESPERSON,
    ResponsibleParty.SUPPLIER: Bearer.SUPPLIER,
    ResponsibleParty.CUSTOMER: Bearer.CUSTOMER,
}


class LedgerGroup(models.TextChoices):
    """How the ledger totals are broken down (issue 5 §4)."""

    PERIOD = "period", _("Period")
    CUSTOMER = "customer", _("Customer")
    PART = "part", _("Part")
    DEPARTMENT = "department", _("Department")
    SALESPERSON = "salesperson", _("Salesperson")
    SUPPLIER = "supplier", _("Supplier")
    CATEGORY = "category", _("Cost category")
    BEARER = "bearer", _("Who bears it")
