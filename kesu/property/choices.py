"""Choices of customer property (seed 000 §4.4; issue 19). Stable lowercase values, translated labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.accounts.models import DepartmentKind


class ItemType(models.TextChoices):
    """What a customer hands over (issue 19 §1)."""

    SAMPLE = "sample", _("Sample or sample part")
    TOOLING = "tooling", _("Tooling, mould or fixture")
    GAUGE = "gauge", _("Gauge or measuring equipment")
    MATERIAL = "material", _("Material or packaging")
    DRAWING = "drawing", _("Drawing")
    DOCUMENT = "document", _("Specification or other document")
    SOFTWARE = "software", _("Software or data")
    INTANGIBLE = "intangible", _("Confidential information or personal data")


# Seed 000 §4.4.1: samples and sample parts go to production, drawings to engineering, documents and measuring
# equipment to QA (品质部). The rest follows the nearest of these; sales keeps intangible property.
KEEPER_KIND: dict[str, str] = {
    ItemType.SAMPLE: DepartmentKind.PRODUCTION,
    ItemType.TOOLING: DepartmentKind.PRODUCTION,
    ItemType.MATERIAL: DepartmentKind.PRODUCTION,
    ItemType.DRAWING: DepartmentKind.ENGINEERING,
    ItemType.SOFTWARE: DepartmentKind.ENGINEERING,
    ItemType.DOCUMENT: DepartmentKind.QA,
    ItemType.GAUGE: DepartmentKind.QA,
    ItemType.INTANGIBLE: DepartmentKind.SALES,
}


class ItemStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_USE = "in_use", _("In use")
    ON_LOAN = "on_loan", _("On loan")
    RETURNED = "returned", _("Returned to the customer")
    SCRAPPED = "scrapped", _("Scrapped with the customer's consent")
    LOST = "lost", _("Lost, not found")
    DAMAGED = "damaged", _("Damaged")


ON_SITE_STATUSES = (ItemStatus.RECEIVED, ItemStatus.IN_USE, ItemStatus.ON_LOAN, ItemStatus.DAMAGED)
LENDABLE_STATUSES = (ItemStatus.RECEIVED, ItemStatus.IN_USE)


class InformationKind(models.TextChoices):
    DRAWING = "drawing", _("Drawings and technical data")
    SPECIFICATION = "specification", _("Specifications and standards")
    COMMERCIAL = "commercial", _("Prices, volumes and plans")
    QUALITY = "quality", _("Quality data")
    PERSONAL = "personal", _("Personal data of the customer's people")
    OTHER = "other", _("Other")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Normal")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")


RESTRICTED_LEVELS = (Confidentiality.CONFIDENTIAL, Confidentiality.SECRET)


class Terms(models.TextChoices):
    """What happens to the item at the end (return-or-keep terms)."""

    RETURN_BY = "return_by", _("Return by a date")
    DESTROY = "destroy", _("Destroy on completion")
    KEEP = "keep", _("Keep")


class LoanStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued to the borrower")
    RETURNED = "returned", _("Returned")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_LOAN_STATUSES = (LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.ISSUED)


class Condition(models.TextChoices):
    GOOD = "good", _("Good, as issued")
    DAMAGED = "damaged", _("Damaged")


class DamageKind(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    LOST = "lost", _("Lost, not found")
    UNSUITABLE = "unsuitable", _("Unsuitable for use")


class DamageStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    REMEDIED = "remedied", _("Remedial action recorded")
    NOTIFIED = "notified", _("Customer notified")
    ANSWERED = "answered", _("Customer answered")
    CLOSED = "closed", _("Closed")


OPEN_DAMAGE_STATUSES = (DamageStatus.REPORTED, DamageStatus.REMEDIED, DamageStatus.NOTIFIED, DamageStatus.ANSWERED)


class RevisionStatus(models.TextChoices):
    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded")


class CopyStatus(models.TextChoices):
    ISSUED = "issued", _("Issued to the holder")
    RECALLING = "recalling", _("Recall requested")
    RETURNED = "returned", _("Returned")
    DESTROYED = "destroyed", _("Destroyed")


class DocumentKind(models.TextChoices):
    DRAWING = "drawing", _("Drawing")
    DOCUMENT = "document", _("Document")


class InventoryStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class InventoryResult(models.TextChoices):
    PRESENT = "present", _("Present, in order")
    DAMAGED = "damaged", _("Present, damaged")
    MISSING = "missing", _("Missing")
