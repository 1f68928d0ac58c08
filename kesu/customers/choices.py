"""Choices for customer master data: stable lowercase values, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerType(models.TextChoices):
    OEM = "oem", _("OEM")
    AFTERMARKET = "aftermarket", _("Aftermarket")
    DISTRIBUTOR = "distributor", _("Distributor")
    END_USER = "end_user", _("End user")


class CustomerStatus(models.TextChoices):
    POTENTIAL = "potential", _("Potential")
    EXISTING = "existing", _("Existing")
    LOST = "lost", _("Lost")


class Importance(models.TextChoices):
    A = "a", _("A (key)")
    B = "b", _("B (important)")
    C = "c", _("C (general)")


class ContractKind(models.TextChoices):
    """Seed 002 §4: the kinds of contract that go through review."""

    CONTRACT = "contract", _("Contract")
    ORDER = "order", _("Order")
    TENDER = "tender", _("Tender")
    TECHNICAL = "technical", _("Technical agreement")
    FOREIGN_TRADE = "foreign_trade", _("Foreign-trade contract")
    INFORMAL = "informal", _("Informal order")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Currency(models.TextChoices):
    CNY = "CNY", _("CNY (yuan)")
    USD = "USD", _("USD (US dollar)")
    EUR = "EUR", _("EUR (euro)")
    HKD = "HKD", _("HKD (Hong Kong dollar)")
    TWD = "TWD", _("TWD (New Taiwan dollar)")
    JPY = "JPY", _("JPY (yen)")
