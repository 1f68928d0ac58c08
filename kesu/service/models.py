"""Customer service records: visits and return visits (issue 21 §2)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.models import CompanyScopedModel

from .choices import Confirmation, VisitKind, VisitPurpose

USER = settings.AUTH_USER_MODEL


class Visit(CompanyScopedModel):
    """An on-site visit or a phone return visit (《顾客回访信息表》, 《电话回访登记表》)."""

    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.ONSITE)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="service_visits")
    contacts = models.ManyToManyField("customers.Contact", verbose_name=_("contacts met"), blank=True,
                                      related_name="service_visits")
    contacts_text = models.CharField(_("other people met"), max_length=300, blank=True)
    visited_by = models.ForeignKey(USER, verbose_name=_("who went"), on_delete=models.PROTECT, related_name="+")
    companions = models.CharField(_("accompanied by"), max_length=200, blank=True)
    visited_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=VisitPurpose.choices,
                               default=VisitPurpose.ROUTINE)
    complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint followed up"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="service_follow_ups")
    view_quality = models.TextField(_("quality"), blank=True, max_length=2000)
    view_delivery = models.TextField(_("delivery"), blank=True, max_length=2000)
    view_service = models.TextField(_("service"), blank=True, max_length=2000)
    view_price = models.TextField(_("price"), blank=True, max_length=2000)
    view_needs = models.TextField(_("new needs"), blank=True, max_length=2000)
    findings = models.TextField(_("findings"), blank=True, max_length=5000)
    confirmation = models.CharField(_("improvement confirmed by the customer"), max_length=20, blank=True,
                                    choices=Confirmation.choices)
    confirmation_note = models.CharField(_("what the customer said"), max_length=500, blank=True)
    finding_complaint = models.ForeignKey("complaints.Complaint", verbose_name=_("complaint raised from the finding"),
                                          null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="service_findings")
    finding_action = models.ForeignKey("capa.CorrectiveAction",
                                       verbose_name=_("corrective action raised from the finding"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="service_findings")
    recorded_by = models.ForeignKey(USER, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["company", "visited_on"], name="service_visit_company_day_idx"),
                   models.Index(fields=["customer", "visited_on"], name="service_visit_customer_day_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer} {self.visited_on:%Y-%m-%d}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.purpose == VisitPurpose.AFTER_CLOSURE and not self.complaint_id:
            errors["complaint"] = _("Name the closed complaint this visit follows up.")
        if self.confirmation and not self.complaint_id:
            errors["confirmation"] = _("Only a visit that follows up a complaint records the customer's confirmation.")
        if errors:
            raise ValidationError(errors)
